import { type Kysely, type SqlBool, sql } from 'kysely';
import type {
  MetaDialect,
  MetaSchema,
  ModelVersionsTable,
  RegisteredModelsTable,
} from '../../storage/meta/index.js';
import { type SimpleEntitySql, type SimpleSearchQuery, runSimpleSearch } from './simple-search.js';
import { type Column, type Condition, stringCondition } from './sql.js';

/** A registered-model or model-version search, paged by offset. */
export interface SearchRegistryQuery extends SimpleSearchQuery {
  /** The database flavour; read from the Kysely adapter when omitted. */
  dialect: MetaDialect;
  /**
   * Only this model (or this model's versions), matched as the filter `name = '…'` would; kept
   * apart from `filter` so the positions in the filter's errors are the caller's own.
   */
  name?: string;
}

const registeredModelsSql: SimpleEntitySql = {
  entity: 'registered_models',
  from: sql`registered_models m`,
  select: sql`m.*`,
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
  select: sql`v.*`,
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

/** The `name` condition of `q`, if any, on `column`. */
function nameBase(q: SearchRegistryQuery, column: Column, dialect: MetaDialect): Condition[] {
  return q.name === undefined ? [] : [stringCondition(column, { op: '=', value: q.name }, dialect)];
}

/**
 * Searches registered models as MLflow's SearchRegisteredModels does and returns the rows of one
 * page, in order. Filters: `name` (`= != LIKE ILIKE`), `tags.<key>`. Order: `name`,
 * `timestamp` / `last_updated_timestamp` (last update), `creation_timestamp`; default and
 * tie-breaker `name ASC`. Parse errors are INVALID_ARGUMENT with the 1-based position.
 */
export async function searchRegisteredModels(
  db: Kysely<MetaSchema>,
  q: SearchRegistryQuery,
): Promise<RegisteredModelsTable[]> {
  const { dialect } = q;
  return runSimpleSearch<RegisteredModelsTable>(
    db,
    registeredModelsSql,
    q,
    dialect,
    nameBase(q, sql`m.name`, dialect),
  );
}

/** As `searchRegisteredModels`, the names only. */
export async function searchRegisteredModelNames(
  db: Kysely<MetaSchema>,
  q: SearchRegistryQuery,
): Promise<string[]> {
  return (await searchRegisteredModels(db, q)).map((r) => r.name);
}

/**
 * Searches model versions as MLflow's SearchModelVersions does (deleted versions never match)
 * and returns the rows of one page, in order. Filters: `name`, `source_path`
 * (`= != LIKE ILIKE`), `run_id` (also `IN (...)`), `version_number` (numeric; `version` is
 * accepted too), `tags.<key>`. Order: `name`, `version_number`, `creation_timestamp`,
 * `last_updated_timestamp`; default `last_updated_timestamp DESC, name ASC, version_number DESC`;
 * ties break by `name ASC`, then `version_number DESC`. Parse errors are INVALID_ARGUMENT with
 * the 1-based position.
 */
export async function searchModelVersions(
  db: Kysely<MetaSchema>,
  q: SearchRegistryQuery,
): Promise<ModelVersionsTable[]> {
  const { dialect } = q;
  const base = [sql<SqlBool>`v.deleted = 0`, ...nameBase(q, sql`v.name`, dialect)];
  return runSimpleSearch<ModelVersionsTable>(db, modelVersionsSql, q, dialect, base);
}

/** As `searchModelVersions`, the `{ name, version }` keys only. */
export async function searchModelVersionKeys(
  db: Kysely<MetaSchema>,
  q: SearchRegistryQuery,
): Promise<{ name: string; version: number }[]> {
  return (await searchModelVersions(db, q)).map((r) => ({ name: r.name, version: Number(r.version) }));
}
