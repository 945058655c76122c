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
import type { CatalogModel } from './model-catalog.js';
import type { FeatureDrift, FeatureKind } from './types.js';

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
  const count = async (rel: string) => {
    const [row] = await engine.query<Record<string, number>>(
      `select count(*)::bigint as n${columns.map((c, i) => `, count(${quoteIdentifier(c.column)})::bigint as c${i}`).join('')} from ${rel}`,
    );
    return { n: Number(row!.n), present: columns.map((_, i) => Number(row![`c${i}`])) };
  };
  const cb = await count(baselineSql);
  const cc = await count(currentSql);
  // Numbers: every value of both sides in memory; sorted, binned and merged on worker threads.
  const numeric = columns.filter((c) => c.kind === 'numeric');
  const vb = await finiteValues(engine, baselineSql, cb.n, numeric);
  const vc = await finiteValues(engine, currentSql, cc.n, numeric);
  const edges = vb.map((values) => {
    let min = Number.POSITIVE_INFINITY;
    let max = Number.NEGATIVE_INFINITY;
    for (const x of values)
      if (Number.isFinite(x)) {
        if (x < min) min = x;
        if (x > max) max = x;
      }
    return rangeEdges(min, max, false);
  });
  const measurable = numeric.map((_, i) => edges[i] !== null && hasValue(vb[i]!) && hasValue(vc[i]!));
  const measured = await numericDriftMany(
    numeric
      .map((_, i) => ({ a: vb[i]!, b: vc[i]!, edges: edges[i]!, sampleSize: options.sampleSize }))
      .filter((_, i) => measurable[i]),
  );
  let next = 0;
  const byNumeric = numeric.map((_, i) => (measurable[i] ? measured[next++]! : null));
  const categorical = columns.filter((c) => c.kind !== 'numeric');
  const text = (c: Compared) => `${quoteIdentifier(c.column)}::varchar`;
  const cats = await categoryCounts(
    engine,
    { sql: baselineSql, rowKey: 'id' },
    { sql: currentSql, rowKey: 'id' },
    categorical.map((c) => ({ reference: text(c), current: text(c) })),
    maxCategories,
  );
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

const hasValue = (x: Float64Array) => x.some((v) => !Number.isNaN(v));

/** Each numeric column's values over all rows of `rel` (missing and non-finite as NaN). */
async function finiteValues(
  engine: TableEngine,
  rel: string,
  rows: number,
  columns: readonly Compared[],
): Promise<Float64Array[]> {
  if (!columns.length || rows === 0) return columns.map(() => new Float64Array(0));
  // NaN rather than NULL: the vectors then need no validity mask.
  const cols = columns.map((c, i) => {
    const x = `${quoteIdentifier(c.column)}::double`;
    return `case when isfinite(${x}) then ${x} else 'nan'::double end as x${i}`;
  });
  return engine.queryDoubles(`select ${cols.join(', ')} from ${rel}`);
}
