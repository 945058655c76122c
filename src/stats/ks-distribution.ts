/**
 * Exact Kolmogorov–Smirnov distributions: the one-sided one-sample statistic (Smirnov) and the
 * two-sided two-sample statistic under the null hypothesis, following scipy's algorithms.
 */
import { logGamma, stirlingCorrection } from './special.js';

/** ln(2^-1075): exp of anything below is 0 (cephes' MINLOG). */
const MIN_LOG = -745.1332191019412;

/** The rounding error of the product a·b = p (Dekker's two-product, exact without FMA). */
function productError(a: number, b: number, p: number): number {
  const split = 134217729; // 2^27 + 1
  let t = split * a;
  const ah = t - (t - a);
  const al = a - ah;
  t = split * b;
  const bh = t - (t - b);
  const bl = b - bh;
  return ah * bh - p + ah * bl + al * bh + al * bl;
}

/** floor(n·x) and its fraction, from the exact product (so n·x near an integer is not misread). */
function floorOfProduct(n: number, x: number): { floor: number; fraction: number } {
  const hi = n * x;
  const lo = productError(n, x, hi);
  let floor = Math.floor(hi);
  let fraction = hi - floor + lo;
  if (fraction < 0) {
    floor -= 1;
    fraction += 1;
  }
  if (fraction >= 1) {
    floor += 1;
    fraction -= 1;
  }
  return { floor, fraction };
}

/** ln(k!) − [(k + ½)·ln k − k + ln√(2π)] for k >= 1 (Stirling's error term). */
function stirlingError(k: number): number {
  if (k >= 10) return stirlingCorrection(k);
  return logGamma(k + 1) - (k + 0.5) * Math.log(k) + k - 0.9189385332046727;
}

/**
 * x·ln(x/m) + m − x without cancellation when x is near m (Loader's bd0), the deviance term of
 * the binomial probability.
 */
function deviance(x: number, m: number): number {
  if (Math.abs(x - m) < 0.1 * (x + m)) {
    const v = (x - m) / (x + m);
    const v2 = v * v;
    let s = (x - m) * v;
    let ej = 2 * x * v;
    for (let j = 1; j < 1000; j++) {
      ej *= v2;
      const next = s + ej / (2 * j + 1);
      if (next === s) return next;
      s = next;
    }
    return s;
  }
  return x * Math.log(x / m) + m - x;
}

/**
 * Survival function of the one-sided one-sample KS statistic, Pr(Dₙ⁺ > x), as
 * `scipy.special.smirnov(n, x)`. Sums the Smirnov–Birnbaum–Tingey series
 * x·Σ_{v=0}^{⌊n(1−x)⌋} C(n,v)·(x+v/n)^(v−1)·(1−x−v/n)^(n−v), whose terms are all positive, each
 * evaluated in Loader's saddle-point form of the binomial probability (relative error about 1e-13),
 * stopping once the remaining terms cannot change the sum. Closed forms for x <= 1/n and
 * x >= 1 − 1/n; for n > 10⁶ scipy's approximation exp(−(6nx+1)²/(18n)). NaN unless n is a positive
 * integer and 0 <= x <= 1. O(n) time at worst.
 */
export function smirnovSf(n: number, x: number): number {
  if (!Number.isInteger(n) || n < 1 || !(x >= 0 && x <= 1)) return Number.NaN;
  if (n === 1) return 1 - x;
  if (x === 0) return 1;
  if (x === 1) return 0;
  const { floor: fl, fraction: alpha } = floorOfProduct(n, x);
  if (fl === 0 || (fl === 1 && alpha === 0)) {
    // Pr(D+ <= x) = x·(1+x)^(n−1) for x <= 1/n
    return Math.min(1, Math.max(0, 1 - x * Math.exp((n - 1) * Math.log1p(x))));
  }
  if (-2 * n * x * x < MIN_LOG) return 0;
  if (fl >= n - 1) return Math.exp(n * Math.log1p(-x));
  if (n > 1_000_000) return Math.exp(-((6 * n * x + 1) ** 2) / 18 / n);

  const terms = n - fl; // v = 0 … ⌊n(1−x)⌋, leaving out a zero last term when n·x is whole
  const middle = n >> 1;
  const stirlingN = stirlingError(n);
  let sum = Math.exp(n * Math.log1p(-x)) / x; // v = 0: (1−x)^n / x
  for (let v = 1; v < terms; v++) {
    // n(x + v/n) and n(1 − x − v/n), from the exact split n·x = fl + alpha
    const up = fl + v + alpha;
    const down = n - fl - v - alpha;
    // C(n,v)·p^v·q^(n−v) with p = up/n, q = down/n, by Loader's saddle-point form, divided by p
    const logPmf =
      stirlingN - stirlingError(v) - stirlingError(n - v) - deviance(v, up) - deviance(n - v, down);
    const term = Math.exp(logPmf) * Math.sqrt(n / (2 * Math.PI * v * (n - v))) * (n / up);
    sum += term;
    if (term !== 0) {
      if (4 * (terms - v) * term < Number.EPSILON * sum && v !== terms - 1) break;
    } else if (v > middle) {
      break;
    }
  }
  return Math.min(1, Math.max(0, x * sum));
}

/** Greatest common divisor of two positive integers. */
export function gcd(a: number, b: number): number {
  let x = a;
  let y = b;
  while (y !== 0) [x, y] = [y, x % y];
  return x;
}

/**
 * Pr(D_{n,n} >= h/n) for two samples of equal size n (0 < h <= n): the alternating binomial
 * series, evaluated Horner-style without subtractive cancellation (scipy's
 * `_compute_prob_outside_square`).
 */
function probOutsideSquare(n: number, h: number): number {
  let p = 0;
  for (let k = Math.floor(n / h); k >= 0; k--) {
    let p1 = 1;
    for (let j = 0; j < h; j++) p1 = ((n - k * h - j) * p1) / (n + k * h + j + 1);
    p = p1 * (1 - p);
  }
  return 2 * p;
}

/**
 * Pr(D_{m,n} >= h/lcm(m,n)) for unequal sizes: the share of lattice paths from (0,0) to (m,n)
 * that leave the band |x/m − y/n| < h/lcm, by Hodges' "inside" recursion rewritten to compute the
 * complement directly (Viehmann 2021), one sliding column at a time (scipy's
 * `_compute_outer_prob_inside_method`). O(m · band width) time, O(band width) memory.
 */
function probOutsideBand(m0: number, n0: number, g: number, h: number): number {
  const m = Math.max(m0, n0);
  const n = Math.min(m0, n0);
  const mg = m / g;
  const ng = n / g;
  let minj = 0;
  let maxj = Math.min(Math.ceil(h / mg), n + 1);
  let curlen = maxj - minj;
  const a = new Float64Array(Math.min(2 * maxj + 2, n + 1)).fill(1);
  a.fill(0, minj, maxj);
  for (let i = 1; i <= m; i++) {
    const lastminj = minj;
    const lastlen = curlen;
    minj = Math.min(Math.max(Math.floor((ng * i - h) / mg) + 1, 0), n);
    maxj = Math.min(Math.ceil((ng * i + h) / mg), n + 1);
    if (maxj <= minj) return 1;
    let val = minj === 0 ? 0 : 1;
    for (let jj = 0; jj < maxj - minj; jj++) {
      const j = jj + minj;
      val = (a[jj + minj - lastminj]! * i + val * j) / (i + j);
      a[jj] = val;
    }
    curlen = maxj - minj;
    if (lastlen > curlen) a.fill(1, curlen, Math.min(curlen + (lastlen - curlen), a.length));
  }
  return a[maxj - minj - 1]!;
}

/**
 * Exact two-sided p-value of the two-sample KS test, Pr(D_{n1,n2} >= h/lcm(n1,n2)) under the null
 * hypothesis, where h is the observed statistic times lcm(n1, n2) (an integer), as scipy's
 * `ks_2samp(method='exact')`. NaN if the computation left [0, 1] (scipy then falls back to the
 * asymptotic p-value).
 */
export function ksTwoSampleExactSf(n1: number, n2: number, h: number): number {
  if (h <= 0) return 1;
  const p = n1 === n2 ? probOutsideSquare(n1, h) : probOutsideBand(n1, n2, gcd(n1, n2), h);
  return p >= 0 && p <= 1 ? p : Number.NaN;
}
