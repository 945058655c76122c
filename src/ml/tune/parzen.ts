/**
 * The univariate Parzen estimators of TPE (Bergstra et al. 2011, with Optuna 3's defaults): a
 * mixture of truncated Gaussians for a numeric parameter (on the log scale where `log`) and a
 * mixture of smoothed categorical distributions for a categorical one, each with a prior kernel.
 */
import type { SeededRandom } from '../seeded-random.js';
import { numericBounds } from './check-space.js';
import type { ParamDomain } from './space.js';

const LOG_SQRT_2PI = 0.5 * Math.log(2 * Math.PI);

/** erfc(x), fractional error below 1.2e-7 everywhere (Numerical Recipes' Chebyshev fit). */
export function erfc(x: number): number {
  const z = Math.abs(x);
  const t = 1 / (1 + 0.5 * z);
  const r =
    t *
    Math.exp(
      -z * z -
        1.26551223 +
        t *
          (1.00002368 +
            t *
              (0.37409196 +
                t *
                  (0.09678418 +
                    t *
                      (-0.18628806 +
                        t *
                          (0.27886807 +
                            t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))),
    );
  return x >= 0 ? r : 2 - r;
}

/** The standard normal CDF Φ(x). */
export function normalCdf(x: number): number {
  return 0.5 * erfc(-x / Math.SQRT2);
}

/**
 * Optuna's default observation weights: all 1 for fewer than 25 observations, else a ramp from 1/n
 * up to 1 over the oldest n − 25 and 1 for the newest 25 (observations in trial order).
 */
export function defaultWeights(n: number): number[] {
  if (n < 25) return new Array<number>(n).fill(1);
  const ramp = n - 25;
  const out: number[] = [];
  for (let i = 0; i < ramp; i++) out.push(ramp === 1 ? 1 / n : 1 / n + (i * (1 - 1 / n)) / (ramp - 1));
  for (let i = 0; i < 25; i++) out.push(1);
  return out;
}

function logSumExp(values: number[]): number {
  let max = Number.NEGATIVE_INFINITY;
  for (const v of values) if (v > max) max = v;
  if (max === Number.NEGATIVE_INFINITY) return max;
  let s = 0;
  for (const v of values) s += Math.exp(v - max);
  return max + Math.log(s);
}

function pickComponent(weights: readonly number[], rng: SeededRandom): number {
  let u = rng.uniform();
  for (let k = 0; k < weights.length - 1; k++) {
    u -= weights[k]!;
    if (u < 0) return k;
  }
  return weights.length - 1;
}

/** A fitted univariate Parzen estimator over one domain (values on the modelled scale for numbers). */
export interface ParzenEstimator {
  /** A draw, as a modelled value (numeric) or a choice index (categorical). */
  sample(rng: SeededRandom): number;
  /** The log density (numeric, modelled scale) or log probability (choice index). */
  logPdf(x: number): number;
}

/**
 * A mixture of truncated Gaussians on the modelled interval [a, b]: one kernel per observation plus
 * a prior kernel at the centre with σ = b − a. Each observation's σ is the larger gap to its
 * neighbours (the end kernels: their inner gap), clipped to [(b − a)/min(100, 1 + n), b − a]
 * (Optuna's "magic clip").
 */
export function numericParzen(
  domain: ParamDomain & { type: 'int' | 'float' },
  observations: readonly number[],
  weights: readonly number[],
  priorWeight: number,
): ParzenEstimator {
  const [a, b] = numericBounds(domain);
  const width = b - a;
  const mus = [...observations, 0.5 * (a + b)];
  const n = mus.length;
  let sigmas: number[];
  if (n === 1) sigmas = [width];
  else {
    const order = mus.map((_, i) => i).sort((i, j) => mus[i]! - mus[j]! || i - j);
    const sorted = [a, ...order.map((i) => mus[i]!), b];
    const s = order.map((_, k) => Math.max(sorted[k + 1]! - sorted[k]!, sorted[k + 2]! - sorted[k + 1]!));
    if (sorted.length >= 4) {
      s[0] = sorted[2]! - sorted[1]!;
      s[s.length - 1] = sorted[sorted.length - 2]! - sorted[sorted.length - 3]!;
    }
    sigmas = new Array<number>(n);
    order.forEach((i, k) => {
      sigmas[i] = s[k]!;
    });
  }
  const minSigma = width / Math.min(100, 1 + observations.length);
  sigmas = sigmas.map((s) => Math.min(width, Math.max(minSigma, s)));
  sigmas[n - 1] = width;
  const w = [...weights, priorWeight];
  const total = w.reduce((p, v) => p + v, 0);
  const mix = w.map((v) => v / total);
  // log(w_k / Z_k), Z_k the mass of kernel k inside [a, b].
  const logCoef = mus.map((mu, k) => {
    const s = sigmas[k]!;
    const z = normalCdf((b - mu) / s) - normalCdf((a - mu) / s);
    return Math.log(mix[k]!) - Math.log(Math.max(z, 1e-300)) - Math.log(s) - LOG_SQRT_2PI;
  });
  return {
    sample(rng) {
      if (width === 0) return a;
      const k = pickComponent(mix, rng);
      const mu = mus[k]!;
      const s = sigmas[k]!;
      for (let tries = 0; tries < 1000; tries++) {
        const x = mu + s * rng.normal();
        if (x >= a && x <= b) return x;
      }
      return Math.min(b, Math.max(a, mu));
    },
    logPdf(x) {
      if (width === 0) return 0;
      return logSumExp(mus.map((mu, k) => logCoef[k]! - 0.5 * ((x - mu) / sigmas[k]!) ** 2));
    },
  };
}

/**
 * A mixture of categorical distributions: kernel k puts priorWeight/(n + 1) on every choice plus 1
 * on its observed choice (normalized); the prior kernel is flat.
 */
export function categoricalParzen(
  choices: number,
  observations: readonly number[],
  weights: readonly number[],
  priorWeight: number,
): ParzenEstimator {
  const kernels = observations.length + 1;
  const w = [...weights, priorWeight];
  const total = w.reduce((p, v) => p + v, 0);
  const mix = w.map((v) => v / total);
  // probs[c] of the mixture: every kernel's base share plus its observed choice's bump.
  const base = priorWeight / kernels;
  const probs = new Array<number>(choices).fill(0);
  for (let k = 0; k < kernels; k++) {
    const observed = k < observations.length ? observations[k]! : -1;
    const norm = base * choices + (observed >= 0 ? 1 : 0);
    for (let c = 0; c < choices; c++) probs[c]! += (mix[k]! * (base + (c === observed ? 1 : 0))) / norm;
  }
  return {
    sample(rng) {
      return pickComponent(probs, rng);
    },
    logPdf(x) {
      return Math.log(probs[x]!);
    },
  };
}
