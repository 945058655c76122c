/**
 * Per-feature statistics of the drift check: numeric features by KS and PSI, categorical ones by
 * chi-squared and Jensen–Shannon, and the train-vs-test distribution chart.
 */
import {
  alignCategories,
  categoricalCounts,
  chiSquareHomogeneity,
  histogram,
  histogramEdges,
  jensenShannon,
  ks2Samp,
  psi,
  quantile,
} from '../../stats/index.js';
import type { ChartData } from '../check.js';
import { type Column, categoryValues, numericValues, round } from './frame-tools.js';

/** Parameters of the drift check. */
export interface DriftParams extends Record<string, unknown> {
  psiWarn: number;
  psiFail: number;
  ksPValue: number;
  ksMinStatistic: number;
  chiPValue: number;
  jsMinDistance: number;
  bins: number;
  maxDrifted: number;
}

/** The drift of one feature, as the table shows it. */
export interface FeatureDrift {
  feature: string;
  kind: 'numeric' | 'categorical';
  statistic: 'psi' | 'js' | 'none';
  value: number | null;
  threshold: number | null;
  ks: number | null;
  pValue: number | null;
  drifted: boolean;
  /** Ranking: the statistic over its threshold (the larger of PSI and a significant KS for numbers). */
  score: number;
  note: string;
}

/** Numeric drift: PSI over training deciles, and KS with a minimum effect. */
export function numericDrift(
  feature: string,
  a: Float64Array,
  b: Float64Array,
  p: DriftParams,
): FeatureDrift {
  const base = { feature, kind: 'numeric' as const };
  const finite = (x: Float64Array) => x.some((v) => Number.isFinite(v));
  if (!finite(a) || !finite(b))
    return {
      ...base,
      statistic: 'none',
      value: null,
      threshold: null,
      ks: null,
      pValue: null,
      drifted: false,
      score: 0,
      note: `no values in ${finite(a) ? 'test' : 'train'}`,
    };
  const n = Math.max(a.length, b.length);
  const ks = ks2Samp(a, b, { method: n <= 1000 ? 'exact' : 'asymp' });
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  for (const x of [a, b])
    for (const v of x)
      if (Number.isFinite(v)) {
        lo = Math.min(lo, v);
        hi = Math.max(hi, v);
      }
  const qs = Array.from({ length: p.bins - 1 }, (_, i) => (i + 1) / p.bins);
  const inner = quantile(a, qs).filter((q) => Number.isFinite(q) && q > lo && q < hi);
  let edges = [...new Set([lo, ...inner, hi])];
  if (edges.length < 2) edges = histogramEdges(lo, hi, 1);
  const psiValue = psi(histogram(a, edges).counts, histogram(b, edges).counts).statistic;
  const ksDrift = ks.pValue < p.ksPValue && ks.statistic >= p.ksMinStatistic;
  const drifted = psiValue > p.psiFail || ksDrift;
  const score = Math.max(psiValue / p.psiFail, ksDrift ? ks.statistic / p.ksMinStatistic : 0);
  const missing = (x: Float64Array) => x.reduce((m, v) => m + (Number.isNaN(v) ? 1 : 0), 0) / x.length;
  const [ma, mb] = [missing(a), missing(b)];
  const note = [
    drifted
      ? [psiValue > p.psiFail ? 'PSI' : '', ksDrift ? 'KS' : ''].filter(Boolean).join(' and ')
      : psiValue > p.psiWarn
        ? 'moderate shift'
        : '',
    // KS and PSI compare present values only; a change in missingness is reported beside them.
    Math.abs(ma - mb) > 0.05
      ? `missing ${Math.round(ma * 100)}% in train, ${Math.round(mb * 100)}% in test`
      : '',
  ]
    .filter(Boolean)
    .join('; ');
  return {
    ...base,
    statistic: 'psi',
    value: round(psiValue),
    threshold: p.psiFail,
    ks: round(ks.statistic),
    pValue: round(ks.pValue),
    drifted,
    score,
    note,
  };
}

/** Categorical drift: chi-squared homogeneity with a minimum Jensen–Shannon distance. */
export function categoricalDrift(feature: string, a: Column, b: Column, p: DriftParams): FeatureDrift {
  const counts = (c: Column) => categoricalCounts(categoryValues(c).map((v) => v ?? '(missing)'));
  const aligned = alignCategories(counts(a), counts(b));
  const chi = chiSquareHomogeneity(aligned.reference, aligned.current);
  const js = jensenShannon(aligned.reference, aligned.current).statistic;
  const drifted = chi.pValue < p.chiPValue && js >= p.jsMinDistance;
  const fresh = aligned.categories.filter((_, i) => aligned.reference[i] === 0);
  return {
    feature,
    kind: 'categorical',
    statistic: 'js',
    value: round(js),
    threshold: p.jsMinDistance,
    ks: null,
    pValue: round(chi.pValue),
    drifted,
    score: js / p.jsMinDistance,
    note: fresh.length ? `new in test: ${fresh.slice(0, 5).join(', ')}` : '',
  };
}

/** Train-vs-test shares of the most drifted feature: histogram (numeric) or bars (categorical). */
export function distributionChart(
  row: FeatureDrift,
  a: Column,
  b: Column,
  labels: [string, string] = ['train', 'test'],
): ChartData {
  const title = `${labels[0][0]!.toUpperCase()}${labels[0].slice(1)} vs ${labels[1]}: ${row.feature}${row.drifted ? '' : ' (most shifted; not drifted)'}`;
  const series = (ca: number[], cb: number[]) => {
    const share = (c: number[]) => {
      const t = c.reduce((s, v) => s + v, 0) || 1;
      return c.map((v) => round(v / t));
    };
    return [
      { name: labels[0], values: share(ca) },
      { name: labels[1], values: share(cb) },
    ];
  };
  const na = numericValues(a);
  const nb = numericValues(b);
  if (row.kind === 'numeric' && na && nb) {
    let lo = Number.POSITIVE_INFINITY;
    let hi = Number.NEGATIVE_INFINITY;
    for (const x of [na, nb])
      for (const v of x)
        if (Number.isFinite(v)) {
          lo = Math.min(lo, v);
          hi = Math.max(hi, v);
        }
    const edges = histogramEdges(lo, hi, 20);
    return {
      kind: 'histogram',
      title,
      xLabel: row.feature,
      yLabel: 'share of rows',
      x: edges.slice(0, -1).map((e) => round(e)),
      series: series(histogram(na, edges).counts, histogram(nb, edges).counts),
    };
  }
  const counts = (c: Column) => categoricalCounts(categoryValues(c).map((v) => v ?? '(missing)'));
  const al = alignCategories(counts(a), counts(b));
  const keep = al.categories.slice(0, 30);
  return {
    kind: 'bar',
    title,
    xLabel: row.feature,
    yLabel: 'share of rows',
    labels: keep,
    series: series(al.reference, al.current).map((s) => ({ ...s, values: s.values.slice(0, 30) })),
  };
}
