import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createTestApp, type TestApp } from '../../testing.js';

describe('registry gates over HTTP', () => {
  let t: TestApp;
  let headers: Record<string, string>;
  const call = async (method: string, url: string, payload?: unknown) => {
    const res = await t.app.inject({ method: method as 'GET', url, payload: payload as object, headers });
    return { status: res.statusCode, body: res.body ? res.json() : undefined };
  };

  before(async () => {
    t = await createTestApp();
    headers = { authorization: `Bearer ${t.adminToken}` };
    assert.equal((await call('POST', '/api/v1/models', { name: 'churn' })).status, 201);
    for (const s of ['s3://a', 's3://b'])
      assert.equal((await call('POST', '/api/v1/models/churn/versions', { source: s })).status, 201);
  });
  after(() => t.close());

  it('refuses a guarded alias through the native API (409) and the MLflow API (INVALID_STATE), with the reasons', async () => {
    const set = await call('PUT', '/api/v1/models/churn/policy', { aliases: ['champion'], approvals: 0 });
    assert.equal(set.status, 200, JSON.stringify(set.body));
    assert.deepEqual(set.body.policy, {
      aliases: ['champion'],
      stages: [],
      suite: null,
      allowWarnings: false,
      approvals: 0,
    });
    const native = await call('PUT', '/api/v1/models/churn/aliases/champion', { version: 2 });
    assert.equal(native.status, 409);
    assert.equal(native.body.error.code, 'GATE_REFUSED');
    assert.match(
      native.body.error.message,
      /churn@2 has not been validated; run lathe validate --model churn@2/,
    );
    const mlflow = await t.app.inject({
      method: 'POST',
      url: '/api/2.0/mlflow/registered-models/alias',
      payload: { name: 'churn', alias: 'champion', version: '2' },
      headers,
    });
    assert.equal(mlflow.statusCode, 400);
    assert.equal(mlflow.json().error_code, 'INVALID_STATE');
    assert.deepEqual((await call('GET', '/api/v1/models/churn/versions/2/validations')).body, {
      validations: [],
    });
    const gate = await call('GET', '/api/v1/models/churn/versions/2/gate');
    assert.equal(gate.body.passed, false);
    assert.equal(gate.body.reasons.length, 1);
    assert.equal((await call('PUT', '/api/v1/models/churn/aliases/challenger', { version: 2 })).status, 200);
  });

  it('records reviews and refuses bad ones', async () => {
    const r = await call('POST', '/api/v1/models/churn/versions/challenger/reviews', {
      decision: 'approve',
      comment: 'ok',
    });
    assert.equal(r.status, 201, JSON.stringify(r.body));
    assert.equal(r.body.version, 2);
    const bad = await call('POST', '/api/v1/models/churn/versions/2/reviews', { decision: 'reject' });
    assert.equal(bad.status, 400);
    assert.match(bad.body.error.message, /a rejection needs a comment/);
    const list = await call('GET', '/api/v1/models/churn/versions/2/reviews');
    assert.deepEqual(
      list.body.reviews.map((x: { decision: string }) => x.decision),
      ['approve'],
    );
    const policy = await call('PUT', '/api/v1/models/churn/policy', {
      aliases: ['champion'],
      approvals: 'two',
    });
    assert.equal(policy.status, 400);
    assert.equal((await call('DELETE', '/api/v1/models/churn/policy')).status, 200);
    assert.equal((await call('GET', '/api/v1/models/churn/policy')).body.policy, null);
    assert.equal((await call('PUT', '/api/v1/models/churn/aliases/champion', { version: 2 })).status, 200);
  });
});
