/**
 * Model-agnostic SHAP by antithetic permutations (as the shap package's PermutationExplainer):
 * exactly additive by construction, for any FittedModel.
 */
import { checkOptionKeys } from '../input-checks.js';
import type { FittedModel } from '../family.js';
import type { Matrix } from '../matrix.js';
import { SeededRandom } from '../seeded-random.js';
import { checkRowsAndBackground, coalitionValues, intOpt, shuffle } from './model-output.js';
import type { ShapValues } from './shap-values.js';

/** Options of {@link permutationShap}. */
export interface PermutationShapOptions {
  /** Random permutations per row, each also walked in reverse (default 10: 20 orderings). */
  permutations?: number;
  /** Seed of the permutations (default 0). */
  seed?: number;
}

/**
 * SHAP values of each row of `X` by permutation sampling: for each random feature order and its
 * reverse, features are switched from the background to the row one at a time and each is credited
 * with the change of v(S), the mean model output over `background` with the features in S taken
 * from the row. Values are averaged over the orderings, so for every row and output
 * `expected + Σ values` equals the model output exactly (to rounding), and the values are exact
 * Shapley values of v when the model is additive. `expected` is the mean output over `background`.
 * Explains class probabilities (classifiers with predictProba) or predictions (regressors).
 * Cost: rows × (2 + permutations · 2(cols − 1)) × background rows model evaluations.
 * @throws LatheError INVALID_ARGUMENT for a column count other than the model's, NaN when the
 *   model cannot take missing values, an empty background or an out-of-range option.
 */
export function permutationShap(
  model: FittedModel,
  X: Matrix,
  background: Matrix,
  options: PermutationShapOptions = {},
): ShapValues {
  checkOptionKeys(options, ['permutations', 'seed'], 'permutationShap');
  const { out } = checkRowsAndBackground(model, X, background);
  const P = intOpt(options.permutations, 'permutations', 10, 1, 10000);
  const rng = new SeededRandom(intOpt(options.seed, 'seed', 0, 0, 2 ** 31));
  const M = X.cols;
  const K = out.outputs;
  // Coalition 0 is ∅, 1 is all features, then per permutation the M − 1 forward and M − 1 reverse
  // prefixes.
  const count = 2 + P * 2 * (M - 1);
  const masks = new Uint8Array(count * M);
  masks.fill(1, M, 2 * M);
  const order = new Int32Array(M);
  const orders = new Int32Array(P * M);
  const values = new Float64Array(X.rows * K * M);
  let expected: Float64Array | undefined;
  for (let r = 0; r < X.rows; r++) {
    for (let p = 0; p < P; p++) {
      for (let j = 0; j < M; j++) order[j] = j;
      shuffle(order, (n) => rng.int(n));
      orders.set(order, p * M);
      for (let k = 1; k < M; k++) {
        const fwd = (2 + p * 2 * (M - 1) + (k - 1)) * M;
        const rev = fwd + (M - 1) * M;
        masks.fill(0, fwd, fwd + M);
        masks.fill(0, rev, rev + M);
        for (let i = 0; i < k; i++) {
          masks[fwd + order[i]!] = 1;
          masks[rev + order[M - 1 - i]!] = 1;
        }
      }
    }
    const v = coalitionValues(out, X.data, r * M, background, masks, count);
    if (!expected) expected = v.slice(0, K);
    const base = r * K * M;
    for (let p = 0; p < P; p++) {
      const first = 2 + p * 2 * (M - 1);
      // State index k of the forward (dir 0) or reverse (dir 1) walk: 0 = ∅, M = all.
      const at = (dir: number, k: number): number =>
        k === 0 ? 0 : k === M ? 1 : first + dir * (M - 1) + (k - 1);
      for (let dir = 0; dir < 2; dir++)
        for (let k = 0; k < M; k++) {
          const j = orders[p * M + (dir === 0 ? k : M - 1 - k)]!;
          const a = at(dir, k + 1);
          const b = at(dir, k);
          for (let o = 0; o < K; o++) values[base + o * M + j]! += v[a * K + o]! - v[b * K + o]!;
        }
    }
    for (let i = base; i < base + K * M; i++) values[i]! /= 2 * P;
  }
  if (!expected) expected = coalitionValues(out, background.data, 0, background, new Uint8Array(M), 1);
  return { rows: X.rows, outputs: K, cols: M, values, expected, space: out.space };
}
