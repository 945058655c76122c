import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createTestApp, type TestApp } from '../../testing.js';

type Method = 'GET' | 'POST' | 'PATCH' | 'DELETE';
// biome-ignore lint/suspicious/noExplicitAny: JSON bodies under test
type Json = Record<string, any>;

const qs = (params: Record<string, string | number | string[]>) => {
  const u = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    for (const x of Array.isArray(v) ? v : [v]) u.append(k, String(x));
  }
  return `?${u.toString()}`;
};

function client(t: () => TestApp, headers: Record<string, string> = {}) {
  const call = async (method: Method, path: string, payload?: object, prefix = '/api/2.0/mlflow') => {
    const url = method === 'GET' && payload ? `${prefix}${path}${qs(payload as never)}` : `${prefix}${path}`;
    const res = await t().app.inject({
      method,
      url,
      headers,
      ...(payload && method !== 'GET' ? { payload } : {}),
    });
    return { status: res.statusCode, body: res.json() as Json };
  };
  const ok = async (method: Method, path: string, payload?: object) => {
    const r = await call(method, path, payload);
    assert.equal(r.status, 200, `${method} ${path}: ${JSON.stringify(r.body)}`);
    return r.body;
  };
  const fails = async (
    method: Method,
    path: string,
    payload: object | undefined,
    status: number,
    code: string,
    message?: RegExp,
  ) => {
    const r = await call(method, path, payload);
    assert.equal(r.status, status, JSON.stringify(r.body));
    assert.equal(r.body.error_code, code, JSON.stringify(r.body));
    if (message) assert.match(r.body.message, message);
  };
  return { call, ok, fails };
}

describe('MLflow REST 2.0: model registry', () => {
  let t: TestApp;
  const { call, ok, fails } = client(() => t);
  let runId: string;

  before(async () => {
    t = await createTestApp({ auth: { enabled: false } });
    runId = (await ok('POST', '/runs/create', { experiment_id: '0' })).run.info.run_id;
  });
  after(() => t.close());

  it('creates, gets, updates and renames registered models', async () => {
    const created = await ok('POST', '/registered-models/create', {
      name: 'churn',
      tags: [{ key: 'team', value: 'growth' }],
      description: 'predicts churn',
    });
    assert.equal(created.registered_model.name, 'churn');
    assert.equal(typeof created.registered_model.creation_timestamp, 'number');
    assert.deepEqual(created.registered_model.tags, [{ key: 'team', value: 'growth' }]);
    await fails(
      'POST',
      '/registered-models/create',
      { name: 'churn' },
      400,
      'RESOURCE_ALREADY_EXISTS',
      /churn/,
    );
    await fails('POST', '/registered-models/create', {}, 400, 'INVALID_PARAMETER_VALUE', /'name'/);
    const got = await ok('GET', '/registered-models/get', { name: 'churn' });
    assert.equal(got.registered_model.description, 'predicts churn');
    await fails(
      'GET',
      '/registered-models/get',
      { name: 'nope' },
      404,
      'RESOURCE_DOES_NOT_EXIST',
      /name=nope/,
    );
    const updated = await ok('PATCH', '/registered-models/update', { name: 'churn', description: 'v2' });
    assert.equal(updated.registered_model.description, 'v2');
    await ok('POST', '/registered-models/create', { name: 'tmp' });
    const renamed = await ok('POST', '/registered-models/rename', { name: 'tmp', new_name: 'tmp2' });
    assert.equal(renamed.registered_model.name, 'tmp2');
    await fails(
      'POST',
      '/registered-models/rename',
      { name: 'tmp2', new_name: 'churn' },
      400,
      'RESOURCE_ALREADY_EXISTS',
    );
    await ok('DELETE', '/registered-models/delete', { name: 'tmp2' });
    await fails('DELETE', '/registered-models/delete', { name: 'tmp2' }, 404, 'RESOURCE_DOES_NOT_EXIST');
    // Writes go through the right HTTP method only.
    await fails('POST', '/registered-models/update', { name: 'churn' }, 404, 'ENDPOINT_NOT_FOUND');
  });

  it('creates model versions with string version numbers and reads them back', async () => {
    const v1 = await ok('POST', '/model-versions/create', {
      name: 'churn',
      source: `mlflow-artifacts:/0/${runId}/artifacts/model`,
      run_id: runId,
      tags: [{ key: 'framework', value: 'xgb' }],
      description: 'first',
    });
    assert.equal(v1.model_version.version, '1');
    assert.equal(v1.model_version.status, 'READY');
    assert.equal(v1.model_version.current_stage, 'None');
    assert.equal(v1.model_version.run_id, runId);
    const v2 = await ok('POST', '/model-versions/create', { name: 'churn', source: 's3://b/m2' });
    assert.equal(v2.model_version.version, '2');
    await fails(
      'POST',
      '/model-versions/create',
      { name: 'ghost', source: 's' },
      404,
      'RESOURCE_DOES_NOT_EXIST',
    );
    await fails(
      'POST',
      '/model-versions/create',
      { name: 'churn', source: 's', run_id: 'a'.repeat(32) },
      404,
      'RESOURCE_DOES_NOT_EXIST',
      /Run with id=/,
    );
    await fails(
      'POST',
      '/model-versions/create',
      { name: 'churn' },
      400,
      'INVALID_PARAMETER_VALUE',
      /'source'/,
    );
    const got = await ok('GET', '/model-versions/get', { name: 'churn', version: '1' });
    assert.deepEqual(got.model_version.tags, [{ key: 'framework', value: 'xgb' }]);
    await fails(
      'GET',
      '/model-versions/get',
      { name: 'churn', version: '9' },
      404,
      'RESOURCE_DOES_NOT_EXIST',
      /version=9/,
    );
    await fails(
      'GET',
      '/model-versions/get',
      { name: 'churn', version: 'x' },
      400,
      'INVALID_PARAMETER_VALUE',
      /must be an integer/,
    );
    const upd = await ok('PATCH', '/model-versions/update', {
      name: 'churn',
      version: '2',
      description: 'second',
    });
    assert.equal(upd.model_version.description, 'second');
    const uri = await ok('GET', '/model-versions/get-download-uri', { name: 'churn', version: '2' });
    assert.deepEqual(uri, { artifact_uri: 's3://b/m2' });
  });

  it('transitions stages and answers get-latest-versions by GET and POST', async () => {
    await ok('POST', '/model-versions/transition-stage', {
      name: 'churn',
      version: '1',
      stage: 'Production',
      archive_existing_versions: false,
    });
    const moved = await ok('POST', '/model-versions/transition-stage', {
      name: 'churn',
      version: '2',
      stage: 'production',
      archive_existing_versions: true,
    });
    assert.equal(moved.model_version.current_stage, 'Production');
    assert.equal(
      (await ok('GET', '/model-versions/get', { name: 'churn', version: '1' })).model_version.current_stage,
      'Archived',
    );
    await fails(
      'POST',
      '/model-versions/transition-stage',
      { name: 'churn', version: '1', stage: 'Live' },
      400,
      'INVALID_PARAMETER_VALUE',
      /Invalid Model Version stage/,
    );
    const post = await ok('POST', '/registered-models/get-latest-versions', {
      name: 'churn',
      stages: ['Production'],
    });
    assert.deepEqual(
      post.model_versions.map((v: Json) => v.version),
      ['2'],
    );
    const get = await ok('GET', '/registered-models/get-latest-versions', { name: 'churn' });
    assert.deepEqual(
      get.model_versions.map((v: Json) => [v.version, v.current_stage]),
      [
        ['1', 'Archived'],
        ['2', 'Production'],
      ],
    );
    await fails(
      'POST',
      '/registered-models/get-latest-versions',
      { name: 'nope' },
      404,
      'RESOURCE_DOES_NOT_EXIST',
    );
    const model = await ok('GET', '/registered-models/get', { name: 'churn' });
    assert.equal(model.registered_model.latest_versions.length, 2);
  });

  it('sets, reads and deletes aliases; rejects bad alias names', async () => {
    await ok('POST', '/registered-models/alias', { name: 'churn', alias: 'champion', version: '2' });
    const byAlias = await ok('GET', '/registered-models/alias', { name: 'churn', alias: 'champion' });
    assert.equal(byAlias.model_version.version, '2');
    assert.deepEqual(byAlias.model_version.aliases, ['champion']);
    const model = await ok('GET', '/registered-models/get', { name: 'churn' });
    assert.deepEqual(model.registered_model.aliases, [{ alias: 'champion', version: '2' }]);
    await fails(
      'POST',
      '/registered-models/alias',
      { name: 'churn', alias: 'latest', version: '1' },
      400,
      'INVALID_PARAMETER_VALUE',
      /reserved/,
    );
    await fails(
      'POST',
      '/registered-models/alias',
      { name: 'churn', alias: 'v1', version: '1' },
      400,
      'INVALID_PARAMETER_VALUE',
      /reserved/,
    );
    await fails(
      'POST',
      '/registered-models/alias',
      { name: 'churn', alias: 'a.b', version: '1' },
      400,
      'INVALID_PARAMETER_VALUE',
      /Invalid alias name/,
    );
    await fails(
      'POST',
      '/registered-models/alias',
      { name: 'churn', alias: 'x', version: '7' },
      404,
      'RESOURCE_DOES_NOT_EXIST',
    );
    await ok('DELETE', '/registered-models/alias', { name: 'churn', alias: 'champion' });
    await fails(
      'GET',
      '/registered-models/alias',
      { name: 'churn', alias: 'champion' },
      400,
      'INVALID_PARAMETER_VALUE',
      /alias champion not found/,
    );
  });

  it('sets and deletes tags on models and versions', async () => {
    await ok('POST', '/registered-models/set-tag', { name: 'churn', key: 'owner', value: 'ana' });
    await ok('POST', '/model-versions/set-tag', { name: 'churn', version: '1', key: 'ok', value: 'yes' });
    let m = await ok('GET', '/registered-models/get', { name: 'churn' });
    assert.ok(m.registered_model.tags.some((t: Json) => t.key === 'owner' && t.value === 'ana'));
    await ok('DELETE', '/registered-models/delete-tag', { name: 'churn', key: 'owner' });
    await ok('DELETE', '/model-versions/delete-tag', { name: 'churn', version: '1', key: 'ok' });
    m = await ok('GET', '/registered-models/get', { name: 'churn' });
    assert.equal(
      m.registered_model.tags.some((t: Json) => t.key === 'owner'),
      false,
    );
    const v = await ok('GET', '/model-versions/get', { name: 'churn', version: '1' });
    assert.deepEqual(v.model_version.tags, [{ key: 'framework', value: 'xgb' }]);
    await fails(
      'POST',
      '/registered-models/set-tag',
      { name: 'nope', key: 'k', value: 'v' },
      404,
      'RESOURCE_DOES_NOT_EXIST',
    );
    await fails(
      'POST',
      '/model-versions/set-tag',
      { name: 'churn', version: '1', key: '/abs', value: 'v' },
      400,
      'INVALID_PARAMETER_VALUE',
    );
  });

  it('searches models and versions with filters and page tokens', async () => {
    for (const n of ['pg-1', 'pg-2', 'pg-3']) await ok('POST', '/registered-models/create', { name: n });
    const p1 = await ok('GET', '/registered-models/search', { filter: "name LIKE 'pg-%'", max_results: 2 });
    assert.deepEqual(
      p1.registered_models.map((m: Json) => m.name),
      ['pg-1', 'pg-2'],
    );
    assert.ok(p1.next_page_token);
    const p2 = await ok('GET', '/registered-models/search', {
      filter: "name LIKE 'pg-%'",
      max_results: 2,
      page_token: p1.next_page_token,
    });
    assert.deepEqual(
      p2.registered_models.map((m: Json) => m.name),
      ['pg-3'],
    );
    assert.equal(p2.next_page_token, undefined);
    const desc = await ok('GET', '/registered-models/search', {
      filter: "name LIKE 'pg-%'",
      order_by: ['name DESC'],
    });
    assert.deepEqual(
      desc.registered_models.map((m: Json) => m.name),
      ['pg-3', 'pg-2', 'pg-1'],
    );
    assert.deepEqual(await ok('GET', '/registered-models/search', { filter: "name = 'none'" }), {});
    await fails(
      'GET',
      '/registered-models/search',
      { max_results: 1001 },
      400,
      'INVALID_PARAMETER_VALUE',
      /at most 1000/,
    );
    await fails(
      'GET',
      '/registered-models/search',
      { page_token: 'garbage!' },
      400,
      'INVALID_PARAMETER_VALUE',
      /page token/,
    );
    const vs = await ok('GET', '/model-versions/search', { filter: "name='churn'", max_results: 1 });
    assert.equal(vs.model_versions.length, 1);
    assert.ok(vs.next_page_token);
    const rest = await ok('GET', '/model-versions/search', {
      filter: "name='churn'",
      max_results: 1,
      page_token: vs.next_page_token,
    });
    assert.equal(rest.model_versions.length, 1);
    assert.notEqual(rest.model_versions[0].version, vs.model_versions[0].version);
    const byRun = await ok('GET', '/model-versions/search', { filter: `run_id='${runId}'` });
    assert.deepEqual(
      byRun.model_versions.map((v: Json) => v.version),
      ['1'],
    );
    await fails(
      'GET',
      '/model-versions/search',
      { max_results: 200001 },
      400,
      'INVALID_PARAMETER_VALUE',
      /at most 200000/,
    );
  });

  it('answers under /ajax-api too, soft-deletes versions and writes the audit log', async () => {
    const r = await call('GET', '/registered-models/get', { name: 'churn' }, '/ajax-api/2.0/mlflow');
    assert.equal(r.status, 200);
    await ok('DELETE', '/model-versions/delete', { name: 'churn', version: '1' });
    await fails(
      'GET',
      '/model-versions/get',
      { name: 'churn', version: '1' },
      404,
      'RESOURCE_DOES_NOT_EXIST',
    );
    const v3 = await ok('POST', '/model-versions/create', { name: 'churn', source: 's3://b/m3' });
    assert.equal(v3.model_version.version, '3');
    const audit = await t.app.inject({ url: '/api/v1/audit?limit=1000' });
    assert.equal(audit.statusCode, 200, audit.body);
    const actions = new Set(
      JSON.stringify(audit.json()).match(/"(registered_model|model_version)\.[a-z_]+"/g),
    );
    for (const a of [
      'registered_model.create',
      'model_version.create',
      'model_version.alias_set',
      'model_version.stage_transition',
      'model_version.delete',
    ]) {
      assert.ok(actions.has(`"${a}"`), `audit has ${a}: ${[...actions].join(', ')}`);
    }
  });
});

describe('MLflow model registry with auth on', () => {
  let t: TestApp;
  let viewer: ReturnType<typeof client>;
  let admin: ReturnType<typeof client>;

  before(async () => {
    t = await createTestApp();
    admin = client(() => t, { authorization: `Bearer ${t.adminToken}` });
    const user = await t.app.inject({
      method: 'POST',
      url: '/api/v1/users',
      headers: { authorization: `Bearer ${t.adminToken}` },
      payload: { name: 'vic', role: 'viewer' },
    });
    assert.equal(user.statusCode, 201, user.body);
    const token = await t.app.inject({
      method: 'POST',
      url: '/api/v1/tokens',
      headers: { authorization: `Bearer ${t.adminToken}` },
      payload: { name: 'vic-token', user: 'vic' },
    });
    assert.equal(token.statusCode, 201, token.body);
    viewer = client(() => t, { authorization: `Bearer ${token.json().secret}` });
  });
  after(() => t.close());

  it('lets a viewer read but not write', async () => {
    const created = await admin.ok('POST', '/registered-models/create', { name: 'guarded' });
    assert.equal(created.registered_model.user_id, 'admin');
    await admin.ok('POST', '/model-versions/create', { name: 'guarded', source: 's3://g/1' });
    await viewer.ok('GET', '/registered-models/get', { name: 'guarded' });
    await viewer.ok('GET', '/model-versions/search', {});
    for (const [method, path, body] of [
      ['POST', '/registered-models/create', { name: 'nope' }],
      ['PATCH', '/registered-models/update', { name: 'guarded', description: 'x' }],
      ['DELETE', '/registered-models/delete', { name: 'guarded' }],
      ['POST', '/model-versions/create', { name: 'guarded', source: 's' }],
      ['POST', '/registered-models/alias', { name: 'guarded', alias: 'a', version: '1' }],
      ['POST', '/model-versions/transition-stage', { name: 'guarded', version: '1', stage: 'Staging' }],
    ] as [Method, string, object][]) {
      await viewer.fails(method, path, body, 403, 'PERMISSION_DENIED');
    }
    const unauth = await t.app.inject({ url: '/api/2.0/mlflow/registered-models/get?name=guarded' });
    assert.equal(unauth.statusCode, 401);
  });
});
