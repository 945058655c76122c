/**
 * KernelSHAP (Lundberg & Lee 2017) for any FittedModel: Shapley values as the weighted
 * least-squares fit of coalition values under the Shapley kernel, with the efficiency constraint.
 */
import { invalid, checkOptionKeys } from '../input-checks.js';
import type { FittedModel } from '../family.js';
import type { Matrix } from '../matrix.js';
import { SeededRandom } from '../seeded-random.js';
import { checkRowsAndBackground, coalitionValues, intOpt } from './model-output.js';
import type { ShapValues } from './shap-values.js';

/** Options of {@link kernelShap}. */
export interface KernelShapOptions {
  /**
   * Enumerate every coalition when the model has at most this many features (default 10: 1,022
   * coalitions); sample above it.
   */
  exactUpTo?: number;
  /** Coalitions sampled (in complementary pairs) when sampling (default 2·cols + 2048). */
  samples?: number;
  /** Seed of the sampled coalitions (default 0). */
  seed?: number;
}

function binomial(n: number, k: number): number {
  let r = 1;
  for (let i = 1; i <= k; i++) r = (r * (n - k + i)) / i;
  return r;
}

/** The coalitions (rows of 0/1 masks) and their kernel weights. */
function coalitions(
  M: number,
  exactUpTo: number,
  samples: number,
  seed: number,
): { masks: Uint8Array; w: Float64Array } {
  if (M <= exactUpTo) {
    const n = 2 ** M - 2;
    const masks = new Uint8Array(n * M);
    const w = new Float64Array(n);
    for (let s = 1; s <= n; s++) {
      let size = 0;
      for (let j = 0; j < M; j++)
        if ((s >> j) & 1) {
          masks[(s - 1) * M + j] = 1;
          size++;
        }
      w[s - 1] = (M - 1) / (binomial(M, size) * size * (M - size));
    }
    return { masks, w };
  }
  // Sizes drawn with probability ∝ the kernel's total weight (M − 1)/(s(M − s)); each draw and its
  // complement weigh the same.
  const rng = new SeededRandom(seed);
  const cum = new Float64Array(M);
  for (let s = 1; s < M; s++) cum[s] = cum[s - 1]! + 1 / (s * (M - s));
  const pairs = Math.ceil(samples / 2);
  const masks = new Uint8Array(2 * pairs * M);
  const idx = new Int32Array(M);
  for (let p = 0; p < pairs; p++) {
    const u = rng.uniform() * cum[M - 1]!;
    let size = 1;
    while (size < M - 1 && cum[size]! < u) size++;
    for (let j = 0; j < M; j++) idx[j] = j;
    for (let i = 0; i < size; i++) {
      const k = i + rng.int(M - i);
      const t = idx[i]!;
      idx[i] = idx[k]!;
      idx[k] = t;
    }
    const a = 2 * p * M;
    masks.fill(1, a + M, a + 2 * M);
    for (let i = 0; i < size; i++) {
      masks[a + idx[i]!] = 1;
      masks[a + M + idx[i]!] = 0;
    }
  }
  return { masks, w: new Float64Array(2 * pairs).fill(1) };
}

/**
 * The (M−1) × n matrix A with φ_{0..M−2} = A (y − z_{M−1}·Δ) solving the constrained weighted least
 * squares (φ_{M−1} = Δ − Σ the others), by Cholesky of DᵀWD, D_sj = z_sj − z_s,M−1.
 */
function solver(masks: Uint8Array, w: Float64Array, M: number): Float64Array {
  const n = w.length;
  const m = M - 1;
  const G = new Float64Array(m * m);
  for (let s = 0; s < n; s++) {
    const last = masks[s * M + m]!;
    for (let i = 0; i < m; i++) {
      const di = masks[s * M + i]! - last;
      if (di === 0) continue;
      for (let j = 0; j < m; j++) G[i * m + j]! += w[s]! * di * (masks[s * M + j]! - last);
    }
  }
  // Cholesky G = L Lᵀ (in place, lower triangle).
  for (let j = 0; j < m; j++) {
    let d = G[j * m + j]!;
    for (let k = 0; k < j; k++) d -= G[j * m + k]! ** 2;
    if (!(d > 1e-12 * (1 + Math.abs(G[j * m + j]!))))
      throw invalid(`kernelShap: the sampled coalitions do not determine feature ${j}; raise samples`, {
        field: 'samples',
      });
    const l = Math.sqrt(d);
    G[j * m + j] = l;
    for (let i = j + 1; i < m; i++) {
      let s = G[i * m + j]!;
      for (let k = 0; k < j; k++) s -= G[i * m + k]! * G[j * m + k]!;
      G[i * m + j] = s / l;
    }
  }
  const A = new Float64Array(m * n);
  const col = new Float64Array(m);
  for (let s = 0; s < n; s++) {
    const last = masks[s * M + m]!;
    for (let i = 0; i < m; i++) col[i] = w[s]! * (masks[s * M + i]! - last);
    for (let i = 0; i < m; i++) {
      let v = col[i]!;
      for (let k = 0; k < i; k++) v -= G[i * m + k]! * col[k]!;
      col[i] = v / G[i * m + i]!;
    }
    for (let i = m - 1; i >= 0; i--) {
      let v = col[i]!;
      for (let k = i + 1; k < m; k++) v -= G[k * m + i]! * col[k]!;
      col[i] = v / G[i * m + i]!;
    }
    for (let i = 0; i < m; i++) A[i * n + s] = col[i]!;
  }
  return A;
}

/**
 * KernelSHAP values of each row of `X`: v(S) is the mean model output over `background` with the
 * features in S taken from the row; the values solve the Shapley-kernel weighted least squares over
 * the coalitions under the constraint `expected + Σ values = model output` (so they are additive
 * exactly). With at most `exactUpTo` features every coalition is used and the values are the exact
 * Shapley values of v; above, `samples` coalitions are drawn in complementary pairs (the same ones
 * for every row). `expected` is the mean output over `background`. Explains class probabilities
 * (classifiers with predictProba) or predictions (regressors).
 * @throws LatheError INVALID_ARGUMENT for a column count other than the model's, NaN when the
 *   model cannot take missing values, an empty background or an out-of-range option.
 */
export function kernelShap(
  model: FittedModel,
  X: Matrix,
  background: Matrix,
  options: KernelShapOptions = {},
): ShapValues {
  checkOptionKeys(options, ['exactUpTo', 'samples', 'seed'], 'kernelShap');
  const { out } = checkRowsAndBackground(model, X, background);
  const M = X.cols;
  const K = out.outputs;
  const exactUpTo = intOpt(options.exactUpTo, 'exactUpTo', 10, 1, 20);
  const samples = intOpt(options.samples, 'samples', 2 * M + 2048, 2, 1e7);
  const seed = intOpt(options.seed, 'seed', 0, 0, 2 ** 31);
  const empty = new Uint8Array(M);
  const expected = coalitionValues(out, background.data, 0, background, empty, 1);
  const values = new Float64Array(X.rows * K * M);
  if (X.rows === 0) return { rows: 0, outputs: K, cols: M, values, expected, space: out.space };
  const full = out.f(X);
  if (M === 1) {
    for (let r = 0; r < X.rows; r++)
      for (let o = 0; o < K; o++) values[r * K + o] = full[r * K + o]! - expected[o]!;
    return { rows: X.rows, outputs: K, cols: M, values, expected, space: out.space };
  }
  const { masks, w } = coalitions(M, exactUpTo, samples, seed);
  const n = w.length;
  const A = solver(masks, w, M);
  const y = new Float64Array(n);
  for (let r = 0; r < X.rows; r++) {
    const v = coalitionValues(out, X.data, r * M, background, masks, n);
    for (let o = 0; o < K; o++) {
      const delta = full[r * K + o]! - expected[o]!;
      for (let s = 0; s < n; s++) y[s] = v[s * K + o]! - expected[o]! - masks[s * M + M - 1]! * delta;
      const base = (r * K + o) * M;
      let sum = 0;
      for (let i = 0; i < M - 1; i++) {
        let phi = 0;
        for (let s = 0; s < n; s++) phi += A[i * n + s]! * y[s]!;
        values[base + i] = phi;
        sum += phi;
      }
      values[base + M - 1] = delta - sum;
    }
  }
  return { rows: X.rows, outputs: K, cols: M, values, expected, space: out.space };
}
