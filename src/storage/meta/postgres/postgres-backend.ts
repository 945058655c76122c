import { type Transaction, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import { LatheError, maskUri } from '../../../core/index.js';
import type { MetaBackend } from '../meta-backend.js';
import type { MetaSchema } from '../schema.js';

const INT8_OID = 20;
const schemaName = /^[a-z_][a-z0-9_]{0,62}$/;

/**
 * PostgreSQL through a `pg` pool. The URI may carry `?schema=NAME` to keep Lathe's tables in
 * their own schema (created when missing). BIGINT columns are read as numbers: every BIGINT in
 * the schema is an epoch-millisecond time or a counter well below 2^53.
 */
export function postgresBackend(uri: string): MetaBackend {
  const url = new URL(uri);
  const schema = url.searchParams.get('schema');
  url.searchParams.delete('schema');
  if (schema !== null && !schemaName.test(schema)) {
    throw new LatheError(
      'STORE_URI_INVALID',
      `schema must be lowercase letters, digits and underscores (at most 63), got ${JSON.stringify(schema)}`,
    );
  }
  const displayUri = maskUri(uri);
  const pool = new pg.Pool({
    connectionString: url.toString(),
    max: 10,
    connectionTimeoutMillis: 10_000,
    ...(schema ? { options: `-c search_path=${schema}` } : {}),
    types: {
      getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
        oid === INT8_OID ? (v: string) => Number(v) : pg.types.getTypeParser(oid, format as 'text')) as never,
    },
  });
  pool.on('error', () => {
    // An idle client lost its connection; the pool replaces it on next use.
  });
  return {
    dialect: 'postgres',
    displayUri,
    kyselyDialect: new PostgresDialect({ pool }),
    beginWrite: 'begin',
    async lockForMigration(trx: Transaction<MetaSchema>) {
      await sql`select pg_advisory_xact_lock(7270010)`.execute(trx);
    },
    isUniqueViolation(err) {
      return (err as { code?: string } | null)?.code === '23505';
    },
    async init() {
      let client: pg.PoolClient;
      try {
        client = await pool.connect();
      } catch (err) {
        throw new LatheError(
          'UNAVAILABLE',
          `cannot connect to PostgreSQL at ${displayUri}: ${(err as Error).message}`,
          { uri: displayUri },
          { cause: err },
        );
      }
      try {
        if (schema) await client.query(`create schema if not exists ${schema}`);
      } catch (err) {
        // Another process may create it at the same moment.
        if ((err as { code?: string }).code !== '23505') throw err;
      } finally {
        client.release();
      }
    },
  };
}
