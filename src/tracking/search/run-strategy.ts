import { type Expression, type Kysely, type RawBuilder, type SqlBool, sql } from 'kysely';
import type { MetaDialect, MetaSchema } from '../../storage/meta/index.js';
import type { FilterClause, OrderByClause } from './ast.js';
import { keyIs, keyedRows, sortTable } from './run-sql.js';
import { type Condition, numberCondition, stringCondition, textSortKey } from './sql.js';

/**
 * How a run search reaches its rows. `scan`: the experiment's runs through `runs_experiment`;
 * `driven`: the runs one selective filter clause names, through its `(key, value)` index (or the
 * run id); `ordered`: the first sort key's `(key, value)` index in sort order, stopping at the
 * page. All three give the same rows in the same order; they differ only in speed.
 */
export type RunStrategy =
  | { kind: 'scan' }
  | { kind: 'driven'; clause: number }
  /** With `budget`, walk about that many index entries and fall back to `scan` if the page is not full. */
  | { kind: 'ordered'; budget?: number };

/** A parsed run search, ready to build SQL from. */
export interface CompiledRunSearch {
  clauses: FilterClause[];
  order: OrderByClause[];
  /** experiment_id / lifecycle_stage restriction on `runs r`. */
  scope: Condition;
  dialect: MetaDialect;
  /** Whether `runs_experiment` yields rows already in order (one experiment and stage, start_time DESC). */
  indexOrdered: boolean;
}

/** Below this many runs in scope, reading them all and sorting is cheap. */
export const smallSet = 3000;
/** Index entries a clause estimate reads at most. */
const estimateCap = 20_000;

/** The first sort key when it is a metric, param or tag (what `ordered` walks). */
export function keyedFirstOrder(
  c: CompiledRunSearch,
): (OrderByClause & { kind: 'metric' | 'param' | 'tag' }) | undefined {
  const first = c.order[0];
  return first && first.kind !== 'attribute' ? (first as OrderByClause & { kind: 'metric' }) : undefined;
}

/** The run ids a clause selects by itself, as a subquery, for clauses an index can drive. */
export function driverRows(c: FilterClause, dialect: MetaDialect): RawBuilder<unknown> | undefined {
  if (c.kind === 'string_attribute') {
    if (c.key !== 'run_id' || (c.op !== '=' && c.op !== 'IN')) return undefined;
    return sql`select r0.run_uuid from runs r0 where ${stringCondition(sql`r0.run_uuid`, c, dialect)}`;
  }
  if ((c.kind === 'param' || c.kind === 'tag') && c.op !== '=') return undefined;
  if (c.kind === 'metric' && c.op === '!=') return undefined;
  const keyed = keyedRows(c, dialect, sql`c0`);
  return keyed && sql`select c0.run_uuid from ${keyed.table} c0 where ${keyed.where}`;
}

/** Counts rows of `rows`, reading at most `cap + 1`. */
export async function cappedCount(
  db: Kysely<MetaSchema>,
  rows: RawBuilder<unknown>,
  cap: number,
): Promise<number> {
  const r = await sql<{ n: number }>`select count(*) as n from (${rows} limit ${cap + 1}) x`.execute(db);
  return Number(r.rows[0]?.n ?? 0);
}

/** What the index estimates say about a run search's filter. */
export interface FilterEstimate {
  /** The most selective clause an index can drive and the rows its range holds (at most `estimateCap`). */
  driver?: { clause: number; rows: number };
  /**
   * Rows an `ordered` walk reads per row it keeps: the product, over clauses an index can count,
   * of all runs / rows in the clause's range (clauses no index counts are taken as keeping all).
   */
  walkFactor: number;
}

/** Estimates each clause from capped counts over covering `(key, value)` indexes. */
export async function estimateFilter(db: Kysely<MetaSchema>, c: CompiledRunSearch): Promise<FilterEstimate> {
  const maxRow = await sql<{ n: number | null }>`select max(rowid) as n from runs`.execute(db);
  const total = Math.max(Number(maxRow.rows[0]?.n ?? 0), 1);
  const estimate: FilterEstimate = { walkFactor: 1 };
  for (const [i, clause] of c.clauses.entries()) {
    const rows = await estimateClause(db, clause, c.dialect);
    if (rows === undefined) continue;
    estimate.walkFactor *= total / Math.max(rows, 0.5);
    if (rows <= estimateCap && (!estimate.driver || rows < estimate.driver.rows)) {
      estimate.driver = { clause: i, rows };
    }
  }
  return estimate;
}

async function estimateClause(
  db: Kysely<MetaSchema>,
  c: FilterClause,
  dialect: MetaDialect,
): Promise<number | undefined> {
  if (c.kind === 'string_attribute') {
    if (c.key === 'run_id' && c.op === '=') return 1;
    if (c.key === 'run_id' && c.op === 'IN') return c.value.length;
    return undefined;
  }
  if (c.kind === 'metric' && c.op !== '!=') {
    // Counted over the (key, value) index alone: NaN rows stay in, so this can only overestimate.
    const test = numberCondition(sql`e.value`, c.op, c.value);
    const rows = sql`select 1 from latest_metrics e where ${keyIs(sql`e.key`, c.key, dialect)} and ${test}`;
    return cappedCount(db, rows, estimateCap);
  }
  if ((c.kind === 'param' || c.kind === 'tag') && c.op === '=') {
    const table = c.kind === 'param' ? sql`params` : sql`tags`;
    const rows = sql`select 1 from ${table} e where ${keyIs(sql`e.key`, c.key, dialect)} and ${keyIs(sql`e.value`, c.value, dialect)}`;
    return cappedCount(db, rows, estimateCap);
  }
  return undefined;
}

/**
 * The sort value of the `budget`-th entry of the first sort key's index, in sort direction: an
 * `ordered` walk that stops there reads about `budget` rows. Undefined when the key has fewer
 * entries (the whole walk is that cheap already).
 */
export async function sortThreshold(
  db: Kysely<MetaSchema>,
  c: CompiledRunSearch,
  budget: number,
): Promise<number | string | undefined> {
  const first = keyedFirstOrder(c);
  if (!first) return undefined;
  const dir = first.ascending ? sql`asc` : sql`desc`;
  const r = await sql<{
    value: number | string;
  }>`select t.value from ${sortTable(first.kind)} t where ${keyIs(sql`t.key`, first.key, c.dialect)} order by t.value ${dir} limit 1 offset ${budget}`.execute(
    db,
  );
  return r.rows[0]?.value;
}

/** `o0.value` within the walked part of the sort index (up to and including `threshold`). */
export function withinThreshold(c: CompiledRunSearch, threshold: number | string): Condition {
  const first = keyedFirstOrder(c)!;
  const value = sortValue(c, sql`o0.value`);
  return first.ascending ? sql<SqlBool>`${value} <= ${threshold}` : sql<SqlBool>`${value} >= ${threshold}`;
}

/** The first sort key's value column as ORDER BY compares it (byte order for text). */
function sortValue(c: CompiledRunSearch, column: RawBuilder<unknown>): Expression<unknown> {
  return keyedFirstOrder(c)!.kind === 'metric' ? column : textSortKey(column, c.dialect);
}
