/**
 * Evaluation metrics with scikit-learn's definitions: pure functions on typed arrays (class indices
 * or values as Float64Array, probabilities as Float64Array or Matrix rows × classes).
 */
export {
  type PrfAverage,
  accuracy,
  balancedAccuracy,
  type ConfusionMatrix,
  confusionMatrix,
  f1Score,
  type LabelMetricOptions,
  type PrecisionRecallF1,
  type PrfOptions,
  precision,
  precisionRecallF1,
  recall,
} from './classification.js';
export {
  type BinaryCurveOptions,
  type CalibrationCurve,
  type CalibrationOptions,
  calibrationCurve,
  type PrCurve,
  precisionRecallCurve,
  type RocCurve,
  rocCurve,
} from './curves.js';
export { evaluate, type MetricSet, type EvaluationTask } from './evaluate.js';
export type { WeightOptions } from './numeric.js';
export { type BrierOptions, brierScore, type LogLossOptions, logLoss } from './probabilistic.js';
export { averagePrecision, type RankingOptions, rocAuc, trapezoidArea } from './ranking.js';
export {
  explainedVariance,
  meanAbsoluteError,
  meanAbsolutePercentageError,
  meanSquaredError,
  r2Score,
  rootMeanSquaredError,
} from './regression.js';
