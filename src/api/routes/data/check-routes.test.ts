import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { LatheClient } from '../../../sdk/index.js';
import { createTestApp, type TestApp } from '../../testing.js';
import { type DataRouteFixture, dataRouteFixture } from './data-route-fixture.js';

/** Orders: unique ids, a category, an amount, a 20% target. */
function ordersCsv(extra = ''): string {
  const lines = ['order_id,channel,amount,returned'];
  for (let i = 0; i < 120; i++)
    lines.push(`${i + 1},${['web', 'app', 'store'][i % 3]},${10 + i * 0.5},${i % 5 === 0}`);
  return `${lines.join('\n')}\n${extra}`;
}

describe('quality checks API', () => {
  let t: TestApp;
  let admin: Record<string, string>;
  let viewer: Record<string, string>;
  let api: DataRouteFixture;

  const post = async (url: string, payload?: unknown, headers: Record<string, string> = admin) => {
    const res = await t.app.inject({
      method: 'POST',
      url,
      ...(payload === undefined
        ? {}
        : typeof payload === 'string'
          ? { payload, headers: { ...headers, 'content-type': 'application/yaml' } }
          : { payload: payload as object }),
      ...(typeof payload === 'string' ? {} : { headers }),
    });
    return { status: res.statusCode, body: res.json() };
  };
  const checks = '/api/v1/datasets/orders/versions';

  before(async () => {
    t = await createTestApp();
    api = dataRouteFixture(t);
    admin = api.admin;
    for (const body of [ordersCsv(), ordersCsv('121,web,10,false\n121,web,10,false\n122,fax,9999,true\n')])
      await api.ingest('orders', body, '?filename=orders.csv&target=returned');
    viewer = await api.viewer();
  });
  after(() => t.close());

  it('runs the default suite on an empty body and answers 200 with the run', async () => {
    const res = await post(`${checks}/1/checks`);
    assert.equal(res.status, 200, JSON.stringify(res.body));
    const run = res.body;
    assert.equal(run.ref, 'orders@1');
    assert.equal(run.status, 'pass');
    assert.match(run.id, /^chk_/);
    assert.equal(run.createdBy, 'admin');
    assert.ok(run.results.length >= 10);
    const imbalance = run.results.find((r: { check: string }) => r.check === 'class_imbalance');
    assert.deepEqual(imbalance.thresholds, { op: '<', warn: 0.1, fail: 0.01 });
    assert.equal(imbalance.columns[0].column, 'returned');
    const audit = await t.app.inject({ url: '/api/v1/audit', headers: admin });
    const entry = audit
      .json()
      .events.find(
        (e: { action: string; details: { run?: string } }) =>
          e.action === 'dataset_check.run' && e.details.run === run.id,
      );
    assert.ok(entry, 'the run is in the audit log');
    assert.equal(entry.objectId, 'orders/1');
  });

  it('answers 200 for a failing run: failures are a result', async () => {
    const res = await post(`${checks}/2/checks`, {
      checks: [
        { check: 'duplicate_ids' },
        { check: 'out_of_range', column: 'amount', max: 100 },
        { check: 'new_categories' },
      ],
    });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.equal(res.body.status, 'fail');
    assert.equal(res.body.reference, 'orders@1');
    const [ids, range, fresh] = res.body.results;
    assert.equal(ids.status, 'fail');
    assert.deepEqual(ids.columns[0].examples, ['121']);
    assert.deepEqual(range.columns[0].rows, [123]);
    assert.deepEqual(range.columns[0].examples, [9999]);
    assert.deepEqual(fresh.columns.find((c: { column: string }) => c.column === 'channel').examples, ['fax']);
  });

  it('takes the suite as { suite: YAML text } and as a YAML body', async () => {
    const yaml = 'checks:\n  - check: duplicate_rows\n    fail: 0\n';
    const a = await post(`${checks}/latest/checks`, { suite: yaml });
    const b = await post(`${checks}/latest/checks`, yaml);
    for (const r of [a, b]) {
      assert.equal(r.status, 200, JSON.stringify(r.body));
      assert.equal(r.body.ref, 'orders@2');
      assert.equal(r.body.results[0].status, 'fail');
      assert.deepEqual(r.body.results[0].details.examples, [{ rows: [121, 122], count: 2 }]);
    }
  });

  it('refuses an invalid suite with 400 naming the check, the field and the valid options', async () => {
    const unknown = await post(`${checks}/1/checks`, { checks: [{ check: 'duplicates' }] });
    assert.equal(unknown.status, 400);
    assert.equal(unknown.body.error.code, 'INVALID_ARGUMENT');
    assert.match(unknown.body.error.message, /checks\[0\], field "check".*"duplicates".*duplicate_rows/);
    assert.deepEqual(unknown.body.error.details.index, 0);
    const column = await post(`${checks}/1/checks`, {
      checks: [{ check: 'missing_values', columns: ['price'] }],
    });
    assert.equal(column.status, 400);
    assert.match(column.body.error.message, /"price".*order_id, channel, amount, returned/);
    const yaml = await post(`${checks}/1/checks`, { suite: 'checks: [' });
    assert.equal(yaml.status, 400);
    assert.match(yaml.body.error.message, /does not parse/);
  });

  it('lists runs newest first and reads one back; unknown ids and versions are 404', async () => {
    const list = await api.get(`${checks}/2/checks`);
    assert.equal(list.status, 200);
    assert.ok(list.body.runs.length >= 3);
    const first = list.body.runs[0];
    assert.deepEqual(Object.keys(first).sort(), [
      'createdAt',
      'createdBy',
      'durationMs',
      'id',
      'name',
      'ref',
      'reference',
      'rows',
      'status',
      'summary',
      'version',
    ]);
    const one = await api.get(`${checks}/2/checks/${first.id}`);
    assert.equal(one.status, 200);
    assert.equal(one.body.id, first.id);
    assert.ok(Array.isArray(one.body.results));
    assert.equal(one.body.suite.reference, 'previous');
    assert.equal((await api.get(`${checks}/1/checks/${first.id}`)).status, 404);
    assert.equal((await api.get(`${checks}/9/checks`)).status, 404);
    assert.equal((await post('/api/v1/datasets/nope/versions/1/checks')).status, 404);
  });

  it('needs write permission to run, read to list', async () => {
    const run = await post(`${checks}/1/checks`, {}, viewer);
    assert.equal(run.status, 403);
    assert.equal((await api.get(`${checks}/1/checks`, viewer)).status, 200);
    assert.equal((await api.get(`${checks}/1/checks`, {})).status, 401);
  });

  it('is described in the OpenAPI document', async () => {
    const doc = await api.get('/api/docs/json');
    const paths = doc.body.paths;
    assert.ok(paths['/api/v1/datasets/{name}/versions/{version}/checks'].post);
    assert.ok(paths['/api/v1/datasets/{name}/versions/{version}/checks/{id}'].get);
  });

  it('works through the SDK: check, checkRuns, checkRun', async () => {
    const url = await t.listen();
    const client = new LatheClient({ url, token: t.adminToken });
    const run = await client.data.check('orders@2', [{ check: 'duplicate_rows' }]);
    assert.equal(run.status, 'warn');
    const yaml = await client.data.check('orders', 'checks:\n  - check: class_imbalance\n');
    assert.equal(yaml.results[0]!.check, 'class_imbalance');
    const byDefault = await client.data.check('orders@1');
    assert.equal(byDefault.status, 'pass');
    const runs = await client.data.checkRuns('orders@2');
    assert.equal(runs[0]!.id, yaml.id);
    assert.equal((await client.data.checkRun('orders@2', run.id)).results[0]!.status, 'warn');
    await assert.rejects(client.data.check('orders@2', [{ check: 'nope' }]), /valid: missing_values/);
  });
});
