import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createTestApp, type TestApp } from '../../testing.js';

// biome-ignore lint/suspicious/noExplicitAny: MLflow's JSON answers are read loosely, field by field, in assertions.
type MlflowBody = Record<string, any>;

describe('MLflow REST 2.0: experiments, runs, metrics', () => {
  let t: TestApp;
  const call = async (method: 'GET' | 'POST', path: string, payload?: object, prefix = '/api/2.0/mlflow') => {
    const res = await t.app.inject({ method, url: `${prefix}${path}`, ...(payload ? { payload } : {}) });
    return { status: res.statusCode, body: res.json() as MlflowBody };
  };
  const ok = async (method: 'GET' | 'POST', path: string, payload?: object) => {
    const r = await call(method, path, payload);
    assert.equal(r.status, 200, JSON.stringify(r.body));
    return r.body;
  };
  const fails = async (
    method: 'GET' | 'POST',
    path: string,
    payload: object | undefined,
    status: number,
    code: string,
    message?: RegExp,
  ) => {
    const r = await call(method, path, payload);
    assert.equal(r.status, status, JSON.stringify(r.body));
    assert.equal(r.body.error_code, code);
    if (message) assert.match(r.body.message, message);
  };

  before(async () => {
    t = await createTestApp({ auth: { enabled: false } });
  });
  after(() => t.close());

  it('has the Default experiment with id 0, as MLflow clients expect', async () => {
    const { experiment } = await ok('GET', '/experiments/get?experiment_id=0');
    assert.equal(experiment.name, 'Default');
    assert.equal(experiment.lifecycle_stage, 'active');
  });

  it('creates, reads, renames, tags, deletes and restores experiments', async () => {
    const { experiment_id } = await ok('POST', '/experiments/create', {
      name: 'churn',
      tags: [{ key: 'team', value: 'growth' }],
    });
    assert.match(experiment_id, /^\d+$/);
    const { experiment } = await ok('GET', '/experiments/get-by-name?experiment_name=churn');
    assert.equal(experiment.experiment_id, experiment_id);
    assert.equal(experiment.artifact_location, `mlflow-artifacts:/${experiment_id}`);
    assert.deepEqual(experiment.tags, [{ key: 'team', value: 'growth' }]);
    await ok('POST', '/experiments/update', { experiment_id, new_name: 'churn-v2' });
    await ok('POST', '/experiments/set-experiment-tag', { experiment_id, key: 'owner', value: 'ana' });
    const renamed = (await ok('GET', `/experiments/get?experiment_id=${experiment_id}`)).experiment;
    assert.equal(renamed.name, 'churn-v2');
    assert.equal(renamed.tags.length, 2);
    await ok('POST', '/experiments/delete', { experiment_id });
    assert.equal(
      (await ok('GET', `/experiments/get?experiment_id=${experiment_id}`)).experiment.lifecycle_stage,
      'deleted',
    );
    await fails(
      'POST',
      '/runs/create',
      { experiment_id },
      400,
      'INVALID_PARAMETER_VALUE',
      /must be in the 'active' state/,
    );
    await ok('POST', '/experiments/restore', { experiment_id });
    assert.equal(
      (await ok('GET', `/experiments/get?experiment_id=${experiment_id}`)).experiment.lifecycle_stage,
      'active',
    );
  });

  it('answers experiment errors with MLflow codes and statuses', async () => {
    await ok('POST', '/experiments/create', { name: 'dup' });
    await fails('POST', '/experiments/create', { name: 'dup' }, 400, 'RESOURCE_ALREADY_EXISTS');
    await fails('POST', '/experiments/create', {}, 400, 'INVALID_PARAMETER_VALUE', /Invalid experiment name/);
    await fails(
      'POST',
      '/experiments/create',
      { name: 5 },
      400,
      'INVALID_PARAMETER_VALUE',
      /Expects a string/,
    );
    await fails(
      'GET',
      '/experiments/get?experiment_id=999999',
      undefined,
      404,
      'RESOURCE_DOES_NOT_EXIST',
      /No Experiment with id=999999/,
    );
    await fails(
      'GET',
      '/experiments/get',
      undefined,
      400,
      'INVALID_PARAMETER_VALUE',
      /Missing value for required parameter 'experiment_id'/,
    );
    await fails(
      'GET',
      '/experiments/get-by-name?experiment_name=nope',
      undefined,
      404,
      'RESOURCE_DOES_NOT_EXIST',
    );
  });

  it('keeps the last value of a tag key sent twice when creating an experiment or a run', async () => {
    const { experiment_id } = await ok('POST', '/experiments/create', {
      name: 'dup-tags',
      tags: [
        { key: 'team', value: 'growth' },
        { key: 'owner', value: 'ana' },
        { key: 'team', value: 'risk' },
      ],
    });
    const { experiment } = await ok('GET', `/experiments/get?experiment_id=${experiment_id}`);
    assert.deepEqual(experiment.tags, [
      { key: 'owner', value: 'ana' },
      { key: 'team', value: 'risk' },
    ]);

    const { run } = await ok('POST', '/runs/create', {
      experiment_id,
      tags: [
        { key: 'stage', value: 'dev' },
        { key: 'mlflow.runName', value: 'first' },
        { key: 'stage', value: 'prod' },
        { key: 'mlflow.runName', value: 'second' },
      ],
    });
    assert.equal(run.info.run_name, 'second');
    const got = (await ok('GET', `/runs/get?run_id=${run.info.run_id}`)).run;
    assert.equal(got.info.run_name, 'second');
    assert.deepEqual(got.data.tags, [
      { key: 'mlflow.runName', value: 'second' },
      { key: 'stage', value: 'prod' },
    ]);
  });

  it('runs a whole training run the way the MLflow client logs it', async () => {
    const { experiment_id } = await ok('POST', '/experiments/create', { name: 'training' });
    const { run } = await ok('POST', '/runs/create', {
      experiment_id,
      user_id: 'ana',
      start_time: 1_700_000_000_000,
      tags: [{ key: 'mlflow.source.name', value: 'train.py' }],
    });
    const runId = run.info.run_id;
    assert.match(runId, /^[0-9a-f]{32}$/);
    assert.equal(run.info.run_uuid, runId);
    assert.equal(run.info.status, 'RUNNING');
    assert.equal(run.info.artifact_uri, `mlflow-artifacts:/${experiment_id}/${runId}/artifacts`);
    assert.ok(run.info.run_name, 'a run gets a generated name');
    assert.ok(run.data.tags.some((x: { key: string }) => x.key === 'mlflow.runName'));
    await ok('POST', '/runs/log-batch', {
      run_id: runId,
      params: [
        { key: 'lr', value: '0.1' },
        { key: 'depth', value: '6' },
      ],
      metrics: [
        { key: 'loss', value: 0.9, timestamp: 1, step: 0 },
        { key: 'loss', value: 0.5, timestamp: 2, step: 1 },
      ],
      tags: [{ key: 'stage', value: 'dev' }],
    });
    // Java/R clients send int64 fields as strings; NaN arrives as "NaN".
    await ok('POST', '/runs/log-metric', {
      run_id: runId,
      key: 'loss',
      value: 0.7,
      timestamp: '3',
      step: '0',
    });
    await ok('POST', '/runs/log-metric', {
      run_uuid: runId,
      key: 'auc',
      value: 'NaN',
      timestamp: 4,
      step: 2,
    });
    await ok('POST', '/runs/log-parameter', { run_id: runId, key: 'lr', value: '0.1' }); // same value: fine
    await ok('POST', '/runs/set-tag', { run_id: runId, key: 'stage', value: 'prod' });
    await ok('POST', '/runs/log-inputs', {
      run_id: runId,
      datasets: [
        {
          tags: [{ key: 'mlflow.data.context', value: 'train' }],
          dataset: { name: 'iris', digest: 'abc123', source_type: 'local', source: '{"uri": "iris.csv"}' },
        },
      ],
    });
    await ok('POST', '/runs/update', { run_id: runId, status: 'FINISHED', end_time: 1_700_000_100_000 });

    const got = (await ok('GET', `/runs/get?run_id=${runId}`)).run;
    assert.equal(got.info.status, 'FINISHED');
    assert.equal(got.info.end_time, 1_700_000_100_000);
    const metrics = Object.fromEntries(
      got.data.metrics.map((m: { key: string; value: unknown }) => [m.key, m.value]),
    );
    assert.deepEqual(metrics, { auc: 'NaN', loss: 0.5 }, 'the latest point is the one with the highest step');
    assert.deepEqual(got.data.params, [
      { key: 'depth', value: '6' },
      { key: 'lr', value: '0.1' },
    ]);
    assert.equal(got.data.tags.find((x: { key: string }) => x.key === 'stage').value, 'prod');
    assert.equal(got.inputs.dataset_inputs[0].dataset.name, 'iris');
    assert.deepEqual(got.inputs.dataset_inputs[0].tags, [{ key: 'mlflow.data.context', value: 'train' }]);

    const history = await ok('GET', `/metrics/get-history?run_id=${runId}&metric_key=loss`);
    assert.deepEqual(
      history.metrics.map((m: { value: number; step: number }) => [m.step, m.value]),
      [
        [0, 0.9],
        [0, 0.7],
        [1, 0.5],
      ],
    );
    const page1 = await ok('GET', `/metrics/get-history?run_id=${runId}&metric_key=loss&max_results=2`);
    assert.equal(page1.metrics.length, 2);
    const page2 = await ok(
      'GET',
      `/metrics/get-history?run_id=${runId}&metric_key=loss&max_results=2&page_token=${encodeURIComponent(page1.next_page_token)}`,
    );
    assert.equal(page2.metrics.length, 1);
    assert.equal(page2.next_page_token, undefined);
  });

  it('refuses a changed param, a bad metric, an unknown run and an over-limit batch, and writes nothing of a failed batch', async () => {
    const { run } = await ok('POST', '/runs/create', { experiment_id: '0' });
    const runId = run.info.run_id;
    await ok('POST', '/runs/log-parameter', { run_id: runId, key: 'lr', value: '0.1' });
    await fails(
      'POST',
      '/runs/log-parameter',
      { run_id: runId, key: 'lr', value: '0.2' },
      400,
      'INVALID_PARAMETER_VALUE',
      /Changing param values is not allowed/,
    );
    await fails(
      'POST',
      '/runs/log-metric',
      { run_id: runId, key: 'acc', value: 'high', timestamp: 1 },
      400,
      'INVALID_PARAMETER_VALUE',
      /parameter 'value'/,
    );
    await fails(
      'POST',
      '/runs/log-metric',
      { run_id: runId, key: '../acc', value: 1, timestamp: 1 },
      400,
      'INVALID_PARAMETER_VALUE',
      /Invalid metric name/,
    );
    await fails(
      'GET',
      '/runs/get?run_id=0123456789abcdef0123456789abcdef',
      undefined,
      404,
      'RESOURCE_DOES_NOT_EXIST',
    );
    await fails(
      'POST',
      '/runs/log-batch',
      {
        run_id: runId,
        metrics: Array.from({ length: 1001 }, (_, i) => ({ key: 'm', value: i, timestamp: i, step: i })),
      },
      400,
      'INVALID_PARAMETER_VALUE',
      /at most 1000 metrics/,
    );
    // A batch with one bad item stores none of its items.
    await fails(
      'POST',
      '/runs/log-batch',
      {
        run_id: runId,
        metrics: [{ key: 'good', value: 1, timestamp: 1, step: 0 }],
        params: [{ key: 'lr', value: 'changed' }],
        tags: [{ key: 't', value: 'x' }],
      },
      400,
      'INVALID_PARAMETER_VALUE',
    );
    const after = (await ok('GET', `/runs/get?run_id=${runId}`)).run;
    assert.equal(after.data.metrics, undefined, 'no metric of the failed batch was stored');
    assert.ok(!after.data.tags.some((x: { key: string }) => x.key === 't'));
    await fails(
      'POST',
      '/runs/delete-tag',
      { run_id: runId, key: 'missing' },
      404,
      'RESOURCE_DOES_NOT_EXIST',
    );
    await fails(
      'POST',
      '/runs/update',
      { run_id: runId, status: 'DONE' },
      400,
      'INVALID_PARAMETER_VALUE',
      /status/,
    );
  });

  it('soft-deletes and restores runs; a deleted run takes no more logging', async () => {
    const { run } = await ok('POST', '/runs/create', { experiment_id: '0', run_name: 'to-delete' });
    const runId = run.info.run_id;
    assert.equal(run.info.run_name, 'to-delete');
    await ok('POST', '/runs/delete', { run_id: runId });
    assert.equal((await ok('GET', `/runs/get?run_id=${runId}`)).run.info.lifecycle_stage, 'deleted');
    await fails(
      'POST',
      '/runs/log-metric',
      { run_id: runId, key: 'a', value: 1, timestamp: 1 },
      400,
      'INVALID_PARAMETER_VALUE',
      /must be in the 'active' state/,
    );
    await ok('POST', '/runs/restore', { run_id: runId });
    await ok('POST', '/runs/log-metric', { run_id: runId, key: 'a', value: 1, timestamp: 1 });
  });

  it('serves the same API under /ajax-api and answers unknown endpoints with ENDPOINT_NOT_FOUND', async () => {
    const r = await call('GET', '/experiments/get?experiment_id=0', undefined, '/ajax-api/2.0/mlflow');
    assert.equal(r.status, 200);
    const nf = await call('POST', '/runs/frobnicate', {});
    assert.equal(nf.status, 404);
    assert.equal(nf.body.error_code, 'ENDPOINT_NOT_FOUND');
    const bad = await t.app.inject({
      method: 'POST',
      url: '/api/2.0/mlflow/runs/create',
      headers: { 'content-type': 'application/json' },
      payload: '{"experiment_id": ',
    });
    assert.equal(bad.statusCode, 400);
    assert.equal(bad.json().error_code, 'MALFORMED_REQUEST');
  });
});

describe('MLflow REST 2.0 with auth on', () => {
  let t: TestApp;
  before(async () => {
    t = await createTestApp();
  });
  after(() => t.close());

  it('takes the token MLflow clients send (MLFLOW_TRACKING_TOKEN) and lets viewers read but not write', async () => {
    const auth = { authorization: `Bearer ${t.adminToken}` };
    const anon = await t.app.inject({ url: '/api/2.0/mlflow/experiments/get?experiment_id=0' });
    assert.equal(anon.statusCode, 401);
    assert.equal(anon.json().error_code, 'UNAUTHENTICATED');
    await t.app.inject({
      method: 'POST',
      url: '/api/v1/users',
      headers: auth,
      payload: { name: 'vic', role: 'viewer' },
    });
    const { secret } = (
      await t.app.inject({
        method: 'POST',
        url: '/api/v1/tokens',
        headers: auth,
        payload: { name: 'v', user: 'vic' },
      })
    ).json();
    const viewer = { authorization: `Bearer ${secret}` };
    assert.equal(
      (await t.app.inject({ url: '/api/2.0/mlflow/experiments/get?experiment_id=0', headers: viewer }))
        .statusCode,
      200,
    );
    const write = await t.app.inject({
      method: 'POST',
      url: '/api/2.0/mlflow/experiments/create',
      headers: viewer,
      payload: { name: 'x' },
    });
    assert.equal(write.statusCode, 403);
    assert.equal(write.json().error_code, 'PERMISSION_DENIED');
    const ajax = await t.app.inject({
      method: 'POST',
      url: '/ajax-api/2.0/mlflow/experiments/create',
      headers: viewer,
      payload: { name: 'x' },
    });
    assert.equal(ajax.statusCode, 403, '/ajax-api routes are protected the same way');
    const created = await t.app.inject({
      method: 'POST',
      url: '/api/2.0/mlflow/experiments/create',
      headers: auth,
      payload: { name: 'audited' },
    });
    assert.equal(created.statusCode, 200);
    const audit = (
      await t.app.inject({ url: '/api/v1/audit?action=experiment.create', headers: auth })
    ).json();
    assert.equal(audit.events[0].actorName, 'admin');
  });
});
