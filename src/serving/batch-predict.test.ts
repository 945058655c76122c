import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { openTestData, type TestData } from '../data/data-fixture.js';
import { profileParquet } from '../data/profile.js';
import { type JobContext, JobService } from '../jobs/index.js';
import { ModelService } from '../models/index.js';
import { RegistryService } from '../registry/index.js';
import { TrackingService } from '../tracking/index.js';
import { churnCsv } from '../training/search-fixture.js';
import { TrainingService } from '../training/index.js';
import { runBatchPredict } from './batch-predict.js';
import { checkBatchPredictSpec } from './batch-predict-spec.js';
import { BatchScoring } from './batch-scoring.js';
import type { BatchPredictResult } from './index.js';

describe('batch scoring', () => {
  let t: TestData;
  let registry: RegistryService;
  let jobs: JobService;
  let models: ModelService;
  let scoring: BatchScoring;
  let workRoot: string;

  const score = async (spec: Record<string, unknown>) => {
    const job = await scoring.start(spec, null);
    await jobs.whenIdle();
    return jobs.get(job.id);
  };
  const rowsOf = async (ref: string, offset: number, limit: number) =>
    (await t.data.rows(ref, { offset, limit })).rows as Record<string, unknown>[];

  before(async () => {
    t = await openTestData();
    const file = path.join(t.dir, 'churn.csv');
    writeFileSync(file, churnCsv(2500, 5, { missingUsage: 0.05 }));
    await t.data.ingestFile(file, { name: 'churn', filename: 'churn.csv', target: 'churned' }, null);
    writeFileSync(file, 'customer_id,tenure\n1,3\n2,4\n');
    await t.data.ingestFile(file, { name: 'thin', filename: 'thin.csv' }, null);
    const tracking = new TrackingService(t.meta, t.blobs, t.audit);
    registry = new RegistryService(t.meta, t.audit, tracking);
    jobs = new JobService(t.meta, t.audit);
    const training = new TrainingService({ data: t.data, tracking, registry }, jobs);
    await training.train({ data: 'churn@1', target: 'churned', model: 'logistic', register: 'churn' }, null);
    await jobs.whenIdle();
    await registry.models.setAlias('churn', 'champion', 1, null);
    models = new ModelService({ tracking, registry });
    workRoot = path.join(t.dir, 'work');
    scoring = new BatchScoring({ data: t.data, models, workRoot }, jobs);
  });
  after(async () => {
    await jobs.close();
    await models.close();
    await registry.webhooks.close();
    await t.close();
  });

  it('scores a dataset version chunk by chunk into a new version, equal to row-by-row predictions, with lineage', async () => {
    const job = await score({
      model: 'churn@champion',
      data: 'churn@latest',
      out: 'churn-scored',
      chunkRows: 1000,
    });
    assert.equal(job.status, 'succeeded', JSON.stringify(job.error));
    assert.deepEqual(job.spec, {
      model: 'churn@1',
      data: 'churn@1',
      out: 'churn-scored',
      keep: 'all',
      chunkRows: 1000,
    });
    const result = job.result as BatchPredictResult;
    assert.equal(result.output, 'churn-scored@1');
    assert.equal(result.rows, 2500);
    assert.equal(result.chunks, 3);
    assert.equal(result.resumedChunks, 0);

    const out = await t.data.version('churn-scored@1');
    const input = await t.data.version('churn@1');
    assert.deepEqual(
      out.columns.map((c) => c.name),
      [...input.columns.map((c) => c.name), 'prediction', 'probability_left', 'probability_stayed'],
    );
    assert.deepEqual(out.source, { kind: 'predictions', model: 'churn@1', data: 'churn@1' });
    for (const offset of [0, 995, 2450]) {
      const scored = await rowsOf('churn-scored@1', offset, 50);
      const raw = await rowsOf('churn@1', offset, 50);
      const expected = await models.predict('churn@1', raw);
      assert.deepEqual(
        scored.map((r) => r['customer_id']),
        raw.map((r) => r['customer_id']),
        'rows keep their order',
      );
      assert.deepEqual(
        scored.map((r) => r['prediction']),
        expected.predictions,
      );
      for (const [i, r] of scored.entries())
        assert.ok(Math.abs((r['probability_left'] as number) - expected.probabilities![i]![0]!) < 1e-12);
    }
    // The kept columns' profiles carry over from the input; a full profile of the file agrees.
    const { file } = await t.data.versionFile('churn-scored@1');
    const engine = await t.data.engine();
    const full = await profileParquet(
      engine,
      file,
      await engine.describe(`select * from read_parquet('${file}')`),
      {
        target: 'churned',
      },
    );
    assert.deepEqual(out.profile, full.profile);
    assert.deepEqual(out.columns, full.columns);
    assert.ok(out.profile.correlations.some((c) => c.a === 'usage' && c.b === 'probability_left'));
    const lineage = await t.data.lineage('churn-scored@1');
    assert.deepEqual(lineage.parents.map((p) => `${p.type}:${p.id}:${p.kind}`).sort(), [
      'dataset_version:churn@1:predictions',
      'model_version:churn/1:model_version→dataset_version',
    ]);
  });

  it('writes null where the model answers NaN (missing values it cannot handle)', async () => {
    const onnx = readFileSync(
      new URL('../../test/fixtures/models/onnx/sklearn-linear-zipmap.onnx', import.meta.url),
    );
    await models.importModel(
      { name: 'linear.onnx', files: new Map([['linear.onnx', new Uint8Array(onnx)]]) },
      { name: 'lin' },
      null,
    );
    const file = path.join(t.dir, 'flowers.csv');
    writeFileSync(file, 'id,x0,x1,x2,x3\n1,5.1,3.5,1.4,0.2\n2,,,,\n3,6.7,3.0,5.2,2.3\n');
    await t.data.ingestFile(file, { name: 'flowers', filename: 'flowers.csv' }, null);
    const job = await score({ model: 'lin@1', data: 'flowers@1', out: 'flower-scores', keep: ['id'] });
    assert.equal(job.status, 'succeeded', JSON.stringify(job.error));
    const rows = await rowsOf('flower-scores@1', 0, 10);
    const expected = await models.predict('lin@1', [
      { x0: 5.1, x1: 3.5, x2: 1.4, x3: 0.2 },
      { x0: 6.7, x1: 3.0, x2: 5.2, x3: 2.3 },
    ]);
    assert.deepEqual(
      rows.map((r) => [r['id'], r['prediction']]),
      [
        [1, expected.predictions[0]],
        [2, null],
        [3, expected.predictions[1]],
      ],
    );
    assert.equal(rows[1]!['probability_setosa'], null);
  });

  it('keeps only the columns asked for', async () => {
    const job = await score({ model: 'churn@1', data: 'churn@1', out: 'ids-only', keep: ['customer_id'] });
    assert.equal(job.status, 'succeeded', JSON.stringify(job.error));
    const out = await t.data.version('ids-only@1');
    assert.deepEqual(
      out.columns.map((c) => c.name),
      ['customer_id', 'prediction', 'probability_left', 'probability_stayed'],
    );
  });

  it('refuses bad specs before queueing, naming the field and the missing columns', async () => {
    const refused = async (spec: unknown, code: string, pattern: RegExp) =>
      assert.rejects(scoring.start(spec, null), (err: unknown) => {
        assert.equal((err as { code?: string }).code, code, (err as Error).message);
        assert.match((err as Error).message, pattern);
        return true;
      });
    await refused(
      { model: 'churn@1', data: 'thin@1', out: 'x' },
      'INVALID_ARGUMENT',
      /thin@1 lacks the columns .*region.* that churn@1 reads/,
    );
    await refused({ model: 'churn@9', data: 'churn@1', out: 'x' }, 'NOT_FOUND', /churn/);
    await refused({ model: 'churn@1', data: 'churn@7', out: 'x' }, 'NOT_FOUND', /churn/);
    await refused(
      { model: 'churn@1', data: 'churn@1', out: 'x', chunkRows: 10 },
      'INVALID_ARGUMENT',
      /chunkRows must be an integer in 1000\.\.1000000; got the number 10/,
    );
    await refused(
      { model: 'churn@1', data: 'churn@1', out: 'bad name!' },
      'INVALID_ARGUMENT',
      /a dataset name is/,
    );
    await refused(
      { model: 'churn@1', data: 'churn@1', out: 'x', keep: ['nope'] },
      'INVALID_ARGUMENT',
      /keep names column nope/,
    );
    await refused(
      { model: 'churn@1', data: 'churn@1', out: 'x', batch: 3 },
      'INVALID_ARGUMENT',
      /batch is not a predict option/,
    );
  });

  it('goes on from the chunks already written after an interruption, giving the same output', async () => {
    const spec = await checkBatchPredictSpec(
      { model: 'churn@1', data: 'churn@1', out: 'resumed', chunkRows: 1000 },
      { data: t.data, models },
    );
    const abort = new AbortController();
    const context = (signal: AbortSignal): JobContext => ({
      id: 'test',
      signal,
      actor: null,
      progress: (p) => {
        // Stop the first run once two chunks are written (as a shutdown would).
        if (p.message === 'chunk 3 of 3') abort.abort(new Error('server shut down'));
      },
    });
    await assert.rejects(
      runBatchPredict(spec, { data: t.data, models, workRoot }, context(abort.signal)),
      /server shut down/,
    );
    await assert.rejects(t.data.version('resumed@1'), /no dataset named "resumed"/);
    const result = await runBatchPredict(
      spec,
      { data: t.data, models, workRoot },
      context(new AbortController().signal),
    );
    assert.equal(result.resumedChunks, 2);
    assert.equal(result.output, 'resumed@1');
    const fresh = await score({ model: 'churn@1', data: 'churn@1', out: 'resumed', chunkRows: 1000 });
    // Scored again from scratch, the content is the same, so the same version answers.
    assert.equal((fresh.result as BatchPredictResult).output, 'resumed@1');
    assert.equal((fresh.result as BatchPredictResult).resumedChunks, 0);
  });
});
