/**
 * Drift between two slices of a model's records, per feature and for the prediction: the same
 * statistics and drift rule as `lathe data diff` (PSI and Jensen–Shannon on the baseline's bins or
 * the categories, KS and Wasserstein on the values, chi-squared on categories), computed by DuckDB
 * scans of both sides materialized once.
 */
import {
  categoricalStatistics,
  categoryCounts,
  type DriftStatistics,
  type DriftThresholds,
  judgeDrift,
  maxCategories,
  numericStatistics,
  rangeEdges,
} from '../data/index.js';
import { quoteIdentifier, type TableEngine } from '../storage/tables/index.js';
import { featureColumn } from './inference-store.js';
import { numericDriftMany } from './numeric-drift.js';
import type { NumericDrift } from './numeric-drift-tasks.js';
import type { CatalogModel } from './model-catalog.js';
import type { FeatureDrift, FeatureKind } from './types.js';

/**
 * Numeric columns are read a group at a time, the worker threads measuring one group while the
 * next is read: groups of 4 columns (20 features of 1,000,000 rows a side: 1.6-1.7 s, against
 * 1.9 s reading every column first; groups of 2 or 10 were slower), at most 8 groups (each group
 * scans the rows again).
 */
const groupColumns = (numeric: number) => Math.max(4, Math.ceil(numeric / 8));

/** A column compared: a feature, or the prediction (`pn` numeric, `p` label). */
interface Compared {
  feature: string;
  kind: FeatureKind;
  column: string;
}

/** What to compare of a model: its features (or some) and its prediction. */
export function comparedColumns(
  model: CatalogModel,
  only?: readonly string[],
): { features: Compared[]; prediction: Compared } {
  const features = model.features
    .filter((f) => !only || only.includes(f.name))
    .map((f) => ({ feature: f.name, kind: f.kind, column: featureColumn(f.name) }));
  const prediction: Compared =
    model.task === 'regression'
      ? { feature: 'prediction', kind: 'numeric', column: 'pn' }
      : { feature: 'prediction', kind: 'categorical', column: 'p' };
  return { features, prediction };
}

/** Both sides' drift of each column, in the order given. */
export async function driftColumns(
  engine: TableEngine,
  baselineSql: string,
  currentSql: string,
  columns: readonly Compared[],
  options: { thresholds: DriftThresholds; sampleSize: number },
): Promise<{ rows: { baseline: number; current: number }; drift: FeatureDrift[] }> {
  // Numbers: every value of both sides in memory (shared with the worker threads that bin, sort
  // and merge them); missing and non-finite values as NaN. Read in groups of columns: while the
  // threads measure one group, this thread reads the next.
  const numeric = columns.filter((c) => c.kind === 'numeric');
  const vb: Awaited<ReturnType<typeof finiteValues>> = { values: [], present: [], min: [], max: [] };
  const vc: typeof vb = { values: [], present: [], min: [], max: [] };
  const edges: (number[] | null)[] = [];
  const measuring: Promise<(NumericDrift | null)[]>[] = [];
  const group = groupColumns(numeric.length);
  for (let from = 0; from < numeric.length; from += group) {
    const part = numeric.slice(from, from + group);
    const b = await finiteValues(engine, baselineSql, part);
    const c = await finiteValues(engine, currentSql, part);
    for (const [side, read] of [
      [vb, b],
      [vc, c],
    ] as const) {
      side.values.push(...read.values);
      side.present.push(...read.present);
      side.min.push(...read.min);
      side.max.push(...read.max);
    }
    const partEdges = b.min.map((min, i) => rangeEdges(min, b.max[i]!, false));
    edges.push(...partEdges);
    const measurable = part.map((_, i) => partEdges[i] !== null && b.present[i]! > 0 && c.present[i]! > 0);
    const pairs = part
      .map((_, i) => ({
        a: b.values[i]!,
        b: c.values[i]!,
        edges: partEdges[i]!,
        sampleSize: options.sampleSize,
      }))
      .filter((_, i) => measurable[i]);
    measuring.push(
      numericDriftMany(pairs).then((measured) => {
        let next = 0;
        return part.map((_, i) => (measurable[i] ? measured[next++]! : null));
      }),
    );
    // Started, not awaited: a failure is seen when the groups are awaited below.
    measuring.at(-1)!.catch(() => {});
  }
  const categorical = columns.filter((c) => c.kind !== 'numeric');
  const text = (c: Compared) => `${quoteIdentifier(c.column)}::varchar`;
  const cats = await categoryCounts(
    engine,
    { sql: baselineSql, rowKey: 'id' },
    { sql: currentSql, rowKey: 'id' },
    categorical.map((c) => ({ reference: text(c), current: text(c) })),
    maxCategories,
  );
  // Rows per side (a count only when no numeric column tells), and values present per column.
  const total = async (rel: string, values: Float64Array[]) =>
    values.length
      ? values[0]!.length
      : Number((await engine.query<{ n: number }>(`select count(*)::bigint as n from ${rel}`))[0]!.n);
  const nb = await total(baselineSql, vb.values);
  const nc = await total(currentSql, vc.values);
  const present = (side: typeof vb, which: 'reference' | 'current') =>
    columns.map((c) => {
      const n = numeric.indexOf(c);
      if (n >= 0) return side.present[n]!;
      const k = cats[categorical.indexOf(c)]!;
      return k.top.reduce((s, t) => s + t[which], 0) + k.rest[which];
    });
  const cb = { n: nb, present: present(vb, 'reference') };
  const cc = { n: nc, present: present(vc, 'current') };
  const byNumeric = (await Promise.all(measuring)).flat();
  const drift = columns.map((c, i): FeatureDrift => {
    const out: FeatureDrift = {
      feature: c.feature,
      kind: c.kind,
      rows: { baseline: cb.present[i]!, current: cc.present[i]! },
      missing: {
        baseline: cb.n ? 1 - cb.present[i]! / cb.n : 0,
        current: cc.n ? 1 - cc.present[i]! / cc.n : 0,
      },
      statistics: null,
      drifted: false,
      reasons: [],
      histogram: null,
      categories: null,
    };
    let stats: DriftStatistics | null = null;
    const n = numeric.indexOf(c);
    const m = n >= 0 ? byNumeric[n] : null;
    if (m?.bins) {
      stats = numericStatistics(m.bins.a, m.bins.b, m);
      out.histogram = { edges: edges[n]!, baseline: m.bins.a.counts, current: m.bins.b.counts };
    }
    const k = categorical.indexOf(c);
    if (k >= 0) {
      const r = categoricalStatistics(cats[k]!, false);
      stats = r.statistics;
      out.categories = {
        values: r.categories.values,
        baseline: r.categories.reference,
        current: r.categories.current,
      };
    }
    out.statistics = stats;
    if (stats) Object.assign(out, judgeDrift(stats, options.thresholds));
    return out;
  });
  return { rows: { baseline: cb.n, current: cc.n }, drift };
}

/**
 * Each numeric column's values over all rows of `rel` (missing and non-finite as NaN) in shared
 * memory, with the count of finite values and their range per column.
 */
async function finiteValues(
  engine: TableEngine,
  rel: string,
  columns: readonly Compared[],
): Promise<{ values: Float64Array[]; present: number[]; min: number[]; max: number[] }> {
  if (!columns.length) return { values: [], present: [], min: [], max: [] };
  // NaN rather than NULL: the vectors then need no validity mask.
  const cols = columns.map((c, i) => {
    const x = `${quoteIdentifier(c.column)}::double`;
    return `case when isfinite(${x}) then ${x} else 'nan'::double end as x${i}`;
  });
  const values = await engine.queryDoubles(`select ${cols.join(', ')} from ${rel}`, { shared: true });
  const present: number[] = [];
  const min: number[] = [];
  const max: number[] = [];
  for (const v of values) {
    let n = 0;
    let lo = Number.POSITIVE_INFINITY;
    let hi = Number.NEGATIVE_INFINITY;
    for (let i = 0; i < v.length; i++) {
      const x = v[i]!;
      if (!Number.isNaN(x)) {
        n++;
        if (x < lo) lo = x;
        if (x > hi) hi = x;
      }
    }
    present.push(n);
    min.push(lo);
    max.push(hi);
  }
  return { values, present, min, max };
}
