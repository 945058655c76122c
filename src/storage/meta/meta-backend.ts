import type { Dialect, Transaction } from 'kysely';
import type { MetaSchema } from './schema.js';

/** The SQL databases the metadata store runs on. */
export type MetaDialect = 'sqlite' | 'postgres';

/**
 * What a metadata backend provides: a Kysely dialect and the few primitives that differ between
 * databases. One folder per backend; only that folder imports the database's native client.
 */
export interface MetaBackend {
  readonly dialect: MetaDialect;
  /** The store's address with any password masked, for messages and logs. */
  readonly displayUri: string;
  readonly kyselyDialect: Dialect;
  /** The statement that opens a write transaction (SQLite takes the write lock at once). */
  readonly beginWrite: string;
  /** Takes an exclusive lock for the rest of `trx` so concurrent migrations run once. */
  lockForMigration(trx: Transaction<MetaSchema>): Promise<void>;
  /** True when `err` is a unique-constraint violation. */
  isUniqueViolation(err: unknown): boolean;
  /** Prepares the database before first use (create schema, set pragmas). */
  init(): Promise<void>;
  /**
   * Synchronous access to the one connection, skipping the query builder and its promises, for
   * backends whose client is synchronous (SQLite). Only for use while holding the connection.
   */
  readonly direct?: DirectExecutor;
}

/** A synchronous client's statements (`?` placeholders). */
export interface DirectExecutor {
  /** The statement `text`, prepared once and kept; running it answers the rows it returns. */
  prepare(text: string): (params: readonly unknown[]) => unknown[];
}
