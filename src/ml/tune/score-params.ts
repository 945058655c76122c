/**
 * Cross-validated score of one hyperparameter set: fit on each split's training rows, evaluate on
 * its test rows, summarize. The metric plumbing a tuning objective runs (in a worker thread).
 */
import { describeValue } from '../../core/index.js';
import type { Fold } from '../cv/index.js';
import type { FitContext, ModelFamily, Task } from '../family.js';
import { invalid } from '../input-checks.js';
import type { Matrix } from '../matrix.js';
import { evaluate } from '../metrics/index.js';
import { checkSeed, type Direction, trialRandom } from './check-space.js';
import { metricInfo } from './metric-direction.js';
import type { ParamSet } from './space.js';

/** Options of {@link scoreParams}. */
export interface ScoreOptions {
  task: Task;
  /** Number of classes (targets are class indices 0..k−1); 0 for regression. */
  classes: number;
  /** The train/test splits, e.g. from `kFold`, `stratifiedKFold`, `holdOut` (as a one-element array). */
  splits: readonly Fold[];
  /** A metric name as `evaluate` reports it for the task (see {@link METRICS}). */
  metric: string;
  /** Row weights: used to fit and to weight the test metric. */
  sampleWeight?: Float64Array;
  /**
   * Share of each split's training rows to fit on, in (0, 1] (default 1): a seeded random subset,
   * the successive-halving budget of families without a budget parameter.
   */
  trainFraction?: number;
  /** Seed of the `trainFraction` subset (default 0). */
  seed?: number;
  /** Passed to each fit: returning true stops iterative fits early. */
  shouldStop?: FitContext['shouldStop'];
}

/** The cross-validated score of one parameter set. */
export interface ParamScore {
  metric: string;
  direction: Direction;
  /** The metric on each split's test rows, in split order. */
  values: number[];
  /** Mean of `values`. */
  mean: number;
  /** Population standard deviation of `values` (as scikit-learn's `std_test_score`). */
  std: number;
  /** Fit time per split, milliseconds. */
  fitMs: number[];
  /** Prediction time per test row, milliseconds (all splits' predict time / all test rows). */
  predictMsPerRow: number;
}

function takeRows(X: Matrix, rows: Int32Array): Matrix {
  const out = new Float64Array(rows.length * X.cols);
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i]!;
    out.set(X.data.subarray(r * X.cols, (r + 1) * X.cols), i * X.cols);
  }
  return { data: out, rows: rows.length, cols: X.cols };
}

function take(values: Float64Array, rows: Int32Array): Float64Array {
  const out = new Float64Array(rows.length);
  for (let i = 0; i < rows.length; i++) out[i] = values[rows[i]!]!;
  return out;
}

/** The first ⌈fraction·n⌉ rows of a seeded shuffle of `rows`, ascending. */
export function subsampleRows(rows: Int32Array, fraction: number, seed: number, salt = 0): Int32Array {
  if (fraction >= 1) return rows;
  const keep = Math.max(1, Math.ceil(fraction * rows.length));
  const order = Int32Array.from(rows);
  const rng = trialRandom(seed, salt, 2);
  for (let i = 0; i < keep; i++) {
    const j = i + rng.int(order.length - i);
    const t = order[i]!;
    order[i] = order[j]!;
    order[j] = t;
  }
  return order.subarray(0, keep).sort();
}

function checkFold(fold: Fold, f: number, n: number): void {
  for (const part of ['train', 'test'] as const) {
    const idx = fold?.[part];
    if (!(idx instanceof Int32Array) || idx.length === 0)
      throw invalid(`splits[${f}].${part} must be a non-empty Int32Array of row indices`, {
        field: 'splits',
      });
    for (const r of idx)
      if (r < 0 || r >= n)
        throw invalid(`splits[${f}].${part} holds row ${r}; rows are 0..${n - 1}`, { field: 'splits' });
  }
}

/**
 * Fits `family` with `params` on each split's training rows and evaluates `metric` on its test
 * rows. Synchronous and pure apart from reading the clock for the timings.
 * @throws LatheError INVALID_ARGUMENT for an unknown metric (or one the task has no value for, such
 *   as roc_auc on a test fold with one class), empty or out-of-range splits, mismatched lengths, and
 *   whatever the family's `fit` refuses (unknown or out-of-range parameters).
 */
export function scoreParams(
  family: ModelFamily,
  X: Matrix,
  y: Float64Array,
  params: ParamSet,
  options: ScoreOptions,
): ParamScore {
  const { task, classes, splits, metric, sampleWeight } = options;
  const info = metricInfo(metric, task);
  if (y.length !== X.rows) throw invalid(`y has ${y.length} values but X has ${X.rows} rows`, { field: 'y' });
  if (sampleWeight && sampleWeight.length !== X.rows)
    throw invalid(`sampleWeight has ${sampleWeight.length} values but X has ${X.rows} rows`, {
      field: 'sampleWeight',
    });
  if (!Array.isArray(splits) || splits.length === 0)
    throw invalid(`splits must be a non-empty array of { train, test }; got ${describeValue(splits)}`, {
      field: 'splits',
    });
  splits.forEach((fold, f) => {
    checkFold(fold, f, X.rows);
  });
  const fraction = options.trainFraction ?? 1;
  if (typeof fraction !== 'number' || !(fraction > 0 && fraction <= 1))
    throw invalid(`trainFraction must be a number in (0, 1]; got ${describeValue(fraction)}`, {
      field: 'trainFraction',
    });
  const seed = checkSeed(options.seed);
  const values: number[] = [];
  const fitMs: number[] = [];
  let predictMs = 0;
  let testRows = 0;
  splits.forEach((fold, f) => {
    const train = subsampleRows(fold.train, fraction, seed, f);
    const context: FitContext = { task, classes };
    if (sampleWeight) context.sampleWeight = take(sampleWeight, train);
    if (options.shouldStop) context.shouldStop = options.shouldStop;
    const t0 = performance.now();
    const model = family.fit(takeRows(X, train), take(y, train), params, context);
    const t1 = performance.now();
    const Xt = takeRows(X, fold.test);
    const pred = model.predict(Xt);
    const proba = info.proba ? model.predictProba?.(Xt) : undefined;
    const t2 = performance.now();
    if (info.proba && !proba)
      throw invalid(`metric ${metric} needs class probabilities but model ${family.name} gives none`, {
        field: 'metric',
      });
    const yt = take(y, fold.test);
    const w = sampleWeight ? { sampleWeight: take(sampleWeight, fold.test) } : {};
    const value = evaluate(task, yt, pred, info.proba ? proba : undefined, w)[metric];
    if (value === undefined)
      throw invalid(
        `metric ${metric} has no value on split ${f} (its test rows lack a class it needs); use stratified splits or another metric`,
        { field: 'metric' },
      );
    values.push(value);
    fitMs.push(t1 - t0);
    predictMs += t2 - t1;
    testRows += fold.test.length;
  });
  const mean = values.reduce((s, v) => s + v, 0) / values.length;
  const std = Math.sqrt(values.reduce((s, v) => s + (v - mean) ** 2, 0) / values.length);
  return {
    metric,
    direction: info.direction,
    values,
    mean,
    std,
    fitMs,
    predictMsPerRow: predictMs / testRows,
  };
}
