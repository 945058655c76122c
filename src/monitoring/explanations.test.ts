import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { openTestData, type TestData } from '../data/data-fixture.js';
import { rawTreeOutputs, SeededRandom } from '../ml/index.js';
import { ModelService, rowsToBatch } from '../models/index.js';
import { RegistryService } from '../registry/index.js';
import { TableEngine } from '../storage/tables/index.js';
import { TrackingService } from '../tracking/index.js';
import { compareImportance, Explanations, meanAbsImportance, rawFeatures } from './explanations.js';
import { MonitoringService } from './monitoring-service.js';

const NOW = Date.parse('2026-06-15T12:00:00Z');
const xgb = new Uint8Array(
  readFileSync(new URL('../../test/fixtures/models/xgboost/binary.json', import.meta.url)),
);

/** Features of the xgboost `binary` fixture (standard normal in training); `shift` moves `score`. */
function features(rnd: SeededRandom, shift = 0) {
  return {
    age: rnd.normal(),
    income: rnd.normal(),
    score: rnd.normal() + shift,
    tenure: rnd.normal(),
    visits: rnd.normal(),
  };
}

describe('monitoring: explanations of logged predictions', () => {
  let t: TestData;
  let m: MonitoringService;
  let models: ModelService;
  let registry: RegistryService;
  let engine: TableEngine;
  let ex: Explanations;
  /** Positive-class probability the model gave, per prediction ID. */
  const proba = new Map<string, number>();

  /** Logs `n` predictions of churn@1 answered by the model itself. */
  async function log(env: string, n: number, shift = 0, extra: Record<string, unknown> = {}) {
    const rnd = new SeededRandom(env.length * 7 + n);
    const rows = Array.from({ length: n }, () => features(rnd, shift));
    const { predictor } = await models.load('churn@1');
    const out = await predictor.predictBatch(rowsToBatch(rows));
    const records = rows.map((f, i) => {
      const p = out.probabilities![i * 2 + 1]!;
      proba.set(`${env}-${i}`, p);
      return {
        predictionId: `${env}-${i}`,
        model: 'churn',
        modelVersion: '1',
        environment: env,
        timestamp: NOW - 3_600_000 + i,
        features: f,
        prediction: String(out.predictions[i]),
        probabilities: { '0': 1 - p, '1': p },
        ...extra,
      };
    });
    const res = await m.logPredictions(records);
    assert.equal(res.rejected, 0, JSON.stringify(res.errors[0]));
  }

  before(async () => {
    t = await openTestData();
    const tracking = new TrackingService(t.meta, t.blobs, t.audit);
    registry = new RegistryService(t.meta, t.audit, tracking);
    models = new ModelService({ tracking, registry });
    await models.importModel(
      { name: 'model.json', files: new Map([['model.json', xgb]]) },
      { name: 'churn' },
      null,
    );
    m = await MonitoringService.open(t.meta, t.blobs, {
      dir: path.join(t.dir, 'monitoring'),
      compactMs: 0,
      now: () => NOW,
    });
    engine = await TableEngine.create({ threads: 1 });
    ex = new Explanations(engine, m.store, m.catalog, models);
    await log('training', 400);
    await log('production', 400, 2.5);
  });
  after(async () => {
    await engine.close();
    await m.close();
    await models.close();
    await registry.webhooks.close();
    await t.close();
  });

  it('computes TreeSHAP for a Lathe tree model: base plus values is the margin of the prediction', async () => {
    const e = await ex.explainPrediction('production-7');
    assert.equal(e.method, 'tree');
    assert.equal(e.model, 'churn');
    assert.equal(e.version, '1');
    assert.deepEqual(Object.keys(e.values).sort(), ['age', 'income', 'score', 'tenure', 'visits']);
    const p = proba.get('production-7')!;
    const margin = Math.log(p / (1 - p));
    const sum = e.base! + Object.values(e.values).reduce((s, v) => s + v, 0);
    assert.ok(Math.abs(sum - margin) < 1e-4, `base + Σ SHAP = ${sum}; margin ${margin}`);
    await assert.rejects(ex.explainPrediction('nope'), { code: 'NOT_FOUND' });
  });

  it('explains a deterministic sample of a window with its global importance', async () => {
    const a = await ex.explainSample('churn', { environment: 'training' }, { sampleSize: 50 });
    assert.equal(a.method, 'tree');
    assert.equal(a.reason, null);
    assert.equal(a.rows, 400);
    assert.equal(a.sampled, 50);
    assert.equal(a.explained.length, 50);
    await m.compact(true); // the same rows from Parquet segments as from the write-ahead buffer
    const b = await ex.explainSample('churn', { environment: 'training' }, { sampleSize: 50 });
    assert.deepEqual(
      b.explained.map((r) => r.predictionId),
      a.explained.map((r) => r.predictionId),
    );
    assert.equal(a.importance.length, 5);
    for (let i = 1; i < a.importance.length; i++)
      assert.ok(a.importance[i - 1]!.meanAbs >= a.importance[i]!.meanAbs);
    const full = await ex.explainSample('churn', { environment: 'training' });
    assert.equal(full.sampled, 200);
    await assert.rejects(ex.explainSample('churn', {}, { sampleSize: 0 }), { code: 'INVALID_ARGUMENT' });
    await assert.rejects(ex.explainSample('churn', { where: { planet: 'mars' } }), {
      code: 'INVALID_ARGUMENT',
    });
    await assert.rejects(ex.explainSample('ghost'), { code: 'NOT_FOUND' });
  });

  it('uses SHAP values logged with the predictions when present', async () => {
    const shap = { age: 0.5, income: -0.25, score: 0, tenure: 0, visits: 0.125 };
    await log('logged', 20, 0, { shap });
    const s = await ex.explainSample('churn', { environment: 'logged' });
    assert.equal(s.method, 'logged');
    assert.equal(s.explained.length, 20);
    assert.deepEqual(s.explained[0]!.values, shap);
    assert.deepEqual(s.importance[0], { feature: 'age', meanAbs: 0.5 });
    const all = await ex.explainSample('churn', {}, { sampleSize: 10_000 });
    assert.equal(all.method, 'mixed');
    assert.equal(all.explained.length, 820);
    const one = await ex.explainPrediction('logged-3');
    assert.equal(one.method, 'logged');
    assert.equal(one.base, null);
    assert.deepEqual(one.values, shap);
  });

  it('says why a model that is not a Lathe model has no explanation', async () => {
    await m.logPredictions([
      {
        predictionId: 'ext-1',
        model: 'external',
        modelVersion: '3',
        features: { x: 1 },
        prediction: 0.5,
        timestamp: NOW - 1000,
      },
    ]);
    const s = await ex.explainSample('external');
    assert.equal(s.method, null);
    assert.deepEqual(s.explained, []);
    assert.match(s.reason!, /external@3 is not a Lathe model: log SHAP values with the predictions/);
    const one = await ex.explainPrediction('ext-1');
    assert.equal(one.method, null);
    assert.match(one.reason!, /not a Lathe model/);
    const none = await ex.explainSample('churn', { environment: 'nowhere' });
    assert.equal(none.method, null);
    assert.match(none.reason!, /no logged predictions/);
  });

  it('ranks the feature whose values shifted first in importance drift', async () => {
    const d = await ex.importanceDrift('churn', {
      baseline: { environment: 'training' },
      current: { environment: 'production' },
    });
    assert.equal(d.baseline.method, 'tree');
    assert.equal(d.current.method, 'tree');
    assert.equal(d.features.length, 5);
    console.log(
      JSON.stringify(
        d.features.map((f) => [f.feature, f.baseline.share.toFixed(3), f.current.share.toFixed(3)]),
      ),
    );
    assert.equal(d.features[0]!.feature, 'score');
    assert.ok(d.features[0]!.change > 0.1, `score's share grew by ${d.features[0]!.change}`);
    const shares = d.features.reduce((s, f) => s + f.current.share, 0);
    assert.ok(Math.abs(shares - 1) < 1e-9);
    for (const f of d.features) assert.ok(Math.abs(f.change - (f.current.share - f.baseline.share)) < 1e-12);
  });

  it('explains the predicted class of a multiclass tree model', async () => {
    const multi = new Uint8Array(
      readFileSync(new URL('../../test/fixtures/models/xgboost/multi-softprob.json', import.meta.url)),
    );
    await models.importModel(
      { name: 'model.json', files: new Map([['model.json', multi]]) },
      { name: 'species' },
      null,
    );
    const { predictor } = await models.load('species@1');
    const names = predictor.signature.inputs.map((c) => c.name);
    const rnd = new SeededRandom(5);
    const rows = Array.from({ length: 30 }, () => Object.fromEntries(names.map((n) => [n, rnd.normal()])));
    const out = await predictor.predictBatch(rowsToBatch(rows));
    const res = await m.logPredictions(
      rows.map((features, i) => ({
        predictionId: `species-${i}`,
        model: 'species',
        modelVersion: '1',
        timestamp: NOW - 1000,
        features,
        prediction: String(out.predictions[i]),
      })),
    );
    assert.equal(res.accepted, 30);
    const ens = predictor.treeEnsemble!();
    const margins = rawTreeOutputs(ens, predictor.treeInputs!(rowsToBatch(rows)), rows.length);
    const classes = out.classes!.map(String);
    const seen = new Set<string>();
    for (let i = 0; i < 30; i++) {
      const e = await ex.explainPrediction(`species-${i}`);
      assert.equal(e.method, 'tree');
      assert.equal(e.output, String(out.predictions[i]));
      seen.add(e.output!);
      const k = classes.indexOf(e.output!);
      const sum = e.base! + Object.values(e.values).reduce((s, v) => s + v, 0);
      assert.ok(Math.abs(sum - margins[i * ens.outputs + k]!) < 1e-6);
    }
    assert.ok(seen.size > 1, 'rows of several predicted classes');
  });

  it('sums one-hot columns into their feature and compares importance purely', () => {
    const recipe = {
      steps: [
        {
          kind: 'onehot',
          columns: {
            plan: { categories: ['a', 'b'], names: ['plan_a', 'plan_b'], unseen: 'plan__unseen__' },
          },
          output: [],
        },
      ],
    } as never;
    assert.deepEqual(rawFeatures(['age', 'plan_a', 'plan_b', 'plan__unseen__'], recipe), [
      'age',
      'plan',
      'plan',
      'plan',
    ]);
    const imp = meanAbsImportance([{ values: { a: 1, b: -3 } }, { values: { a: -3 } }]);
    assert.deepEqual(imp, [
      { feature: 'b', meanAbs: 3 },
      { feature: 'a', meanAbs: 2 },
    ]);
    const c = compareImportance(imp, [{ feature: 'a', meanAbs: 1 }]);
    assert.deepEqual(
      c.map((f) => [f.feature, f.change]),
      [
        ['a', 0.6],
        ['b', -0.6],
      ],
    );
  });
});
