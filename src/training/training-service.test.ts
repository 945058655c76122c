import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { applyFittedRecipe } from '../data/index.js';
import { openTestData, type TestData } from '../data/data-fixture.js';
import { JobService } from '../jobs/index.js';
import { RegistryService } from '../registry/index.js';
import { TrackingService } from '../tracking/index.js';
import { churnCsv } from './search-fixture.js';
import type { TrainResult } from './train-job.js';
import { TrainingService } from './training-service.js';

describe('training jobs', () => {
  let t: TestData;
  let training: TrainingService;
  let tracking: TrackingService;
  let registry: RegistryService;
  let jobs: JobService;

  const run = async (spec: Record<string, unknown>) => {
    const job = await training.train(spec, null);
    await jobs.whenIdle();
    return jobs.get(job.id);
  };

  before(async () => {
    t = await openTestData();
    const file = path.join(t.dir, 'churn.csv');
    writeFileSync(file, churnCsv(1500, 3, { signup: true, missingUsage: 0.05 }));
    await t.data.ingestFile(file, { name: 'churn', filename: 'churn.csv', target: 'churned' }, null);
    writeFileSync(
      file,
      churnCsv(400, 4, { signup: true, missingUsage: 0.05 }).replace(/,(left|stayed)\n/g, ',left\n'),
    );
    await t.data.ingestFile(file, { name: 'one-class', filename: 'churn.csv' }, null);
    tracking = new TrackingService(t.meta, t.blobs, t.audit);
    registry = new RegistryService(t.meta, t.audit, tracking);
    jobs = new JobService(t.meta, t.audit);
    training = new TrainingService({ data: t.data, tracking, registry }, jobs);
  });
  after(async () => {
    await jobs.close();
    await registry.webhooks.close();
    await t.close();
  });

  it('trains a logistic regression from a dataset version, tracks it, registers it and serves raw rows', async () => {
    const job = await run({ data: 'churn@1', target: 'churned', model: 'logistic', register: 'churn' });
    assert.equal(job.status, 'succeeded', JSON.stringify(job.error));
    const result = job.result as TrainResult;
    assert.equal(result.task, 'binary');
    assert.deepEqual(result.rows, { train: 1200, test: 300 });
    assert.deepEqual(result.excluded.map((e) => `${e.column}:${e.reason}`).sort(), [
      'customer_id:identifier',
      'signup:datetime',
    ]);
    // One-hot columns of region and plan, scaled numbers.
    assert.ok(result.features.includes('region_south') && result.features.includes('usage'));
    assert.ok(result.metrics['roc_auc']! > 0.75, `AUC ${result.metrics['roc_auc']}`);
    const stored = await tracking.runs.get(result.runId);
    assert.equal(stored.info.status, 'FINISHED');
    const metric = (k: string) => stored.data.metrics.find((m) => m.key === k)?.value;
    assert.equal(metric('test_roc_auc'), result.metrics['roc_auc']);
    assert.equal(stored.data.params.find((p) => p.key === 'model')?.value, 'logistic');
    assert.ok(
      metric('train_aic')! > 0 && metric('train_bic')! > metric('train_aic')!,
      `AIC and BIC are logged: ${JSON.stringify(stored.data.metrics.map((m) => m.key))}`,
    );
    assert.deepEqual(result.registered, { name: 'churn', version: '1' });
    const lineage = await registry.lineage('churn', 1);
    assert.ok(
      JSON.stringify(lineage).includes('churn@1'),
      'the model version links back to the dataset version',
    );

    const predictor = await training.runModel(result.runId);
    assert.deepEqual(predictor.signature.classes, ['left', 'stayed']);
    const rows = (await t.data.rows('churn@1', { limit: 50 })).rows;
    const out = await predictor.predict(rows);
    assert.equal(out.predictions.length, 50);
    assert.ok(out.predictions.every((p) => p === 'left' || p === 'stayed'));
    // The served path (recipe row by row) gives the numbers of the training matrix path.
    for (const row of rows.slice(0, 10)) {
      const encoded = applyFittedRecipe(predictor.metadata.recipe!, row)!;
      assert.ok(result.features.every((f) => typeof encoded[f] === 'number'));
    }
    const missingUsage = await predictor.predict([{ ...rows[0], usage: null }]);
    assert.equal(missingUsage.predictions.length, 1, 'a missing value is imputed');
    await assert.rejects(predictor.predict([{ usage: 3 }]), /missing required columns tenure, region, plan/);
  });

  it('trains a random forest regressor with cross-validation and records the folds', async () => {
    const job = await run({
      data: 'churn@latest',
      target: 'usage',
      model: 'rf',
      drop: ['churned'],
      params: { trees: 10, maxDepth: 6 },
      cv: 3,
      features: ['tenure', 'region', 'plan'],
    });
    // usage has missing values: a regression target must be complete.
    assert.equal(job.status, 'failed');
    assert.match(job.error!.message, /target usage is missing in \d+ rows/);

    const ok = await run({
      data: 'churn@1',
      target: 'tenure',
      model: 'rf',
      params: { trees: 10, maxDepth: 6 },
      cv: 3,
      task: 'regression',
    });
    assert.equal(ok.status, 'succeeded', JSON.stringify(ok.error));
    const result = ok.result as TrainResult;
    assert.equal(result.task, 'regression');
    assert.ok(result.cv && result.cv['rmse']!.mean > 0 && result.cv['rmse']!.std >= 0);
    const stored = await tracking.runs.get(result.runId);
    assert.ok(stored.data.metrics.some((m) => m.key === 'cv_rmse_mean'));
  });

  it('explains a trained model: SHAP summary, waterfalls, permutation importance and partial dependence', async () => {
    const trained = await run({
      data: 'churn@1',
      target: 'churned',
      model: 'rf',
      params: { trees: 20, maxDepth: 6 },
    });
    const { runId } = trained.result as TrainResult;
    const job = await jobs.start('explain', { runId, rows: 100 }, null);
    await jobs.whenIdle();
    const done = await jobs.get(job.id);
    assert.equal(done.status, 'succeeded', JSON.stringify(done.error));
    const result = done.result as { method: string; rows: number; globalImportance: { feature: string }[] };
    assert.equal(result.method, 'tree');
    assert.equal(result.rows, 100);
    const stored = await tracking.artifacts.openArtifact(runId, 'explanations.json');
    const chunks: Buffer[] = [];
    for await (const c of stored.stream) chunks.push(c as Buffer);
    const ex = JSON.parse(Buffer.concat(chunks).toString());
    // usage and tenure drive churn in the generator; region and plan less.
    assert.deepEqual(
      ex.globalImportance
        .slice(0, 2)
        .map((g: { feature: string }) => g.feature)
        .sort(),
      ['tenure', 'usage'],
    );
    // Each waterfall adds up: base + contributions = output.
    for (const row of ex.rows) {
      const sum = row.contributions.reduce((a: number, c: { shap: number }) => a + c.shap, row.base);
      assert.ok(Math.abs(sum - row.output) < 1e-4);
    }
    assert.equal(ex.permutationImportance.length, ex.features.length);
    assert.ok(ex.partialDependence.usage.grid.length > 1);
    assert.equal(ex.inputRows.length, ex.rows.length);

    const logistic = await run({ data: 'churn@1', target: 'churned', model: 'logistic' });
    const perm = await jobs.start(
      'explain',
      { runId: (logistic.result as TrainResult).runId, rows: 30 },
      null,
    );
    await jobs.whenIdle();
    const permDone = await jobs.get(perm.id);
    assert.equal(permDone.status, 'succeeded', JSON.stringify(permDone.error));
    assert.equal((permDone.result as { method: string }).method, 'permutation');
    await assert.rejects(
      jobs.start('explain', { runId: (logistic.result as TrainResult).runId, method: 'tree' }, null),
      /method: tree needs a tree model/,
    );
  });

  it('grows a forest on two threads from a job, the same model as on one', async () => {
    const spec = { data: 'churn@1', target: 'churned', model: 'rf', params: { trees: 12, maxDepth: 5 } };
    const one = await run(spec);
    const two = await run({ ...spec, params: { ...spec.params, threads: 2 } });
    assert.equal(two.status, 'succeeded', JSON.stringify(two.error));
    assert.deepEqual((two.result as TrainResult).metrics, (one.result as TrainResult).metrics);
  });

  it('boosts with native category splits, and reads a text column of more than 255 values as codes', async () => {
    const job = await run({
      data: 'churn@1',
      target: 'churned',
      model: 'gbdt',
      features: ['usage', 'tenure', 'region', 'plan', 'customer_id'],
      params: { rounds: 20 },
    });
    assert.equal(job.status, 'succeeded', JSON.stringify(job.error));
    const stored = await tracking.runs.get((job.result as TrainResult).runId);
    const cats = stored.data.params.find((p) => p.key === 'categoricalFeatures')?.value;
    const features = (job.result as TrainResult).features;
    assert.deepEqual(
      JSON.parse(cats!).map((i: number) => features[i]),
      ['region', 'plan'],
      'region and plan split natively; customer_id (1,500 values) by its codes',
    );
  });

  it('holds out the latest rows with a time split and folds forward in time', async () => {
    const job = await run({
      data: 'churn@1',
      target: 'churned',
      model: 'naive-bayes',
      split: { kind: 'time', column: 'signup' },
      cv: 3,
    });
    assert.equal(job.status, 'succeeded', JSON.stringify(job.error));
    const result = job.result as TrainResult;
    assert.ok(result.excluded.some((e) => e.column === 'signup' && e.reason === 'split'));
    assert.ok(result.cv?.['accuracy']);
    const stored = await tracking.runs.get(result.runId);
    assert.equal(stored.data.params.find((p) => p.key === 'split')?.value, 'holdout 0.2 latest by signup');
  });

  it('refuses bad requests before queueing, naming the field', async () => {
    await assert.rejects(
      training.train({ data: 'churn@1', target: 'churned', model: 'xgb' }, null),
      /unknown model "xgb"; valid models are/,
    );
    await assert.rejects(
      training.train({ data: 'churn@1', target: 'nope', model: 'rf' }, null),
      /churn@1 has no column "nope"/,
    );
    await assert.rejects(
      training.train({ data: 'churn@1', target: 'churned', model: 'rf', params: { depth: 3 } }, null),
      /params.depth: model rf has no hyperparameter "depth"; it has criterion, maxDepth/,
    );
    await assert.rejects(training.train({ data: 'churn@9', target: 'churned', model: 'rf' }, null), {
      code: 'NOT_FOUND',
    });
    await assert.rejects(
      training.train({ data: 'churn@1', target: 'churned', model: 'rf', testSize: 2 }, null),
      /testSize: must be a share/,
    );
  });

  it('fails a job with a clear message for a one-class target or an out-of-range hyperparameter', async () => {
    const one = await run({ data: 'one-class@1', target: 'churned', model: 'logistic' });
    assert.equal(one.status, 'failed');
    assert.match(one.error!.message, /target churned has a single class \("left"\)/);
    const bad = await run({ data: 'churn@1', target: 'churned', model: 'logistic', params: { C: -1 } });
    assert.equal(bad.status, 'failed');
    assert.match(bad.error!.message, /C must be/);
  });

  it('cancels a running job: the run is KILLED, the job cancelled, nothing registered', async () => {
    const job = await training.train(
      { data: 'churn@1', target: 'churned', model: 'rf', params: { trees: 3000 }, register: 'never' },
      null,
    );
    for (let i = 0; i < 200 && (await jobs.get(job.id)).status !== 'running'; i++)
      await new Promise((r) => setTimeout(r, 20));
    await new Promise((r) => setTimeout(r, 300));
    await jobs.cancel(job.id, null);
    await jobs.whenIdle();
    const done = await jobs.get(job.id);
    assert.equal(done.status, 'cancelled');
    const runs = await tracking.search.searchRuns({
      experimentIds: [(await tracking.experiments.getByName('churn')).experimentId],
      filter: `tags.\`lathe.job\` = '${job.id}'`,
    });
    assert.equal(runs.items.length, 1);
    assert.equal(runs.items[0]!.info.status, 'KILLED');
    await assert.rejects(registry.models.get('never'), { code: 'NOT_FOUND' });
    await assert.rejects(jobs.cancel(job.id, null), /only queued or running jobs can be cancelled/);
  });
});
