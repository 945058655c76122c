import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import pg from 'pg';
import { isLatheError, newId } from '../../core/index.js';
import { runMetaStoreConformance } from './meta-store.conformance.js';
import { openMetaStore } from './meta-store.js';

const dirs: string[] = [];
runMetaStoreConformance({
  name: 'sqlite',
  async freshUri() {
    const dir = mkdtempSync(path.join(tmpdir(), 'lathe-meta-'));
    dirs.push(dir);
    return `sqlite:${path.join(dir, 'lathe.db')}`;
  },
  async cleanup() {
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  },
});

// PostgreSQL: `.ci/run` starts a server and sets LATHE_TEST_POSTGRES_URI; each fresh store is a new schema.
const pgUri = process.env.LATHE_TEST_POSTGRES_URI;
if (!pgUri && process.env.CI) throw new Error('LATHE_TEST_POSTGRES_URI must be set in CI (see .ci/run)');
const schemas: string[] = [];
runMetaStoreConformance(
  {
    name: 'postgres',
    async freshUri() {
      const schema = `lathe_test_${newId()}`;
      schemas.push(schema);
      const u = new URL(pgUri!);
      u.searchParams.set('schema', schema);
      return u.toString();
    },
    async cleanup() {
      const client = new pg.Client({ connectionString: pgUri });
      await client.connect();
      for (const s of schemas.splice(0)) await client.query(`drop schema if exists ${s} cascade`);
      await client.end();
    },
  },
  pgUri ? undefined : 'LATHE_TEST_POSTGRES_URI is not set: run `eval "$(bash .ci/postgres.sh)"` first',
);

describe('openMetaStore', () => {
  it('names the valid schemes when given an unknown one', async () => {
    await assert.rejects(openMetaStore('mysql://x@y/z'), (e: unknown) => {
      assert.ok(isLatheError(e));
      assert.equal(e.code, 'STORE_URI_INVALID');
      assert.match(e.message, /"mysql:".*sqlite:, postgres:\/\/, postgresql:\/\//);
      return true;
    });
  });

  it('reports an unreachable PostgreSQL as UNAVAILABLE without leaking the password', async () => {
    await assert.rejects(openMetaStore('postgres://u:s3cret@127.0.0.1:1/db'), (e: unknown) => {
      assert.ok(isLatheError(e));
      assert.equal(e.code, 'UNAVAILABLE');
      assert.doesNotMatch(e.message, /s3cret/);
      assert.match(e.message, /postgres:\/\/u:\*\*\*\*@127\.0\.0\.1:1\/db/);
      return true;
    });
  });
});
