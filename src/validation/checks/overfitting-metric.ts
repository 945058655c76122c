/**
 * Private helpers of the overfitting check: the metrics it compares between train and test, which
 * direction is better, the gap, and the default underfitting floor.
 */
import {
  accuracy,
  balancedAccuracy,
  f1Score,
  meanAbsoluteError,
  r2Score,
  rocAuc,
  rootMeanSquaredError,
} from '../../ml/index.js';
import type { FramePredictions, ValidationTask } from '../check.js';

/** The metrics the overfitting check can compare. */
export const GAP_METRICS = ['accuracy', 'balanced_accuracy', 'roc_auc', 'f1', 'r2', 'rmse', 'mae'] as const;
export type GapMetric = (typeof GAP_METRICS)[number];

/** True for errors (smaller is better); their gap is relative. */
export const lowerIsBetter = (m: GapMetric) => m === 'rmse' || m === 'mae';

/** The metrics that make sense for `task`. */
export function metricsOf(task: ValidationTask): GapMetric[] {
  return task === 'regression' ? ['r2', 'rmse', 'mae'] : ['accuracy', 'balanced_accuracy', 'roc_auc', 'f1'];
}

/** The default metric: ROC-AUC for binary models with probabilities, accuracy for multiclass, RMSE for regression. */
export function defaultMetric(task: ValidationTask, hasProba: boolean): GapMetric {
  if (task === 'regression') return 'rmse';
  return task === 'binary' && hasProba ? 'roc_auc' : 'accuracy';
}

/** `metric` of predictions `pred` against `y` (`k` classes); NaN when undefined (e.g. AUC on one class). */
export function score(metric: GapMetric, y: Float64Array, pred: FramePredictions, k: number): number {
  try {
    switch (metric) {
      case 'accuracy':
        return accuracy(y, pred.y);
      case 'balanced_accuracy':
        return balancedAccuracy(y, pred.y);
      case 'f1':
        return f1Score(y, pred.y, k === 2 ? { average: 'binary' } : { average: 'macro' });
      case 'roc_auc': {
        if (!pred.proba) return Number.NaN;
        if (k === 2)
          return rocAuc(
            y,
            Float64Array.from({ length: y.length }, (_, i) => pred.proba![i * 2 + 1]!),
          );
        return rocAuc(y, { data: pred.proba, rows: y.length, cols: k });
      }
      case 'r2':
        return r2Score(y, pred.y);
      case 'rmse':
        return rootMeanSquaredError(y, pred.y);
      case 'mae':
        return meanAbsoluteError(y, pred.y);
    }
  } catch {
    return Number.NaN;
  }
}

/** The gap: train − test for scores, (test − train) / test for errors (0 when both are 0). */
export function gapOf(metric: GapMetric, train: number, test: number): number {
  if (!lowerIsBetter(metric)) return train - test;
  return test > 0 ? (test - train) / test : 0;
}

/**
 * The default underfitting floor: the majority-class rate + 0.02 (accuracy), 1/k + 0.02 (balanced
 * accuracy), 0.55 (ROC-AUC), 0.05 (R²), 98% of the error of predicting the training mean (RMSE) or
 * median (MAE); NaN (none) for F1.
 */
export function defaultFloor(metric: GapMetric, yTrain: Float64Array, k: number): number {
  const n = yTrain.length;
  switch (metric) {
    case 'accuracy': {
      const counts = new Map<number, number>();
      for (const v of yTrain) counts.set(v, (counts.get(v) ?? 0) + 1);
      return Math.max(...counts.values()) / n + 0.02;
    }
    case 'balanced_accuracy':
      return 1 / k + 0.02;
    case 'roc_auc':
      return 0.55;
    case 'r2':
      return 0.05;
    case 'rmse': {
      let m = 0;
      for (const v of yTrain) m += v;
      m /= n;
      let ss = 0;
      for (const v of yTrain) ss += (v - m) ** 2;
      return 0.98 * Math.sqrt(ss / n);
    }
    case 'mae': {
      const s = Float64Array.from(yTrain).sort();
      const med = n % 2 ? s[(n - 1) / 2]! : (s[n / 2 - 1]! + s[n / 2]!) / 2;
      let a = 0;
      for (const v of yTrain) a += Math.abs(v - med);
      return (0.98 * a) / n;
    }
    default:
      return Number.NaN;
  }
}

/** True when `value` is worse than `floor`. */
export function belowFloor(metric: GapMetric, value: number, floor: number): boolean {
  if (Number.isNaN(value) || Number.isNaN(floor)) return false;
  return lowerIsBetter(metric) ? value > floor : value < floor;
}
