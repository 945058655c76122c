/**
 * The standard metric set of a task, under the names scikit-learn and MLflow users expect; training,
 * tuning and tracking log these.
 */
import type { Matrix } from '../matrix.js';
import { accuracy, balancedAccuracy, precisionRecallF1 } from './classification.js';
import { fail, uniqueSorted, type WeightOptions } from './numeric.js';
import { brierScore, logLoss } from './probabilistic.js';
import { averagePrecision, rocAuc } from './ranking.js';
import {
  explainedVariance,
  meanAbsoluteError,
  meanAbsolutePercentageError,
  meanSquaredError,
  r2Score,
  rootMeanSquaredError,
} from './regression.js';

/** The kind of model being evaluated. */
export type EvaluationTask = 'binary' | 'multiclass' | 'regression';

/** Metric name → value. */
export type MetricSet = Record<string, number>;

/**
 * The standard metrics of `task`:
 * - `binary` (classes 0/1, positive class 1): accuracy, balanced_accuracy, precision, recall, f1; with
 *   `proba` (P(class 1) as a Float64Array, or a 2-column Matrix) also roc_auc, average_precision,
 *   log_loss, brier_score.
 * - `multiclass`: accuracy, balanced_accuracy, precision_macro, recall_macro, f1_macro,
 *   precision_weighted, recall_weighted, f1_weighted; with `proba` (rows × k) also log_loss and
 *   roc_auc_ovr / roc_auc_ovr_weighted.
 * - `regression`: mae, mse, rmse, r2, mape, explained_variance.
 *
 * AUC and average precision are left out (not thrown) when yTrue lacks a class they need — a
 * validation fold with one class still gets its other metrics.
 * @throws LatheError INVALID_ARGUMENT for an unknown task or invalid inputs.
 */
export function evaluate(
  task: EvaluationTask,
  yTrue: Float64Array,
  yPred: Float64Array,
  proba?: Float64Array | Matrix,
  options: WeightOptions = {},
): MetricSet {
  if (task === 'regression') {
    return {
      mae: meanAbsoluteError(yTrue, yPred, options),
      mse: meanSquaredError(yTrue, yPred, options),
      rmse: rootMeanSquaredError(yTrue, yPred, options),
      r2: r2Score(yTrue, yPred, options),
      mape: meanAbsolutePercentageError(yTrue, yPred, options),
      explained_variance: explainedVariance(yTrue, yPred, options),
    };
  }
  if (task !== 'binary' && task !== 'multiclass')
    fail(`task must be binary, multiclass or regression; got ${String(task)}`, 'task');
  const out: MetricSet = {
    accuracy: accuracy(yTrue, yPred, options),
    balanced_accuracy: balancedAccuracy(yTrue, yPred, options),
  };
  const present = uniqueSorted(yTrue);
  if (task === 'binary') {
    const k = proba === undefined || proba instanceof Float64Array ? 2 : proba.cols;
    if (k !== 2) fail(`binary evaluation needs P(class 1) or a 2-column Matrix; got ${k} columns`, 'proba');
    const prf = precisionRecallF1(yTrue, yPred, { ...options, average: 'binary', classes: 2 });
    Object.assign(out, { precision: prf.precision, recall: prf.recall, f1: prf.f1 });
    if (proba === undefined) return out;
    const p1 =
      proba instanceof Float64Array
        ? proba
        : Float64Array.from({ length: proba.rows }, (_, r) => proba.data[r * 2 + 1]!);
    if (present.length === 2) {
      out.roc_auc = rocAuc(yTrue, p1, options);
      out.average_precision = averagePrecision(yTrue, p1, options);
    }
    out.log_loss = logLoss(yTrue, proba, options);
    out.brier_score = brierScore(yTrue, p1, options);
    return out;
  }
  for (const avg of ['macro', 'weighted'] as const) {
    const prf = precisionRecallF1(yTrue, yPred, { ...options, average: avg });
    out[`precision_${avg}`] = prf.precision;
    out[`recall_${avg}`] = prf.recall;
    out[`f1_${avg}`] = prf.f1;
  }
  if (proba === undefined) return out;
  if (proba instanceof Float64Array)
    fail('multiclass evaluation needs class probabilities as a Matrix (rows × classes)', 'proba');
  out.log_loss = logLoss(yTrue, proba, options);
  if (present.length === proba.cols && proba.cols > 2) {
    out.roc_auc_ovr = rocAuc(yTrue, proba, { ...options, average: 'macro' });
    out.roc_auc_ovr_weighted = rocAuc(yTrue, proba, { ...options, average: 'weighted' });
  }
  return out;
}
