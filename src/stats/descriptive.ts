import { checkNumeric, checkSameLength, invalid, type NumericArray } from './check.js';
import { averageRanks } from './ranks.js';

/**
 * Summary statistics of one numeric column, with pandas' semantics: NaN values are skipped,
 * and a statistic that needs more values than remain is NaN (variance and std need 2 values
 * with ddof=1, skewness 3, kurtosis 4; an all-NaN column has count 0 and NaN everywhere).
 */
export interface Summary {
  /** Number of non-NaN values. */
  count: number;
  /** Number of NaN values. */
  missing: number;
  /** Arithmetic mean (compensated summation). */
  mean: number;
  /** Sample variance (ddof=1), as pandas `Series.var()`. */
  variance: number;
  /** Sample standard deviation (ddof=1), as pandas `Series.std()`. */
  std: number;
  /** Smallest value (infinities count as values). */
  min: number;
  /** Largest value (infinities count as values). */
  max: number;
  /** Bias-corrected sample skewness (G1), as pandas `Series.skew()`. */
  skewness: number;
  /** Bias-corrected excess kurtosis (G2), as pandas `Series.kurt()`. */
  kurtosis: number;
}

/** pandas zeroes central sums below this magnitude (floating-point noise of a constant column). */
const FP_NOISE = 1e-14;

/** Count, compensated sum, min and max of the non-NaN values: one pass, no allocation. */
function firstPass(values: NumericArray): { count: number; sum: number; min: number; max: number } {
  let count = 0;
  let sum = 0;
  let carry = 0;
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (Number.isNaN(v)) continue;
    count++;
    const t = sum + v;
    carry += Math.abs(sum) >= Math.abs(v) ? sum - t + v : v - t + sum;
    sum = t;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  if (count === 0) return { count, sum: Number.NaN, min: Number.NaN, max: Number.NaN };
  // With an infinity among the values the carry is NaN; the plain sum is then the answer.
  return { count, sum: Number.isFinite(sum) ? sum + carry : sum, min, max };
}

/** Sums of squared, cubed and fourth-power deviations from `mean` over the non-NaN values. */
function centralSums(values: NumericArray, mean: number): { m2: number; m3: number; m4: number } {
  let m2 = 0;
  let m3 = 0;
  let m4 = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (Number.isNaN(v)) continue;
    const d = v - mean;
    const d2 = d * d;
    m2 += d2;
    m3 += d2 * d;
    m4 += d2 * d2;
  }
  return { m2, m3, m4 };
}

function skewFromSums(n: number, m2: number, m3: number): number {
  if (n < 3) return Number.NaN;
  const z2 = Math.abs(m2) < FP_NOISE ? 0 : m2;
  const z3 = Math.abs(m3) < FP_NOISE ? 0 : m3;
  if (z2 === 0) return 0;
  return ((n * (n - 1) ** 0.5) / (n - 2)) * (z3 / z2 ** 1.5);
}

function kurtFromSums(n: number, m2: number, m4: number): number {
  if (n < 4) return Number.NaN;
  const adj = (3 * (n - 1) ** 2) / ((n - 2) * (n - 3));
  let numerator = n * (n + 1) * (n - 1) * m4;
  let denominator = (n - 2) * (n - 3) * m2 ** 2;
  if (Math.abs(numerator) < FP_NOISE) numerator = 0;
  if (Math.abs(denominator) < FP_NOISE) denominator = 0;
  if (denominator === 0) return 0;
  return numerator / denominator - adj;
}

function checkDdof(ddof: unknown): number {
  if (typeof ddof !== 'number' || !Number.isInteger(ddof) || ddof < 0) {
    invalid('options.ddof', 'an integer >= 0 (1 for the sample, 0 for the population)', ddof);
  }
  return ddof;
}

/**
 * All summary statistics of `values` in two passes over the data and no allocation; prefer it to
 * calling the single-statistic functions one by one on large columns.
 * @throws LatheError INVALID_ARGUMENT if `values` is not a non-empty Float64Array or number[].
 */
export function summarize(values: NumericArray): Summary {
  checkNumeric('values', values);
  const { count, sum, min, max } = firstPass(values);
  const mean = count === 0 ? Number.NaN : sum / count;
  const { m2, m3, m4 } =
    count === 0 ? { m2: Number.NaN, m3: Number.NaN, m4: Number.NaN } : centralSums(values, mean);
  const variance = count > 1 ? m2 / (count - 1) : Number.NaN;
  return {
    count,
    missing: values.length - count,
    mean,
    variance,
    std: Math.sqrt(variance),
    min,
    max,
    skewness: skewFromSums(count, m2, m3),
    kurtosis: kurtFromSums(count, m2, m4),
  };
}

/**
 * Arithmetic mean of the non-NaN values (compensated summation); NaN if all are NaN.
 * @throws LatheError INVALID_ARGUMENT for an empty or non-numeric input.
 */
export function mean(values: NumericArray): number {
  checkNumeric('values', values);
  const { count, sum } = firstPass(values);
  return count === 0 ? Number.NaN : sum / count;
}

/** Options of {@link variance} and {@link std}. */
export interface VarianceOptions {
  /** Delta degrees of freedom: the divisor is `count - ddof`. 1 (default, pandas) for the sample, 0 for the population. */
  ddof?: number;
}

/**
 * Variance of the non-NaN values by the two-pass algorithm, divided by `count - ddof`
 * (default ddof=1, the sample variance of pandas `Series.var()`; ddof=0 is numpy's population
 * variance). NaN when `count - ddof <= 0`.
 * @throws LatheError INVALID_ARGUMENT for an empty or non-numeric input or a bad ddof.
 */
export function variance(values: NumericArray, options: VarianceOptions = {}): number {
  const ddof = checkDdof(options.ddof ?? 1);
  checkNumeric('values', values);
  const { count, sum } = firstPass(values);
  if (count - ddof <= 0) return Number.NaN;
  return centralSums(values, sum / count).m2 / (count - ddof);
}

/**
 * Standard deviation: the square root of {@link variance} with the same `ddof` (default 1, sample).
 * @throws LatheError INVALID_ARGUMENT for an empty or non-numeric input or a bad ddof.
 */
export function std(values: NumericArray, options: VarianceOptions = {}): number {
  return Math.sqrt(variance(values, options));
}

/**
 * Smallest non-NaN value (-Infinity counts); NaN if all values are NaN.
 * @throws LatheError INVALID_ARGUMENT for an empty or non-numeric input.
 */
export function min(values: NumericArray): number {
  checkNumeric('values', values);
  return firstPass(values).min;
}

/**
 * Largest non-NaN value (Infinity counts); NaN if all values are NaN.
 * @throws LatheError INVALID_ARGUMENT for an empty or non-numeric input.
 */
export function max(values: NumericArray): number {
  checkNumeric('values', values);
  return firstPass(values).max;
}

/**
 * Bias-corrected sample skewness G1 = n·√(n−1)/(n−2) · m3/m2^1.5 (m_k: sums of k-th powers of
 * deviations), as pandas `Series.skew()`: NaN below 3 values, 0 for a constant column
 * (m2 below 1e-14 counts as 0, as in pandas).
 * @throws LatheError INVALID_ARGUMENT for an empty or non-numeric input.
 */
export function skewness(values: NumericArray): number {
  checkNumeric('values', values);
  const { count, sum } = firstPass(values);
  if (count < 3) return Number.NaN;
  const { m2, m3 } = centralSums(values, sum / count);
  return skewFromSums(count, m2, m3);
}

/**
 * Bias-corrected excess kurtosis G2 (Fisher, 0 for a normal distribution), as pandas
 * `Series.kurt()`: n(n+1)(n−1)·m4 / ((n−2)(n−3)·m2²) − 3(n−1)²/((n−2)(n−3)); NaN below 4 values,
 * 0 for a constant column.
 * @throws LatheError INVALID_ARGUMENT for an empty or non-numeric input.
 */
export function kurtosis(values: NumericArray): number {
  checkNumeric('values', values);
  const { count, sum } = firstPass(values);
  if (count < 4) return Number.NaN;
  const { m2, m4 } = centralSums(values, sum / count);
  return kurtFromSums(count, m2, m4);
}

function checkPair(x: unknown, y: unknown): asserts x is NumericArray {
  checkNumeric('x', x);
  checkNumeric('y', y);
  checkSameLength('x', x, 'y', y as NumericArray);
}

/** Pearson's r of paired arrays, skipping pairs with a NaN; NaN below 2 pairs or with zero variance. */
function pearsonOf(x: NumericArray, y: NumericArray): number {
  let n = 0;
  let sx = 0;
  let sy = 0;
  for (let i = 0; i < x.length; i++) {
    const a = x[i]!;
    const b = y[i]!;
    if (Number.isNaN(a) || Number.isNaN(b)) continue;
    n++;
    sx += a;
    sy += b;
  }
  if (n < 2) return Number.NaN;
  const mx = sx / n;
  const my = sy / n;
  let sxx = 0;
  let syy = 0;
  let sxy = 0;
  for (let i = 0; i < x.length; i++) {
    const a = x[i]!;
    const b = y[i]!;
    if (Number.isNaN(a) || Number.isNaN(b)) continue;
    const da = a - mx;
    const db = b - my;
    sxx += da * da;
    syy += db * db;
    sxy += da * db;
  }
  const r = sxy / Math.sqrt(sxx) / Math.sqrt(syy);
  return Number.isNaN(r) ? Number.NaN : Math.max(-1, Math.min(1, r));
}

/**
 * Pearson correlation of two equally long columns, as pandas `Series.corr(method='pearson')`:
 * pairs where either value is NaN are skipped; NaN when fewer than 2 pairs remain or a column is
 * constant. The result is clipped to [-1, 1].
 * @throws LatheError INVALID_ARGUMENT for empty, non-numeric or differently long inputs.
 */
export function pearsonCorrelation(x: NumericArray, y: NumericArray): number {
  checkPair(x, y);
  return pearsonOf(x, y);
}

/**
 * Spearman rank correlation of two equally long columns, as pandas `Series.corr(method='spearman')`
 * (scipy `spearmanr` on the complete pairs): pairs with a NaN are skipped, the rest ranked with
 * ties given their average rank, then Pearson's r of the ranks. NaN below 2 pairs or when a
 * column is constant. Ranks each column with one radix argsort (O(n)).
 * @throws LatheError INVALID_ARGUMENT for empty, non-numeric or differently long inputs.
 */
export function spearmanCorrelation(x: NumericArray, y: NumericArray): number {
  checkPair(x, y);
  let n = 0;
  for (let i = 0; i < x.length; i++) if (!Number.isNaN(x[i]!) && !Number.isNaN(y[i]!)) n++;
  if (n < 2) return Number.NaN;
  const rx = new Float64Array(n);
  const ry = new Float64Array(n);
  for (let i = 0, k = 0; i < x.length; i++) {
    const a = x[i]!;
    const b = y[i]!;
    if (Number.isNaN(a) || Number.isNaN(b)) continue;
    rx[k] = a;
    ry[k] = b;
    k++;
  }
  return pearsonOf(averageRanks(rx), averageRanks(ry));
}
