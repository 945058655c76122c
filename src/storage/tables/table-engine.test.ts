import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { type BlobStore, FsBlobStore } from '../blobs/index.js';
import { TableEngine } from './index.js';

const hasCode =
  (code: string, ...patterns: RegExp[]) =>
  (err: unknown) => {
    assert.equal((err as { code?: unknown }).code, code, `expected ${code}, got ${String(err)}`);
    for (const pattern of patterns) assert.match((err as Error).message, pattern);
    return true;
  };

const parquetTempDirs = async () =>
  (await readdir(tmpdir())).filter((name) => name.startsWith('lathe-parquet-'));

describe('TableEngine', () => {
  let dir: string;
  let engine: TableEngine;
  let blobs: FsBlobStore;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'lathe-tables-'));
    engine = await TableEngine.create({ threads: 2, memoryLimit: '512MB' });
    blobs = await FsBlobStore.open(join(dir, 'blobs'));
  });
  after(async () => {
    await engine.close();
    await blobs.close();
    await rm(dir, { recursive: true, force: true });
  });

  describe('reading files', () => {
    it('reads a CSV with a custom delimiter and quoted fields', async () => {
      const path = join(dir, 'people.csv');
      await writeFile(path, 'id;name;note\n1;"Smith; John";"said ""hi"""\n2;Ann;plain\n3;"Lee";\n');
      const view = await engine.readFile(path, {
        format: 'csv',
        csv: { delimiter: ';', header: true, quote: '"' },
      });
      assert.match(view, /^lathe_view_[0-9a-z]{20}$/);
      assert.deepEqual(await engine.query(`SELECT * FROM ${view} ORDER BY id`), [
        { id: 1, name: 'Smith; John', note: 'said "hi"' },
        { id: 2, name: 'Ann', note: 'plain' },
        { id: 3, name: 'Lee', note: null },
      ]);
    });

    it('reads a headerless CSV with generated column names', async () => {
      const path = join(dir, 'pairs.txt');
      await writeFile(path, 'a|1\nb|2\n');
      const view = await engine.readFile(path, { csv: { delimiter: '|', header: false } });
      assert.deepEqual(await engine.query(`SELECT * FROM ${view}`), [
        { column0: 'a', column1: 1 },
        { column0: 'b', column1: 2 },
      ]);
    });

    it('reads a file whose path holds quotes and SQL', async () => {
      const path = join(dir, `it's"; DROP TABLE x; --.csv`);
      await writeFile(path, 'x\n1\n2\n');
      const view = await engine.readFile(path);
      assert.deepEqual(await engine.query(`SELECT sum(x) AS total FROM ${view}`), [{ total: 3 }]);
    });

    it('reads JSON Lines', async () => {
      const path = join(dir, 'events.jsonl');
      await writeFile(path, '{"user":"u1","clicks":3,"score":0.5}\n{"user":"u2","clicks":7,"score":null}\n');
      const view = await engine.readFile(path);
      assert.deepEqual(await engine.query(`SELECT * FROM ${view} ORDER BY user`), [
        { user: 'u1', clicks: 3, score: 0.5 },
        { user: 'u2', clicks: 7, score: null },
      ]);
    });

    it('detects JSON and Parquet by content when the file has no extension', async () => {
      const jsonPath = join(dir, 'no-extension-json');
      await writeFile(jsonPath, '[{"a": 1}, {"a": 2}]');
      const jsonView = await engine.readFile(jsonPath);
      assert.deepEqual(await engine.query(`SELECT a FROM ${jsonView} ORDER BY a`), [{ a: 1 }, { a: 2 }]);

      const parquetPath = join(dir, 'no-extension-parquet');
      await engine.query(`COPY (SELECT 42 AS answer) TO '${parquetPath}' (FORMAT parquet)`);
      const parquetView = await engine.readFile(parquetPath);
      assert.deepEqual(await engine.query(`SELECT * FROM ${parquetView}`), [{ answer: 42 }]);
    });

    it('reads Parquet with typed columns', async () => {
      const path = join(dir, 'typed.parquet');
      await engine.query(
        `COPY (SELECT i::BIGINT AS id, 'row ' || i AS label, i / 4 AS ratio FROM range(5) t(i)) TO '${path}' (FORMAT parquet)`,
      );
      const view = await engine.readFile(path, { format: 'parquet' });
      assert.deepEqual(await engine.describe(view), [
        { name: 'id', type: 'BIGINT', nullable: true },
        { name: 'label', type: 'VARCHAR', nullable: true },
        { name: 'ratio', type: 'DOUBLE', nullable: true },
      ]);
      const rows = await engine.query<{ id: number; label: string; ratio: number }>(
        `SELECT * FROM ${view} ORDER BY id`,
      );
      assert.equal(rows.length, 5);
      assert.deepEqual(rows[4], { id: 4, label: 'row 4', ratio: 1 });
    });

    it('rejects CSV options for a non-CSV format and unknown formats', async () => {
      await assert.rejects(
        engine.readFile(join(dir, 'typed.parquet'), { format: 'parquet', csv: { delimiter: ';' } }),
        hasCode('INVALID_ARGUMENT', /CSV options/),
      );
      await assert.rejects(
        engine.readFile(join(dir, 'x.csv'), { format: 'xlsx' as 'csv' }),
        hasCode('INVALID_ARGUMENT', /csv, parquet, json, auto/),
      );
    });
  });

  describe('queries', () => {
    it('converts values to plain JS', async () => {
      const [row] = await engine.query(`SELECT
        42::BIGINT AS small, 9007199254740993::BIGINT AS big, count(*) AS n, sum(x) AS total,
        12.34::DECIMAL(10,2) AS price, TIMESTAMP '2024-01-02 03:04:05.123456' AS ts,
        TIMESTAMPTZ '2024-01-02 03:04:05+00' AS tstz, DATE '2024-02-29' AS day,
        NULL AS nothing, [1, 2]::BIGINT[] AS list, {'k': 1::BIGINT} AS struct
        FROM (VALUES (1), (2)) t(x)`);
      assert.deepEqual(row, {
        small: 42,
        big: '9007199254740993',
        n: 2,
        total: 3,
        price: 12.34,
        ts: '2024-01-02T03:04:05.123456Z',
        tstz: '2024-01-02T03:04:05.000Z',
        day: '2024-02-29',
        nothing: null,
        list: [1, 2],
        struct: { k: 1 },
      });
    });

    it('binds positional and named parameters', async () => {
      assert.deepEqual(await engine.query('SELECT ? + 1 AS a, ? AS b', [41, "it's"]), [{ a: 42, b: "it's" }]);
      assert.deepEqual(await engine.query('SELECT $1 * 2 AS a', [21]), [{ a: 42 }]);
      assert.deepEqual(await engine.query('SELECT $name AS name, $n + 1 AS n', { name: 'x', n: 1 }), [
        { name: 'x', n: 2 },
      ]);
      const [row] = await engine.query(
        'SELECT ? AS at, ? AS bytes, list_sum(?) AS total, ? IS NULL AS missing',
        [new Date('2024-05-06T07:08:09.010Z'), new Uint8Array([1, 2, 3]), [1, 2, 3], null],
      );
      assert.deepEqual(row, {
        at: '2024-05-06T07:08:09.010Z',
        bytes: Buffer.from([1, 2, 3]),
        total: 6,
        missing: true,
      });
    });

    it('rejects parameters it cannot send', async () => {
      await assert.rejects(engine.query('SELECT ?', [{ a: 1 }]), hasCode('INVALID_ARGUMENT', /parameter 1/));
      await assert.rejects(engine.query('SELECT ?', [[]]), hasCode('INVALID_ARGUMENT'));
    });

    it('describes a query', async () => {
      assert.deepEqual(await engine.describe("SELECT 1 AS a, 'x' AS b, 1.5::DECIMAL(4,1) AS c;"), [
        { name: 'a', type: 'INTEGER', nullable: true },
        { name: 'b', type: 'VARCHAR', nullable: true },
        { name: 'c', type: 'DECIMAL(4,1)', nullable: true },
      ]);
    });
  });

  describe('Parquet in the blob store', () => {
    it('writes query results to a Parquet blob and reads back the same rows', async () => {
      const before = await parquetTempDirs();
      const select = `SELECT i AS id, 'item ' || i AS name, i * 0.5 AS weight,
        TIMESTAMP '2024-01-01' + INTERVAL (i) HOUR AS at FROM range(1000) t(i) WHERE i % ? = 0 ORDER BY i -- evens only`;
      const written = await engine.writeParquet(select, blobs, [2]);
      assert.equal(written.rows, 500);
      const stored = await readFile(blobs.localPath(written.digest));
      assert.equal(written.size, stored.length);
      assert.equal(written.digest, createHash('sha256').update(stored).digest('hex'));
      assert.equal(stored.subarray(0, 4).toString(), 'PAR1');
      assert.deepEqual(await parquetTempDirs(), before, 'the temporary Parquet file was not removed');

      const view = await engine.readParquetBlob(written.digest, blobs);
      const back = await engine.query(`SELECT * FROM ${view}`);
      const expected = await engine.query(select, [2]);
      assert.equal(back.length, 500);
      assert.deepEqual(back, expected);
      assert.deepEqual(back[1], { id: 2, name: 'item 2', weight: 1, at: '2024-01-01T02:00:00.000Z' });
    });

    it('writes an empty result as a valid Parquet blob', async () => {
      const written = await engine.writeParquet('SELECT 1 AS a WHERE false;\n', blobs);
      assert.equal(written.rows, 0);
      const view = await engine.readParquetBlob(written.digest, blobs);
      assert.deepEqual(await engine.query(`SELECT count(*) AS n FROM ${view}`), [{ n: 0 }]);
      assert.deepEqual(await engine.describe(view), [{ name: 'a', type: 'INTEGER', nullable: true }]);
    });

    it('reports a missing blob, a bad digest and a store without local files', async () => {
      await assert.rejects(engine.readParquetBlob('a'.repeat(64), blobs), hasCode('BLOB_NOT_FOUND'));
      await assert.rejects(engine.readParquetBlob('../etc/passwd', blobs), hasCode('INVALID_ARGUMENT'));
      const remote: BlobStore = {
        kind: 'remote',
        put: () => Promise.reject(new Error('unused')),
        get: () => Promise.reject(new Error('unused')),
        stat: async () => null,
        has: async () => true,
        delete: async () => false,
        list: async function* () {},
        localPath: () => null,
        ping: async () => {},
        close: async () => {},
      };
      await assert.rejects(
        engine.readParquetBlob('b'.repeat(64), remote),
        hasCode('NOT_IMPLEMENTED', /local files/),
      );
    });

    it('fails with TABLE_QUERY_FAILED and leaves nothing behind when the query fails', async () => {
      const before = await parquetTempDirs();
      const digestsBefore: string[] = [];
      for await (const d of blobs.list()) digestsBefore.push(d);
      await assert.rejects(
        engine.writeParquet('SELECT * FROM no_such_table', blobs),
        hasCode('TABLE_QUERY_FAILED', /no_such_table/),
      );
      assert.deepEqual(await parquetTempDirs(), before);
      const digestsAfter: string[] = [];
      for await (const d of blobs.list()) digestsAfter.push(d);
      assert.deepEqual(digestsAfter, digestsBefore);
    });
  });

  describe('errors', () => {
    it('reports a missing file as TABLE_QUERY_FAILED naming the file', async () => {
      const path = join(dir, 'missing.csv');
      await assert.rejects(engine.readFile(path), (err: Error & { details?: Record<string, unknown> }) => {
        hasCode('TABLE_QUERY_FAILED', /missing\.csv/, /No files found/)(err);
        assert.equal(err.details?.['file'], path);
        return true;
      });
    });

    it('reports a syntax error as TABLE_QUERY_FAILED naming the query', async () => {
      await assert.rejects(
        engine.query('SELEC 1 FROM nowhere'),
        hasCode('TABLE_QUERY_FAILED', /syntax error/i, /SELEC 1 FROM nowhere/),
      );
    });

    it('reports an unknown view in describe', async () => {
      await assert.rejects(engine.describe('no_such_view'), hasCode('TABLE_QUERY_FAILED', /no_such_view/));
    });

    it('keeps working after a failed query', async () => {
      await assert.rejects(engine.query('SELECT * FROM nope'), hasCode('TABLE_QUERY_FAILED'));
      assert.deepEqual(await engine.query('SELECT 1 AS ok'), [{ ok: 1 }]);
    });
  });

  describe('lifecycle', () => {
    it('applies options and rejects bad ones', async () => {
      assert.deepEqual(await engine.query("SELECT current_setting('threads') AS threads"), [{ threads: 2 }]);
      await assert.rejects(TableEngine.create({ threads: 0 }), hasCode('INVALID_ARGUMENT', /threads/));
      await assert.rejects(
        TableEngine.create({ memoryLimit: 'lots' }),
        hasCode('INVALID_ARGUMENT', /memoryLimit/),
      );
    });

    it('runs concurrent calls in order and refuses calls after close', async () => {
      const other = await TableEngine.create();
      const results = await Promise.all(
        Array.from({ length: 10 }, (_, i) => other.query<{ i: number }>('SELECT ? AS i', [i])),
      );
      assert.deepEqual(
        results.map((rows) => rows[0]?.i),
        Array.from({ length: 10 }, (_, i) => i),
      );
      await other.close();
      await other.close();
      await assert.rejects(other.query('SELECT 1'), hasCode('TABLE_QUERY_FAILED', /closed/));
    });

    it('forks an engine that shares the database, runs alongside it and closes alone', async () => {
      const parent = await TableEngine.create();
      await parent.query('CREATE TABLE shared AS SELECT range AS i FROM range(1000)');
      const fork = await parent.fork();
      const [a, b] = await Promise.all([
        parent.query<{ n: number }>('SELECT count(*) AS n FROM shared'),
        fork.query<{ n: number }>('SELECT sum(i) AS n FROM shared'),
      ]);
      assert.deepEqual([a[0]?.n, b[0]?.n], [1000, 499500]);
      await fork.close();
      await assert.rejects(fork.query('SELECT 1'), hasCode('TABLE_QUERY_FAILED', /closed/));
      assert.deepEqual(await parent.query('SELECT 1 AS ok'), [{ ok: 1 }]);
      await parent.close();
      await assert.rejects(parent.fork(), hasCode('TABLE_QUERY_FAILED', /closed/));
    });
  });

  describe('streaming columns', () => {
    it('streams batches in scan order, doubles as Float64Arrays (NULL as NaN), other types as values', async () => {
      const file = join(dir, 'stream.parquet');
      await engine.query(
        `COPY (SELECT i::DOUBLE AS x, CASE WHEN i % 1000 = 7 OR i % 4099 BETWEEN 30 AND 33 THEN NULL ELSE i * 0.5 END::DOUBLE AS y, 'r' || i AS id, i % 2 = 0 AS even FROM range(10000) t(i)) TO '${file}' (FORMAT parquet, ROW_GROUP_SIZE 3000)`,
      );
      const forked = await engine.fork();
      const sizes: number[] = [];
      let next = 0;
      for await (const batch of forked.streamColumns(
        `SELECT x, y, id, even FROM read_parquet('${file}')`,
        4096,
      )) {
        sizes.push(batch.rows);
        const { x, y, id, even } = batch.columns;
        assert.ok(x instanceof Float64Array && y instanceof Float64Array);
        assert.ok(Array.isArray(id) && Array.isArray(even));
        for (let r = 0; r < batch.rows; r++, next++) {
          assert.equal(x[r], next);
          const missing = next % 1000 === 7 || (next % 4099 >= 30 && next % 4099 <= 33);
          assert.ok(missing ? Number.isNaN(y[r]) : y[r] === next * 0.5, `y at ${next}`);
          assert.equal(id[r], `r${next}`);
          assert.equal(even[r], next % 2 === 0);
        }
      }
      assert.deepEqual(sizes, [4096, 4096, 1808]);
      await forked.close();
      await assert.rejects(
        (async () => {
          for await (const _ of engine.streamColumns('SELECT * FROM nowhere', 10));
        })(),
        hasCode('TABLE_QUERY_FAILED', /nowhere/),
      );
    });
  });
});
