/**
 * Shadow comparisons: how a shadow model's predictions differ from the answers returned on the
 * same rows — the agreement rate (same label for classifiers; within a relative 1e-6 for
 * regressors) and a histogram of the differences (the largest probability difference for
 * classifiers, the absolute difference for regressors).
 */
import type { BatchPrediction } from '../models/index.js';

/** Upper bounds of the difference histogram's bins (the last bin is everything above). */
export const SHADOW_DIFF_BOUNDS = [1e-6, 1e-3, 0.01, 0.05, 0.1, 0.25, 0.5, 1];

/** Running counters of one shadow model against the answers. */
export interface ShadowStats {
  /** The shadow model's version compared last (`name@version`). */
  model: string;
  rows: number;
  agreed: number;
  /** Counts per bin of {@link SHADOW_DIFF_BOUNDS}, plus one for larger differences. */
  histogram: number[];
  sumDiff: number;
  maxDiff: number;
  /** Shadow calls that failed. */
  errors: number;
}

export function newShadowStats(model: string): ShadowStats {
  return {
    model,
    rows: 0,
    agreed: 0,
    histogram: new Array(SHADOW_DIFF_BOUNDS.length + 1).fill(0),
    sumDiff: 0,
    maxDiff: 0,
    errors: 0,
  };
}

/** Adds one comparison to `stats`; answers the number of rows that disagreed. */
export function shadowCompare(
  stats: ShadowStats,
  answer: BatchPrediction,
  shadow: BatchPrediction,
  model: string,
): number {
  stats.model = model;
  const n = Math.min(answer.rows, shadow.rows);
  const ka = answer.classes?.length ?? 0;
  const ks = shadow.classes?.length ?? 0;
  const sameClasses =
    ka > 0 && ka === ks && answer.classes!.every((c, i) => String(c) === String(shadow.classes![i]));
  let disagreed = 0;
  for (let i = 0; i < n; i++) {
    const a = answer.predictions[i];
    const b = shadow.predictions[i];
    let diff: number;
    let agree: boolean;
    if (ka > 0) {
      agree = String(a) === String(b);
      diff = agree ? 0 : 1;
      if (sameClasses && answer.probabilities && shadow.probabilities) {
        diff = 0;
        for (let c = 0; c < ka; c++)
          diff = Math.max(
            diff,
            Math.abs(answer.probabilities[i * ka + c]! - shadow.probabilities[i * ka + c]!),
          );
      }
    } else {
      const x = Number(a);
      const y = Number(b);
      diff = Number.isNaN(x) && Number.isNaN(y) ? 0 : Math.abs(x - y);
      if (Number.isNaN(diff)) diff = Number.POSITIVE_INFINITY;
      agree = diff <= 1e-6 * Math.max(1, Math.abs(x));
    }
    stats.rows++;
    if (agree) stats.agreed++;
    else disagreed++;
    let bin = SHADOW_DIFF_BOUNDS.findIndex((b) => diff <= b);
    if (bin < 0) bin = SHADOW_DIFF_BOUNDS.length;
    stats.histogram[bin]!++;
    if (Number.isFinite(diff)) stats.sumDiff += diff;
    stats.maxDiff = Math.max(stats.maxDiff, diff);
  }
  return disagreed;
}

/** A shadow model's report: agreement rate and the distribution of differences. */
export interface ShadowReport {
  ref: string;
  model: string;
  rows: number;
  /** Share of rows that agreed (null before any row). */
  agreement: number | null;
  meanDiff: number | null;
  maxDiff: number | null;
  errors: number;
  histogram: { upTo: number | null; rows: number }[];
}

export function shadowReport(ref: string, s: ShadowStats): ShadowReport {
  return {
    ref,
    model: s.model,
    rows: s.rows,
    agreement: s.rows ? s.agreed / s.rows : null,
    meanDiff: s.rows ? s.sumDiff / s.rows : null,
    maxDiff: s.rows ? s.maxDiff : null,
    errors: s.errors,
    histogram: s.histogram.map((rows, i) => ({ upTo: SHADOW_DIFF_BOUNDS[i] ?? null, rows })),
  };
}
