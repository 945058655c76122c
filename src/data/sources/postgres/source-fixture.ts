import { execFile } from 'node:child_process';
import { chownSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';

/**
 * Test fixtures for SQL sources (tests only): a table with every mapped type in the PostgreSQL
 * named by `LATHE_TEST_POSTGRES_URI`, and a throwaway cluster that checks passwords (the test
 * cluster of `.ci/postgres.sh` trusts every login, so a wrong password would pass there).
 */

/** The test PostgreSQL's URI, or a reason to skip when there is none. */
export function testPostgres(): { uri: string; skip?: undefined } | { uri?: undefined; skip: string } {
  const uri = process.env.LATHE_TEST_POSTGRES_URI;
  if (!uri && process.env.CI) throw new Error('LATHE_TEST_POSTGRES_URI must be set in CI (see .ci/run)');
  return uri
    ? { uri }
    : { skip: 'LATHE_TEST_POSTGRES_URI is not set: run `eval "$(bash .ci/postgres.sh)"` first' };
}

/** Rows in the fixture table: enough for several FETCH batches of 10,000. */
export const fixtureRows = 50_000;

/**
 * Creates a schema of its own holding `t`, 50,000 rows of every mapped type with NULLs and
 * non-ASCII text (see the SELECT below for each column's values), and `one`, a one-row table.
 */
export async function createSourceTable(uri: string): Promise<{ schema: string; drop(): Promise<void> }> {
  const schema = `lathe_sql_${Math.random().toString(36).slice(2, 10)}`;
  const client = new pg.Client({ connectionString: uri });
  await client.connect();
  try {
    await client.query(`
      CREATE SCHEMA ${schema};
      CREATE TABLE ${schema}.t AS
      SELECT i AS id,
        ((i % 30000) - 15000)::int2 AS small,
        (i::int8 * 1000000007 * 1000) AS big,
        (i / 8.0)::float4 AS real_v,
        (i * 0.1::float8) AS dbl,
        (i * 1.2345)::numeric(12,4) AS num,
        CASE WHEN i % 11 = 0 THEN NULL ELSE i % 3 = 0 END AS flag,
        CASE WHEN i % 7 = 0 THEN NULL
             WHEN i = 3 THEN E'quote " backslash \\\\ newline \\n tab \\t end'
             ELSE 'row ' || i || ' café ☕ 東京 😀' END AS txt,
        ('v' || (i % 5))::varchar(20) AS vc,
        lpad((i % 100)::text, 2, '0')::char(3) AS ch,
        date '2020-01-01' + (i % 1000) AS day,
        timestamp '2020-01-01 00:00:00.123456' + i * interval '1 minute' AS ts,
        timestamptz '2020-01-01 00:00:00+02' + i * interval '1 hour' AS tstz,
        md5(i::text)::uuid AS uid,
        jsonb_build_object('i', i, 'name', 'n' || i) AS doc,
        ('{"k": [' || i || ', null]}')::json AS js,
        ARRAY['a' || (i % 3), 'b "q"', NULL] AS tags,
        ARRAY[i, i + 1] AS nums,
        NULL::int4 AS empty_int,
        NULL::timestamptz AS empty_ts,
        (i % 5) * interval '1 day' AS iv
      FROM generate_series(1, ${fixtureRows}) AS i;
      CREATE TABLE ${schema}.one (id int4, name text);
      INSERT INTO ${schema}.one VALUES (1, 'only');
    `);
  } finally {
    await client.end();
  }
  return {
    schema,
    async drop() {
      const c = new pg.Client({ connectionString: uri });
      await c.connect();
      try {
        await c.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      } finally {
        await c.end();
      }
    },
  };
}

/** The values row `i` of the fixture table holds, as ingest should read them back. */
export function expectedRow(i: number): Record<string, unknown> {
  const day = new Date(Date.UTC(2020, 0, 1) + (i % 1000) * 86_400_000);
  return {
    id: i,
    small: (i % 30000) - 15000,
    big: String(BigInt(i) * 1000000007n * 1000n),
    real_v: i / 8,
    dbl: i * 0.1,
    num: Number((i * 1.2345).toFixed(4)),
    flag: i % 11 === 0 ? null : i % 3 === 0,
    txt:
      i % 7 === 0
        ? null
        : i === 3
          ? 'quote " backslash \\ newline \n tab \t end'
          : `row ${i} café ☕ 東京 😀`,
    vc: `v${i % 5}`,
    ch: `${String(i % 100).padStart(2, '0')} `,
    day: day.toISOString().slice(0, 10),
    // Timestamps as epoch milliseconds; `ts` also has 456 microseconds past the millisecond.
    ts: Date.UTC(2020, 0, 1) + i * 60_000 + 123,
    tstz: Date.UTC(2019, 11, 31, 22) + i * 3_600_000,
    empty_int: null,
    empty_ts: null,
    tags: JSON.stringify([`a${i % 3}`, 'b "q"', null]),
    nums: JSON.stringify([i, i + 1]),
    doc: JSON.stringify({ i, name: `n${i}` })
      .replace(/":/g, '": ')
      .replace(/,"/g, ', "'),
    js: `{"k": [${i}, null]}`,
    iv: i % 5 === 0 ? '00:00:00' : i % 5 === 1 ? '1 day' : `${i % 5} days`,
  };
}

const run = promisify(execFile);

/**
 * Starts a PostgreSQL cluster of its own on a free loopback port that checks passwords
 * (scram-sha-256): user `lathe`, password `password`, database `postgres`. Answers a reason to
 * skip (`skip`) when the PostgreSQL server binaries are not installed.
 */
export async function startPasswordCluster(
  password: string,
): Promise<{ uri: string; stop(): Promise<void>; skip?: string }> {
  const bin = await run('sh', [
    '-c',
    'ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1',
  ]).then(
    (r) => r.stdout.trim(),
    () => '',
  );
  if (!bin)
    return {
      uri: '',
      stop: async () => {},
      skip: 'the PostgreSQL server binaries are not installed (apt-get install postgresql)',
    };
  const dir = mkdtempSync(path.join(tmpdir(), 'lathe-pw-pg-'));
  const root = process.getuid?.() === 0;
  const as = async (cmd: string, args: string[]) =>
    root ? run('runuser', ['-u', 'postgres', '--', cmd, ...args]) : run(cmd, args);
  if (root) {
    const { stdout } = await run('id', ['-u', 'postgres']);
    const uid = Number(stdout.trim());
    chownSync(dir, uid, uid);
  }
  const pwfile = path.join(dir, 'pw');
  writeFileSync(pwfile, `${password}\n`, { mode: 0o644 });
  const data = path.join(dir, 'data');
  await as(`${bin}/initdb`, [
    '-D',
    data,
    '-U',
    'lathe',
    '--auth=scram-sha-256',
    `--pwfile=${pwfile}`,
    '-E',
    'UTF8',
    '--locale=C.UTF-8',
    '--no-sync',
  ]);
  const port = await freePort();
  await as(`${bin}/pg_ctl`, [
    '-D',
    data,
    '-l',
    path.join(dir, 'server.log'),
    '-w',
    '-o',
    `-c listen_addresses=127.0.0.1 -c port=${port} -c unix_socket_directories=${dir} -c fsync=off`,
    'start',
  ]);
  return {
    uri: `postgres://lathe@127.0.0.1:${port}/postgres`,
    async stop() {
      await as(`${bin}/pg_ctl`, ['-D', data, '-m', 'immediate', 'stop']).catch(() => {});
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}
