/**
 * Regression metrics with scikit-learn's definitions: MAE, MSE, RMSE, R², MAPE and explained
 * variance, all accepting sample weights.
 */
import { average, checkFinite, checkWeights, pairwiseSum, type WeightOptions } from './numeric.js';

/** Float64 machine epsilon: MAPE divides by max(|y|, eps), as scikit-learn. */
const EPS = 2.220446049250313e-16;

/** x·x, as numpy's `x ** 2` (Math.pow may round differently). */
function sq(x: number): number {
  return x * x;
}

function prepare(yTrue: Float64Array, yPred: Float64Array, options: WeightOptions): Float64Array | undefined {
  checkFinite('yTrue', yTrue);
  checkFinite('yPred', yPred, yTrue.length);
  return checkWeights(options.sampleWeight, yTrue.length);
}

/** The (weighted) mean over rows of `term(yTrue[i], yPred[i])`, after checking the inputs. */
function meanOfTerms(
  yTrue: Float64Array,
  yPred: Float64Array,
  options: WeightOptions,
  term: (t: number, p: number) => number,
): number {
  const w = prepare(yTrue, yPred, options);
  return average(
    yTrue.map((t, i) => term(t, yPred[i]!)),
    w,
  );
}

/** Mean absolute error (sklearn.metrics.mean_absolute_error). */
export function meanAbsoluteError(
  yTrue: Float64Array,
  yPred: Float64Array,
  options: WeightOptions = {},
): number {
  return meanOfTerms(yTrue, yPred, options, (t, p) => Math.abs(p - t));
}

/** Mean squared error (sklearn.metrics.mean_squared_error). */
export function meanSquaredError(
  yTrue: Float64Array,
  yPred: Float64Array,
  options: WeightOptions = {},
): number {
  return meanOfTerms(yTrue, yPred, options, (t, p) => sq(t - p));
}

/** Root mean squared error: √MSE (mean_squared_error with squared=False). */
export function rootMeanSquaredError(
  yTrue: Float64Array,
  yPred: Float64Array,
  options: WeightOptions = {},
): number {
  return Math.sqrt(meanSquaredError(yTrue, yPred, options));
}

/**
 * Mean absolute percentage error as a fraction (sklearn.metrics.mean_absolute_percentage_error):
 * |ŷ − y| / max(|y|, ε) with ε the float64 epsilon, so a zero target gives a huge (finite) term.
 */
export function meanAbsolutePercentageError(
  yTrue: Float64Array,
  yPred: Float64Array,
  options: WeightOptions = {},
): number {
  return meanOfTerms(yTrue, yPred, options, (t, p) => Math.abs(p - t) / Math.max(Math.abs(t), EPS));
}

/** scikit-learn's force_finite assembly: 1 for a perfect fit, 0 for a constant target missed. */
function finiteScore(numerator: number, denominator: number): number {
  if (numerator === 0) return 1;
  if (denominator === 0) return 0;
  return 1 - numerator / denominator;
}

/**
 * Coefficient of determination R² = 1 − SS_res / SS_tot (sklearn.metrics.r2_score with
 * force_finite): 1 for a perfect fit, 0 when the target is constant and missed; NaN with fewer than
 * two samples (scikit-learn warns and returns NaN).
 */
export function r2Score(yTrue: Float64Array, yPred: Float64Array, options: WeightOptions = {}): number {
  const w = prepare(yTrue, yPred, options);
  if (yTrue.length < 2) return Number.NaN;
  const weight = (i: number) => (w === undefined ? 1 : w[i]!);
  const numerator = pairwiseSum((i) => weight(i) * sq(yTrue[i]! - yPred[i]!), 0, yTrue.length);
  const mean = average(yTrue, w);
  const denominator = pairwiseSum((i) => weight(i) * sq(yTrue[i]! - mean), 0, yTrue.length);
  return finiteScore(numerator, denominator);
}

/**
 * Explained variance 1 − Var(y − ŷ) / Var(y) (sklearn.metrics.explained_variance_score with
 * force_finite); unlike R² it ignores a constant bias in the predictions.
 */
export function explainedVariance(
  yTrue: Float64Array,
  yPred: Float64Array,
  options: WeightOptions = {},
): number {
  const w = prepare(yTrue, yPred, options);
  const diff = yTrue.map((t, i) => t - yPred[i]!);
  const diffMean = average(diff, w);
  const numerator = average(
    yTrue.map((t, i) => sq(t - yPred[i]! - diffMean)),
    w,
  );
  const mean = average(yTrue, w);
  const denominator = average(
    yTrue.map((t) => sq(t - mean)),
    w,
  );
  return finiteScore(numerator, denominator);
}
