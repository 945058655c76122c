import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { createTestApp, type TestApp } from '../../testing.js';

const xgb = readFileSync(new URL('../../../../test/fixtures/models/xgboost/binary.json', import.meta.url));
const expected = JSON.parse(
  readFileSync(
    new URL('../../../../test/fixtures/models/xgboost/binary.expected.json', import.meta.url),
    'utf8',
  ),
) as { X: (number | null)[]; cols: number; predict: number[] };
const FEATURES = ['age', 'income', 'score', 'tenure', 'visits'];
/** Row r of the fixture's inputs, and XGBoost's probability for it. */
const row = (r: number) => Object.fromEntries(FEATURES.map((f, j) => [f, expected.X[r * expected.cols + j]]));

describe('serving API: deployments, native predict, MLflow invocations and the Open Inference Protocol', () => {
  let t: TestApp;
  let auth: Record<string, string>;
  const call = (method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, payload?: unknown, headers = auth) =>
    t.app.inject({ method, url, ...(payload !== undefined ? { payload: payload as object } : {}), headers });

  before(async () => {
    t = await createTestApp();
    auth = { authorization: `Bearer ${t.adminToken}` };
    for (let i = 0; i < 2; i++) {
      const res = await t.app.inject({
        method: 'POST',
        url: '/api/v1/models/churn/import?filename=model.json',
        payload: xgb,
        headers: { ...auth, 'content-type': 'application/octet-stream' },
      });
      assert.equal(res.statusCode, 201, res.body);
    }
    assert.equal(
      (await call('PUT', '/api/v1/models/churn/aliases/champion', { version: 1 })).statusCode < 300,
      true,
    );
  });
  after(() => t.close());

  it('applies a YAML spec, lists and shows the deployment', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/deployments',
      payload: 'name: churn\nmodels:\n  - model: churn@champion\n    traffic: 100\nfallback: churn@2\n',
      headers: { ...auth, 'content-type': 'application/yaml' },
    });
    assert.equal(res.statusCode, 201, res.body);
    assert.equal(res.json().state, 'ready');
    assert.deepEqual(res.json().versions, { 'churn@champion': 'churn@1', 'churn@2': 'churn@2' });
    const list = await call('GET', '/api/v1/deployments');
    assert.deepEqual(
      list.json().deployments.map((d: { name: string; revision: number }) => [d.name, d.revision]),
      [['churn', 1]],
    );
    const bad = await call('PUT', '/api/v1/deployments/other', { name: 'churn', models: ['churn@1'] });
    assert.equal(bad.statusCode, 400);
    assert.match(
      bad.json().error.message,
      /the spec is named "churn" but was sent to \/api\/v1\/deployments\/other/,
    );
    const badSpec = await call('PUT', '/api/v1/deployments/other', {
      models: ['churn@1'],
      fallbak: 'churn@2',
    });
    assert.equal(badSpec.statusCode, 400);
    assert.match(badSpec.json().error.message, /spec\.fallbak is not a known field; valid fields: name, /);
    assert.equal((await call('GET', '/api/v1/deployments/nope')).statusCode, 404);
  });

  it('predicts rows, columns and MLflow payloads; answers the version, probabilities and prediction IDs', async () => {
    const rows = [row(0), row(1)];
    const res = await call('POST', '/api/v1/endpoints/churn/predict', rows);
    assert.equal(res.statusCode, 200, res.body);
    const body = res.json();
    assert.equal(body.model, 'churn@1');
    assert.equal(body.modelVersion, '1');
    assert.equal(res.headers['x-lathe-model-version'], 'churn@1');
    assert.equal(body.predictionIds.length, 2);
    assert.equal(body.fallback, null);
    for (let r = 0; r < 2; r++) assert.ok(Math.abs(body.probabilities[r][1] - expected.predict[r]!) < 1e-6);
    const columns = await call('POST', '/api/v1/endpoints/churn/predict', {
      columns: FEATURES,
      data: rows.map((r) => FEATURES.map((f) => r[f])),
    });
    assert.deepEqual(columns.json().probabilities, body.probabilities);
    for (const payload of [
      { dataframe_split: { columns: FEATURES, data: rows.map((r) => FEATURES.map((f) => r[f])) } },
      { dataframe_records: rows },
      { instances: rows },
      { inputs: Object.fromEntries(FEATURES.map((f) => [f, rows.map((r) => r[f])])) },
    ]) {
      const mlflow = await call('POST', '/api/v1/endpoints/churn/invocations', payload);
      assert.equal(mlflow.statusCode, 200, mlflow.body);
      assert.deepEqual(Object.keys(mlflow.json()), ['predictions']);
      assert.equal(mlflow.json().predictions.length, 2);
    }
  });

  it('refuses bad input with a 4xx naming the problem, and keeps serving', async () => {
    const cases: [unknown, number, RegExp][] = [
      [[{ age: 1 }], 400, /income/],
      [{ columns: ['age'], data: [[1, 2]] }, 400, /row 0 .*2 values.*1 column|width|columns/],
      [[{ ...row(0), age: 'old' }], 400, /age/],
      [{ rows: [row(0)], instances: [row(0)] }, 400, /one of|shapes/],
      [42, 400, /rows|columns|shape/],
    ];
    for (const [payload, status, message] of cases) {
      const res = await call('POST', '/api/v1/endpoints/churn/predict', payload);
      assert.equal(res.statusCode, status, `${JSON.stringify(payload)}: ${res.body}`);
      assert.match(res.json().error.message, message);
    }
    const malformed = await t.app.inject({
      method: 'POST',
      url: '/api/v1/endpoints/churn/predict',
      payload: '[{"age": 1,',
      headers: { ...auth, 'content-type': 'application/json' },
    });
    assert.equal(malformed.statusCode, 400);
    const huge = await t.app.inject({
      method: 'POST',
      url: '/api/v1/endpoints/churn/predict',
      payload: Buffer.alloc(100 * 1024 * 1024, 32),
      headers: { ...auth, 'content-type': 'application/json' },
    });
    assert.equal(huge.statusCode, 413);
    const unknown = await call('POST', '/api/v1/endpoints/nope/predict', [row(0)]);
    assert.equal(unknown.statusCode, 404);
    assert.match(unknown.json().error.message, /no endpoint named "nope"; endpoints: churn/);
    assert.equal((await call('POST', '/api/v1/endpoints/churn/predict', [row(3)])).statusCode, 200);
  });

  it('speaks the Open Inference Protocol as KServe and Triton clients call it', async () => {
    assert.deepEqual((await call('GET', '/v2/health/live', undefined, {})).json(), { live: true });
    assert.equal((await call('GET', '/v2/health/ready', undefined, {})).statusCode, 200);
    assert.equal((await call('GET', '/v2', undefined, {})).json().name, 'lathe');
    const meta = await call('GET', '/v2/models/churn');
    assert.equal(meta.statusCode, 200, meta.body);
    assert.deepEqual(
      meta.json().inputs.map((i: { name: string }) => i.name),
      FEATURES,
    );
    assert.deepEqual(meta.json().versions, ['1', '2']);
    assert.equal((await call('GET', '/v2/models/churn/ready')).json().ready, true);
    // KServe's InferRequest.to_rest: one [N, F] FP32 tensor.
    const kserve = await call('POST', '/v2/models/churn/infer', {
      id: 'req-1',
      inputs: [
        {
          name: 'input-0',
          shape: [2, 5],
          datatype: 'FP64',
          data: [0, 1].flatMap((r) => FEATURES.map((f) => row(r)[f] ?? null)),
        },
      ],
    });
    assert.equal(kserve.statusCode, 200, kserve.body);
    const k = kserve.json();
    assert.deepEqual([k.model_name, k.model_version, k.id], ['churn', '1', 'req-1']);
    const proba = k.outputs.find((o: { name: string }) => o.name === 'predict_proba');
    assert.deepEqual(proba.shape, [2, 2]);
    assert.ok(Math.abs(proba.data[1] - expected.predict[0]!) < 1e-6);
    // Triton's client: one named tensor per feature, [N, 1], and requested outputs.
    const triton = await call('POST', '/v2/models/churn/versions/2/infer', {
      inputs: FEATURES.map((f) => ({ name: f, shape: [1, 1], datatype: 'FP64', data: [row(2)[f] ?? null] })),
      outputs: [{ name: 'predict' }],
    });
    assert.equal(triton.statusCode, 200, triton.body);
    assert.equal(triton.json().model_version, '2');
    assert.deepEqual(
      triton.json().outputs.map((o: { name: string }) => o.name),
      ['predict'],
    );
    const badType = await call('POST', '/v2/models/churn/infer', {
      inputs: [{ name: 'age', shape: [1], datatype: 'FP99', data: [1] }],
    });
    assert.equal(badType.statusCode, 400);
    assert.match(badType.json().error, /FP99/);
    const badShape = await call('POST', '/v2/models/churn/infer', {
      inputs: [{ name: 'x', shape: [2, 5], datatype: 'FP64', data: [1, 2, 3] }],
    });
    assert.equal(badShape.statusCode, 400);
    assert.equal(typeof badShape.json().error, 'string');
    const noModel = await call('POST', '/v2/models/nope/infer', { inputs: [] });
    assert.equal(noModel.statusCode, 404);
    assert.match(noModel.json().error, /no endpoint named "nope"/);
    const v7 = await call('POST', '/v2/models/churn/versions/7/infer', {
      inputs: FEATURES.map((f) => ({ name: f, shape: [1], datatype: 'FP64', data: [row(0)[f] ?? null] })),
    });
    assert.equal(v7.statusCode, 404);
    assert.match(v7.json().error, /does not serve version 7; it serves churn@1, churn@2/);
  });

  it('endpoint-scoped tokens may only predict, and only on their endpoint', async () => {
    const created = await call('POST', '/api/v1/tokens', { name: 'churn-client', scopes: ['predict:churn'] });
    assert.equal(created.statusCode, 201, created.body);
    const scoped = { authorization: `Bearer ${created.json().secret}` };
    assert.equal((await call('POST', '/api/v1/endpoints/churn/predict', [row(0)], scoped)).statusCode, 200);
    assert.equal(
      (
        await call(
          'POST',
          '/v2/models/churn/infer',
          {
            inputs: FEATURES.map((f) => ({
              name: f,
              shape: [1],
              datatype: 'FP64',
              data: [row(0)[f] ?? null],
            })),
          },
          scoped,
        )
      ).statusCode,
      200,
    );
    const other = await call('POST', '/api/v1/endpoints/other/predict', [row(0)], scoped);
    assert.equal(other.statusCode, 403);
    assert.match(other.json().error.message, /may call churn only, not endpoint other/);
    assert.equal((await call('GET', '/api/v1/deployments', undefined, scoped)).statusCode, 403);
    assert.equal((await call('GET', '/v2/models/other/ready', undefined, scoped)).statusCode, 403);
    assert.equal((await call('GET', '/v2/models/churn/ready', undefined, scoped)).statusCode, 200);
    assert.equal((await call('POST', '/api/v1/endpoints/churn/predict', [row(0)], {})).statusCode, 401);
  });

  it('changes traffic, promotes, rolls back, marks a model degraded, and counts it all in /metrics', async () => {
    let r = await call('PUT', '/api/v1/deployments/churn/traffic', { shares: { v1: 50, v2: 50 } });
    assert.equal(r.statusCode, 200, r.body);
    assert.equal(r.json().revision, 2);
    r = await call('POST', '/api/v1/deployments/churn/promote');
    assert.deepEqual(r.json().spec.models, [{ model: 'churn@2', traffic: 100 }]);
    r = await call('POST', '/api/v1/deployments/churn/rollback', {});
    assert.equal(r.json().revision, 4);
    const revisions = await call('GET', '/api/v1/deployments/churn/revisions');
    assert.deepEqual(
      revisions.json().revisions.map((x: { reason: string }) => x.reason),
      ['rollback', 'promote', 'traffic', 'apply'],
    );
    r = await call('PUT', '/api/v1/deployments/churn/degraded', { models: ['churn@champion'] });
    assert.equal(r.statusCode, 200, r.body);
    await call('PUT', '/api/v1/deployments/churn/traffic', { shares: { 'churn@champion': 100 } });
    const fb = await call('POST', '/api/v1/endpoints/churn/predict', [row(0)]);
    assert.equal(fb.json().fallback.reason, 'degraded');
    assert.equal(fb.headers['x-lathe-fallback'], 'degraded');
    await call('PUT', '/api/v1/deployments/churn/degraded', { models: [] });
    const live = (await call('GET', '/api/v1/deployments/churn/live?seconds=60')).json();
    assert.equal(live.points.length, 60);
    assert.ok(live.points.some((p: { fallbacks: number }) => p.fallbacks === 1));
    assert.ok(live.points.reduce((n: number, p: { requests: number }) => n + p.requests, 0) > 5);
    assert.ok(live.log.offered > 5, JSON.stringify(live.log));
    const metrics = await t.app.inject({ method: 'GET', url: '/metrics' });
    assert.match(metrics.body, /lathe_serving_fallbacks_total\{endpoint="churn",reason="degraded"\} 1/);
    assert.match(
      metrics.body,
      /lathe_serving_requests_total\{endpoint="churn",model_version="churn@1",outcome="ok"\}/,
    );
    assert.match(metrics.body, /lathe_serving_errors_total\{endpoint="churn",code="MODEL_INPUT_INVALID"\}/);
    assert.match(metrics.body, /lathe_serving_errors_total\{endpoint="churn",code="INVALID_ARGUMENT"\}/);
    assert.match(metrics.body, /lathe_serving_in_flight_requests/);
  });

  it('swaps versions under load over HTTP when the alias moves, without a failed request', async () => {
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    const base = `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`;
    const body = JSON.stringify([row(0)]);
    let ok = 0;
    const failures: string[] = [];
    const seen = new Set<string>();
    let stop = false;
    const worker = async () => {
      while (!stop) {
        const res = await fetch(`${base}/api/v1/endpoints/churn/predict`, {
          method: 'POST',
          body,
          headers: { ...auth, 'content-type': 'application/json' },
        });
        if (res.status === 200) {
          ok++;
          seen.add(((await res.json()) as { model: string }).model);
        } else failures.push(`${res.status} ${await res.text()}`);
      }
    };
    const workers = Array.from({ length: 8 }, worker);
    const answered = async (n: number) => {
      for (let i = 0; i < 1000 && ok < n; i++) await new Promise((r) => setTimeout(r, 10));
    };
    await answered(20);
    assert.equal(
      (await call('PUT', '/api/v1/models/churn/aliases/champion', { version: 2 })).statusCode < 300,
      true,
    );
    for (let i = 0; i < 500 && !seen.has('churn@2'); i++) await new Promise((r) => setTimeout(r, 20));
    await answered(ok + 20);
    stop = true;
    await Promise.all(workers);
    assert.deepEqual(failures, []);
    assert.ok(ok >= 40, `${ok} requests answered`);
    assert.deepEqual([...seen].sort(), ['churn@1', 'churn@2']);
  });
});
