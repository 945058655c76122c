/**
 * Drift statistics between a reference and a current sample: on binned or categorical counts
 * (PSI, Jensen–Shannon, chi-squared homogeneity) and on raw numeric samples (two-sample
 * Kolmogorov–Smirnov, Wasserstein-1). Each returns `{ statistic, pValue? }`.
 */
import {
  CompensatedSum,
  checkCounts,
  checkNumeric,
  checkSameLength,
  invalid,
  type NumericArray,
  sortedFinite,
} from './check.js';
import { gcd, ksTwoSampleExactSf } from './ks-distribution.js';
import { kstwoSf } from './kstwo.js';
import { chiSquareSf, roundHalfEven } from './special.js';

/** The outcome of a drift statistic; `pValue` is present for the hypothesis tests. */
export interface DriftResult {
  /** The statistic, in the units each function documents. */
  statistic: number;
  /** Probability under the null hypothesis of no drift of a statistic at least this large. */
  pValue?: number;
}

/** Options of {@link psi}. */
export interface PsiOptions {
  /**
   * The proportion that replaces an empty bin's zero proportion, on either side, so the logarithm
   * stays finite (the proportions are not renormalized afterwards, as in Evidently). Default 1e-4:
   * a bin empty on one side and holding share s on the other then adds (s − 1e-4)·ln(s/1e-4).
   * Must be in (0, 1).
   */
  epsilon?: number;
}

/**
 * Population stability index of two histograms over the same bins:
 * PSI = Σᵢ (aᵢ − eᵢ)·ln(aᵢ/eᵢ), where eᵢ and aᵢ are the expected (reference) and actual (current)
 * proportions, each count divided by its side's total, and a zero proportion is replaced by
 * `epsilon`. Bins empty on both sides add 0. Always >= 0; a common reading is < 0.1 stable,
 * 0.1–0.25 moderate shift, > 0.25 major shift. No p-value.
 * @throws LatheError INVALID_ARGUMENT unless both count arrays are non-empty, equally long,
 *   finite and non-negative with positive totals, and epsilon is in (0, 1).
 */
export function psi(
  expectedCounts: NumericArray,
  actualCounts: NumericArray,
  options: PsiOptions = {},
): DriftResult {
  const eps = options.epsilon ?? 1e-4;
  if (typeof eps !== 'number' || !(eps > 0 && eps < 1)) invalid('options.epsilon', 'a number in (0, 1)', eps);
  const totalE = checkCounts('expectedCounts', expectedCounts);
  const totalA = checkCounts('actualCounts', actualCounts);
  checkSameLength('expectedCounts', expectedCounts, 'actualCounts', actualCounts);
  let sum = 0;
  for (let i = 0; i < expectedCounts.length; i++) {
    const e = expectedCounts[i]! / totalE || eps;
    const a = actualCounts[i]! / totalA || eps;
    sum += (a - e) * Math.log(a / e);
  }
  return { statistic: sum };
}

/** x·ln(x/y) with scipy `rel_entr`'s conventions for x = 0. */
function relEntr(x: number, y: number): number {
  if (x > 0 && y > 0) return x * Math.log(x / y);
  return x === 0 && y >= 0 ? 0 : Number.POSITIVE_INFINITY;
}

/**
 * Jensen–Shannon distance (the square root of the divergence) with base-2 logarithms between two
 * count vectors over the same bins, as `scipy.spatial.distance.jensenshannon(p, q, base=2)`: each
 * vector is normalized to proportions, m = (p+q)/2, and the distance is
 * √((KL(p‖m) + KL(q‖m))/2). In [0, 1]: 0 for equal distributions, 1 for disjoint supports. No p-value.
 * @throws LatheError INVALID_ARGUMENT unless both are non-empty, equally long, finite,
 *   non-negative count arrays with positive totals.
 */
export function jensenShannon(pCounts: NumericArray, qCounts: NumericArray): DriftResult {
  const totalP = checkCounts('pCounts', pCounts);
  const totalQ = checkCounts('qCounts', qCounts);
  checkSameLength('pCounts', pCounts, 'qCounts', qCounts);
  let left = 0;
  let right = 0;
  for (let i = 0; i < pCounts.length; i++) {
    const p = pCounts[i]! / totalP;
    const q = qCounts[i]! / totalQ;
    const m = (p + q) / 2;
    left += relEntr(p, m);
    right += relEntr(q, m);
  }
  const js = (left + right) / Math.LN2;
  // Rounding can leave a zero divergence a hair below 0; scipy would return NaN there.
  return { statistic: Math.sqrt(Math.max(0, js / 2)) };
}

/** Result of {@link chiSquareHomogeneity}. */
export interface ChiSquareResult extends DriftResult {
  pValue: number;
  /** Degrees of freedom: the number of categories kept, minus 1. */
  dof: number;
}

/**
 * Chi-squared test that two count vectors over the same categories come from the same
 * distribution: the 2×k contingency table [countsA; countsB] tested as
 * `scipy.stats.chi2_contingency(table, correction=False)`, after dropping the categories that are
 * zero in both rows. Statistic Σ (observed − expected)²/expected with expected = row total · column
 * total / grand total; dof = k − 1; the p-value is the chi-squared survival function. With a single
 * category left, statistic 0, dof 0 and p-value 1 (as scipy).
 * @throws LatheError INVALID_ARGUMENT unless both are non-empty, equally long, finite,
 *   non-negative count arrays with positive totals.
 */
export function chiSquareHomogeneity(countsA: NumericArray, countsB: NumericArray): ChiSquareResult {
  const totalA = checkCounts('countsA', countsA);
  const totalB = checkCounts('countsB', countsB);
  checkSameLength('countsA', countsA, 'countsB', countsB);
  const total = totalA + totalB;
  let kept = 0;
  let stat = 0;
  for (const [row, rowTotal, other] of [
    [countsA, totalA, countsB],
    [countsB, totalB, countsA],
  ] as const) {
    for (let i = 0; i < row.length; i++) {
      const column = row[i]! + other[i]!;
      if (column === 0) continue;
      if (row === countsA) kept++;
      const expected = (rowTotal * column) / total;
      const diff = row[i]! - expected;
      stat += (diff * diff) / expected;
    }
  }
  const dof = kept - 1;
  if (dof === 0) return { statistic: 0, pValue: 1, dof };
  return { statistic: stat, pValue: chiSquareSf(stat, dof), dof };
}

/** Options of {@link ks2Samp}. */
export interface Ks2SampOptions {
  /**
   * How the p-value is computed, as scipy's `method`: 'exact' counts lattice paths (exact
   * distribution of the statistic; falls back to 'asymp' when lcm(n1, n2) is beyond 2³¹ or the
   * computation fails), 'asymp' uses the one-sample two-sided distribution at the effective size
   * round(n1·n2/(n1+n2)), 'auto' (default) is exact when both samples have at most 10,000 values.
   */
  method?: 'auto' | 'exact' | 'asymp';
}

/** Result of {@link ks2Samp}. */
export interface KsResult extends DriftResult {
  pValue: number;
  /** The method that produced the p-value (after any fallback). */
  method: 'exact' | 'asymp';
}

function nonEmptySorted(name: string, values: NumericArray): Float64Array {
  checkNumeric(name, values);
  const sorted = sortedFinite(values);
  if (sorted.length === 0) invalid(name, 'at least one non-NaN value', `${values.length} NaN values`);
  return sorted;
}

/**
 * Two-sample Kolmogorov–Smirnov test, two-sided, as `scipy.stats.ks_2samp(a, b, method)`: the
 * statistic is the largest absolute difference between the two empirical CDFs, the p-value that of
 * the exact or asymptotic null distribution (see {@link Ks2SampOptions}). NaN values are dropped
 * first (scipy would not drop them). Ties are handled exactly. With method 'asymp' and
 * n1 = n2 = 1 the effective size rounds to 0 and the p-value is NaN, as in scipy.
 * Cost: two sorted copies, O(n log n); the exact method adds about O(D·n1·n2) time (under 0.5 s at
 * the 'auto' limit of 10,000 per side, but an explicit 'exact' on large samples can take minutes).
 * @throws LatheError INVALID_ARGUMENT unless both samples are numeric with at least one non-NaN
 *   value, and method is one of 'auto', 'exact', 'asymp'.
 */
export function ks2Samp(a: NumericArray, b: NumericArray, options: Ks2SampOptions = {}): KsResult {
  const method = options.method ?? 'auto';
  if (method !== 'auto' && method !== 'exact' && method !== 'asymp') {
    invalid('options.method', "one of 'auto', 'exact', 'asymp'", method);
  }
  const sa = nonEmptySorted('a', a);
  const sb = nonEmptySorted('b', b);
  const n1 = sa.length;
  const n2 = sb.length;
  let maxDiff = 0;
  let minDiff = 0;
  for (let i = 0, j = 0; i < n1 || j < n2; ) {
    const v = j >= n2 || (i < n1 && sa[i]! <= sb[j]!) ? sa[i]! : sb[j]!;
    while (i < n1 && sa[i] === v) i++;
    while (j < n2 && sb[j] === v) j++;
    const diff = i / n1 - j / n2;
    if (diff > maxDiff) maxDiff = diff;
    if (diff < minDiff) minDiff = diff;
  }
  return ksFromDiffs(maxDiff, minDiff, n1, n2, method);
}

/**
 * The {@link ks2Samp} result from the extreme ECDF differences of two samples of sizes n1 and n2:
 * `maxDiff` = max(F_a − F_b) >= 0 and `minDiff` = min(F_a − F_b) <= 0 over the merged values, with
 * the p-value of `method` (default 'auto'). For kernels that compute the differences themselves
 * (e.g. on already sorted samples); no argument checks.
 */
export function ksFromDiffs(
  maxDiff: number,
  minDiff: number,
  n1: number,
  n2: number,
  method: 'auto' | 'exact' | 'asymp' = 'auto',
): KsResult {
  let d = Math.max(Math.min(-minDiff, 1), maxDiff);
  const g = gcd(n1, n2);
  let used: 'exact' | 'asymp' =
    method === 'auto'
      ? Math.max(n1, n2) <= 10_000
        ? 'exact'
        : 'asymp'
      : method === 'exact' && n1 / g >= 2147483647 / (n2 / g)
        ? 'asymp'
        : method;
  let p = Number.NaN;
  if (used === 'exact') {
    const lcm = (n1 / g) * n2;
    const h = roundHalfEven(d * lcm);
    d = h / lcm;
    p = ksTwoSampleExactSf(n1, n2, h);
    if (Number.isNaN(p)) used = 'asymp';
  }
  if (used === 'asymp') {
    const en = (Math.max(n1, n2) * Math.min(n1, n2)) / (n1 + n2);
    p = kstwoSf(d, roundHalfEven(en));
  }
  return { statistic: d, pValue: Number.isNaN(p) ? p : Math.min(1, Math.max(0, p)), method: used };
}

/**
 * First Wasserstein (earth mover's) distance between the empirical distributions of two samples,
 * as `scipy.stats.wasserstein_distance(a, b)` (unweighted): ∫|F_a(x) − F_b(x)| dx, in the units of
 * the data. NaN values are dropped first (scipy would not drop them). No p-value.
 * Cost: two sorted copies and one merge, O(n log n).
 * @throws LatheError INVALID_ARGUMENT unless both samples are numeric with at least one non-NaN value.
 */
export function wasserstein1(a: NumericArray, b: NumericArray): DriftResult {
  const sa = nonEmptySorted('a', a);
  const sb = nonEmptySorted('b', b);
  const n1 = sa.length;
  const n2 = sb.length;
  const sum = new CompensatedSum();
  let i = 0;
  let j = 0;
  let v = Math.min(sa[0]!, sb[0]!);
  while (i < n1 || j < n2) {
    while (i < n1 && sa[i] === v) i++;
    while (j < n2 && sb[j] === v) j++;
    if (i === n1 && j === n2) break;
    const next = j >= n2 || (i < n1 && sa[i]! <= sb[j]!) ? sa[i]! : sb[j]!;
    sum.add(Math.abs(i / n1 - j / n2) * (next - v));
    v = next;
  }
  return { statistic: sum.value };
}
