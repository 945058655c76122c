import type { Kysely, Transaction } from 'kysely';
import { LatheError } from '../../core/index.js';
import type { MetaDialect } from './meta-backend.js';
import type { MetaSchema } from './schema.js';

export interface MigrationContext {
  dialect: MetaDialect;
}

/** One schema change. `up` runs inside the migration transaction; it must not commit. */
export interface Migration {
  version: number;
  name: string;
  up(db: Kysely<unknown>, context: MigrationContext): Promise<void>;
}

export interface MigrationStatus {
  /** Highest applied version (0 for an empty store). */
  current: number;
  /** Highest version this build knows. */
  latest: number;
  pending: { version: number; name: string }[];
}

export interface MigrationResult extends MigrationStatus {
  applied: { version: number; name: string }[];
}

/**
 * Runs pending migrations in version order, all in one transaction under an exclusive lock, so
 * concurrent processes apply each migration once and a failure leaves the store at its previous
 * version. Running it again on an up-to-date store changes nothing.
 */
export async function runMigrations(
  db: Kysely<MetaSchema>,
  dialect: MetaDialect,
  lock: (trx: Transaction<MetaSchema>) => Promise<void>,
  migrations: readonly Migration[],
): Promise<MigrationResult> {
  checkOrder(migrations);
  const latest = migrations.at(-1)?.version ?? 0;
  let attempted: Migration | undefined;
  try {
    return await db.transaction().execute(async (trx) => {
      await lock(trx);
      await ensureTable(trx);
      const applied = await appliedVersions(trx);
      const current = Math.max(0, ...applied);
      if (current > latest) {
        throw new LatheError(
          'MIGRATION_FAILED',
          `the metadata store is at schema version ${current}, newer than this Lathe build knows (${latest}); upgrade Lathe`,
          { current, latest },
        );
      }
      const pending = migrations.filter((m) => !applied.includes(m.version));
      for (const m of pending) {
        attempted = m;
        await m.up(trx as unknown as Kysely<unknown>, { dialect });
        await trx
          .insertInto('lathe_migrations')
          .values({ version: m.version, name: m.name, applied_at: Date.now() })
          .execute();
      }
      const done = pending.map(({ version, name }) => ({ version, name }));
      return { current: latest, latest, pending: [], applied: done };
    });
  } catch (err) {
    if (err instanceof LatheError) throw err;
    const what = attempted ? `migration ${attempted.version} (${attempted.name})` : 'the migration lock';
    throw new LatheError(
      'MIGRATION_FAILED',
      `${what} failed: ${(err as Error).message}; the store was left at its previous version`,
      attempted ? { version: attempted.version } : undefined,
      { cause: err },
    );
  }
}

/** Which migrations are applied and which are pending, without changing anything. */
export async function migrationStatus(
  db: Kysely<MetaSchema>,
  migrations: readonly Migration[],
): Promise<MigrationStatus> {
  const latest = migrations.at(-1)?.version ?? 0;
  let applied: number[] = [];
  try {
    applied = await appliedVersions(db);
  } catch {
    applied = []; // no migrations table yet: an empty store
  }
  return {
    current: Math.max(0, ...applied),
    latest,
    pending: migrations
      .filter((m) => !applied.includes(m.version))
      .map(({ version, name }) => ({ version, name })),
  };
}

async function ensureTable(db: Kysely<MetaSchema>): Promise<void> {
  await db.schema
    .createTable('lathe_migrations')
    .ifNotExists()
    .addColumn('version', 'integer', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('applied_at', 'bigint', (c) => c.notNull())
    .execute();
}

async function appliedVersions(db: Kysely<MetaSchema>): Promise<number[]> {
  const rows = await db.selectFrom('lathe_migrations').select('version').execute();
  return rows.map((r) => Number(r.version));
}

function checkOrder(migrations: readonly Migration[]): void {
  migrations.forEach((m, i) => {
    if (m.version !== i + 1) {
      throw new LatheError(
        'INTERNAL',
        `migration list is out of order at ${m.name}: expected version ${i + 1}`,
      );
    }
  });
}
