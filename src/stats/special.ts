/**
 * Special functions behind the tests' p-values: log-gamma, the regularized incomplete gamma
 * functions, the chi-squared survival function and Kolmogorov's limiting distribution.
 * Pure numeric kernels: arguments outside the domain give NaN rather than an error.
 */

const LOG_SQRT_2PI = 0.9189385332046727; // ln(√(2π))
const EPS = Number.EPSILON;
const TINY = 1e-300;
const MAX_ITERATIONS = 100_000;

/**
 * Stirling's series remainder: lnΓ(x) − [(x − ½)·ln x − x + ln√(2π)], accurate to 1 ulp for x >= 10.
 * Coefficients are B₂ₖ / (2k(2k − 1)).
 */
export function stirlingCorrection(x: number): number {
  const r = 1 / x;
  const r2 = r * r;
  return (
    r *
    (1 / 12 +
      r2 *
        (-1 / 360 +
          r2 * (1 / 1260 + r2 * (-1 / 1680 + r2 * (1 / 1188 + r2 * (-691 / 360360 + r2 * (1 / 156)))))))
  );
}

/**
 * ln Γ(x) for x > 0, to about 1e-15 relative (absolute near the zeros at 1 and 2), as scipy's
 * `gammaln`. Below 10 the argument is shifted up by the recurrence Γ(x+1) = x·Γ(x), above it
 * Stirling's series is summed. NaN for x <= 0 or NaN; Infinity for x = Infinity.
 */
export function logGamma(x: number): number {
  if (!(x > 0)) return Number.NaN;
  if (x === Number.POSITIVE_INFINITY) return x;
  if (x >= 10) return (x - 0.5) * Math.log(x) - x + LOG_SQRT_2PI + stirlingCorrection(x);
  let product = 1;
  let y = x;
  while (y < 10) {
    product *= y;
    y += 1;
  }
  return (y - 0.5) * Math.log(y) - y + LOG_SQRT_2PI + stirlingCorrection(y) - Math.log(product);
}

/**
 * ln(n!/nⁿ) for an integer n >= 10, without the cancellation of ln n! − n·ln n:
 * ½·ln n − n + ln√(2π) + Stirling's remainder.
 */
export function logFactorialOverPower(n: number): number {
  return 0.5 * Math.log(n) - n + LOG_SQRT_2PI + stirlingCorrection(n);
}

/**
 * ln(x^a · e^(−x) / Γ(a)), the common factor of both incomplete gamma functions. For large a it is
 * computed as a·ln(1 + (x−a)/a) + (a − x) + ½·ln a − ln√(2π) − stirling(a), which avoids subtracting
 * numbers of size a·ln a.
 */
function logGammaPrefactor(a: number, x: number): number {
  if (a < 10) return a * Math.log(x) - x - logGamma(a);
  return a * Math.log1p((x - a) / a) + (a - x) + 0.5 * Math.log(a) - LOG_SQRT_2PI - stirlingCorrection(a);
}

/** P(a, x) by its power series; converges fast for x < a + 1. */
function gammaPSeries(a: number, x: number): number {
  let term = 1 / a;
  let sum = term;
  let ap = a;
  for (let i = 0; i < MAX_ITERATIONS; i++) {
    ap += 1;
    term *= x / ap;
    sum += term;
    if (Math.abs(term) < Math.abs(sum) * EPS) break;
  }
  return sum * Math.exp(logGammaPrefactor(a, x));
}

/** Q(a, x) by its continued fraction (modified Lentz); converges fast for x >= a + 1. */
function gammaQContinuedFraction(a: number, x: number): number {
  let b = x + 1 - a;
  let c = 1 / TINY;
  let d = 1 / b;
  let h = d;
  for (let i = 1; i < MAX_ITERATIONS; i++) {
    const an = -i * (i - a);
    b += 2;
    d = an * d + b;
    if (Math.abs(d) < TINY) d = TINY;
    c = b + an / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    const delta = d * c;
    h *= delta;
    if (Math.abs(delta - 1) < EPS) break;
  }
  return Math.exp(logGammaPrefactor(a, x)) * h;
}

/**
 * Regularized lower incomplete gamma P(a, x) = γ(a, x)/Γ(a) for a > 0, x >= 0, as scipy's
 * `gammainc`: the power series below x = a + 1, else 1 − Q from the continued fraction (Numerical
 * Recipes §6.2, with a cancellation-free prefactor). NaN outside the domain.
 */
export function regularizedGammaP(a: number, x: number): number {
  if (!(a > 0) || !(x >= 0)) return Number.NaN;
  if (x === 0) return 0;
  if (x === Number.POSITIVE_INFINITY) return 1;
  return x < a + 1 ? gammaPSeries(a, x) : 1 - gammaQContinuedFraction(a, x);
}

/**
 * Regularized upper incomplete gamma Q(a, x) = Γ(a, x)/Γ(a) = 1 − P(a, x) for a > 0, x >= 0, as
 * scipy's `gammaincc`; the upper tail comes straight from the continued fraction, so small
 * values keep their relative accuracy (down to underflow). NaN outside the domain.
 */
export function regularizedGammaQ(a: number, x: number): number {
  if (!(a > 0) || !(x >= 0)) return Number.NaN;
  if (x === 0) return 1;
  if (x === Number.POSITIVE_INFINITY) return 0;
  return x < a + 1 ? 1 - gammaPSeries(a, x) : gammaQContinuedFraction(a, x);
}

/**
 * Survival function of the chi-squared distribution with `df` > 0 degrees of freedom,
 * Pr(X > x) = Q(df/2, x/2), as `scipy.stats.chi2.sf(x, df)`. 1 for x <= 0; NaN for df <= 0.
 */
export function chiSquareSf(x: number, df: number): number {
  if (!(df > 0) || Number.isNaN(x)) return Number.NaN;
  if (x <= 0) return 1;
  return regularizedGammaQ(df / 2, x / 2);
}

/**
 * Survival function of Kolmogorov's limiting distribution, Pr(√n·Dₙ > x) as n → ∞, as
 * `scipy.special.kolmogorov(x)` (and `scipy.stats.kstwobign.sf`): 2·Σ(−1)^(k−1)·e^(−2k²x²) for
 * x > 0.82, else 1 − (√(2π)/x)·Σ e^(−(2k−1)²π²/(8x²)). 1 for x <= 0; NaN for NaN.
 */
export function kolmogorovSf(x: number): number {
  if (Number.isNaN(x)) return Number.NaN;
  // Below this the first term of the small-x series underflows: the sf is 1.
  if (x <= Math.PI / Math.sqrt(8 * 746)) return 1;
  if (x <= 0.82) {
    const w = Math.sqrt(2 * Math.PI) / x;
    const logu8 = (-Math.PI * Math.PI) / (x * x);
    const u = Math.exp(logu8 / 8);
    if (u === 0) return 1;
    const u8 = Math.exp(logu8);
    const u8cube = u8 ** 3;
    let p = 1 + u8cube;
    p = 1 + u8 * u8 * p;
    p = 1 + u8 * p;
    return Math.min(1, Math.max(0, 1 - w * u * p));
  }
  const v = Math.exp(-2 * x * x);
  const v3 = v ** 3;
  let p = 1 - v3 * v3 * v;
  p = 1 - v3 * (v * v) * p;
  p = 1 - v3 * p;
  return Math.min(1, Math.max(0, 2 * v * p));
}

/**
 * x rounded to the nearest integer, halves to even, as `numpy.round` (scipy rounds the effective
 * sample size of the two-sample KS test this way).
 */
export function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}
