import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { Registry } from 'prom-client';
import { openTestData, type TestData } from '../data/data-fixture.js';
import { ModelService, rowsToBatch } from '../models/index.js';
import { RegistryService } from '../registry/index.js';
import { TrackingService } from '../tracking/index.js';
import type { InferenceRecord } from './endpoint.js';
import { ServingService } from './serving-service.js';

const fixture = (p: string) =>
  new Uint8Array(readFileSync(new URL(`../../test/fixtures/models/${p}`, import.meta.url)));

/** Rows of the xgboost `binary` fixture's columns. */
const row = (i: number, extra: Record<string, unknown> = {}) => ({
  age: i % 7,
  income: (i * 13) % 11,
  score: i / 10,
  tenure: 3,
  visits: i % 4,
  ...extra,
});

describe('serving: deployments, routing, fallback, shadow and the inference log', () => {
  let t: TestData;
  let registry: RegistryService;
  let models: ModelService;
  let serving: ServingService;
  let metrics: Registry;
  const logged: InferenceRecord[] = [];
  const log = async (records: InferenceRecord[]) => {
    logged.push(...records);
  };
  let n = 0;
  const predict = async (name: string, rows: Record<string, unknown>[]) =>
    serving.endpoint(name).predict({ batch: rowsToBatch(rows), requestId: `req-${++n}` });

  before(async () => {
    t = await openTestData();
    const tracking = new TrackingService(t.meta, t.blobs, t.audit);
    registry = new RegistryService(t.meta, t.audit, tracking);
    models = new ModelService({ tracking, registry });
    const xgb = fixture('xgboost/binary.json');
    for (let i = 0; i < 3; i++)
      await models.importModel(
        { name: 'model.json', files: new Map([['model.json', xgb]]) },
        { name: 'churn' },
        null,
      );
    await models.importModel(
      { name: 'logistic.onnx', files: new Map([['logistic.onnx', fixture('onnx/logistic.onnx')]]) },
      { name: 'other' },
      null,
    );
    for (const name of ['slow', 'slow-backup'])
      await models.importModel(
        { name: 'mlp.onnx', files: new Map([['mlp.onnx', fixture('onnx/mlp-bench.onnx')]]) },
        { name, task: 'regression' },
        null,
      );
    await registry.models.setAlias('churn', 'champion', 1, null);
    metrics = new Registry();
    serving = new ServingService(
      { meta: t.meta, audit: t.audit, models, registry },
      { metrics, log, syncMs: 0 },
    );
    await serving.start();
  });
  after(async () => {
    await serving.close();
    await models.close();
    await registry.webhooks.close();
    await t.close();
  });

  it('applies a spec, splits traffic by share and answers with the version and a prediction ID per row', async () => {
    const applied = await serving.apply(
      'name: churn\nmodels:\n  - model: churn@1\n    traffic: 80\n  - model: churn@2\n    traffic: 20\n',
      null,
    );
    assert.equal(applied.revision, 1);
    assert.equal(applied.state, 'ready');
    assert.deepEqual(applied.versions, { 'churn@1': 'churn@1', 'churn@2': 'churn@2' });
    const counts: Record<string, number> = {};
    for (let i = 0; i < 1000; i++) {
      const a = await predict('churn', [row(i)]);
      counts[a.model.key] = (counts[a.model.key] ?? 0) + 1;
      assert.equal(a.predictionIds.length, 1);
    }
    // 20% of 1000: binomial sd ≈ 12.6; 5 sd either side.
    assert.ok(counts['churn@2']! > 137 && counts['churn@2']! < 263, JSON.stringify(counts));
    const two = await predict('churn', [row(1), row(2)]);
    assert.equal(two.prediction.rows, 2);
    assert.notEqual(two.predictionIds[0], two.predictionIds[1]);
    // The same spec again changes nothing; a bad one names its field.
    const again = await serving.apply(applied.spec, null);
    assert.equal(again.changed, false);
    assert.equal(again.revision, 1);
    await assert.rejects(
      serving.apply(
        {
          name: 'churn',
          models: [
            { model: 'churn@1', traffic: 70 },
            { model: 'churn@2', traffic: 20 },
          ],
        },
        null,
      ),
      /models traffic must sum to 100; got churn@1=70 \+ churn@2=20 = 90/,
    );
    await assert.rejects(
      serving.apply({ name: 'Bad Name', models: ['churn@1'] }, null),
      /name must be 1 to 63 lowercase/,
    );
    await assert.rejects(serving.apply({ name: 'x', models: ['nope@1'] }, null), /nope/);
    const text = await metrics.metrics();
    assert.match(
      text,
      /lathe_serving_requests_total\{endpoint="churn",model_version="churn@2",outcome="ok"\} \d+/,
    );
    assert.match(
      text,
      /lathe_serving_request_duration_seconds_bucket\{le="0.005",endpoint="churn",model_version="churn@1"\}/,
    );
    assert.match(text, /lathe_serving_batch_size_count\{model_version="churn@1"\}/);
  });

  it('routes a sticky field to one version, and keeps callers on the canary as it grows', async () => {
    await serving.apply(
      {
        name: 'sticky',
        sticky: 'user',
        models: [
          { model: 'churn@1', traffic: 50 },
          { model: 'churn@2', traffic: 50 },
        ],
      },
      null,
    );
    const seen = new Map<string, string>();
    for (let u = 0; u < 40; u++)
      for (let k = 0; k < 3; k++) {
        const a = await predict('sticky', [row(u, { user: `user-${u}` })]);
        const before = seen.get(`user-${u}`);
        if (before) assert.equal(a.model.key, before, `user-${u} moved`);
        seen.set(`user-${u}`, a.model.key);
      }
    assert.equal(new Set(seen.values()).size, 2);
    await serving.traffic('sticky', { v1: 30, v2: 70 }, null);
    for (const [user, key] of seen)
      if (key === 'churn@2') assert.equal((await predict('sticky', [row(1, { user })])).model.key, 'churn@2');
    const d = await serving.get('sticky');
    assert.equal(d.revision, 2);
    assert.deepEqual(d.spec.models, [
      { model: 'churn@1', traffic: 30 },
      { model: 'churn@2', traffic: 70 },
    ]);
  });

  it('follows an alias: moving champion swaps the version without failing a request in flight', async () => {
    await serving.apply({ name: 'champ', models: ['churn@champion'] }, null);
    assert.equal((await predict('champ', [row(1)])).model.key, 'churn@1');
    let failures = 0;
    let answered = 0;
    let stop = false;
    const load = (async () => {
      while (!stop) {
        await Promise.all(
          Array.from({ length: 8 }, (_, i) =>
            predict('champ', [row(i)]).then(
              () => answered++,
              () => failures++,
            ),
          ),
        );
      }
    })();
    await registry.models.setAlias('churn', 'champion', 3, null);
    for (let i = 0; i < 1000 && (await serving.get('champ')).versions['churn@champion'] !== 'churn@3'; i++)
      await new Promise((r) => setTimeout(r, 10));
    await new Promise((r) => setTimeout(r, 30));
    stop = true;
    await load;
    assert.equal(failures, 0);
    assert.ok(answered > 0);
    assert.equal((await predict('champ', [row(1)])).model.key, 'churn@3');
    assert.equal((await serving.get('champ')).revision, 1, 'an alias move is not a new revision');
  });

  it('answers from the fallback when the primary refuses the rows, is degraded or is too slow', async () => {
    await serving.apply({ name: 'fb', models: ['churn@2'], fallback: 'other@1' }, null);
    // Rows the primary cannot read (its columns are missing) but the fallback can.
    const other = { x0: 1, x1: 2, x2: 3, x3: 4, x4: 5 };
    const names = (await models.load('other@1')).predictor.signature.inputs.map((c) => c.name);
    const otherRow = Object.fromEntries(names.map((c, i) => [c, Object.values(other)[i]]));
    const refused = await predict('fb', [otherRow]);
    assert.equal(refused.model.key, 'other@1');
    assert.equal(refused.fallback?.reason, 'refused');
    assert.match(refused.fallback!.message, /age/);
    // Rows neither can read: the primary's error.
    await assert.rejects(predict('fb', [{ nothing: 1 }]), /age/);
    assert.equal((await predict('fb', [row(1)])).fallback, null);
    await serving.setDegraded('fb', ['churn@2'], null);
    const degraded = await predict('fb', [{ ...row(1), ...otherRow }]);
    assert.deepEqual([degraded.model.key, degraded.fallback?.reason], ['other@1', 'degraded']);
    await serving.setDegraded('fb', [], null);
    assert.equal((await predict('fb', [row(1)])).model.key, 'churn@2');
    // A latency budget: 50,000 rows through an MLP take longer than 1 ms.
    await serving.apply(
      { name: 'budget', models: ['slow@1'], fallback: 'slow-backup@1', latencyBudgetMs: 1 },
      null,
    );
    const inputs = (await models.load('slow@1')).predictor.signature.inputs.map((c) => c.name);
    const big = Array.from({ length: 50_000 }, (_, i) =>
      Object.fromEntries(inputs.map((c, j) => [c, ((i + j) % 10) / 10])),
    );
    const slow = await predict('budget', big);
    assert.deepEqual([slow.model.key, slow.fallback?.reason], ['slow-backup@1', 'timeout']);
    assert.equal(slow.prediction.rows, 50_000);
    assert.match(
      await metrics.metrics(),
      /lathe_serving_fallbacks_total\{endpoint="budget",reason="timeout"\} 1/,
    );
  });

  it('mirrors traffic to a shadow model, never returns its answers and reports agreement', async () => {
    await serving.apply({ name: 'shadowed', models: ['churn@1'], shadow: ['churn@2'] }, null);
    for (let i = 0; i < 25; i++) assert.equal((await predict('shadowed', [row(i)])).model.key, 'churn@1');
    for (let i = 0; i < 1000 && (await serving.shadowReport('shadowed'))[0]!.rows < 25; i++)
      await new Promise((r) => setTimeout(r, 5));
    const [report] = await serving.shadowReport('shadowed');
    assert.equal(report!.rows, 25);
    assert.equal(report!.agreement, 1, 'the same model file agrees with itself');
    assert.equal(report!.model, 'churn@2');
  });

  it('serves graphs: a parallel average and a switch on a request field', async () => {
    await serving.apply(
      { name: 'avg', graph: { kind: 'parallel', members: ['churn@1', 'churn@2'], combiner: 'average' } },
      null,
    );
    const rows = [row(1), row(2), row(3)];
    const single = await predict('churn', rows);
    const avg = await predict('avg', rows);
    assert.equal(avg.model.key, 'graph:parallel');
    assert.deepEqual(avg.graph?.models, ['churn@1', 'churn@2']);
    for (let i = 0; i < 6; i++)
      assert.ok(Math.abs(avg.prediction.probabilities![i]! - single.prediction.probabilities![i]!) < 1e-12);
    await serving.apply(
      {
        name: 'by-country',
        graph: {
          kind: 'switch',
          cases: [{ when: { field: 'country', op: 'in', value: ['FR', 'BE'] }, model: 'churn@2' }],
          default: 'churn@1',
        },
      },
      null,
    );
    const routed = await predict('by-country', [
      row(1, { country: 'FR' }),
      row(2, { country: 'US' }),
      row(3, { country: 'BE' }),
      row(4),
    ]);
    assert.deepEqual(routed.graph?.rowModels, ['churn@2', 'churn@1', 'churn@2', 'churn@1']);
    assert.equal(routed.prediction.rows, 4);
    await assert.rejects(
      serving.apply(
        { name: 'mixed', graph: { kind: 'parallel', members: ['churn@1', 'slow@1'], combiner: 'average' } },
        null,
      ),
      /task/,
    );
  });

  it('refuses versions whose registry gate has not passed unless the spec overrides it (audited)', async () => {
    await registry.gates.setPolicy('churn', { aliases: ['champion'], approvals: 1 }, null);
    await assert.rejects(
      serving.apply({ name: 'gated', models: ['churn@2'] }, null),
      (err: Error & { code?: string }) =>
        err.code === 'GATE_REFUSED' && /churn@2, whose registry gate has not passed/.test(err.message),
    );
    const allowed = await serving.apply({ name: 'gated', models: ['churn@2'], allowUngated: true }, null);
    assert.equal(allowed.state, 'ready');
    const audit = await t.audit.list({ objectType: 'deployment', objectId: 'gated' });
    assert.ok(audit.events.some((e) => e.action === 'deployment.ungated'));
    await registry.gates.deletePolicy('churn', null);
  });

  it('promotes the canary, rolls back, deletes, and logs every prediction with its ID', async () => {
    await serving.apply(
      {
        name: 'roll',
        models: [
          { model: 'churn@1', traffic: 90 },
          { model: 'churn@2', traffic: 10 },
        ],
      },
      null,
    );
    const promoted = await serving.promote('roll', null);
    assert.deepEqual(promoted.spec.models, [{ model: 'churn@2', traffic: 100 }]);
    await assert.rejects(serving.promote('roll', null), /no canary to promote/);
    const rolled = await serving.rollback('roll', null);
    assert.equal(rolled.revision, 3);
    assert.equal(rolled.spec.models.length, 2);
    assert.deepEqual(
      (await serving.revisions('roll')).map((r) => [r.revision, r.reason]),
      [
        [3, 'rollback'],
        [2, 'promote'],
        [1, 'apply'],
      ],
    );
    const answer = await predict('roll', [row(1), row(2), row(3)]);
    await serving.delete('roll', null);
    await assert.rejects(predict('roll', [row(1)]), /no endpoint named "roll"/);
    await assert.rejects(serving.get('roll'), /no deployment named "roll"/);
    await serving.close();
    // Closing wrote out the inference log.
    const mine = logged.filter((r) => answer.predictionIds.includes(r.id));
    assert.equal(mine.length, 3);
    assert.equal(mine[0]!.model, answer.model.key);
    assert.deepEqual(mine[0]!.inputs, row(1));
    serving = new ServingService(
      { meta: t.meta, audit: t.audit, models, registry },
      { metrics: new Registry(), log, syncMs: 0 },
    );
    await serving.start();
    assert.deepEqual(
      (await serving.list()).map((d) => [d.name, d.state]),
      [
        ['avg', 'ready'],
        ['budget', 'ready'],
        ['by-country', 'ready'],
        ['champ', 'ready'],
        ['churn', 'ready'],
        ['fb', 'ready'],
        ['gated', 'ready'],
        ['shadowed', 'ready'],
        ['sticky', 'ready'],
      ],
    );
  });
});
