import { type Kysely, type SqlBool, sql } from 'kysely';
import type { MetaSchema } from '../../storage/meta/index.js';
import { type SimpleEntitySql, type SimpleSearchQuery, runSimpleSearch } from './simple-search.js';
import { type SqlDialect, detectDialect } from './sql.js';

/** A registered-model or model-version search, paged by offset. */
export interface SearchRegistryQuery extends SimpleSearchQuery {
  /** The database flavour; read from the Kysely adapter when omitted. */
  dialect?: SqlDialect;
}

const registeredModelsSql: SimpleEntitySql = {
  entity: 'registered_models',
  from: sql`registered_models m`,
  select: sql`m.name`,
  columns: {
    name: { sql: sql`m.name`, type: 'text' },
    last_updated_timestamp: { sql: sql`m.last_updated_time`, type: 'bigint' },
    creation_timestamp: { sql: sql`m.creation_time`, type: 'bigint' },
  },
  tagExists: (test) =>
    sql<SqlBool>`exists (select 1 from registered_model_tags t where t.name = m.name and ${test})`,
  defaultOrder: [{ kind: 'attribute', key: 'name', ascending: true }],
  tieBreakers: [{ kind: 'attribute', key: 'name', ascending: true }],
};

const modelVersionsSql: SimpleEntitySql = {
  entity: 'model_versions',
  from: sql`model_versions v`,
  select: sql`v.name, v.version`,
  columns: {
    name: { sql: sql`v.name`, type: 'text' },
    run_id: { sql: sql`v.run_id`, type: 'text' },
    source_path: { sql: sql`v.source`, type: 'text' },
    version_number: { sql: sql`v.version`, type: 'int32' },
    creation_timestamp: { sql: sql`v.creation_time`, type: 'bigint' },
    last_updated_timestamp: { sql: sql`v.last_updated_time`, type: 'bigint' },
  },
  tagExists: (test) =>
    sql<SqlBool>`exists (select 1 from model_version_tags t where t.name = v.name and t.version = v.version and ${test})`,
  defaultOrder: [
    { kind: 'attribute', key: 'last_updated_timestamp', ascending: false },
    { kind: 'attribute', key: 'name', ascending: true },
    { kind: 'attribute', key: 'version_number', ascending: false },
  ],
  tieBreakers: [
    { kind: 'attribute', key: 'name', ascending: true },
    { kind: 'attribute', key: 'version_number', ascending: false },
  ],
};

/**
 * Searches registered models as MLflow's SearchRegisteredModels does and returns the names of
 * one page, in order. Filters: `name` (`= != LIKE ILIKE`), `tags.<key>`. Order: `name`,
 * `timestamp` / `last_updated_timestamp` (last update), `creation_timestamp`; default and
 * tie-breaker `name ASC`. Parse errors are INVALID_ARGUMENT with the 1-based position.
 */
export async function searchRegisteredModelNames(
  db: Kysely<MetaSchema>,
  q: SearchRegistryQuery,
): Promise<string[]> {
  const dialect = q.dialect ?? detectDialect(db as Kysely<unknown>);
  const rows = await runSimpleSearch<{ name: string }>(db, registeredModelsSql, q, dialect);
  return rows.map((r) => r.name);
}

/**
 * Searches model versions as MLflow's SearchModelVersions does (deleted versions never match)
 * and returns `{ name, version }` keys of one page, in order. Filters: `name`, `source_path`
 * (`= != LIKE ILIKE`), `run_id` (also `IN (...)`), `version_number` (numeric; `version` is
 * accepted too), `tags.<key>`. Order: `name`, `version_number`, `creation_timestamp`,
 * `last_updated_timestamp`; default `last_updated_timestamp DESC, name ASC, version_number DESC`;
 * ties break by `name ASC`, then `version_number DESC`. Parse errors are INVALID_ARGUMENT with
 * the 1-based position.
 */
export async function searchModelVersionKeys(
  db: Kysely<MetaSchema>,
  q: SearchRegistryQuery,
): Promise<{ name: string; version: number }[]> {
  const dialect = q.dialect ?? detectDialect(db as Kysely<unknown>);
  const base = [sql<SqlBool>`v.deleted = 0`];
  const rows = await runSimpleSearch<{ name: string; version: number | string }>(
    db,
    modelVersionsSql,
    q,
    dialect,
    base,
  );
  return rows.map((r) => ({ name: r.name, version: Number(r.version) }));
}
