import { histogram } from '../../stats/index.js';
import { quoteLiteral, type TableEngine } from '../../storage/tables/index.js';

/** A numeric expression over one version's rows (a DOUBLE, NULL when missing), binned on `edges`. */
export interface BinnedExpr {
  expr: string;
  edges: readonly number[];
}

/** One version's counts on a column's edges (see `DiffHistogram`). */
export interface BinCounts {
  counts: number[];
  below: number;
  above: number;
}

/** Categories counted in both versions: the first `limit` by total count, and the rest pooled. */
export interface CategoryCounts {
  top: { value: string; reference: number; current: number }[];
  rest: {
    categories: number;
    reference: number;
    current: number;
    onlyCurrent: number;
    onlyReference: number;
  };
}

/**
 * A finite double as a SQL literal that DuckDB reads back exactly: in exponent form, which it
 * parses as DOUBLE (a plain decimal literal is a DECIMAL, and its cast to DOUBLE can be one unit in
 * the last place off).
 */
const sqlNumber = (x: number): string => {
  if (!Number.isFinite(x)) throw new Error(`a bin edge must be finite; got ${x}`);
  return x.toExponential();
};

/**
 * What a scan reads: a Parquet file's path, or a SQL relation (a parenthesized SELECT) with an
 * expression that orders its rows stably (`rowKey`, for the deterministic sample).
 */
export type ScanSource = string | { sql: string; rowKey: string };

const parquet = (source: ScanSource, rowNumbers = false) =>
  typeof source === 'string'
    ? `read_parquet(${quoteLiteral(source)}${rowNumbers ? ', file_row_number = true' : ''})`
    : rowNumbers
      ? `(select *, ${source.rowKey} as file_row_number from ${source.sql})`
      : source.sql;

/** Edges on the grid e0 + i·w (to 1e-7 of a bin), where a bin index is a floor of (x − e0)/w. */
function equalWidth(edges: readonly number[]): number | null {
  const bins = edges.length - 1;
  const w = (edges[bins]! - edges[0]!) / bins;
  if (!(w > 0)) return null;
  for (let i = 1; i < bins; i++) if (Math.abs((edges[i]! - edges[0]!) / w - i) > 1e-7) return null;
  return w;
}

/**
 * Counts each expression's values into its bins, in one scan of the Parquet file, as `histogram()`
 * of src/stats does: half-open bins, the last one closed, values beyond the ends (infinities too)
 * in the end bins, NULL and NaN in no bin. `below` and `above` count the values outside
 * [edges[0], edges[last]].
 *
 * On equal-width edges DuckDB bins by floor((x − e0)/w), which rounding can move by one bin only
 * for a value within a hair of an edge: values within 1e-6 of a bin width of an edge are counted by
 * value instead and binned here with `histogram` of src/stats, so the counts are exact. Other edges
 * are binned by counting the interior edges <= x (slower).
 */
export async function binCounts(
  engine: TableEngine,
  file: ScanSource,
  exprs: readonly BinnedExpr[],
): Promise<BinCounts[]> {
  if (!exprs.length) return [];
  // b: the bin, -1 below the edges, `bins` above them, NULL for NULL, NaN and values near an edge;
  // n: a value near an edge, else NULL.
  const parts = exprs.map(({ edges }, i) => {
    const x = `x${i}`;
    const bins = edges.length - 1;
    const w = equalWidth(edges);
    if (w === null) {
      const interior = edges.slice(1, -1).map((e) => `(${x} >= ${sqlNumber(e)})::integer`);
      return (
        `case when ${x} is null or isnan(${x}) then null when ${x} < ${sqlNumber(edges[0]!)} then -1 ` +
        `when ${x} > ${sqlNumber(edges[bins]!)} then ${bins} else ${interior.join(' + ') || '0'} end as b${i}, ` +
        `null::double as n${i}`
      );
    }
    const t = `((${x} - ${sqlNumber(edges[0]!)}) / ${sqlNumber(w)})`;
    const near = `abs(${t} - round(${t})) < 1e-6`;
    // DuckDB sorts NaN above every number: it is left out before the clamp.
    return (
      `case when not isnan(${x}) and not (${near}) then least(greatest(floor(${t}), -1), ${bins})::integer end as b${i}, ` +
      `case when ${near} then ${x} end as n${i}`
    );
  });
  const aggs = exprs.map((_, i) => `histogram(b${i}) as h${i}, histogram(n${i}) as n${i}`);
  const [row] = await engine.query<Record<string, unknown>>(
    `select ${aggs.join(', ')} from (select ${parts.join(', ')} from (select ${exprs
      .map((e, i) => `${e.expr} as x${i}`)
      .join(', ')} from ${parquet(file)}))`,
  );
  type Entries = { key: number; value: number }[] | null;
  return exprs.map(({ edges }, i) => {
    const bins = edges.length - 1;
    const out: BinCounts = { counts: new Array<number>(bins).fill(0), below: 0, above: 0 };
    for (const { key, value } of (row![`h${i}`] as Entries) ?? []) {
      const k = Number(key);
      const n = Number(value);
      if (k < 0) out.below += n;
      if (k >= bins) out.above += n;
      out.counts[Math.min(Math.max(k, 0), bins - 1)]! += n;
    }
    for (const { key, value } of (row![`n${i}`] as Entries) ?? []) {
      const x = Number(key);
      const n = Number(value);
      if (x < edges[0]!) out.below += n;
      if (x > edges[bins]!) out.above += n;
      out.counts[histogram([x], edges).counts.indexOf(1)]! += n;
    }
    return out;
  });
}

/**
 * The finite values of each expression over all rows, or, past `sampleSize` rows, over a
 * deterministic sample of `sampleSize` rows: those with the smallest hash of (row number, seed), the
 * same rows for every expression. One scan.
 */
export async function sampleValues(
  engine: TableEngine,
  file: ScanSource,
  rows: number,
  exprs: readonly string[],
  sampleSize: number,
  seed: number,
): Promise<{ values: Float64Array[]; sampled: boolean }> {
  if (!exprs.length) return { values: [], sampled: false };
  const sampled = rows > sampleSize;
  const inner = exprs.map((e, i) => `${e} as x${i}`).join(', ');
  const source = sampled
    ? `(select ${inner} from ${parquet(file, true)} order by hash(file_row_number, ${Math.trunc(seed)}::bigint), file_row_number limit ${sampleSize})`
    : `(select ${inner} from ${parquet(file)})`;
  const lists = exprs.map((_, i) => `list(x${i}) filter (where isfinite(x${i})) as s${i}`);
  const [row] = await engine.query<Record<string, number[] | null>>(
    `select ${lists.join(', ')} from ${source}`,
  );
  return { values: exprs.map((_, i) => Float64Array.from(row![`s${i}`] ?? [])), sampled };
}

/**
 * Category counts of several columns in both versions, in one scan of each file (grouping sets over
 * the union of the two): per column, the `limit` categories most frequent in both versions together
 * (ties by value), and the rest pooled with how many of them only one version has. Expressions are
 * VARCHAR; NULL (missing) is left out.
 */
export async function categoryCounts(
  engine: TableEngine,
  referenceFile: ScanSource,
  currentFile: ScanSource,
  exprs: readonly { reference: string; current: string }[],
  limit: number,
): Promise<CategoryCounts[]> {
  if (!exprs.length) return [];
  const keys = exprs.map((_, k) => `k${k}`);
  const side = (file: ScanSource, which: 'reference' | 'current', n: number) =>
    `select ${n} as side, ${exprs.map((e, k) => `${e[which]} as k${k}`).join(', ')} from ${parquet(file)}`;
  const which = `case ${keys.map((k, j) => `when grouping(${k}) = 0 then ${j}`).join(' ')} end`;
  const rows = await engine.query<{
    g: number;
    v: string | null;
    na: number;
    nb: number;
    cats: number | null;
    newc: number | null;
    gone: number | null;
  }>(
    `with u as (${side(referenceFile, 'reference', 0)} union all ${side(currentFile, 'current', 1)}),
     c as (
       select ${which} as g, coalesce(${keys.join(', ')}) as v,
         count(*) filter (where side = 0) as na, count(*) filter (where side = 1) as nb
       from u group by grouping sets (${keys.map((k) => `(${k})`).join(', ')})
     ),
     r as (select *, row_number() over (partition by g order by na + nb desc, v) as rn from c where v is not null)
     select * from (
       select g, v, na, nb, null as cats, null as newc, null as gone from r where rn <= ${limit}
       union all
       select g, null, sum(na)::bigint, sum(nb)::bigint, count(*), count(*) filter (where na = 0), count(*) filter (where nb = 0)
       from r where rn > ${limit} group by g
     ) order by g, na + nb desc, v`,
  );
  const out: CategoryCounts[] = exprs.map(() => ({
    top: [],
    rest: { categories: 0, reference: 0, current: 0, onlyCurrent: 0, onlyReference: 0 },
  }));
  for (const r of rows) {
    const o = out[Number(r.g)]!;
    if (r.cats === null) o.top.push({ value: String(r.v), reference: Number(r.na), current: Number(r.nb) });
    else
      o.rest = {
        categories: Number(r.cats),
        reference: Number(r.na),
        current: Number(r.nb),
        onlyCurrent: Number(r.newc),
        onlyReference: Number(r.gone),
      };
  }
  return out;
}

/** The smallest and largest finite value of each expression, in one scan (NaN when there is none). */
export async function valueRanges(
  engine: TableEngine,
  file: ScanSource,
  exprs: readonly string[],
): Promise<{ min: number; max: number }[]> {
  if (!exprs.length) return [];
  const inner = exprs.map((e, i) => `${e} as x${i}`).join(', ');
  const parts = exprs.map(
    (_, i) =>
      `min(x${i}) filter (where isfinite(x${i})) as mn${i}, max(x${i}) filter (where isfinite(x${i})) as mx${i}`,
  );
  const [row] = await engine.query<Record<string, number | null>>(
    `select ${parts.join(', ')} from (select ${inner} from ${parquet(file)})`,
  );
  return exprs.map((_, i) => ({
    min: row![`mn${i}`] === null ? Number.NaN : Number(row![`mn${i}`]),
    max: row![`mx${i}`] === null ? Number.NaN : Number(row![`mx${i}`]),
  }));
}
