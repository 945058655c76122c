import { histogramEdges } from '../stats/index.js';
import { quoteLiteral, type TableEngine } from '../storage/tables/index.js';
import { type PiiFinding, scanPii } from './pii/index.js';
import { isNumericFamily, type TypeFamily } from './semantic.js';
import type { ColumnProfile, DatasetProfile, IngestIssue } from './types.js';

/** The scans of a profile that follow its first pass, and what they share with it. */

/** A column being profiled: its name, quoted name, DuckDB type and type family. */
export interface Column {
  name: string;
  q: string;
  type: string;
  nullable: boolean;
  family: TypeFamily;
}

export const quantileLevels = [0.01, 0.05, 0.25, 0.5, 0.75, 0.95, 0.99];
export const quantileKeys = ['p1', 'p5', 'p25', 'p50', 'p75', 'p95', 'p99'];
const histogramBins = 20;
export const topK = 20;
/** Numeric columns correlated pairwise (the first ones in column order). */
const maxCorrelated = 60;

/**
 * The bin edges of a numeric column's histogram, or null when it gets none (identifiers, no
 * finite values): fixed-width bins between min and max, one bin per integer when an integer
 * range is small.
 */
export function histogramEdgesOf(c: Column, p: ColumnProfile): number[] | null {
  if (!isNumericFamily(c.family) || p.count === 0 || p.semantic === 'identifier') return null;
  const min = p.min as number;
  const max = p.max as number;
  if (!Number.isFinite(min) || !Number.isFinite(max)) return null;
  return c.family === 'integer' && max - min < histogramBins
    ? Array.from({ length: max - min + 2 }, (_, k) => min - 0.5 + k)
    : histogramEdges(min, max, min === max ? 1 : histogramBins);
}

/** The bin of `x` (a finite number): `floor((x - edges[0]) / width)`, clamped to the bins. */
export function binOf(x: number, edges: readonly number[], width: number): number {
  return Math.min(Math.max(Math.floor((x - edges[0]!) / width), 0), edges.length - 2);
}

/** The histograms of the numeric columns that have none yet, in one query (a GROUP BY per column). */
export async function histograms(
  engine: TableEngine,
  from: string,
  cols: readonly Column[],
  profiles: ColumnProfile[],
): Promise<void> {
  const parts: string[] = [];
  const plans: { i: number; edges: number[] }[] = [];
  cols.forEach((c, i) => {
    const edges = profiles[i]!.histogram ? null : histogramEdgesOf(c, profiles[i]!);
    if (!edges) return;
    const bins = edges.length - 1;
    const width = (edges[bins]! - edges[0]!) / bins;
    // The same arithmetic as binOf; GROUP BY on small integer keys beats the histogram() aggregate.
    parts.push(
      `select ${plans.length} as h, b, count(*) as n from (select least(greatest(floor((${c.q}::double - ${edges[0]}) / ${width}), 0), ${bins - 1})::integer as b from ${from} where isfinite(${c.q}::double)) group by b`,
    );
    plans.push({ i, edges });
  });
  if (!parts.length) return;
  const rows = await engine.query<{ h: number; b: number; n: number }>(parts.join(' union all '));
  const counts = plans.map(({ edges }) => new Array<number>(edges.length - 1).fill(0));
  for (const r of rows) counts[Number(r.h)]![Number(r.b)] = Number(r.n);
  plans.forEach(({ i, edges }, k) => {
    const p = profiles[i]!;
    p.histogram = { edges, counts: counts[k]!, missing: p.missing, total: p.count + p.missing };
  });
}

/** Whether a column gets top values: categorical, boolean, target and text columns, small-range numbers. */
export function wantsTop(c: Column, p: ColumnProfile): boolean {
  return (
    p.count > 0 &&
    p.semantic !== 'identifier' &&
    (!isNumericFamily(c.family) || p.distinct <= topK || p.semantic === 'target') &&
    c.family !== 'date' &&
    c.family !== 'timestamp' &&
    c.family !== 'other'
  );
}

/**
 * The most frequent values of the columns that want them (see wantsTop) and have none yet, all
 * columns in one scan (grouping sets).
 */
export async function topValues(
  engine: TableEngine,
  from: string,
  cols: readonly Column[],
  profiles: ColumnProfile[],
): Promise<void> {
  const wanted = cols.flatMap((c, i) => {
    const p = profiles[i]!;
    return !p.top && wantsTop(c, p) ? [{ c, p }] : [];
  });
  if (!wanted.length) return;
  const keys = wanted.map((_, k) => `k${k}`);
  const which = `case ${keys.map((k, j) => `when grouping(${k}) = 0 then ${j}`).join(' ')} end`;
  const rows = await engine.query<{ g: number; v: string; n: number }>(
    `select g, v, n from (
       select ${which} as g, coalesce(${keys.join(', ')}) as v, count(*) as n
       from (select ${wanted.map(({ c }, k) => `${c.q}::varchar as k${k}`).join(', ')} from ${from})
       group by grouping sets (${keys.map((k) => `(${k})`).join(', ')})
     ) where v is not null
     qualify row_number() over (partition by g order by n desc, v) <= ${topK}
     order by g, n desc, v`,
  );
  for (const { p } of wanted) p.top = [];
  for (const r of rows) wanted[Number(r.g)]!.p.top!.push({ value: r.v, count: Number(r.n) });
}

/**
 * Pearson correlations between numeric columns (each pair once, in column order, at most
 * `maxCorrelated` columns) and with a numeric or boolean target, into `out`. `known` holds pairs
 * (`a\u0000b`) and target correlations (`\u0000column`) already measured on the same rows
 * (a derived version's kept columns): those are taken as they are, the rest is computed in one scan.
 */
export async function correlations(
  engine: TableEngine,
  from: string,
  cols: readonly Column[],
  profiles: ColumnProfile[],
  target: string | undefined,
  out: DatasetProfile,
  known?: ReadonlyMap<string, number | null>,
): Promise<void> {
  const numeric = cols
    .map((c, i) => ({ c, p: profiles[i]! }))
    .filter(({ c, p }) => isNumericFamily(c.family) && p.semantic !== 'identifier' && p.count > 1)
    .slice(0, maxCorrelated);
  const values = new Map<string, number | null | undefined>();
  const parts: string[] = [];
  const ask = (key: string, sql: string) => {
    if (known?.has(key)) values.set(key, known.get(key));
    else {
      parts.push(`${sql} as r${parts.length}`);
      values.set(key, undefined);
    }
  };
  const pairs: [string, string][] = [];
  for (let a = 0; a < numeric.length; a++)
    for (let b = a + 1; b < numeric.length; b++) {
      const [x, y] = [numeric[a]!.c, numeric[b]!.c];
      pairs.push([x.name, y.name]);
      ask(`${x.name}\u0000${y.name}`, `corr(${x.q}::double, ${y.q}::double)`);
    }
  const t = target === undefined ? undefined : cols.find((c) => c.name === target);
  const targetable = t && (isNumericFamily(t.family) || t.family === 'boolean');
  const others = targetable ? numeric.filter(({ c }) => c.name !== target) : [];
  for (const { c } of others) ask(`\u0000${c.name}`, `corr(${c.q}::double, ${t!.q}::integer::double)`);
  if (!pairs.length && !others.length) return;
  if (parts.length) {
    const [row] = await engine.query<Record<string, number | null>>(
      `select ${parts.join(', ')} from ${from}`,
    );
    let k = 0;
    for (const [key, v] of values) if (v === undefined) values.set(key, row![`r${k++}`] ?? null);
  }
  const r = (key: string) => {
    const v = values.get(key);
    return v === null || v === undefined || Number.isNaN(v) ? null : v;
  };
  out.correlations = pairs.flatMap(([a, b]) => {
    const v = r(`${a}\u0000${b}`);
    return v === null ? [] : [{ a, b, r: v }];
  });
  if (targetable)
    out.targetCorrelations = others.flatMap(({ c }) => {
      const v = r(`\u0000${c.name}`);
      return v === null ? [] : [{ column: c.name, r: v }];
    });
}

/** A few rows whose value is text in a column of mostly numbers. */
export async function mixedTypeRows(
  engine: TableEngine,
  parquetPath: string,
  c: Column,
  p: ColumnProfile,
): Promise<(IngestIssue & { row?: number })[]> {
  const rows = await engine.query<{ r: number; v: string }>(
    `select file_row_number + 1 as r, ${c.q} as v from read_parquet(${quoteLiteral(parquetPath)}, file_row_number = true)
     where ${c.q} is not null and try_cast(${c.q} as double) is null order by 1 limit 3`,
  );
  const share = ((p.numericShare ?? 0) * 100).toFixed(p.numericShare! > 0.99 ? 2 : 1);
  return rows.map((r) => ({
    kind: 'mixed_types' as const,
    column: c.name,
    row: Number(r.r),
    message:
      `column ${JSON.stringify(c.name)} is ${share}% numbers but holds text such as ${JSON.stringify(r.v.slice(0, 40))}` +
      '; kept as text (cast it with a recipe, or fix the source)',
  }));
}

/** Values sampled per text column for PII detection. */
const piiSample = 5_000;

/** PII in text columns (the first rows) and in column names; counts only, never values. */
export async function findPii(
  engine: TableEngine,
  from: string,
  cols: readonly Column[],
): Promise<PiiFinding[]> {
  const text = cols.filter((c) => c.family === 'string');
  const sample = text.length
    ? await engine.query<Record<string, string | null>>(
        `select ${text.map((c) => c.q).join(', ')} from ${from} limit ${piiSample}`,
      )
    : [];
  return scanPii(
    cols.map((c) => ({
      name: c.name,
      values: text.includes(c) ? sample.map((r) => r[c.name] ?? null) : [],
    })),
  );
}
