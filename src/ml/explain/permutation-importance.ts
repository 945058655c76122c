/**
 * Permutation feature importance (Breiman; scikit-learn's `permutation_importance`): how much a
 * score drops when one column is shuffled, for any FittedModel.
 */
import { describeValue } from '../../core/index.js';
import type { FittedModel } from '../family.js';
import { checkOptionKeys, invalid } from '../input-checks.js';
import type { Matrix } from '../matrix.js';
import {
  accuracy,
  balancedAccuracy,
  logLoss,
  meanAbsoluteError,
  meanSquaredError,
  r2Score,
  rocAuc,
  rootMeanSquaredError,
} from '../metrics/index.js';
import { SeededRandom } from '../seeded-random.js';
import { checkModel, intOpt, shuffle } from './model-output.js';
import { checkExplainMatrix } from './shap-values.js';

/** A score where higher is better: `(model, X, y) → number`. */
export type Scorer = (model: FittedModel, X: Matrix, y: Float64Array) => number;

const proba = (m: FittedModel, X: Matrix): Matrix => {
  if (!m.predictProba)
    throw invalid(
      `this scorer needs class probabilities; model ${m.family} (${m.task}) has no predictProba`,
      {
        field: 'metric',
      },
    );
  return m.predictProba(X);
};

/** scikit-learn's scorer names (higher is better; losses negated). */
export const SCORERS: Readonly<Record<string, Scorer>> = {
  accuracy: (m, X, y) => accuracy(y, m.predict(X)),
  balanced_accuracy: (m, X, y) => balancedAccuracy(y, m.predict(X)),
  roc_auc: (m, X, y) => rocAuc(y, proba(m, X)),
  neg_log_loss: (m, X, y) => -logLoss(y, proba(m, X)),
  r2: (m, X, y) => r2Score(y, m.predict(X)),
  neg_mean_squared_error: (m, X, y) => -meanSquaredError(y, m.predict(X)),
  neg_root_mean_squared_error: (m, X, y) => -rootMeanSquaredError(y, m.predict(X)),
  neg_mean_absolute_error: (m, X, y) => -meanAbsoluteError(y, m.predict(X)),
};

/** Options of {@link permutationImportance}. */
export interface PermutationImportanceOptions {
  /** Shuffles per feature (default 5). */
  repeats?: number;
  /** Seed of the shuffles (default 0). */
  seed?: number;
}

/** The result of {@link permutationImportance}, one entry per feature in column order. */
export interface PermutationImportance {
  /** The score on the unshuffled data. */
  baseline: number;
  /** Mean over repeats of baseline − shuffled score, per feature. */
  mean: Float64Array;
  /** Population standard deviation over repeats (numpy's std), per feature. */
  std: Float64Array;
  /** cols × repeats drops, row-major. */
  importances: Float64Array;
  repeats: number;
}

/**
 * Permutation importance of each column of `X`: the drop of `metric` (a scikit-learn scorer name
 * from {@link SCORERS}, or a function, higher is better) when the column is shuffled, over
 * `repeats` shuffles. As scikit-learn, every column sees the same sequence of shuffles, each repeat
 * shuffling the already shuffled column again.
 * @throws LatheError INVALID_ARGUMENT for an unknown metric, a column count other than the model's,
 *   NaN when the model cannot take it, `y` not one value per row, or an out-of-range option.
 */
export function permutationImportance(
  model: FittedModel,
  X: Matrix,
  y: Float64Array,
  metric: string | Scorer,
  options: PermutationImportanceOptions = {},
): PermutationImportance {
  checkOptionKeys(options, ['repeats', 'seed'], 'permutationImportance');
  const repeats = intOpt(options.repeats, 'repeats', 5, 1, 10000);
  const rng = new SeededRandom(intOpt(options.seed, 'seed', 0, 0, 2 ** 31));
  const idx = Int32Array.from({ length: X?.rows ?? 0 }, (_, i) => i);
  const perms: Int32Array[] = [];
  for (let r = 0; r < repeats; r++) {
    shuffle(idx, (n) => rng.int(n));
    perms.push(idx.slice());
  }
  return permutationImportanceWith(model, X, y, metric, perms);
}

/**
 * {@link permutationImportance} with given row permutations (one per repeat), e.g. to reproduce
 * scikit-learn's exactly.
 */
export function permutationImportanceWith(
  model: FittedModel,
  X: Matrix,
  y: Float64Array,
  metric: string | Scorer,
  perms: readonly Int32Array[],
): PermutationImportance {
  checkExplainMatrix(X, 'X', model.cols, checkModel(model));
  if (X.rows < 1) throw invalid('X must hold at least 1 row; got 0', { field: 'X' });
  if (!(y instanceof Float64Array) || y.length !== X.rows)
    throw invalid(
      `y must be a Float64Array of ${X.rows} values (one per row of X); got ${describeValue(y)}`,
      {
        field: 'y',
      },
    );
  const score = typeof metric === 'function' ? metric : SCORERS[metric];
  if (!score)
    throw invalid(
      `metric must be a function or one of ${Object.keys(SCORERS).join(', ')}; got ${describeValue(metric)}`,
      { field: 'metric' },
    );
  for (const p of perms)
    if (p.length !== X.rows)
      throw invalid(`each permutation must hold ${X.rows} row indices; got ${p.length}`);
  const M = X.cols;
  const R = perms.length;
  const baseline = score(model, X, y);
  const importances = new Float64Array(M * R);
  const mean = new Float64Array(M);
  const std = new Float64Array(M);
  const work = X.data.slice();
  const shuffled: Matrix = { data: work, rows: X.rows, cols: M };
  const col = new Float64Array(X.rows);
  for (let j = 0; j < M; j++) {
    // As scikit-learn, each repeat shuffles the already shuffled column again.
    for (let i = 0; i < X.rows; i++) col[i] = X.data[i * M + j]!;
    for (let r = 0; r < R; r++) {
      const p = perms[r]!;
      for (let i = 0; i < X.rows; i++) work[i * M + j] = col[p[i]!]!;
      for (let i = 0; i < X.rows; i++) col[i] = work[i * M + j]!;
      importances[j * R + r] = baseline - score(model, shuffled, y);
    }
    for (let i = 0; i < X.rows; i++) work[i * M + j] = X.data[i * M + j]!;
    let s = 0;
    for (let r = 0; r < R; r++) s += importances[j * R + r]!;
    mean[j] = s / R;
    let ss = 0;
    for (let r = 0; r < R; r++) ss += (importances[j * R + r]! - mean[j]!) ** 2;
    std[j] = Math.sqrt(ss / R);
  }
  return { baseline, mean, std, importances, repeats: R };
}
