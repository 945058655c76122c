/**
 * SQL sources: rows from one read-only query against PostgreSQL, streamed through a server-side
 * cursor to a JSON Lines file that ingest reads in the result's column types. `pg` is imported
 * only inside this folder.
 */
export {
  type FetchedQuery,
  fetchPostgresQuery,
  type PostgresQuery,
  type PostgresQueryOptions,
} from './postgres-query.js';
export { columnKind, parseArray } from './postgres-types.js';
export { checkAllowedHost, parseSourceUri, scrubPassword, type SourceUri } from './source-uri.js';
export { singleStatement } from './sql-statement.js';
