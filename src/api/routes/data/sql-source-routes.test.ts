import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { createLogger } from '../../../core/index.js';
import { createSourceTable, testPostgres } from '../../../data/sources/postgres/source-fixture.js';
import { LatheClient, LatheError } from '../../../sdk/index.js';
import { createTestApp, type TestApp } from '../../testing.js';
import { dataRouteFixture } from './data-route-fixture.js';

const pgTest = testPostgres();
const secret = 'api-s3cret-never-shown';

describe('POST /api/v1/datasets/:name/versions/from-sql', { skip: pgTest.skip }, () => {
  let t: TestApp;
  let admin: Record<string, string>;
  let viewer: Record<string, string>;
  let logged = '';
  let table: Awaited<ReturnType<typeof createSourceTable>>;
  const uri = () => pgTest.uri!.replace('://lathe@', `://lathe:${secret}@`);
  const post = async (name: string, body: Record<string, unknown>, headers = admin) => {
    const res = await t.app.inject({
      method: 'POST',
      url: `/api/v1/datasets/${name}/versions/from-sql`,
      payload: body,
      headers,
    });
    assert.ok(!res.body.includes(secret), `the answer holds the password: ${res.body}`);
    return { status: res.statusCode, body: res.json() };
  };

  before(async () => {
    const sink = new PassThrough();
    sink.on('data', (d) => (logged += d));
    t = await createTestApp(
      { data: { sqlSourceHosts: 'db.internal, 127.0.0.1' } },
      { logger: createLogger('debug', sink) },
    );
    const api = dataRouteFixture(t);
    admin = api.admin;
    viewer = await api.viewer();
    table = await createSourceTable(pgTest.uri!);
  });
  after(async () => {
    await table?.drop();
    await t?.close();
  });

  it('ingests the rows of a query as a version (201), then answers it again unchanged (200)', async () => {
    const query = `SELECT id, small, txt, tstz, empty_int FROM ${table.schema}.t WHERE id <= 1000;`;
    const res = await post('warehouse', { uri: uri(), query, message: 'first pull', target: 'small' });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    const v = res.body.version;
    assert.equal(v.ref, 'warehouse@1');
    assert.equal(v.rows, 1000);
    assert.equal(v.message, 'first pull');
    assert.deepEqual(
      v.columns.map((c: { name: string; type: string }) => `${c.name}:${c.type}`),
      ['id:INTEGER', 'small:SMALLINT', 'txt:VARCHAR', 'tstz:TIMESTAMP', 'empty_int:INTEGER'],
    );
    assert.deepEqual(v.source, { kind: 'postgres', uri: pgTest.uri, query: query.slice(0, -1) });
    const again = await post('warehouse', { uri: uri(), query });
    assert.equal(again.status, 200);
    assert.equal(again.body.created, false);
    const audit = await t.app.inject({ url: '/api/v1/audit', headers: admin });
    assert.equal(audit.statusCode, 200);
    assert.ok(!audit.body.includes(secret));
  });

  it('refuses hosts not in data.sqlSourceHosts with 403, naming the setting', async () => {
    const res = await post('x', {
      uri: `postgres://u:${secret}@169.254.169.254:5432/meta`,
      query: 'SELECT 1',
    });
    assert.equal(res.status, 403);
    assert.equal(res.body.error.code, 'DATA_SOURCE_FORBIDDEN');
    assert.match(
      res.body.error.message,
      /may not connect to 169\.254\.169\.254:5432.*allowed: db\.internal, 127\.0\.0\.1/,
    );
  });

  it('refuses a second statement (400), a write (400/422), a failing query (422) and an unreachable database (502)', async () => {
    const two = await post('x', { uri: uri(), query: `SELECT 1; DROP SCHEMA ${table.schema} CASCADE` });
    assert.equal(two.status, 400);
    assert.match(two.body.error.message, /must be one statement/);
    const dml = await post('x', { uri: uri(), query: `UPDATE ${table.schema}.one SET name = 'x'` });
    assert.equal(dml.status, 400);
    assert.match(dml.body.error.message, /starts with "UPDATE"/);
    const locking = await post('x', { uri: uri(), query: `SELECT * FROM ${table.schema}.one FOR UPDATE` });
    assert.equal(locking.status, 422);
    assert.match(locking.body.error.message, /READ ONLY transaction/);
    const missing = await post('x', { uri: uri(), query: 'SELECT * FROM no_such_table' });
    assert.equal(missing.status, 422);
    assert.equal(missing.body.error.details.sqlstate, '42P01');
    const down = await post('x', { uri: `postgres://lathe:${secret}@127.0.0.1:1/db`, query: 'SELECT 1' });
    assert.equal(down.status, 502);
    assert.equal(down.body.error.code, 'DATA_SOURCE_CONNECTION_FAILED');
    assert.match(
      down.body.error.message,
      /cannot connect to PostgreSQL at postgres:\/\/lathe@127\.0\.0\.1:1\/db/,
    );
  });

  it('validates the body without echoing the URI, and needs the write permission', async () => {
    const bad = await post('x', { uri: `mysql://root:${secret}@db/x`, query: 'SELECT 1' });
    assert.equal(bad.status, 400);
    assert.match(bad.body.error.message, /the scheme is "mysql:"/);
    const unknown = await post('x', { uri: uri(), query: 'SELECT 1', password: 'x' });
    assert.equal(unknown.status, 400);
    assert.match(unknown.body.error.message, /body\.password is not a known field/);
    const denied = await post('x', { uri: uri(), query: 'SELECT 1' }, viewer);
    assert.equal(denied.status, 403);
    assert.equal(denied.body.error.code, 'PERMISSION_DENIED');
  });

  it('works from the SDK, and the URI is write-only in the OpenAPI document', async () => {
    const url = await t.listen();
    const client = new LatheClient({ url, token: t.adminToken });
    const out = await client.data.ingestQuery(
      'sdk-pull',
      { uri: uri(), query: `SELECT * FROM ${table.schema}.one` },
      { message: 'via sdk', semantic: { name: 'categorical' } },
    );
    assert.equal(out.created, true);
    assert.equal(out.version.rows, 1);
    assert.equal(out.version.columns.find((c) => c.name === 'name')?.semantic, 'categorical');
    const err = await client.data
      .ingestQuery('sdk-pull', { uri: 'postgres://u@elsewhere/db', query: 'SELECT 1' })
      .catch((e: LatheError) => e);
    assert.ok(err instanceof LatheError);
    assert.equal(err.code, 'DATA_SOURCE_FORBIDDEN');
    const doc = (await t.app.inject({ url: '/api/openapi.json' })).json();
    const op = doc.paths['/api/v1/datasets/{name}/versions/from-sql'].post;
    const schema = op.requestBody.content['application/json'].schema;
    assert.equal(schema.properties.uri.writeOnly, true);
    assert.equal(schema.properties.uri.format, 'password');
  });

  it('never writes the password to the log', () => {
    assert.ok(logged.includes('from-sql'), 'requests were logged');
    assert.ok(!logged.includes(secret));
  });
});

describe('SQL sources on a default server', () => {
  it('are off: every host is refused with 403', async () => {
    const t = await createTestApp({ auth: { enabled: false } });
    try {
      const res = await t.app.inject({
        method: 'POST',
        url: '/api/v1/datasets/x/versions/from-sql',
        payload: { uri: 'postgres://u@127.0.0.1/db', query: 'SELECT 1' },
      });
      assert.equal(res.statusCode, 403);
      assert.match(res.json().error.message, /SQL sources are turned off on this server/);
    } finally {
      await t.close();
    }
  });
});
