import { quoteLiteral, type TableEngine } from '../storage/tables/index.js';
import { binOf, type Column, histogramEdgesOf, quantileKeys, quantileLevels, topK } from './profile-scans.js';
import { isNumericFamily } from './semantic.js';
import type { ColumnProfile } from './types.js';

/**
 * Profiles of columns with few values, from their value counts. One GROUP BY per column gives
 * exact counts, distinct values, min/max, mean/std, quantiles, histogram, text lengths and top
 * values; DuckDB runs it on the Parquet dictionaries, many times faster than aggregating every
 * row (and exact where the per-row aggregates estimate).
 */

/** Most values a column may have (by its Parquet dictionaries) to be profiled from its value counts. */
export const maxCountedValues = 20_000;

/** A column's non-null values with their counts, most frequent first, ties in text order. */
export interface ValueCounts {
  values: { s: string; n: number; x?: number; len?: number; num?: boolean }[];
  /** Non-null values. */
  count: number;
}

/**
 * The indexes of the columns to profile from their value counts: booleans, and the numbers and
 * text the Parquet writer dictionary-encoded in every row group with at most `maxCountedValues`
 * dictionary entries in all (a bound on their distinct values). Only for a flat schema, where
 * Parquet leaf column i is column i.
 */
export async function countableColumns(
  engine: TableEngine,
  parquetPath: string,
  cols: readonly Column[],
): Promise<Set<number>> {
  const leaves = await engine.query<{
    id: number;
    groups: number;
    dictionaries: number;
    bound: number | null;
  }>(
    `select column_id as id, count(*) as groups, count(stats_distinct_count) as dictionaries,
       sum(stats_distinct_count) as bound
     from parquet_metadata(${quoteLiteral(parquetPath)}) group by column_id`,
  );
  const out = new Set<number>();
  if (leaves.length !== cols.length) return out;
  for (const l of leaves) {
    const i = Number(l.id);
    const c = cols[i];
    if (!c) return new Set();
    const dictionary = Number(l.dictionaries) === Number(l.groups) && Number(l.bound) <= maxCountedValues;
    if (c.family === 'boolean' || (dictionary && (isNumericFamily(c.family) || c.family === 'string')))
      out.add(i);
  }
  return out;
}

/** The value counts of column `c` read from `from`. */
export async function valueCounts(engine: TableEngine, from: string, c: Column): Promise<ValueCounts> {
  const extra = isNumericFamily(c.family)
    ? ', v::double as x'
    : c.family === 'string'
      ? ', length(v) as len, try_cast(v as double) is not null as num'
      : '';
  const rows = await engine.query<{ s: string; n: number; x?: number; len?: number; num?: boolean }>(
    `select v::varchar as s, n${extra}
     from (select ${c.q} as v, count(*) as n from ${from} group by 1) where v is not null
     order by n desc, s`,
  );
  let count = 0;
  for (const r of rows) {
    r.n = Number(r.n);
    if (r.x !== undefined) r.x = Number(r.x);
    if (r.len !== undefined) r.len = Number(r.len);
    count += r.n;
  }
  return { values: rows, count };
}

/**
 * The statistics the first pass gives (count, distinct, min/max, mean/std, exact quantiles; text
 * lengths and numeric share), from value counts; null when a number is not finite (NaN, ±inf),
 * which the per-row aggregates handle their own way.
 */
export function statsFromCounts(c: Column, vc: ValueCounts): Partial<ColumnProfile> | null {
  const n = vc.count;
  const p: Partial<ColumnProfile> = { count: n, distinct: vc.values.length, distinctApproximate: false };
  if (n === 0) return p;
  if (isNumericFamily(c.family)) {
    if (vc.values.some((v) => !Number.isFinite(v.x))) return null;
    const sorted = [...vc.values].sort((a, b) => a.x! - b.x!);
    let sum = 0;
    for (const v of sorted) sum += v.x! * v.n;
    const mean = sum / n;
    let squares = 0;
    for (const v of sorted) squares += v.n * (v.x! - mean) ** 2;
    p.min = sorted[0]!.x!;
    p.max = sorted[sorted.length - 1]!.x!;
    p.mean = mean;
    p.std = n > 1 ? Math.sqrt(squares / (n - 1)) : Number.NaN;
    p.quantiles = Object.fromEntries(
      quantileKeys.map((k, j) => [k, quantile(sorted, n, quantileLevels[j]!)]),
    );
    p.quantilesApproximate = false;
  } else if (c.family === 'string') {
    let min = Number.POSITIVE_INFINITY;
    let max = 0;
    let total = 0;
    let numeric = 0;
    for (const v of vc.values) {
      min = Math.min(min, v.len!);
      max = Math.max(max, v.len!);
      total += v.len! * v.n;
      if (v.num) numeric += v.n;
    }
    p.length = { min, max, mean: total / n };
    if (numeric > 0 && numeric < n) p.numericShare = numeric / n;
  }
  return p;
}

/**
 * The value at `level` of the `n` values counted in `sorted` (ascending), interpolated between
 * the two nearest ranks as DuckDB's quantile_cont does.
 */
function quantile(sorted: ValueCounts['values'], n: number, level: number): number {
  const h = (n - 1) * level;
  const lo = Math.floor(h);
  const hi = Math.ceil(h);
  const at = (rank: number) => {
    let seen = 0;
    for (const v of sorted) {
      seen += v.n;
      if (seen > rank) return v.x!;
    }
    return sorted[sorted.length - 1]!.x!;
  };
  const a = at(lo);
  return lo === hi ? a : a + (at(hi) - a) * (h - lo);
}

/** Histogram and top values from value counts, once the column's semantic type is known. */
export function finishFromCounts(c: Column, p: ColumnProfile, vc: ValueCounts, top: boolean): void {
  const edges = histogramEdgesOf(c, p);
  if (edges) {
    const bins = edges.length - 1;
    const width = (edges[bins]! - edges[0]!) / bins;
    const counts = new Array<number>(bins).fill(0);
    for (const v of vc.values) counts[binOf(v.x!, edges, width)]! += v.n;
    p.histogram = { edges, counts, missing: p.missing, total: p.count + p.missing };
  }
  if (top) p.top = vc.values.slice(0, topK).map((v) => ({ value: v.s, count: v.n }));
}
