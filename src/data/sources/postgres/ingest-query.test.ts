import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { LatheError } from '../../../core/index.js';
import { openTestData, type TestData } from '../../data-fixture.js';
import { DataService } from '../../data-service.js';
import { createSourceTable, expectedRow, fixtureRows, testPostgres } from './source-fixture.js';

const pgTest = testPostgres();
const secret = 'n0t-in-any-0utput';

describe('DataService.ingestQuery', { skip: pgTest.skip }, () => {
  let t: TestData;
  let data: DataService;
  let table: Awaited<ReturnType<typeof createSourceTable>>;
  const uri = () => pgTest.uri!.replace('://lathe@', `://lathe:${secret}@`);

  before(async () => {
    t = await openTestData({ sqlSourceHosts: ['127.0.0.1'] });
    data = t.data;
    table = await createSourceTable(pgTest.uri!);
  });
  after(async () => {
    await table?.drop();
    await t?.close();
  });

  it('makes a version with exact types, every row, a profile, and a source without the password', async () => {
    const query = `SELECT * FROM ${table.schema}.t ORDER BY id`;
    const { version: v, created } = await data.ingestQuery(
      { uri: uri(), query },
      { name: 'orders', message: 'from the warehouse', target: 'flag' },
      null,
    );
    assert.equal(created, true);
    assert.equal(v.ref, 'orders@1');
    assert.equal(v.rows, fixtureRows);
    assert.equal(v.report.format, 'postgres');
    assert.equal(v.report.rowsRead, fixtureRows);
    assert.deepEqual(v.source, { kind: 'postgres', uri: pgTest.uri, query });
    assert.deepEqual(
      v.columns.map((c) => `${c.name}:${c.type}`),
      [
        'id:INTEGER',
        'small:SMALLINT',
        'big:BIGINT',
        'real_v:FLOAT',
        'dbl:DOUBLE',
        'num:DOUBLE',
        'flag:BOOLEAN',
        'txt:VARCHAR',
        'vc:VARCHAR',
        'ch:VARCHAR',
        'day:DATE',
        'ts:TIMESTAMP',
        'tstz:TIMESTAMP',
        'uid:VARCHAR',
        'doc:VARCHAR',
        'js:VARCHAR',
        'tags:VARCHAR',
        'nums:VARCHAR',
        'empty_int:INTEGER',
        'empty_ts:TIMESTAMP',
        'iv:VARCHAR',
      ],
    );
    assert.equal(v.columns.find((c) => c.name === 'flag')?.semantic, 'target');
    const missing = Object.fromEntries(v.profile.columns.map((c) => [c.name, c.missing]));
    assert.equal(missing.txt, Math.floor(fixtureRows / 7));
    assert.equal(missing.empty_int, fixtureRows);
    assert.equal(missing.id, 0);
    // Values round-trip, read back as any user reads rows.
    for (const id of [1, 3, 14, 49_999]) {
      const page = await data.rows('orders@1', { filter: { column: 'id', op: '=', value: String(id) } });
      const row = page.rows[0]!;
      const want = expectedRow(id);
      for (const [k, val] of Object.entries(want)) {
        if (k === 'ts' || k === 'tstz') assert.equal(Date.parse(String(row[k])), val, `${k} of ${id}`);
        else if (k === 'big') assert.equal(String(row[k]), val, `big of ${id}`);
        else assert.deepEqual(row[k], val, `${k} of ${id}`);
      }
    }
    // Nothing anywhere holds the password: the stored version, the audit trail.
    assert.ok(!JSON.stringify(await data.version('orders@1')).includes(secret));
    const { events } = await t.audit.list({});
    assert.ok(events.some((e) => e.action === 'dataset_version.create'));
    assert.ok(!JSON.stringify(events).includes(secret));
    assert.deepEqual(readdirSync(path.join(t.dir, 'tmp')), [], 'the temporary rows are removed');
  });

  it('answers the existing version for the same rows, and appends a query batch with lineage', async () => {
    const query = `SELECT * FROM ${table.schema}.t ORDER BY id`;
    const again = await data.ingestQuery({ uri: uri(), query }, { name: 'orders' }, null);
    assert.equal(again.created, false);
    assert.equal(again.version.ref, 'orders@1');
    const batch = `SELECT * FROM ${table.schema}.t WHERE id <= 10`;
    const appended = await data.ingestQuery(
      { uri: uri(), query: batch },
      { name: 'orders', append: true },
      null,
    );
    assert.equal(appended.version.ref, 'orders@2');
    assert.equal(appended.version.rows, fixtureRows + 10);
    assert.deepEqual(appended.version.parents, ['orders@1']);
    assert.deepEqual(appended.version.source, {
      kind: 'append',
      base: 'orders@1',
      filename: 'query',
      format: 'postgres',
      uri: pgTest.uri,
      query: batch,
    });
    const other = await data
      .ingestQuery(
        { uri: uri(), query: `SELECT id FROM ${table.schema}.one` },
        { name: 'orders', append: true },
        null,
      )
      .catch((e: LatheError) => e);
    assert.ok(other instanceof LatheError);
    assert.equal(other.code, 'DATA_SOURCE_INVALID');
    assert.match(other.message, /must have the columns of orders@2; missing: small/);
    const nothing = await data
      .ingestQuery({ uri: uri(), query: 'SELECT 1' }, { name: 'nothing-yet', append: true }, null)
      .catch((e: LatheError) => e);
    assert.ok(nothing instanceof LatheError);
    assert.equal(nothing.code, 'NOT_FOUND');
  });

  it('refuses hosts that are not allowed, and by default every host', async () => {
    const closed = new DataService(t.meta, t.blobs, t.audit, { tmpDir: path.join(t.dir, 'tmp') });
    try {
      const err = await closed
        .ingestQuery({ uri: uri(), query: 'SELECT 1' }, { name: 'x' }, null)
        .catch((e: LatheError) => e);
      assert.ok(err instanceof LatheError);
      assert.equal(err.code, 'DATA_SOURCE_FORBIDDEN');
      assert.match(err.message, /SQL sources are turned off/);
    } finally {
      await closed.close();
    }
    await assert.rejects(data.versions('x'), /NOT_FOUND|no dataset/i);
  });
});
