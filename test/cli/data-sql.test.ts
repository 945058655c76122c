import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  createSourceTable,
  startPasswordCluster,
  testPostgres,
} from '../../src/data/sources/postgres/source-fixture.js';
import { type CliServer, startCliServer } from '../support/cli-server.js';

const pgTest = testPostgres();
const secret = 'cli-s3cret-never-shown';
const clusterPassword = 'cluster-pa55word';

describe('lathe data ingest-sql', { skip: pgTest.skip, concurrency: 1 }, () => {
  let cli: CliServer;
  let table: Awaited<ReturnType<typeof createSourceTable>>;
  let cluster: Awaited<ReturnType<typeof startPasswordCluster>>;
  let dir: string;
  /** The source URI and PG* password blanked too, so the runner's environment cannot leak in. */
  const lathe = (args: string[], env: Record<string, string> = {}) =>
    cli.lathe(args, { LATHE_SOURCE_URI: '', PGPASSWORD: '', ...env });
  const uriWithSecret = () => pgTest.uri!.replace('://lathe@', `://lathe:${secret}@`);

  before(async () => {
    table = await createSourceTable(pgTest.uri!);
    cluster = await startPasswordCluster(clusterPassword);
    cli = await startCliServer({
      env: { LATHE_SQL_SOURCE_HOSTS: '127.0.0.1', LATHE_LOG_LEVEL: 'info' },
    });
    dir = cli.dir;
  });
  after(async () => {
    await cli?.stop();
    await cluster?.stop();
    await table?.drop();
  });

  it('ingests a query with the URI from LATHE_SOURCE_URI and prints the version', async () => {
    const run = await lathe(
      [
        'data',
        'ingest-sql',
        '--name',
        'orders',
        '-m',
        'nightly',
        '--query',
        `SELECT id, vc, day FROM ${table.schema}.t`,
      ],
      { LATHE_SOURCE_URI: uriWithSecret() },
    );
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /^orders@1 {2}50,000 rows × 3 columns/m);
    assert.match(
      run.stdout,
      /source {3}postgres\n\s+postgres:\/\/lathe@127\.0\.0\.1:\d+\/lathe_test: SELECT id, vc, day FROM/,
    );
    assert.ok(!`${run.stdout}${run.stderr}`.includes(secret));
  });

  it('reads the query from a file, appends, and answers JSON', async () => {
    const file = path.join(dir, 'batch.sql');
    writeFileSync(file, `-- one more batch\nSELECT id, vc, day FROM ${table.schema}.t WHERE id <= 5;\n`);
    const run = await lathe([
      'data',
      'ingest-sql',
      '--name',
      'orders',
      '--append',
      '--query-file',
      file,
      '--uri',
      uriWithSecret(),
      '--json',
    ]);
    assert.equal(run.code, 0, run.stderr);
    const out = JSON.parse(run.stdout);
    assert.equal(out.version.ref, 'orders@2');
    assert.equal(out.version.rows, 50_005);
    assert.equal(out.version.source.kind, 'append');
    assert.match(run.stderr, /a password in --uri stays in your shell history/);
    assert.ok(!run.stdout.includes(secret));
  });

  it('takes a missing password from PGPASSWORD', async (t) => {
    if (cluster.skip) return t.skip(cluster.skip);
    const ok = await lathe(
      ['data', 'ingest-sql', '--name', 'pw', '--query', 'SELECT 42 AS answer', '--json'],
      {
        LATHE_SOURCE_URI: cluster.uri,
        PGPASSWORD: clusterPassword,
      },
    );
    assert.equal(ok.code, 0, ok.stderr);
    assert.equal(JSON.parse(ok.stdout).version.rows, 1);
    const wrong = await lathe(['data', 'ingest-sql', '--name', 'pw', '--query', 'SELECT 1'], {
      LATHE_SOURCE_URI: cluster.uri,
      PGPASSWORD: secret,
    });
    assert.equal(wrong.code, 1);
    assert.match(
      wrong.stderr,
      /^error DATA_SOURCE_CONNECTION_FAILED: cannot connect to PostgreSQL at .*password authentication failed/m,
    );
    assert.ok(!wrong.stderr.includes(secret));
  });

  it('explains a missing URI, a second statement and a refused host', async () => {
    const none = await lathe(['data', 'ingest-sql', '--name', 'x', '--query', 'SELECT 1']);
    assert.equal(none.code, 1);
    assert.match(none.stderr, /no database URI: pass --uri or set LATHE_SOURCE_URI/);
    const two = await lathe(['data', 'ingest-sql', '--name', 'x', '--query', 'SELECT 1; SELECT 2'], {
      LATHE_SOURCE_URI: uriWithSecret(),
    });
    assert.equal(two.code, 1);
    assert.match(two.stderr, /^error INVALID_ARGUMENT: the query must be one statement/m);
    const far = await lathe(['data', 'ingest-sql', '--name', 'x', '--query', 'SELECT 1'], {
      LATHE_SOURCE_URI: `postgres://u:${secret}@10.1.2.3/db`,
    });
    assert.equal(far.code, 1);
    assert.match(
      far.stderr,
      /^error DATA_SOURCE_FORBIDDEN: this server may not connect to 10\.1\.2\.3:5432/m,
    );
    assert.ok(!far.stderr.includes(secret));
  });

  it('the server log never holds a password', () => {
    assert.match(cli.server.output(), /from-sql/);
    assert.ok(!cli.server.output().includes(secret));
    assert.ok(!cli.server.output().includes(clusterPassword));
  });
});
