import { CompiledQuery, Kysely, sql, type Transaction } from 'kysely';
import { LatheError } from '../../core/index.js';
import type { MetaBackend, MetaDialect } from './meta-backend.js';
import {
  type Migration,
  type MigrationResult,
  type MigrationStatus,
  migrationStatus,
  runMigrations,
} from './migrator.js';
import { migrations as allMigrations } from './migrations/index.js';
import { postgresBackend } from './postgres/postgres-backend.js';
import type { MetaSchema } from './schema.js';
import { sqliteBackend } from './sqlite/sqlite-backend.js';

/**
 * What a grouped write (`MetaStore.write`) runs with: the connection its group holds, as a query
 * builder (`db`) and as raw statements. On SQLite the raw statements run straight on the
 * synchronous client, without the query builder's promises: the hot path of metric logging.
 */
export interface WriteTx {
  readonly db: Kysely<MetaSchema>;
  /** As `MetaStore.query`, on the group's connection. */
  query<R>(text: string, params?: readonly unknown[]): Promise<R[]>;
  /** As `MetaStore.insertMany`, on the group's connection. */
  insertMany(
    table: keyof MetaSchema,
    columns: readonly string[],
    rows: readonly (readonly unknown[])[],
    suffix?: string,
  ): Promise<void>;
}

interface PendingWrite {
  fn: (tx: WriteTx) => Promise<unknown>;
  resolve: (value: unknown) => void;
  reject: (err: unknown) => void;
}

/** The most values one `IN (…)` list binds: well under SQLite's 32,766-parameter limit. */
export const maxInList = 10_000;

/**
 * Runs `fn` over `values` in slices of at most `maxInList` and concatenates the answers, so a
 * query with `where x in (values)` works for any number of values on every backend.
 */
export async function selectInChunks<V, R>(
  values: readonly V[],
  fn: (part: V[]) => Promise<R[]>,
): Promise<R[]> {
  if (values.length <= maxInList) return values.length ? fn([...values]) : [];
  const out: R[] = [];
  for (let i = 0; i < values.length; i += maxInList) out.push(...(await fn(values.slice(i, i + maxInList))));
  return out;
}

/** The URI schemes the metadata store accepts. */
export const metaStoreSchemes = ['sqlite:', 'postgres://', 'postgresql://'] as const;

/**
 * The metadata store: a typed Kysely handle over SQLite or PostgreSQL, and the primitives that
 * differ between them. Domain modules query `db` directly and map `isUniqueViolation` to
 * `ALREADY_EXISTS`.
 */
export class MetaStore {
  readonly db: Kysely<MetaSchema>;
  readonly dialect: MetaDialect;
  /** The address, password masked. */
  readonly uri: string;
  readonly #backend: MetaBackend;
  readonly #migrations: readonly Migration[];

  constructor(backend: MetaBackend, migrations: readonly Migration[] = allMigrations) {
    this.#backend = backend;
    this.#migrations = migrations;
    this.dialect = backend.dialect;
    this.uri = backend.displayUri;
    this.db = new Kysely<MetaSchema>({ dialect: backend.kyselyDialect });
  }

  /** Applies pending migrations (see `runMigrations`). Safe to call from several processes at once. */
  migrate(): Promise<MigrationResult> {
    return runMigrations(
      this.db,
      this.dialect,
      (trx) => this.#backend.lockForMigration(trx),
      this.#migrations,
    );
  }

  /** Applied and pending migrations. */
  migrationStatus(): Promise<MigrationStatus> {
    return migrationStatus(this.db, this.#migrations);
  }

  /** Runs `fn` in a transaction; it commits when `fn` resolves and rolls back when it throws. */
  transaction<T>(fn: (trx: Transaction<MetaSchema>) => Promise<T>): Promise<T> {
    return this.db.transaction().execute(fn);
  }

  /**
   * Group commit for small, frequent writes (metric logging): `fn` runs in a write transaction
   * shared with the other `write` calls that arrived in the same turn of the event loop, or while
   * the previous group was committing, so many concurrent writers pay for one commit. Each call
   * stays all-or-nothing on its own: it runs under a savepoint, and one that throws is rolled back
   * and rejected alone. A call resolves only once its group has committed. `fn` must use only the
   * `tx` it is given: `store.db`, `transaction` or `write` inside it wait for the connection the
   * group holds (on SQLite, for ever).
   */
  write<T>(fn: (tx: WriteTx) => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.#pending.push({ fn, resolve, reject } as PendingWrite);
      if (!this.#flushing && this.#pending.length === 1) setImmediate(() => void this.#flush());
    });
  }

  readonly #pending: PendingWrite[] = [];
  #flushing = false;

  async #flush(): Promise<void> {
    if (this.#flushing || this.#pending.length === 0) return;
    this.#flushing = true;
    const group = this.#pending.splice(0, this.#pending.length);
    const settled: (() => void)[] = [];
    try {
      await this.db.connection().execute(async (conn) => {
        const tx = this.#writeTx(conn);
        const exec = (text: string) => tx.query(text);
        await exec(this.#backend.beginWrite);
        try {
          if (group.length === 1) {
            const [only] = group as [PendingWrite];
            try {
              const out = await only.fn(tx);
              settled.push(() => only.resolve(out));
            } catch (err) {
              await exec('rollback');
              only.reject(err);
              return;
            }
          } else {
            for (const item of group) {
              await exec('savepoint lathe_write');
              try {
                const out = await item.fn(tx);
                await exec('release savepoint lathe_write');
                settled.push(() => item.resolve(out));
              } catch (err) {
                await exec('rollback to savepoint lathe_write');
                await exec('release savepoint lathe_write');
                item.reject(err);
              }
            }
          }
          await exec('commit');
        } catch (err) {
          await exec('rollback').catch(() => {});
          throw err;
        }
      });
      for (const done of settled) done();
    } catch (err) {
      // BEGIN or COMMIT failed: nothing of the group is stored.
      for (const item of group) item.reject(err);
    } finally {
      this.#flushing = false;
      if (this.#pending.length) setImmediate(() => void this.#flush());
    }
  }

  /** The handle a write group runs with on `conn`, the connection it holds. */
  #writeTx(conn: Kysely<MetaSchema>): WriteTx {
    const direct = this.#backend.direct;
    if (!direct) {
      return {
        db: conn,
        query: (text, params) => this.query(conn, text, params),
        insertMany: (table, columns, rows, suffix) => this.insertMany(conn, table, columns, rows, suffix),
      };
    }
    return {
      db: conn,
      // `?` placeholders as written: the direct client caches its prepared statements by text.
      query: async <R>(text: string, params: readonly unknown[] = []) => direct.prepare(text)(params) as R[],
      // One prepared single-row statement run per row: on SQLite faster than multi-row statements.
      insertMany: async (table, columns, rows, suffix = '') => {
        const run = direct.prepare(this.#insertText(table, columns, 1, suffix));
        for (const row of rows) run(row);
      },
    };
  }

  /**
   * Runs one statement written with `?` placeholders (turned into `$1…` on PostgreSQL), skipping
   * the query builder. `text` must be a constant from code; values are bound parameters.
   */
  async query<R>(db: Kysely<MetaSchema>, text: string, params: readonly unknown[] = []): Promise<R[]> {
    // SQLite takes `?` as written (its driver caches prepared statements by text); only
    // PostgreSQL's text is rewritten, and kept.
    const statement = this.dialect === 'postgres' ? this.#statement(text, () => text) : text;
    const res = await db.executeQuery<R>(CompiledQuery.raw(statement, [...params]));
    return res.rows;
  }

  /**
   * The text to run for the statement `key` (built by `build` with `?` placeholders, turned into
   * `$1…` on PostgreSQL), built once and kept: hot paths run the same few shapes over and over.
   */
  #statement(key: string, build: () => string): string {
    let text = this.#statements.get(key);
    if (text === undefined) {
      text = build();
      if (this.dialect === 'postgres') {
        let n = 0;
        text = text.replace(/\?/g, () => `$${++n}`);
      }
      if (this.#statements.size >= 500) this.#statements.delete(this.#statements.keys().next().value!);
      this.#statements.set(key, text);
    }
    return text;
  }

  readonly #statements = new Map<string, string>();

  /**
   * Inserts many rows with multi-row INSERT statements built directly, skipping the query
   * builder (the hot path of metric logging). `table`, `columns` and `suffix` (e.g. an
   * `on conflict … do nothing` clause) must be constants from code, never user input; every value
   * is a bound parameter. Runs on `db`, which may be a transaction.
   */
  async insertMany(
    db: Kysely<MetaSchema>,
    table: keyof MetaSchema,
    columns: readonly string[],
    rows: readonly (readonly unknown[])[],
    suffix = '',
  ): Promise<void> {
    for (const [text, params] of this.#insertStatements(table, columns, rows, suffix))
      await db.executeQuery(CompiledQuery.raw(text, params));
  }

  /** The statements (text, parameters) that insert `rows`, as many rows to a statement as fit. */
  *#insertStatements(
    table: string,
    columns: readonly string[],
    rows: readonly (readonly unknown[])[],
    suffix: string,
  ): Generator<[string, unknown[]]> {
    const perStatement = Math.max(1, Math.floor(30_000 / columns.length));
    for (let start = 0; start < rows.length; start += perStatement) {
      const count = Math.min(perStatement, rows.length - start);
      const params: unknown[] = new Array(count * columns.length);
      let k = 0;
      for (let r = start; r < start + count; r++) {
        const row = rows[r]!;
        for (let c = 0; c < row.length; c++) params[k++] = row[c];
      }
      yield [this.#insertText(table, columns, count, suffix), params];
    }
  }

  /** The text of a `count`-row insert. */
  #insertText(table: string, columns: readonly string[], count: number, suffix: string): string {
    return this.#statement(`insert|${table}|${columns.join(',')}|${count}|${suffix}`, () => {
      const tuple = `(${columns.map(() => '?').join(', ')})`;
      return `insert into ${table} (${columns.join(', ')}) values ${Array(count).fill(tuple).join(', ')} ${suffix}`;
    });
  }

  /** True when `err` is a unique-constraint violation of this database. */
  isUniqueViolation(err: unknown): boolean {
    return this.#backend.isUniqueViolation(err);
  }

  /** Checks that the store answers; throws UNAVAILABLE otherwise. */
  async ping(): Promise<void> {
    try {
      await sql`select 1`.execute(this.db);
    } catch (err) {
      throw new LatheError(
        'UNAVAILABLE',
        `metadata store ${this.uri} does not answer: ${(err as Error).message}`,
        {
          uri: this.uri,
        },
      );
    }
  }

  async close(): Promise<void> {
    await this.db.destroy();
  }
}

export interface OpenMetaStoreOptions {
  /** Apply pending migrations on open (default true). */
  migrate?: boolean;
  /** Override the migration list (tests). */
  migrations?: readonly Migration[];
  /**
   * SQLite files: checkpoint the write-ahead log on a thread of its own, so commits on the
   * caller's thread are cheaper (for long-running servers; ignored elsewhere).
   */
  backgroundCheckpoint?: boolean;
}

/**
 * Opens the metadata store named by `uri`: `sqlite:PATH` (`sqlite::memory:` for a throwaway
 * store) or `postgres://user:pass@host:port/db[?schema=NAME]`.
 */
export async function openMetaStore(uri: string, options: OpenMetaStoreOptions = {}): Promise<MetaStore> {
  const backend = backendFor(uri, options);
  await backend.init();
  const store = new MetaStore(backend, options.migrations);
  try {
    if (options.migrate !== false) await store.migrate();
  } catch (err) {
    await store.close();
    throw err;
  }
  return store;
}

function backendFor(uri: string, options: OpenMetaStoreOptions): MetaBackend {
  if (uri.startsWith('sqlite:')) {
    const location = uri.slice('sqlite:'.length).replace(/^\/\/(?=\/)/, '');
    if (!location)
      throw new LatheError(
        'STORE_URI_INVALID',
        'sqlite: URI needs a path, as in sqlite:./lathe-data/lathe.db',
      );
    return sqliteBackend(location, { backgroundCheckpoint: options.backgroundCheckpoint });
  }
  if (uri.startsWith('postgres://') || uri.startsWith('postgresql://')) {
    try {
      new URL(uri);
    } catch {
      throw new LatheError(
        'STORE_URI_INVALID',
        'postgres URI is malformed; expected postgres://user:password@host:5432/db',
      );
    }
    return postgresBackend(uri);
  }
  const scheme = /^[a-z][a-z0-9+.-]*:/i.exec(uri)?.[0] ?? uri.slice(0, 20);
  throw new LatheError(
    'STORE_URI_INVALID',
    `unknown metadata store scheme ${JSON.stringify(scheme)}; valid schemes: ${metaStoreSchemes.join(', ')}`,
    { valid: [...metaStoreSchemes] },
  );
}
