import { type Kysely, type SqlBool, sql } from 'kysely';
import type { MetaDialect, MetaSchema } from '../../storage/meta/index.js';
import type { ViewType } from '../types.js';
import { type SimpleEntitySql, type SimpleSearchQuery, runSimpleSearch } from './simple-search.js';
import { inList, lifecycleStages } from './sql.js';

/** An experiment search: MLflow's SearchExperiments request, paged by offset. */
export interface SearchExperimentsQuery extends SimpleSearchQuery {
  /** Lifecycle stages to include; ACTIVE_ONLY by default. */
  viewType?: ViewType;
  /** The database flavour: the `MetaStore`'s `dialect`. */
  dialect: MetaDialect;
}

const experimentsSql: SimpleEntitySql = {
  entity: 'experiments',
  from: sql`experiments e`,
  select: sql`e.experiment_id`,
  columns: {
    name: { sql: sql`e.name`, type: 'text' },
    experiment_id: { sql: sql`e.experiment_id`, type: 'bigint' },
    creation_time: { sql: sql`e.creation_time`, type: 'bigint' },
    last_update_time: { sql: sql`e.last_update_time`, type: 'bigint' },
  },
  tagExists: (test) =>
    sql<SqlBool>`exists (select 1 from experiment_tags t where t.experiment_id = e.experiment_id and ${test})`,
  defaultOrder: [
    { kind: 'attribute', key: 'creation_time', ascending: false },
    { kind: 'attribute', key: 'experiment_id', ascending: true },
  ],
  tieBreakers: [{ kind: 'attribute', key: 'experiment_id', ascending: false }],
};

/**
 * Searches experiments as MLflow's SearchExperiments does and returns the ids of one page, in
 * order. Filters: `name` (`= != LIKE ILIKE`), `creation_time` / `last_update_time` (numeric, epoch
 * ms), `tags.<key>`. Order: `name`, `experiment_id`, `creation_time`, `last_update_time`;
 * default `creation_time DESC, experiment_id ASC`; ties break by `experiment_id DESC`.
 * Parse errors are INVALID_ARGUMENT with the 1-based position.
 */
export async function searchExperimentIds(
  db: Kysely<MetaSchema>,
  q: SearchExperimentsQuery,
): Promise<number[]> {
  const base = [inList(sql`e.lifecycle_stage`, lifecycleStages(q.viewType))];
  const rows = await runSimpleSearch<{ experiment_id: number | string }>(
    db,
    experimentsSql,
    q,
    q.dialect,
    base,
  );
  return rows.map((r) => Number(r.experiment_id));
}
