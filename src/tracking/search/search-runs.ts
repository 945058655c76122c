import { type Kysely, type RawBuilder, type SqlBool, sql } from 'kysely';
import { LatheError } from '../../core/index.js';
import type { MetaDialect, MetaSchema } from '../../storage/meta/index.js';
import type { ViewType } from '../types.js';
import { parseOrderBy } from './order-by.js';
import { parseFilter } from './parser.js';
import { keyIs, runCondition, runOrdering, sortTable } from './run-sql.js';
import {
  type CompiledRunSearch,
  type RunStrategy,
  cappedCount,
  driverRows,
  estimateFilter,
  keyedFirstOrder,
  smallSet,
  sortThreshold,
  withinThreshold,
} from './run-strategy.js';
import { type Condition, allOf, checkPage, inList, joinSql, lifecycleStages, never } from './sql.js';

export type { RunStrategy } from './run-strategy.js';

/** A run search: MLflow's SearchRuns request, paged by offset. */
export interface SearchRunsQuery {
  /** Experiments to search; an empty list finds nothing. */
  experimentIds: readonly number[];
  /** MLflow filter string; empty or omitted matches every run. */
  filter?: string;
  /** Lifecycle stages to include; ACTIVE_ONLY by default. */
  viewType?: ViewType;
  /** MLflow order_by clauses; default `start_time DESC, run_uuid`. */
  orderBy?: readonly string[];
  limit: number;
  offset: number;
  /** The database flavour: the `MetaStore`'s `dialect`. */
  dialect: MetaDialect;
  /** Forces a strategy (tests compare them); chosen from index estimates on SQLite when omitted. */
  strategy?: RunStrategy;
}

interface Page {
  limit: number;
  offset: number;
}

function compile(q: Omit<SearchRunsQuery, 'dialect'>, dialect: MetaDialect): CompiledRunSearch {
  checkPage(q.limit, q.offset);
  const clauses = parseFilter('runs', q.filter);
  const order = parseOrderBy('runs', q.orderBy);
  const stages = lifecycleStages(q.viewType);
  const ids = [...new Set(q.experimentIds)];
  for (const id of ids) {
    if (!Number.isSafeInteger(id)) {
      throw new LatheError(
        'INVALID_ARGUMENT',
        `experiment ids must be integers, got ${JSON.stringify(String(id))}`,
        {
          field: 'experiment_ids',
        },
      );
    }
  }
  const scope = allOf([
    ids.length ? inList(sql`r.experiment_id`, ids) : never,
    inList(sql`r.lifecycle_stage`, stages),
  ]);
  const first = order[0];
  const byStart = !first || (first.kind === 'attribute' && first.key === 'start_time' && !first.ascending);
  return { clauses, order, scope, dialect, indexOrdered: byStart && ids.length === 1 && stages.length === 1 };
}

/** Whether `strategy` can run this search (else the plain scan runs). */
function usable(c: CompiledRunSearch, strategy: RunStrategy): RunStrategy {
  if (strategy.kind === 'ordered' && !keyedFirstOrder(c)) return { kind: 'scan' };
  if (strategy.kind === 'driven') {
    const clause = c.clauses[strategy.clause];
    if (!clause || !driverRows(clause, c.dialect)) return { kind: 'scan' };
  }
  return strategy;
}

/** One SELECT of `run_uuid` (`ordered`: only runs whose first sort key is present and not NaN). */
function buildQuery(
  c: CompiledRunSearch,
  strategy: RunStrategy,
  page: Page,
  extra: Condition[] = [],
): RawBuilder<{ run_uuid: string }> {
  const first = strategy.kind === 'ordered' ? keyedFirstOrder(c) : undefined;
  const ordering = runOrdering(c.order, c.dialect, first !== undefined);
  const where: Condition[] = [c.scope, ...extra];
  let from: RawBuilder<unknown> = sql`runs r`;
  const runId = first ? sql`o0.run_uuid` : strategy.kind === 'driven' ? sql`c.run_uuid` : sql`r.run_uuid`;
  c.clauses.forEach((clause, i) => {
    if (strategy.kind === 'driven' && strategy.clause === i) {
      from = sql`(${driverRows(clause, c.dialect)!}) c cross join runs r`;
      where.push(sql<SqlBool>`r.run_uuid = c.run_uuid`);
    } else {
      where.push(runCondition(clause, c.dialect, runId));
    }
  });
  if (first) {
    from = sql`${sortTable(first.kind)} o0 cross join runs r`;
    where.push(sql<SqlBool>`r.run_uuid = o0.run_uuid`, keyIs(sql`o0.key`, first.key, c.dialect));
    if (first.kind === 'metric') where.push(sql<SqlBool>`o0.is_nan = 0`);
  }
  const joins = joinSql(ordering.joins, sql` `);
  const orderBy = joinSql(ordering.terms);
  return sql<{
    run_uuid: string;
  }>`select r.run_uuid from ${from} ${joins} where ${allOf(where)} order by ${orderBy} limit ${page.limit} offset ${page.offset}`;
}

/** Runs lacking the first sort key, or whose latest value for it is NaN (they sort after the rest). */
function withoutFirstKey(c: CompiledRunSearch): Condition {
  const first = keyedFirstOrder(c)!;
  const nan = first.kind === 'metric' ? sql` and x.is_nan = 0` : sql``;
  return sql<SqlBool>`not exists (select 1 from ${sortTable(first.kind)} x where x.run_uuid = r.run_uuid and ${keyIs(sql`x.key`, first.key, c.dialect)}${nan})`;
}

/**
 * The SELECTs a run search may execute for `strategy`, in order, for tools that EXPLAIN them.
 * `ordered` reads the runs that have the first sort key, then (only when the page is short) the
 * runs that lack it or hold NaN.
 */
export function compileSearchRuns(
  q: Omit<SearchRunsQuery, 'dialect'>,
  dialect: MetaDialect,
  strategy: RunStrategy = { kind: 'scan' },
): RawBuilder<{ run_uuid: string }>[] {
  const c = compile(q, dialect);
  const s = usable(c, strategy);
  if (s.kind !== 'ordered') return [buildQuery(c, s, q)];
  const head = buildQuery(c, s, { limit: q.offset + q.limit, offset: 0 });
  return [head, buildQuery(c, { kind: 'scan' }, q, [withoutFirstKey(c)])];
}

async function ids(db: Kysely<MetaSchema>, query: RawBuilder<{ run_uuid: string }>): Promise<string[]> {
  const { rows } = await query.execute(db);
  return rows.map((r) => r.run_uuid);
}

/**
 * The `ordered` walk. With `threshold` it reads only the sort index up to that value and gives
 * up (undefined) when the page is not full by then; without, it completes the page with the runs
 * lacking the key.
 */
async function walkOrdered(
  db: Kysely<MetaSchema>,
  c: CompiledRunSearch,
  page: Page,
  threshold?: number | string,
): Promise<string[] | undefined> {
  const wanted = page.offset + page.limit;
  const cut = threshold === undefined ? [] : [withinThreshold(c, threshold)];
  const head = await ids(db, buildQuery(c, { kind: 'ordered' }, { limit: wanted, offset: 0 }, cut));
  if (head.length === wanted) return head.slice(page.offset);
  if (threshold !== undefined) return undefined;
  const rest = {
    limit: page.limit - Math.max(0, head.length - page.offset),
    offset: Math.max(0, page.offset - head.length),
  };
  return head
    .slice(page.offset)
    .concat(await ids(db, buildQuery(c, { kind: 'scan' }, rest, [withoutFirstKey(c)])));
}

/**
 * Picks the index that reaches the page soonest on SQLite: small experiments are scanned; a
 * filter clause whose `(key, value)` range is small drives the query; a sort on a metric, param
 * or tag walks that key's index in order (bounded by a third of what the best driver would read,
 * falling back to the driver when the page is not full by then).
 */
async function searchAuto(db: Kysely<MetaSchema>, c: CompiledRunSearch, page: Page): Promise<string[]> {
  const scan = () => ids(db, buildQuery(c, { kind: 'scan' }, page));
  if (c.dialect !== 'sqlite') return scan();
  if ((await cappedCount(db, sql`select 1 from runs r where ${c.scope}`, smallSet)) <= smallSet)
    return scan();
  const { driver, walkFactor } = await estimateFilter(db, c);
  const expected = (page.offset + page.limit) * walkFactor;
  // With a driver, walk at most a third of what it would read, and only when the (pessimistic)
  // estimate says the page fits in twice that: a wrong guess costs a third of the driven query.
  const budget = driver ? Math.ceil(driver.rows / 3) : undefined;
  if (keyedFirstOrder(c) && (budget === undefined || expected <= 2 * budget)) {
    const threshold = budget === undefined ? undefined : await sortThreshold(db, c, budget);
    const found = await walkOrdered(db, c, page, threshold);
    if (found) return found;
  }
  if (driver && (!c.indexOrdered || driver.rows <= smallSet)) {
    return ids(db, buildQuery(c, { kind: 'driven', clause: driver.clause }, page));
  }
  return scan();
}

/**
 * Searches runs as MLflow's SearchRuns does and returns the `run_uuid`s of one page, in order.
 * Filters compare metrics on their latest value; a run lacking a filtered key does not match
 * (even for `!=`). Sorting puts runs lacking the sort key last in both directions (for metrics,
 * NaN just before them); ties break by `start_time` descending (missing last), then `run_uuid`.
 * Results are the same on SQLite and PostgreSQL; on SQLite the query is driven by whichever index
 * reaches the page soonest (see `RunStrategy`). Parse errors are INVALID_ARGUMENT with the
 * 1-based position.
 */
export async function searchRunIds(db: Kysely<MetaSchema>, q: SearchRunsQuery): Promise<string[]> {
  const c = compile(q, q.dialect);
  if (q.limit === 0 || q.experimentIds.length === 0) return [];
  if (!q.strategy) return searchAuto(db, c, q);
  const strategy = usable(c, q.strategy);
  if (strategy.kind === 'ordered') {
    const threshold = strategy.budget === undefined ? undefined : await sortThreshold(db, c, strategy.budget);
    const found = await walkOrdered(db, c, q, threshold);
    if (found) return found;
    return ids(db, buildQuery(c, { kind: 'scan' }, q));
  }
  return ids(db, buildQuery(c, strategy, q));
}

/**
 * How many runs match the search's experiments, view and filter (order plays no part), counted up
 * to `cap`. One `count(*)` over the same conditions `searchRunIds` uses, so it agrees with the pages.
 */
export async function countRunIds(
  db: Kysely<MetaSchema>,
  q: Omit<SearchRunsQuery, 'limit' | 'offset' | 'orderBy' | 'strategy'>,
  cap = 1_000_000,
): Promise<number> {
  const c = compile({ ...q, limit: 0, offset: 0 }, q.dialect);
  if (q.experimentIds.length === 0) return 0;
  const where = [c.scope, ...c.clauses.map((clause) => runCondition(clause, c.dialect, sql`r.run_uuid`))];
  const { rows } = await sql<{
    n: number | string;
  }>`select count(*) as n from (select 1 from runs r where ${allOf(where)} limit ${cap}) x`.execute(db);
  return Number(rows[0]?.n ?? 0);
}
