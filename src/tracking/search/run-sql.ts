import { type RawBuilder, type SqlBool, sql } from 'kysely';
import { LatheError } from '../../core/index.js';
import type { MetaDialect } from '../../storage/meta/index.js';
import type { FilterClause, NumericComparator, OrderByClause } from './ast.js';
import {
  type Condition,
  bigintLimit,
  integerCondition,
  numberCondition,
  stringCondition,
  textSortKey,
} from './sql.js';

/** Run columns by attribute name (a fixed whitelist: no user text reaches SQL as an identifier). */
const runColumns: Readonly<Record<string, RawBuilder<unknown>>> = {
  run_id: sql`r.run_uuid`,
  run_name: sql`r.name`,
  user_id: sql`r.user_id`,
  status: sql`r.status`,
  artifact_uri: sql`r.artifact_uri`,
  lifecycle_stage: sql`r.lifecycle_stage`,
  start_time: sql`r.start_time`,
  end_time: sql`r.end_time`,
};

/** The `runs r` column for a run attribute. */
export function runColumn(key: string): RawBuilder<unknown> {
  const col = runColumns[key];
  if (!col) throw new LatheError('INTERNAL', `no run column for attribute ${key}`);
  return col;
}

/**
 * A metric test on its latest value. NaN (stored as 0 with `is_nan = 1`) compares as IEEE NaN:
 * it satisfies only `!=`, as in MLflow's file store (MLflow's SQL store compares the stored 0).
 */
function metricTest(alias: RawBuilder<unknown>, op: NumericComparator, value: number): Condition {
  const test = numberCondition(sql`${alias}.value`, op, value);
  return op === '!='
    ? sql<SqlBool>`(${alias}.is_nan = 1 or ${test})`
    : sql<SqlBool>`${alias}.is_nan = 0 and ${test}`;
}

/** `column = key` for a metric/param/tag key (a bound value, never an identifier). */
export function keyIs(column: RawBuilder<unknown>, key: string, dialect: MetaDialect): Condition {
  return stringCondition(column, { op: '=', value: key }, dialect);
}

/**
 * A clause on a per-run key/value table, as `table alias` plus a condition on that row; the row
 * belongs to run `r` through `alias.run_uuid`. Undefined for clauses on the run row itself or on
 * datasets.
 */
export interface KeyedRows {
  table: RawBuilder<unknown>;
  alias: RawBuilder<unknown>;
  where: Condition;
}

/** The key/value rows a metric, param or tag clause tests, aliased `alias`; undefined for other clauses. */
export function keyedRows(c: FilterClause, dialect: MetaDialect, alias = sql`m`): KeyedRows | undefined {
  if (c.kind === 'metric') {
    return {
      table: sql`latest_metrics`,
      alias,
      where: sql<SqlBool>`${keyIs(sql`${alias}.key`, c.key, dialect)} and ${metricTest(alias, c.op, c.value)}`,
    };
  }
  if (c.kind === 'param' || c.kind === 'tag') {
    return {
      table: c.kind === 'param' ? sql`params` : sql`tags`,
      alias,
      where: sql<SqlBool>`${keyIs(sql`${alias}.key`, c.key, dialect)} and ${stringCondition(sql`${alias}.value`, c, dialect)}`,
    };
  }
  return undefined;
}

/**
 * The SQL condition on run `r` for one filter clause; every value is a bound parameter. Subqueries
 * correlate on `runId` (default `r.run_uuid`; a driving table's `run_uuid` lets SQLite test them
 * before it reads the run row).
 */
export function runCondition(
  c: FilterClause,
  dialect: MetaDialect,
  runId: RawBuilder<unknown> = sql`r.run_uuid`,
): Condition {
  const keyed = keyedRows(c, dialect);
  if (keyed) {
    return sql<SqlBool>`exists (select 1 from ${keyed.table} ${keyed.alias} where ${keyed.alias}.run_uuid = ${runId} and ${keyed.where})`;
  }
  switch (c.kind) {
    case 'string_attribute':
      return stringCondition(runColumn(c.key), c, dialect);
    case 'numeric_attribute':
      return integerCondition(runColumn(c.key), c.op, c.value, bigintLimit);
    case 'dataset': {
      const runInputs = sql`i.destination_type = 'RUN' and i.destination_id = ${runId} and i.source_type = 'DATASET'`;
      if (c.key === 'context') {
        const test = stringCondition(sql`t.value`, c, dialect);
        return sql<SqlBool>`exists (select 1 from inputs i join input_tags t on t.input_uuid = i.input_uuid where ${runInputs} and t.name = 'mlflow.data.context' and ${test})`;
      }
      const test = stringCondition(c.key === 'name' ? sql`d.name` : sql`d.digest`, c, dialect);
      return sql<SqlBool>`exists (select 1 from inputs i join datasets d on d.dataset_uuid = i.source_id where ${runInputs} and ${test})`;
    }
    default:
      throw new LatheError('INTERNAL', `unhandled filter clause ${c.kind}`);
  }
}

/** The table holding a sort key of `kind`. */
export function sortTable(kind: 'metric' | 'param' | 'tag'): RawBuilder<unknown> {
  return kind === 'metric' ? sql`latest_metrics` : kind === 'param' ? sql`params` : sql`tags`;
}

/** Joins and ORDER BY terms for a run search. */
export interface RunOrdering {
  joins: RawBuilder<unknown>[];
  terms: RawBuilder<unknown>[];
}

/**
 * ORDER BY terms as MLflow's SQL store builds them: per clause, runs without the key sort last in
 * either direction (metrics: real values, then NaN, then missing); then `start_time DESC` unless
 * sorted on already; then `run_uuid`. Sort key `i` is joined as `o<i>`. With `drivenFirst` the
 * first clause's rows are the driving table `o0` (only runs that have the key, NaN excluded), so
 * its join and missing-rank term are left out.
 */
export function runOrdering(
  clauses: readonly OrderByClause[],
  dialect: MetaDialect,
  drivenFirst = false,
): RunOrdering {
  const joins: RawBuilder<unknown>[] = [];
  const terms: RawBuilder<unknown>[] = [];
  let sortsByStart = false;
  clauses.forEach((c, i) => {
    const dir = c.ascending ? sql`asc` : sql`desc`;
    if (c.kind === 'attribute') {
      const col = runColumn(c.key);
      if (c.key === 'start_time') sortsByStart = true;
      const isText = c.key !== 'start_time' && c.key !== 'end_time';
      terms.push(sql`${isText ? textSortKey(col, dialect) : col} ${dir} nulls last`);
      return;
    }
    const alias = sql.id(`o${i}`);
    if (!(drivenFirst && i === 0)) {
      const keyTest = keyIs(sql`${alias}.key`, c.key, dialect);
      joins.push(
        sql`left join ${sortTable(c.kind)} ${alias} on ${alias}.run_uuid = r.run_uuid and ${keyTest}`,
      );
      terms.push(
        c.kind === 'metric'
          ? sql`case when ${alias}.run_uuid is null then 2 when ${alias}.is_nan = 1 then 1 else 0 end`
          : sql`case when ${alias}.run_uuid is null then 1 else 0 end`,
      );
    }
    terms.push(
      c.kind === 'metric'
        ? sql`${alias}.value ${dir}`
        : sql`${textSortKey(sql`${alias}.value`, dialect)} ${dir}`,
    );
  });
  if (!sortsByStart) terms.push(sql`r.start_time desc nulls last`);
  terms.push(sql`${textSortKey(sql`r.run_uuid`, dialect)} asc`);
  return { joins, terms };
}
