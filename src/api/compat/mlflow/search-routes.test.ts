import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createTestApp, type TestApp } from '../../testing.js';

// biome-ignore lint/suspicious/noExplicitAny: MLflow's JSON answers are read loosely, field by field, in assertions.
type MlflowBody = Record<string, any>;

describe('MLflow REST 2.0: runs/search and experiments/search', () => {
  let t: TestApp;
  let exp: string;
  const call = async (method: 'GET' | 'POST', path: string, payload?: object) => {
    const res = await t.app.inject({
      method,
      url: `/api/2.0/mlflow${path}`,
      ...(payload ? { payload } : {}),
    });
    return { status: res.statusCode, body: res.json() as MlflowBody };
  };
  const names = (body: MlflowBody) =>
    (body.runs ?? []).map((r: { info: { run_name: string } }) => r.info.run_name);

  before(async () => {
    t = await createTestApp({ auth: { enabled: false } });
    exp = (
      await call('POST', '/experiments/create', { name: 'searchable', tags: [{ key: 'team', value: 'ml' }] })
    ).body.experiment_id;
    await call('POST', '/experiments/create', { name: 'other' });
    for (let i = 0; i < 10; i++) {
      const { run } = (
        await call('POST', '/runs/create', {
          experiment_id: exp,
          run_name: `run-${i}`,
          start_time: 1_000 + i,
        })
      ).body;
      await call('POST', '/runs/log-batch', {
        run_id: run.info.run_id,
        metrics: i === 9 ? [] : [{ key: 'acc', value: i / 10, timestamp: 1, step: 0 }],
        params: [{ key: 'model', value: i % 2 ? 'gbm' : 'linear' }],
        tags: [{ key: 'my tag', value: `v${i}` }],
      });
      if (i === 0) await call('POST', '/runs/delete', { run_id: run.info.run_id });
    }
  });
  after(() => t.close());

  it('filters on metrics, params, quoted tag keys and attributes, and orders by a metric', async () => {
    const r = await call('POST', '/runs/search', {
      experiment_ids: [exp],
      filter:
        "metrics.acc >= 0.3 and params.model = 'gbm' and tags.`my tag` LIKE 'v%' and attributes.status = 'RUNNING'",
      order_by: ['metrics.acc DESC'],
    });
    assert.equal(r.status, 200);
    assert.deepEqual(names(r.body), ['run-7', 'run-5', 'run-3']);
  });

  it('puts runs without the sort key last, leaves deleted runs out unless asked', async () => {
    const all = await call('POST', '/runs/search', { experiment_ids: [exp], order_by: ['metrics.acc ASC'] });
    assert.equal(names(all.body).at(-1), 'run-9', 'run-9 has no acc');
    assert.ok(!names(all.body).includes('run-0'), 'run-0 is deleted');
    const deleted = await call('POST', '/runs/search', {
      experiment_ids: [exp],
      run_view_type: 'DELETED_ONLY',
    });
    assert.deepEqual(names(deleted.body), ['run-0']);
    const every = await call('POST', '/runs/search', { experiment_ids: [exp], run_view_type: 'ALL' });
    assert.equal(every.body.runs.length, 10);
  });

  it('pages with MLflow page tokens, newest first by default', async () => {
    const p1 = await call('POST', '/runs/search', { experiment_ids: [exp], max_results: 4 });
    assert.deepEqual(names(p1.body), ['run-9', 'run-8', 'run-7', 'run-6']);
    const p2 = await call('POST', '/runs/search', {
      experiment_ids: [exp],
      max_results: 4,
      page_token: p1.body.next_page_token,
    });
    const p3 = await call('POST', '/runs/search', {
      experiment_ids: [exp],
      max_results: 4,
      page_token: p2.body.next_page_token,
    });
    assert.deepEqual(names(p3.body), ['run-1']);
    assert.equal(p3.body.next_page_token, undefined);
  });

  it('answers a bad filter, view type, page token or page size with INVALID_PARAMETER_VALUE', async () => {
    for (const body of [
      { experiment_ids: [exp], filter: 'metrics.acc >' },
      { experiment_ids: [exp], filter: "metrics.acc > 1 or params.model = 'x'" },
      { experiment_ids: [exp], filter: "params.model = 'unterminated" },
      { experiment_ids: [exp], run_view_type: 'SOME' },
      { experiment_ids: [exp], page_token: 'garbage' },
      { experiment_ids: [exp], max_results: 50001 },
      { experiment_ids: [exp], order_by: ['metrics.acc SIDEWAYS'] },
    ]) {
      const r = await call('POST', '/runs/search', body);
      assert.equal(r.status, 400, JSON.stringify(body));
      assert.equal(r.body.error_code, 'INVALID_PARAMETER_VALUE');
    }
    const r = await call('POST', '/runs/search', { experiment_ids: [exp], filter: 'metrics.acc >> 1' });
    assert.match(r.body.message, /position 14/);
  });

  it('searches experiments by name and tags, also with GET', async () => {
    const r = await call('POST', '/experiments/search', { filter: "tags.team = 'ml'" });
    assert.deepEqual(
      r.body.experiments.map((e: { name: string }) => e.name),
      ['searchable'],
    );
    const g = await call(
      'GET',
      `/experiments/search?filter=${encodeURIComponent("name LIKE 'oth%'")}&max_results=5`,
    );
    assert.deepEqual(
      g.body.experiments.map((e: { name: string }) => e.name),
      ['other'],
    );
    const ordered = await call('GET', '/experiments/search?order_by=name%20ASC');
    assert.deepEqual(
      ordered.body.experiments.map((e: { name: string }) => e.name),
      ['Default', 'other', 'searchable'],
    );
  });
});
