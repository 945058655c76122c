/**
 * For the `baseline` check: how far the candidate's predictions move from the champion's on the
 * same test rows — agreement of predicted classes, and the Kolmogorov–Smirnov statistic of the
 * probabilities (each class's column, the largest reported) or of regression predictions.
 */
import { histogram, histogramEdges, ks2Samp } from '../../stats/index.js';
import type { ChartData, CheckTable, ValidationContext } from '../check.js';
import { classLabel, fmt, round } from './performance-metrics.js';

/** Column `c` of a rows × k probability array. */
function column(proba: Float64Array, k: number, c: number): Float64Array {
  const n = proba.length / k;
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = proba[i * k + c]!;
  return out;
}

/** The prediction shift between candidate and champion: a table and a sentence. */
export function baselineShift(ctx: ValidationContext, k: number): { table: CheckTable; summary: string } {
  const cand = ctx.candidate.test;
  const champ = ctx.baseline!.test;
  const n = cand.y.length;
  const rows: [string, number | null][] = [];
  const parts: string[] = [];
  // The exact KS p-value costs up to ~0.5 s per column at 10,000 rows; the asymptotic one is as good here.
  const method = { method: n > 2000 ? ('asymp' as const) : ('auto' as const) };
  if (ctx.task !== 'regression') {
    let same = 0;
    for (let i = 0; i < n; i++) if (cand.y[i] === champ.y[i]) same++;
    const agreement = n ? same / n : Number.NaN;
    rows.push(['agreement of predicted classes', round(agreement)], ['rows whose class changed', n - same]);
    parts.push(`the two agree on ${fmt(100 * agreement)}% of ${n} rows (${n - same} change class)`);
    if (cand.proba && champ.proba && n > 0) {
      let worst = { c: 0, d: 0, p: 1 };
      for (let c = ctx.task === 'binary' ? 1 : 0; c < k; c++) {
        const ks = ks2Samp(column(cand.proba, k, c), column(champ.proba, k, c), method);
        if (ks.statistic > worst.d) worst = { c, d: ks.statistic, p: ks.pValue };
      }
      rows.push(
        [`KS statistic of P(${classLabel(ctx, worst.c)})`, round(worst.d)],
        ['KS p-value', round(worst.p)],
      );
      parts.push(`the KS statistic of P(${classLabel(ctx, worst.c)}) is ${fmt(worst.d)}`);
    }
  } else if (n > 0) {
    const ks = ks2Samp(cand.y, champ.y, method);
    let sumAbs = 0;
    for (let i = 0; i < n; i++) sumAbs += Math.abs(cand.y[i]! - champ.y[i]!);
    rows.push(
      ['KS statistic of predictions', round(ks.statistic)],
      ['KS p-value', round(ks.pValue)],
      ['mean absolute change of a prediction', round(sumAbs / n)],
    );
    parts.push(
      `the KS statistic of predictions is ${fmt(ks.statistic)}, a prediction moves by ${fmt(sumAbs / n)} on average`,
    );
  }
  return {
    table: {
      title: 'Predictions: candidate against champion on the same rows',
      columns: ['measure', 'value'],
      rows,
    },
    summary: parts.length ? `On the same rows ${parts.join('; ')}.` : '',
  };
}

/** Overlaid distributions of candidate and champion predictions (probabilities, classes or values). */
export function shiftCharts(ctx: ValidationContext, k: number): ChartData[] {
  const cand = ctx.candidate.test;
  const champ = ctx.baseline!.test;
  if (ctx.task === 'binary' && cand.proba && champ.proba) {
    const edges = histogramEdges(0, 1, 20);
    return [
      {
        kind: 'histogram',
        title: `Predicted P(${classLabel(ctx, 1)}): candidate and champion`,
        xLabel: 'probability',
        yLabel: 'rows',
        x: edges.slice(0, -1).map((e) => round(e) ?? 0),
        series: [
          { name: 'candidate', values: histogram(column(cand.proba, k, 1), edges).counts },
          { name: 'champion', values: histogram(column(champ.proba, k, 1), edges).counts },
        ],
      },
    ];
  }
  if (ctx.task !== 'regression') {
    const count = (y: Float64Array) => {
      const out = new Array<number>(k).fill(0);
      for (const v of y) if (v >= 0 && v < k) out[v]!++;
      return out;
    };
    return [
      {
        kind: 'bar',
        title: 'Predicted classes: candidate and champion',
        xLabel: 'class',
        yLabel: 'rows',
        labels: Array.from({ length: k }, (_, c) => classLabel(ctx, c)),
        series: [
          { name: 'candidate', values: count(cand.y) },
          { name: 'champion', values: count(champ.y) },
        ],
      },
    ];
  }
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  for (const y of [cand.y, champ.y])
    for (const v of y)
      if (Number.isFinite(v)) {
        lo = Math.min(lo, v);
        hi = Math.max(hi, v);
      }
  if (!(lo <= hi)) return [];
  const edges = histogramEdges(lo, hi, 20);
  return [
    {
      kind: 'histogram',
      title: 'Predictions: candidate and champion',
      xLabel: 'prediction',
      yLabel: 'rows',
      x: edges.slice(0, -1).map((e) => round(e) ?? 0),
      series: [
        { name: 'candidate', values: histogram(cand.y, edges).counts },
        { name: 'champion', values: histogram(champ.y, edges).counts },
      ],
    },
  ];
}
