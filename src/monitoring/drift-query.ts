/**
 * Drift between two slices of a model's records, per feature and for the prediction: the same
 * statistics and drift rule as `lathe data diff` (PSI and Jensen–Shannon on the baseline's bins or
 * the categories, KS and Wasserstein on the values, chi-squared on categories), computed by DuckDB
 * scans of both sides materialized once.
 */
import {
  binCounts,
  categoricalStatistics,
  categoryCounts,
  type DriftStatistics,
  type DriftThresholds,
  judgeDrift,
  maxCategories,
  numericStatistics,
  rangeEdges,
  valueRanges,
} from '../data/index.js';
import { newId } from '../core/index.js';
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
  const id = newId()
    .toLowerCase()
    .replace(/[^a-z0-9]/g, '');
  const tb = `lathe_drift_${id}_b`;
  const tc = `lathe_drift_${id}_c`;
  const cols = ['id', ...new Set(columns.map((c) => c.column))].map(quoteIdentifier).join(', ');
  await engine.query(
    `create table ${tb} as select ${cols} from ${baselineSql}; create table ${tc} as select ${cols} from ${currentSql}`,
  );
  try {
    const count = async (t: string) => {
      const [row] = await engine.query<Record<string, number>>(
        `select count(*)::bigint as n${columns.map((c, i) => `, count(${quoteIdentifier(c.column)})::bigint as c${i}`).join('')} from ${t}`,
      );
      return { n: Number(row!.n), present: columns.map((_, i) => Number(row![`c${i}`])) };
    };
    const cb = await count(tb);
    const cc = await count(tc);
    const expr = (c: Compared) =>
      c.kind === 'numeric' ? `${quoteIdentifier(c.column)}::double` : `${quoteIdentifier(c.column)}::varchar`;
    const numeric = columns.filter((c) => c.kind === 'numeric');
    const sb = { sql: tb, rowKey: 'hash(id)' };
    const sc = { sql: tc, rowKey: 'hash(id)' };
    const ranges = await valueRanges(engine, sb, numeric.map(expr));
    const edges = numeric.map((_, i) => rangeEdges(ranges[i]!.min, ranges[i]!.max, false));
    const binned = numeric.filter((_, i) => edges[i]);
    const binnedEdges = edges.filter((e): e is number[] => e !== null);
    const hb = await binCounts(
      engine,
      sb,
      binned.map((c, i) => ({ expr: expr(c), edges: binnedEdges[i]! })),
    );
    const hc = await binCounts(
      engine,
      sc,
      binned.map((c, i) => ({ expr: expr(c), edges: binnedEdges[i]! })),
    );
    const vb = await finiteValues(engine, tb, cb.n, binned.map(expr), options.sampleSize);
    const vc = await finiteValues(engine, tc, cc.n, binned.map(expr), options.sampleSize);
    const measured = await numericDriftMany(
      binned.map((_, i) => ({ a: vb[i]!, b: vc[i]! })).filter((p) => hasValue(p.a) && hasValue(p.b)),
    );
    let next = 0;
    const ksw = binned.map((_, i) => (hasValue(vb[i]!) && hasValue(vc[i]!) ? measured[next++]! : null));
    const categorical = columns.filter((c) => c.kind !== 'numeric');
    const cats = await categoryCounts(
      engine,
      sb,
      sc,
      categorical.map((c) => ({ reference: expr(c), current: expr(c) })),
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
      const n = binned.indexOf(c);
      if (n >= 0) {
        stats = numericStatistics(hb[n]!, hc[n]!, ksw[n]!);
        out.histogram = { edges: binnedEdges[n]!, baseline: hb[n]!.counts, current: hc[n]!.counts };
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
  } finally {
    await engine.query(`drop table if exists ${tb}; drop table if exists ${tc}`);
  }
}

const hasValue = (x: Float64Array) => x.some((v) => !Number.isNaN(v));

/**
 * Each expression's finite values (others as NaN) over all rows of `table`, or over a
 * deterministic sample of `sampleSize` rows (the smallest hashes of their IDs), as Float64Arrays
 * read straight from DuckDB's vectors.
 */
async function finiteValues(
  engine: TableEngine,
  table: string,
  rows: number,
  exprs: readonly string[],
  sampleSize: number,
): Promise<Float64Array[]> {
  if (!exprs.length || rows === 0) return exprs.map(() => new Float64Array(0));
  const cols = exprs.map((e, i) => `case when isfinite(${e}) then ${e} end as x${i}`).join(', ');
  const source =
    rows > sampleSize ? `(select * from ${table} order by hash(id), id limit ${sampleSize})` : table;
  const fork = await engine.fork();
  try {
    for await (const batch of fork.streamColumns(
      `select ${cols} from ${source}`,
      Math.min(rows, sampleSize),
    )) {
      return exprs.map((_, i) => batch.columns[`x${i}`] as Float64Array);
    }
    return exprs.map(() => new Float64Array(0));
  } finally {
    await fork.close();
  }
}
