import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { createTestApp, type TestApp } from '../../testing.js';
import { dataRouteFixture } from '../data/data-route-fixture.js';

const xgb = readFileSync(new URL('../../../../test/fixtures/models/xgboost/binary.json', import.meta.url));
const FEATURES = ['age', 'income', 'score', 'tenure', 'visits'];
const HOUR = 3_600_000;

/** An external model's record: `shift` moves `x`; region eu answers wrong when `broken`. */
function external(i: number, o: { env?: string; shift?: number; ts?: number } = {}) {
  const region = i % 2 ? 'eu' : 'us';
  const x = ((i * 37) % 100) / 10 + (o.shift ?? 0);
  return {
    predictionId: `${o.env ?? 'prod'}-${i}`,
    model: 'pricing',
    modelVersion: 3,
    environment: o.env ?? 'production',
    timestamp: o.ts ?? Date.now() - HOUR,
    features: { x, region },
    prediction: Math.round(x * 2 * 100) / 100,
    tags: { region },
    latencyMs: 4,
  };
}

describe('monitoring API: ingest from any server, Lathe endpoints logging, and the queries', () => {
  let t: TestApp;
  let auth: Record<string, string>;
  const call = (method: 'GET' | 'POST' | 'PUT', url: string, payload?: unknown, headers = auth) =>
    t.app.inject({ method, url, ...(payload !== undefined ? { payload: payload as object } : {}), headers });
  /** Imports the XGBoost fixture as the next version of model churn. */
  const importChurn = () =>
    t.app.inject({
      method: 'POST',
      url: '/api/v1/models/churn/import?filename=model.json',
      payload: xgb,
      headers: { ...auth, 'content-type': 'application/octet-stream' },
    });

  before(async () => {
    t = await createTestApp();
    auth = { authorization: `Bearer ${t.adminToken}` };
  });
  after(() => t.close());

  it('takes JSON and NDJSON batches, refusing bad records one by one while the others land', async () => {
    const training = Array.from({ length: 400 }, (_, i) =>
      external(i, { env: 'training', ts: Date.now() - 48 * HOUR }),
    );
    const res = await call('POST', '/api/v1/monitoring/predictions', {
      records: [
        ...training,
        { ...external(9000), features: { x: 'high', region: 'eu' } },
        { ...external(9001), timestamp: '2999-01-01T00:00:00Z' },
      ],
    });
    assert.equal(res.statusCode, 200, res.body);
    assert.equal(res.json().accepted, 400);
    assert.equal(res.json().rejected, 2);
    assert.match(res.json().errors[0].error, /features\.x must be a number/);
    assert.match(res.json().errors[1].error, /in the future/);
    // Production: x shifted by +4, and region eu's predictions wrong by 5 (fixed by actuals below).
    const prod = Array.from({ length: 400 }, (_, i) => external(i, { shift: 4 }));
    const ndjson = await t.app.inject({
      method: 'POST',
      url: '/api/v1/monitoring/predictions',
      payload: `${prod.map((r) => JSON.stringify(r)).join('\n')}\n`,
      headers: { ...auth, 'content-type': 'application/x-ndjson' },
    });
    assert.equal(ndjson.statusCode, 200, ndjson.body);
    assert.equal(ndjson.json().accepted, 400);
    const bad = await t.app.inject({
      method: 'POST',
      url: '/api/v1/monitoring/predictions',
      payload: '{"predictionId": "a"}\nnot json\n',
      headers: { ...auth, 'content-type': 'application/x-ndjson' },
    });
    assert.equal(bad.statusCode, 400);
    assert.match(bad.json().error.message, /NDJSON line 2 is not valid JSON/);
    assert.equal((await call('POST', '/api/v1/monitoring/predictions', { records: 'x' })).statusCode, 400);
    assert.equal((await call('POST', '/api/v1/monitoring/predictions', { records: [] }, {})).statusCode, 401);

    const actuals = await call('POST', '/api/v1/monitoring/actuals', {
      records: [
        ...prod.map((r, i) => ({ predictionId: r.predictionId, actual: r.prediction + (i % 2 ? 5 : 0) })),
        ...training.map((r) => ({ predictionId: r.predictionId, actual: r.prediction })),
        { predictionId: 'nobody', actual: 1 },
      ],
    });
    assert.equal(actuals.statusCode, 200, actuals.body);
    assert.equal(actuals.json().matched, 800);
    assert.deepEqual(actuals.json().unknownIds, ['nobody']);
  });

  it('answers drift, performance by slice, quality, root cause and lookups', async () => {
    const drift = await call(
      'GET',
      '/api/v1/monitoring/drift?model=pricing&baseline=training&current=production',
    );
    assert.equal(drift.statusCode, 200, drift.body);
    const x = drift.json().features.find((f: { feature: string }) => f.feature === 'x');
    assert.equal(x.drifted, true);
    assert.ok(
      x.statistics.ks.statistic > 0.3 && x.statistics.wasserstein > 3.5,
      JSON.stringify(x.statistics),
    );
    assert.equal(
      drift.json().features.find((f: { feature: string }) => f.feature === 'region').drifted,
      false,
    );
    assert.equal(drift.json().prediction.kind, 'numeric');

    const perf = await call('GET', '/api/v1/monitoring/performance?model=pricing&by=region');
    assert.equal(perf.statusCode, 200, perf.body);
    const groups = Object.fromEntries(
      perf.json().groups.map((g: { key: string; metrics: { mae: number } }) => [g.key, g.metrics.mae]),
    );
    assert.equal(groups.us, 0);
    assert.ok(Math.abs(groups.eu - 5) < 1e-9, JSON.stringify(groups));
    const eu = await call(
      'GET',
      '/api/v1/monitoring/performance?model=pricing&where=region%3Deu&environment=training',
    );
    assert.equal(eu.json().overall.metrics.mae, 0);

    const rc = await call(
      'GET',
      '/api/v1/monitoring/root-cause?model=pricing&baseline=training&current=production&metric=mae',
    );
    assert.equal(rc.statusCode, 200, rc.body);
    assert.equal(rc.json().higherIsBetter, false);
    assert.deepEqual([rc.json().slices[0].by, rc.json().slices[0].key], ['region', 'eu']);
    assert.equal(rc.json().features[0].feature, 'x');
    assert.match(rc.json().summary, /mae went from 0 to 2\.5 .*region=eu/);

    const quality = await call('GET', '/api/v1/monitoring/quality?model=pricing');
    assert.equal(quality.statusCode, 200, quality.body);
    const qx = quality.json().features.find((f: { feature: string }) => f.feature === 'x');
    assert.ok(qx.outOfRangeRate > 0.3, JSON.stringify(qx));
    assert.equal(quality.json().rejected, 2);

    const one = await call('GET', '/api/v1/monitoring/predictions/prod-1');
    assert.equal(one.statusCode, 200, one.body);
    assert.equal(one.json().tags.region, 'eu');
    assert.equal(Number(one.json().actual), one.json().prediction + 5);
    const explanation = await call('GET', '/api/v1/monitoring/predictions/prod-1/explanation');
    assert.equal(explanation.statusCode, 200, explanation.body);
    assert.match(explanation.json().reason, /not a Lathe model/);

    assert.equal((await call('GET', '/api/v1/monitoring/drift?model=nope')).statusCode, 404);
    const badWindow = await call('GET', '/api/v1/monitoring/drift?model=pricing&window=7 days');
    assert.equal(badWindow.statusCode, 400);
    assert.match(badWindow.json().error.message, /window must be a duration such as 30m/);
    const badBy = await call('GET', '/api/v1/monitoring/performance?model=pricing&by=colour');
    assert.equal(badBy.statusCode, 400);
    assert.match(badBy.json().error.message, /no such tag or feature; tags: region/);
  });

  it('logs the predictions of a Lathe endpoint by itself, joins actuals to them, and logs a dataset as training', async () => {
    const imported = await importChurn();
    assert.equal(imported.statusCode, 201, imported.body);
    const applied = await call('POST', '/api/v1/deployments', {
      name: 'churn',
      models: [{ model: 'churn@1' }],
    });
    assert.equal(applied.statusCode < 300, true, applied.body);
    const rows = Array.from({ length: 30 }, (_, i) =>
      Object.fromEntries(FEATURES.map((f, j) => [f, (i * (j + 3)) % 11])),
    );
    const predicted = await call('POST', '/api/v1/endpoints/churn/predict', rows);
    assert.equal(predicted.statusCode, 200, predicted.body);
    const ids: string[] = predicted.json().predictionIds;
    // The serving log reaches the store within about a second.
    let status: { environments: { environment: string; rows: number }[] } = { environments: [] };
    for (let i = 0; i < 50 && !status.environments.some((e) => e.rows === 30); i++) {
      await new Promise((r) => setTimeout(r, 100));
      const res = await call('GET', '/api/v1/monitoring/models/churn');
      if (res.statusCode === 200) status = res.json();
    }
    assert.deepEqual(
      status.environments.map((e) => [e.environment, e.rows]),
      [['production', 30]],
    );
    const labels: string[] = predicted.json().predictions.map(String);
    const res = await call('POST', '/api/v1/monitoring/actuals', {
      records: ids.map((id, i) => ({
        predictionId: id,
        actual: i < 20 ? labels[i] : labels[i] === '1' ? '0' : '1',
      })),
    });
    assert.equal(res.json().matched, 30);
    const perf = await call('GET', '/api/v1/monitoring/performance?model=churn&by=version');
    assert.equal(perf.json().overall.labeled, 30);
    assert.ok(Math.abs(perf.json().overall.metrics.accuracy - 20 / 30) < 1e-9);
    assert.deepEqual(
      perf.json().groups.map((g: { key: string }) => g.key),
      ['1'],
    );
    const one = await call('GET', `/api/v1/monitoring/predictions/${ids[0]}`);
    assert.equal(one.json().endpoint, 'churn');
    assert.equal(one.json().modelVersion, '1');
    const explained = await call('GET', `/api/v1/monitoring/predictions/${ids[0]}/explanation`);
    assert.equal(explained.json().method, 'tree', explained.body);

    // A monitor on accuracy with `degrade`: firing sends the endpoint's traffic to its fallback.
    const second = await importChurn();
    assert.equal(second.statusCode, 201, second.body);
    const withFallback = await call('POST', '/api/v1/deployments', {
      name: 'churn',
      models: [{ model: 'churn@1' }],
      fallback: 'churn@2',
    });
    assert.equal(withFallback.statusCode, 200, withFallback.body);
    const monitor = await call('POST', '/api/v1/monitors', {
      name: 'churn-accuracy',
      model: 'churn',
      kind: 'performance',
      metric: 'accuracy',
      window: '1d',
      critical: 0.9,
      minSamples: 10,
      degrade: 'churn',
    });
    assert.equal(monitor.statusCode, 201, monitor.body);
    const evaluated = await call('POST', '/api/v1/monitors/churn-accuracy/evaluate');
    assert.equal(evaluated.statusCode, 200, evaluated.body);
    assert.equal(evaluated.json().state, 'firing', evaluated.body);
    const deployment = await call('GET', '/api/v1/deployments/churn');
    assert.deepEqual(deployment.json().degraded, ['churn@1']);
    const answered = await call('POST', '/api/v1/endpoints/churn/predict', rows.slice(0, 1));
    assert.equal(answered.json().model, 'churn@2');
    assert.equal(answered.json().fallback.reason, 'degraded');
    const alerts = await call('GET', '/api/v1/alerts?state=open');
    assert.deepEqual(
      alerts.json().alerts.map((a: { monitor: string; severity: string }) => [a.monitor, a.severity]),
      [['churn-accuracy', 'firing']],
    );

    const data = dataRouteFixture(t);
    const csv = `${FEATURES.join(',')},churned\n${rows.map((r, i) => `${FEATURES.map((f) => r[f]).join(',')},${i % 2}`).join('\n')}\n`;
    await data.ingest('churn-train', csv);
    const baseline = await call('POST', '/api/v1/monitoring/models/churn/baselines', {
      dataset: 'churn-train@1',
      target: 'churned',
    });
    assert.equal(baseline.statusCode, 201, baseline.body);
    assert.equal(baseline.json().rows, 30);
    assert.equal(baseline.json().actuals, 30);
    const drift = await call('GET', '/api/v1/monitoring/drift?model=churn');
    assert.equal(drift.json().baseline.rows, 30);
    assert.equal(drift.json().drifted.length, 0);
    const missing = await call('POST', '/api/v1/monitoring/models/churn/baselines', {
      dataset: 'churn-train@1',
      target: 'nope',
    });
    assert.equal(missing.statusCode, 400);
    assert.match(missing.json().error.message, /target column "nope" is not in churn-train@1/);
  });
});
