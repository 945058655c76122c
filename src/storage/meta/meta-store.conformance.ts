import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { sql } from 'kysely';
import { isLatheError, newId } from '../../core/index.js';
import { type MetaStore, openMetaStore } from './meta-store.js';
import type { Migration } from './migrator.js';
import { migrations } from './migrations/index.js';

/** A store target for the suite: how to build a fresh, empty store URI, and how to clean up. */
export interface MetaStoreTarget {
  name: string;
  /** A URI naming a new, empty store. */
  freshUri(): Promise<string>;
  cleanup(): Promise<void>;
}

/**
 * The metadata store conformance suite. Every backend runs it; a backend that cannot run here
 * passes `skip` with the reason.
 */
export function runMetaStoreConformance(target: MetaStoreTarget, skip?: string): void {
  describe(`metadata store conformance: ${target.name}`, { skip }, () => {
    let store: MetaStore;
    let uri: string;
    before(async () => {
      uri = await target.freshUri();
      store = await openMetaStore(uri);
    });
    after(async () => {
      await store?.close();
      await target.cleanup();
    });

    it('migrates an empty store to the latest version and reports no pending migration', async () => {
      const status = await store.migrationStatus();
      assert.equal(status.current, migrations.at(-1)!.version);
      assert.deepEqual(status.pending, []);
    });

    it('treats a second migration run as a no-op', async () => {
      const result = await store.migrate();
      assert.deepEqual(result.applied, []);
      const rows = await store.db.selectFrom('lathe_migrations').selectAll().execute();
      assert.equal(rows.length, migrations.length);
    });

    it('applies each migration once when several processes migrate the same new store at once', async () => {
      const fresh = await target.freshUri();
      const results = await Promise.all([1, 2, 3].map(() => migrateInChildProcess(fresh)));
      const appliedTotal = results.reduce((n, r) => n + r.applied.length, 0);
      assert.equal(appliedTotal, migrations.length);
      const check = await openMetaStore(fresh, { migrate: false });
      try {
        const rows = await check.db.selectFrom('lathe_migrations').selectAll().execute();
        assert.equal(rows.length, migrations.length);
      } finally {
        await check.close();
      }
    });

    it('round-trips text, unicode, null, epoch-millisecond times and 0/1 flags', async () => {
      const id = newId('u_');
      const at = Date.UTC(2031, 0, 2, 3, 4, 5, 678);
      await store.db
        .insertInto('users')
        .values({ id, name: `Zoë 数据 ${id}`, role: 'viewer', created_at: at, disabled: 1 })
        .execute();
      const row = await store.db
        .selectFrom('users')
        .selectAll()
        .where('id', '=', id)
        .executeTakeFirstOrThrow();
      assert.equal(row.name, `Zoë 数据 ${id}`);
      assert.equal(row.created_at, at);
      assert.equal(typeof row.created_at, 'number');
      assert.equal(row.disabled, 1);
      const tok = await store.db
        .insertInto('api_tokens')
        .values({
          id: newId('t_'),
          user_id: id,
          name: 'ci',
          prefix: 'lathe_ab',
          secret_hash: newId('h'),
          scopes: '["read"]',
          created_at: at,
          expires_at: null,
          last_used_at: null,
          revoked_at: null,
        })
        .returningAll()
        .executeTakeFirstOrThrow();
      assert.equal(tok.expires_at, null);
    });

    it('reports unique violations so services can answer ALREADY_EXISTS', async () => {
      const name = `dup-${newId()}`;
      await store.db
        .insertInto('users')
        .values({ id: newId('u_'), name, role: 'viewer', created_at: 1, disabled: 0 })
        .execute();
      const err = await store.db
        .insertInto('users')
        .values({ id: newId('u_'), name, role: 'admin', created_at: 2, disabled: 0 })
        .execute()
        .then(
          () => null,
          (e: unknown) => e,
        );
      assert.ok(err, 'second insert with the same name must fail');
      assert.equal(store.isUniqueViolation(err), true);
      assert.equal(store.isUniqueViolation(new Error('other')), false);
      const rows = await store.db.selectFrom('users').select('role').where('name', '=', name).execute();
      assert.deepEqual(rows, [{ role: 'viewer' }], 'the first row is untouched');
    });

    it('rolls back every write of a failed transaction', async () => {
      const name = `tx-${newId()}`;
      await assert.rejects(
        store.transaction(async (trx) => {
          await trx
            .insertInto('users')
            .values({ id: newId('u_'), name, role: 'viewer', created_at: 1, disabled: 0 })
            .execute();
          throw new Error('boom');
        }),
        /boom/,
      );
      const rows = await store.db.selectFrom('users').select('id').where('name', '=', name).execute();
      assert.equal(rows.length, 0);
    });

    it('groups concurrent writes into shared commits; a write that throws is rolled back alone', async () => {
      const prefix = `gw-${newId()}-`;
      const user = (i: number) => ({
        id: newId('u_'),
        name: `${prefix}${i}`,
        role: 'viewer',
        created_at: i,
        disabled: 0,
      });
      const results = await Promise.allSettled(
        Array.from({ length: 30 }, (_, i) =>
          store.write(async ({ db }) => {
            await db.insertInto('users').values(user(i)).execute();
            // Every seventh write stores a second row, then fails: neither of its rows may stay.
            if (i % 7 === 3) {
              await db
                .insertInto('users')
                .values(user(100 + i))
                .execute();
              throw new Error(`write ${i} fails`);
            }
            return i;
          }),
        ),
      );
      const failed = results.flatMap((r, i) => (r.status === 'rejected' ? [i] : []));
      assert.deepEqual(failed, [3, 10, 17, 24]);
      assert.match(String((results[3] as PromiseRejectedResult).reason), /write 3 fails/);
      assert.deepEqual(
        results.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : [])),
        Array.from({ length: 30 }, (_, i) => i).filter((i) => !failed.includes(i)),
      );
      const names = await store.db
        .selectFrom('users')
        .select('name')
        .where('name', 'like', `${prefix}%`)
        .orderBy('created_at')
        .execute();
      assert.deepEqual(
        names.map((n) => n.name),
        Array.from({ length: 30 }, (_, i) => `${prefix}${i}`).filter((_, i) => !failed.includes(i)),
      );
    });

    it('a grouped write that breaks a constraint fails alone, with the database error', async () => {
      const name = `gwu-${newId()}`;
      const row = () => ({ id: newId('u_'), name, role: 'viewer', created_at: 1, disabled: 0 });
      const [a, b, c] = await Promise.allSettled([
        store.write(({ db }) => db.insertInto('users').values(row()).execute()),
        store.write((tx) =>
          tx.insertMany(
            'users',
            ['id', 'name', 'role', 'created_at', 'disabled'],
            [[newId('u_'), name, 'viewer', 1, 0]],
          ),
        ),
        store.write((tx) =>
          tx.query<{ n: number }>('select count(*) as n from users where name = ?', [name]),
        ),
      ]);
      assert.equal(a.status, 'fulfilled');
      assert.equal(b.status, 'rejected');
      assert.equal(store.isUniqueViolation((b as PromiseRejectedResult).reason), true);
      assert.equal(c.status, 'fulfilled');
      assert.equal(Number((c as PromiseFulfilledResult<{ n: number }[]>).value[0]!.n), 1);
    });

    it('assigns increasing sequence numbers to audit entries, also under concurrent writes', async () => {
      const objectId = newId('o_');
      await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          store.db
            .insertInto('audit_log')
            .values({
              at: 1_000 + i,
              actor_id: null,
              actor_name: 'test',
              token_id: null,
              action: `act.${i}`,
              object_type: 'thing',
              object_id: objectId,
              details: '{}',
              request_id: null,
            })
            .execute(),
        ),
      );
      const rows = await store.db
        .selectFrom('audit_log')
        .select(['seq', 'action'])
        .where('object_id', '=', objectId)
        .orderBy('seq')
        .execute();
      assert.equal(rows.length, 20);
      assert.equal(new Set(rows.map((r) => r.seq)).size, 20);
      assert.equal(typeof rows[0]!.seq, 'number');
    });

    it('leaves the store at its previous version when a migration fails', async () => {
      const fresh = await target.freshUri();
      const broken: Migration = {
        version: migrations.length + 1,
        name: 'broken',
        async up(db) {
          await db.schema.createTable('half_done').addColumn('x', 'integer').execute();
          await sql`select * from no_such_table`.execute(db);
        },
      };
      const err = await openMetaStore(fresh, { migrations: [...migrations, broken] }).then(
        () => null,
        (e: unknown) => e,
      );
      assert.ok(isLatheError(err));
      assert.equal(err.code, 'MIGRATION_FAILED');
      assert.match(err.message, /migration \d+ \(broken\) failed/);
      const check = await openMetaStore(fresh, { migrate: false });
      try {
        const status = await check.migrationStatus();
        assert.equal(status.current, 0, 'nothing of the failed run is applied');
        const leftover = await sql`select * from half_done`.execute(check.db).then(
          () => true,
          () => false,
        );
        assert.equal(leftover, false, 'the table created by the failed migration was rolled back');
        await check.migrate();
        assert.equal((await check.migrationStatus()).current, migrations.length);
      } finally {
        await check.close();
      }
    });

    it('refuses a store migrated by a newer build', async () => {
      const fresh = await target.freshUri();
      const s = await openMetaStore(fresh);
      await s.db
        .insertInto('lathe_migrations')
        .values({ version: 999, name: 'future', applied_at: 1 })
        .execute();
      await s.close();
      await assert.rejects(
        openMetaStore(fresh),
        (e: unknown) => isLatheError(e) && /newer than this Lathe build/.test(e.message),
      );
    });

    it('answers ping', async () => {
      await store.ping();
    });
  });
}

/** Opens and migrates the store in a separate Node process, as a second server would. */
async function migrateInChildProcess(uri: string): Promise<{ applied: unknown[] }> {
  const module = new URL('./meta-store.ts', import.meta.url).href;
  const code = `const { openMetaStore } = await import(${JSON.stringify(module)});
    const s = await openMetaStore(process.argv[1], { migrate: false });
    const r = await s.migrate(); await s.close(); console.log(JSON.stringify(r));`;
  const { stdout } = await promisify(execFile)(
    process.execPath,
    ['--import', 'tsx', '--input-type=module', '-e', code, uri],
    { timeout: 60_000 },
  );
  return JSON.parse(stdout.trim().split('\n').at(-1)!) as { applied: unknown[] };
}
