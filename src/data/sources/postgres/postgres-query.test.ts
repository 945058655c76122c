import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { LatheError } from '../../../core/index.js';
import { TableEngine } from '../../../storage/tables/index.js';
import { fetchPostgresQuery } from './postgres-query.js';
import {
  createSourceTable,
  expectedRow,
  fixtureRows,
  startPasswordCluster,
  testPostgres,
} from './source-fixture.js';

const pgTest = testPostgres();
const secret = 'Pa55:w0rd/with@odd#chars';
/** The test URI with a password added: the test cluster trusts the login, so any password works. */
const withPassword = (uri: string, password = secret) =>
  uri.replace('://lathe@', `://lathe:${encodeURIComponent(password)}@`);

describe('fetchPostgresQuery against PostgreSQL', { skip: pgTest.skip }, () => {
  let dir: string;
  let engine: TableEngine;
  let table: Awaited<ReturnType<typeof createSourceTable>>;
  let n = 0;
  const uri = () => withPassword(pgTest.uri!);
  const fetch = (query: string, options: { timeoutMs?: number; onProgress?: (r: number) => void } = {}) =>
    fetchPostgresQuery({ uri: uri(), query }, path.join(dir, `rows-${++n}.jsonl`), {
      allowedHosts: ['127.0.0.1'],
      ...options,
    });
  const refused = async (query: string, code: string, message: RegExp) => {
    const err = await fetch(query).then(
      () => assert.fail(`expected ${code} for ${query}`),
      (e: unknown) => e,
    );
    assert.ok(err instanceof LatheError, String(err));
    assert.equal(err.code, code, err.message);
    assert.match(err.message, message);
    assert.ok(!err.message.includes(secret) && !JSON.stringify(err.details ?? {}).includes(secret));
    return err;
  };

  before(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'lathe-pg-source-'));
    engine = await TableEngine.create();
    table = await createSourceTable(pgTest.uri!);
  });
  after(async () => {
    await table?.drop();
    await engine?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('streams 50,000 rows in batches of 10,000 with every column typed from PostgreSQL', async () => {
    const progress: number[] = [];
    const r = await fetch(`SELECT * FROM ${table.schema}.t ORDER BY id;`, {
      onProgress: (rows) => progress.push(rows),
    });
    assert.equal(r.rows, fixtureRows);
    assert.deepEqual(progress, [10_000, 20_000, 30_000, 40_000, 50_000]);
    assert.deepEqual(Object.fromEntries(r.columns.map((c) => [c.name, c.type])), {
      id: 'INTEGER',
      small: 'SMALLINT',
      big: 'BIGINT',
      real_v: 'REAL',
      dbl: 'DOUBLE',
      num: 'DOUBLE',
      flag: 'BOOLEAN',
      txt: 'VARCHAR',
      vc: 'VARCHAR',
      ch: 'VARCHAR',
      day: 'DATE',
      ts: 'TIMESTAMP',
      tstz: 'TIMESTAMP',
      uid: 'VARCHAR',
      doc: 'VARCHAR',
      js: 'VARCHAR',
      tags: 'VARCHAR',
      nums: 'VARCHAR',
      empty_int: 'INTEGER',
      empty_ts: 'TIMESTAMP',
      iv: 'VARCHAR',
    });
    assert.deepEqual(r.source, {
      kind: 'postgres',
      uri: pgTest.uri!.replace(/^postgres(ql)?:/, 'postgres:'),
      query: `SELECT * FROM ${table.schema}.t ORDER BY id`,
    });
    // DuckDB reads the file in exactly these types, the all-NULL columns included.
    const described = await engine.describe(r.opened.select);
    assert.deepEqual(
      described.map((c) => c.type),
      r.columns.map((c) => (c.type === 'REAL' ? 'FLOAT' : c.type)),
    );
    const [counts] = await engine.query<Record<string, number>>(
      `SELECT count(*) AS n, count(txt) AS txt, count(flag) AS flag, count(empty_int) AS e FROM (${r.opened.select})`,
    );
    assert.deepEqual(
      { ...counts },
      {
        n: fixtureRows,
        txt: fixtureRows - Math.floor(fixtureRows / 7),
        flag: fixtureRows - Math.floor(fixtureRows / 11),
        e: 0,
      },
    );
    const rows = await engine.query<Record<string, unknown>>(
      `SELECT * FROM (${r.opened.select}) WHERE id IN (1, 3, 7, 33, 49999) ORDER BY id`,
    );
    for (const row of rows) {
      const want = expectedRow(row.id as number);
      for (const [k, v] of Object.entries(want)) {
        const got = row[k];
        if (k === 'ts' || k === 'tstz') assert.equal(Date.parse(String(got)), v, `${k} of row ${row.id}`);
        else if (k === 'big') assert.equal(String(got), v, `big of row ${row.id}`);
        else assert.deepEqual(got, v, `${k} of row ${row.id}`);
      }
      assert.match(String(row.ts), /\.123456Z$/, 'microseconds kept');
      assert.match(String(row.uid), /^[0-9a-f]{8}-[0-9a-f]{4}-/);
    }
    assert.ok(!readFileSync(path.join(dir, `rows-${n}.jsonl`), 'utf8').includes(secret));
  });

  it('keeps special values: NaN and infinities, BC dates, huge numerics, nested arrays', async () => {
    const r = await fetch(`SELECT 'NaN'::float8 AS a, '-Infinity'::float4 AS b, 'infinity'::date AS c,
      '0044-03-15 BC'::date AS d, '0044-03-15 10:00:00 BC'::timestamp AS e,
      12345678901234567890.123::numeric AS f, '{{1,2},{3,NULL}}'::int[] AS g,
      ARRAY['{"x":1}'::jsonb] AS h, ARRAY[true, false] AS i, 'x'::text AS "A", 'y'::text AS a2, 1 AS "a"`);
    const [row] = await engine.query<Record<string, unknown>>(r.opened.select);
    assert.ok(Number.isNaN(row!.a));
    assert.equal(row!.b, Number.NEGATIVE_INFINITY);
    assert.equal(row!.c, 'infinity');
    assert.equal(row!.d, '0044-03-15 (BC)');
    assert.equal(row!.e, '-000043-03-15T10:00:00.000Z', 'the year 44 BC is year -43');
    assert.equal(row!.f, Number('12345678901234567890.123'), 'the nearest double');
    assert.equal(row!.g, '[[1,2],[3,null]]');
    assert.equal(row!.h, '[{"x":1}]');
    assert.equal(row!.i, '[true,false]');
    // "A" and "a" are one name to DuckDB: repeats are renamed (past names taken) and reported.
    assert.deepEqual(
      r.columns.map((c) => c.name),
      ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'A_1', 'a2', 'a_2'],
    );
    const { issues } = await r.opened.finish();
    assert.deepEqual(
      issues.map((i) => i.message),
      ['column 10 repeats the name "A"; it is named A_1', 'column 12 repeats the name "a"; it is named a_2'],
    );
  });

  it('refuses a second statement before connecting, and allows a trailing ";" and comments', async () => {
    await refused(
      `SELECT 1; DROP TABLE ${table.schema}.one`,
      'INVALID_ARGUMENT',
      /one statement.*a trailing ";" is allowed/,
    );
    const ok = await fetch(`SELECT * FROM ${table.schema}.one; -- done\n ;`);
    assert.equal(ok.rows, 1);
  });

  it('refuses writes: DML by its first word, anything else by the READ ONLY transaction', async () => {
    await refused(`DELETE FROM ${table.schema}.one`, 'INVALID_ARGUMENT', /starts with "DELETE"/);
    await refused(`CREATE TABLE ${table.schema}.x (a int)`, 'INVALID_ARGUMENT', /starts with "CREATE"/);
    await refused(
      `WITH d AS (DELETE FROM ${table.schema}.one RETURNING *) SELECT * FROM d`,
      'DATA_SOURCE_INVALID',
      /must only read/,
    );
    await refused(
      `SELECT * FROM ${table.schema}.one FOR UPDATE`,
      'DATA_SOURCE_INVALID',
      /must only read \(it runs in a READ ONLY transaction\)/,
    );
    await refused(
      `SELECT nextval('${table.schema}.none')`,
      'DATA_SOURCE_INVALID',
      /the query failed in PostgreSQL: relation .* does not exist/,
    );
    const check = await fetch(`SELECT count(*) AS n FROM ${table.schema}.one`);
    const [row] = await engine.query<{ n: number }>(check.opened.select);
    assert.equal(Number(row!.n), 1, 'nothing was deleted');
  });

  it('names where a query is wrong, times out, and refuses an empty result', async () => {
    await refused(
      'SELECT * FROM nowhere_at_all',
      'DATA_SOURCE_INVALID',
      /"nowhere_at_all" does not exist \(at character 15 of the query\)/,
    );
    await refused('SELECT 1 WHERE false', 'DATA_SOURCE_INVALID', /returned no rows/);
    const err = await fetchPostgresQuery(
      { uri: uri(), query: 'SELECT pg_sleep(5)' },
      path.join(dir, 'sleep.jsonl'),
      { allowedHosts: ['*'], timeoutMs: 300 },
    ).catch((e: LatheError) => e);
    assert.ok(err instanceof LatheError);
    assert.equal(err.code, 'DATA_SOURCE_INVALID');
    assert.match(err.message, /longer than the 0.3-second limit \(data\.sqlTimeoutMs\)/);
  });

  it('refuses hosts that are not allowed before connecting', async () => {
    const err = await fetchPostgresQuery({ uri: uri(), query: 'SELECT 1' }, path.join(dir, 'x.jsonl'), {
      allowedHosts: ['db.internal:5432'],
    }).catch((e: LatheError) => e);
    assert.ok(err instanceof LatheError);
    assert.equal(err.code, 'DATA_SOURCE_FORBIDDEN');
    assert.match(err.message, /may not connect to 127\.0\.0\.1:\d+.*allowed: db\.internal:5432/);
  });

  it('reports a refused connection without the password', async () => {
    const err = await fetchPostgresQuery(
      { uri: `postgres://lathe:${encodeURIComponent(secret)}@127.0.0.1:1/db`, query: 'SELECT 1' },
      path.join(dir, 'x.jsonl'),
      { allowedHosts: ['*'] },
    ).catch((e: LatheError) => e);
    assert.ok(err instanceof LatheError);
    assert.equal(err.code, 'DATA_SOURCE_CONNECTION_FAILED');
    assert.match(
      err.message,
      /^cannot connect to PostgreSQL at postgres:\/\/lathe@127\.0\.0\.1:1\/db: .*ECONNREFUSED/,
    );
    assert.ok(!JSON.stringify({ m: err.message, d: err.details, s: err.stack }).includes(secret));
  });
});

describe('fetchPostgresQuery with a wrong password', () => {
  const password = 'R1ght-pa55word';
  let cluster: Awaited<ReturnType<typeof startPasswordCluster>>;
  let dir: string;
  before(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'lathe-pg-pw-'));
    cluster = await startPasswordCluster(password);
  });
  after(async () => {
    await cluster?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('says the login failed and never shows the password', async (t) => {
    if (cluster.skip) return t.skip(cluster.skip);
    const wrong = 'Wr0ng-s3cret-%/@';
    const base = cluster.uri;
    const err = await fetchPostgresQuery(
      { uri: base.replace('://lathe@', `://lathe:${encodeURIComponent(wrong)}@`), query: 'SELECT 1' },
      path.join(dir, 'x.jsonl'),
      { allowedHosts: ['127.0.0.1'] },
    ).catch((e: LatheError) => e);
    assert.ok(err instanceof LatheError);
    assert.equal(err.code, 'DATA_SOURCE_CONNECTION_FAILED');
    assert.match(err.message, /password authentication failed for user "lathe"/);
    const everything = JSON.stringify({ m: err.message, d: err.details, s: err.stack, c: String(err.cause) });
    assert.ok(!everything.includes(wrong) && !everything.includes(encodeURIComponent(wrong)));
    // No password at all: refused too (the server's PGPASSWORD and ~/.pgpass are never used).
    process.env.PGPASSWORD = password;
    try {
      const none = await fetchPostgresQuery({ uri: base, query: 'SELECT 1' }, path.join(dir, 'y.jsonl'), {
        allowedHosts: ['*'],
      }).catch((e: LatheError) => e);
      assert.ok(none instanceof LatheError);
      assert.equal(none.code, 'DATA_SOURCE_CONNECTION_FAILED');
    } finally {
      delete process.env.PGPASSWORD;
    }
    const ok = await fetchPostgresQuery(
      { uri: base.replace('://lathe@', `://lathe:${password}@`), query: 'SELECT 1 AS one' },
      path.join(dir, 'z.jsonl'),
      { allowedHosts: ['127.0.0.1'] },
    );
    assert.equal(ok.rows, 1);
    assert.ok(!JSON.stringify(ok.source).includes(password));
  });
});
