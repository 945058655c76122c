/**
 * Cross-validation folds for searches (tuning, AutoML), encoded once and reused by every trial.
 *
 * The input encoding is refitted on each fold's training rows, as cross-validate.ts does, so no
 * statistic of a fold's held-out rows (imputation values, scaling, category lists) leaks into the
 * score. The encoding depends on the fold and the family's encoding plan only, never on the
 * hyperparameters, so the fold matrices are built once per plan and shared by all trials.
 */
import { type EncodingPlan, encodeColumns, type FittedRecipe, fitEncoding } from '../data/index.js';
import { holdOut, type Matrix, type ModelFamily, type ParamSet, type Task } from '../ml/index.js';
import type { Prepared } from './prepare.js';
import { cvFolds } from './splits.js';
import type { TrainSpec } from './train-spec.js';

/** The encoding plan of `family`: families with equal plans read the same matrices. */
export function encodingPlan(family: ModelFamily): EncodingPlan {
  return {
    impute: family.preprocess.missing === 'impute',
    scale: family.preprocess.scale,
    categorical: family.preprocess.categorical === 'one-hot' ? 'one-hot' : 'ordinal',
  };
}

/** A short key of a plan, equal for equal plans (e.g. `impute+scale+one-hot`). */
export function planKey(plan: EncodingPlan): string {
  return `${plan.impute ? 'impute' : 'native-missing'}+${plan.scale ? 'scale' : 'raw'}+${plan.categorical}`;
}

/** `values` at `rows`, in that order. */
export function takeValues(values: Float64Array, rows: ArrayLike<number>): Float64Array {
  const out = new Float64Array(rows.length);
  for (let i = 0; i < rows.length; i++) out[i] = values[rows[i]!]!;
  return out;
}

/** The rows `rows` of `X` and their `y`, in that order (copies). */
export function takeRows(X: Matrix, y: Float64Array, rows: Int32Array): { X: Matrix; y: Float64Array } {
  const data = new Float64Array(rows.length * X.cols);
  rows.forEach((r, i) => {
    data.set(X.data.subarray(r * X.cols, (r + 1) * X.cols), i * X.cols);
  });
  return { X: { data, rows: rows.length, cols: X.cols }, y: takeValues(y, rows) };
}

/** One fold: its training and held-out matrices (encoded by the fold's own recipe). */
export interface FoldMatrices {
  train: { X: Matrix; y: Float64Array };
  test: { X: Matrix; y: Float64Array };
  recipe: FittedRecipe;
}

/** The folds of a plan, and the hold-out test rows encoded by the last fold's recipe (for latency). */
export interface FoldData {
  plan: EncodingPlan;
  folds: FoldMatrices[];
  /** The hold-out test rows encoded by the last fold's recipe: latency is timed on them. */
  latencyX: Matrix;
}

/**
 * The `spec.cv` folds of the training part of `prepared` (see splits.ts: stratified for
 * classification, by group or rolling in time when the spec says so), each encoded by a recipe
 * fitted on its own training rows with `plan`.
 */
export function foldData(
  prepared: Prepared,
  values: Record<string, unknown[]>,
  plan: EncodingPlan,
  spec: Pick<TrainSpec, 'cv' | 'seed' | 'split'>,
): FoldData {
  const { y, rows } = prepared.train;
  const column = spec.split?.column ? values[spec.split.column] : undefined;
  const splits = cvFolds(spec, rows, y, prepared.task !== 'regression', column);
  const folds = splits.map((fold) => {
    const trainRows = Int32Array.from(fold.train, (i) => rows[i]!);
    const testRows = Int32Array.from(fold.test, (i) => rows[i]!);
    const recipe = fitEncoding(prepared.inputs, values, trainRows, plan, prepared.version.ref);
    const cols = recipe.output.length;
    const encode = (r: Int32Array): Matrix => ({
      data: encodeColumns(recipe, values, r),
      rows: r.length,
      cols,
    });
    return {
      train: { X: encode(trainRows), y: takeValues(y, fold.train) },
      test: { X: encode(testRows), y: takeValues(y, fold.test) },
      recipe,
    };
  });
  const last = folds[folds.length - 1]!.recipe;
  const latencyX: Matrix = {
    data: encodeColumns(last, values, prepared.test.rows),
    rows: prepared.test.rows.length,
    cols: last.output.length,
  };
  return { plan, folds, latencyX };
}

/**
 * The rows a fit trains on and, when `params` ask for early stopping (`earlyStoppingRounds`), the
 * 10% of them (stratified for classification, seed 1) held out to choose the best iteration. The
 * same rule for the final fit, each cross-validation fold and each tuning trial, so their scores
 * mean the same model.
 */
export function earlyStoppingSplit(
  train: { X: Matrix; y: Float64Array },
  task: Task,
  params: ParamSet,
): { train: { X: Matrix; y: Float64Array }; validation?: { X: Matrix; y: Float64Array } } {
  if (params['earlyStoppingRounds'] === undefined || params['earlyStoppingRounds'] === null) return { train };
  const split = holdOut(train.X.rows, {
    testSize: 0.1,
    seed: 1,
    ...(task === 'regression' ? {} : { stratify: train.y }),
  });
  return {
    train: takeRows(train.X, train.y, split.train),
    validation: takeRows(train.X, train.y, split.test),
  };
}
