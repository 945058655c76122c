/**
 * Shared by the performance, slices, baseline and calibration checks (private to `checks/`): the
 * task's metric set on all rows or a subset, metric names and directions, naive predictions, seeded
 * row samples and number formatting.
 */
import { LatheError } from '../../core/index.js';
import {
  accuracy,
  evaluate,
  type Matrix,
  type MetricSet,
  rocAuc,
  rootMeanSquaredError,
} from '../../ml/index.js';
import type { FramePredictions, ValidationContext, ValidationTask } from '../check.js';

/** The metric names `evaluate` reports, per task. */
export const TASK_METRICS: Readonly<Record<ValidationTask, readonly string[]>> = {
  binary: [
    'accuracy',
    'balanced_accuracy',
    'precision',
    'recall',
    'f1',
    'roc_auc',
    'average_precision',
    'log_loss',
    'brier_score',
  ],
  multiclass: [
    'accuracy',
    'balanced_accuracy',
    'precision_macro',
    'recall_macro',
    'f1_macro',
    'precision_weighted',
    'recall_weighted',
    'f1_weighted',
    'log_loss',
    'roc_auc_ovr',
    'roc_auc_ovr_weighted',
  ],
  regression: ['mae', 'mse', 'rmse', 'r2', 'mape', 'explained_variance'],
};

const ALL_METRICS = [...new Set(Object.values(TASK_METRICS).flat())];

/** Metrics where smaller is better (losses and errors); every other metric is a score. */
const LOWER_IS_BETTER = new Set(['log_loss', 'brier_score', 'mae', 'mse', 'rmse', 'mape']);

/** Scores bounded in [0, 1] whose gaps read in absolute units (an accuracy 0.05 lower). */
const UNIT_SCORES = new Set(ALL_METRICS.filter((m) => !LOWER_IS_BETTER.has(m)));

/** True when a smaller value of `metric` is better. */
export function lowerIsBetter(metric: string): boolean {
  return LOWER_IS_BETTER.has(metric);
}

/** True for scores on a 0..1 scale (gaps compare in absolute units); false for losses and errors. */
export function isUnitScore(metric: string): boolean {
  return UNIT_SCORES.has(metric);
}

/** A `readParams` reader of a metric name (any task's; the run checks it against the task). */
export function readMetric(v: unknown): string | null {
  if (v === null) return null;
  if (typeof v !== 'string' || !ALL_METRICS.includes(v))
    throw new Error(`must be one of ${ALL_METRICS.join(', ')}; got ${JSON.stringify(v)}`);
  return v;
}

/** A `readParams` reader of a number in [min, max] or null (a limit turned off). */
export function numberOrNull(min: number, max: number): (v: unknown) => number | null {
  return (v) => {
    if (v === null) return null;
    if (typeof v !== 'number' || !Number.isFinite(v) || v < min || v > max)
      throw new Error(`must be a number in ${min}..${max} or null; got ${JSON.stringify(v)}`);
    return v;
  };
}

/**
 * The metric a check compares: `given` when set (it must belong to the task), else the task's
 * default (`fallback`, or accuracy when it needs probabilities the model does not give).
 * @throws LatheError INVALID_ARGUMENT for a metric of another task or one needing absent probabilities.
 */
export function resolveMetric(
  check: string,
  ctx: ValidationContext,
  given: string | null,
  fallback: Record<ValidationTask, string>,
): string {
  const valid = TASK_METRICS[ctx.task];
  const hasProba = ctx.candidate.test.proba !== undefined;
  const needsProba = (m: string) =>
    ['roc_auc', 'average_precision', 'log_loss', 'brier_score'].includes(m) || m.startsWith('roc_auc');
  if (given === null) {
    const m = fallback[ctx.task];
    return needsProba(m) && !hasProba ? 'accuracy' : m;
  }
  if (!valid.includes(given))
    throw new LatheError(
      'INVALID_ARGUMENT',
      `check ${check}: metric ${given} does not apply to a ${ctx.task} model; valid metrics: ${valid.join(', ')}`,
      { field: `${check}.metric` },
    );
  if (needsProba(given) && !hasProba && ctx.task !== 'regression')
    throw new LatheError(
      'INVALID_ARGUMENT',
      `check ${check}: metric ${given} needs class probabilities, and ${ctx.candidate.ref} gives none`,
      { field: `${check}.metric` },
    );
  return given;
}

/** The number of classes (classifiers): `ctx.classes`, else the probability columns, else max index + 1. */
export function classCount(ctx: ValidationContext): number {
  if (ctx.classes) return ctx.classes.length;
  const n = ctx.yTest.length;
  const proba = ctx.candidate.test.proba;
  if (proba && n > 0) return proba.length / n;
  let max = 0;
  for (const v of ctx.yTest) if (v > max) max = v;
  return max + 1;
}

/** The label of class `i` for people. */
export function classLabel(ctx: ValidationContext, i: number): string {
  return String(ctx.classes?.[i] ?? i);
}

/**
 * The task's metric set (src/ml `evaluate`) of predictions against `y`, on the rows `rows` when
 * given. Metrics that cannot be computed on those rows (an AUC with one class present) are absent.
 */
export function metricsOf(
  task: ValidationTask,
  k: number,
  y: Float64Array,
  preds: FramePredictions,
  rows?: ArrayLike<number>,
): MetricSet {
  const sub =
    rows === undefined ? { y, p: preds } : { y: pick(y, rows), p: subsetPredictions(preds, rows, k) };
  if (sub.y.length === 0) return {};
  if (task === 'regression') return evaluate('regression', sub.y, sub.p.y);
  const proba: Matrix | undefined =
    sub.p.proba === undefined ? undefined : { data: sub.p.proba, rows: sub.y.length, cols: k };
  return evaluate(task, sub.y, sub.p.y, proba);
}

/** `values` at `rows`. */
export function pick(values: Float64Array, rows: ArrayLike<number>): Float64Array {
  const out = new Float64Array(rows.length);
  for (let i = 0; i < rows.length; i++) out[i] = values[rows[i]!]!;
  return out;
}

/** Predictions restricted to `rows` (probabilities have `k` columns). */
export function subsetPredictions(
  preds: FramePredictions,
  rows: ArrayLike<number>,
  k: number,
): FramePredictions {
  const y = pick(preds.y, rows);
  if (preds.proba === undefined) return { y };
  const proba = new Float64Array(rows.length * k);
  for (let i = 0; i < rows.length; i++)
    proba.set(preds.proba.subarray(rows[i]! * k, rows[i]! * k + k), i * k);
  return { y, proba };
}

/**
 * Naive predictions for `n` rows learned from `yRef`: the majority class with the class shares as
 * probabilities (classifiers), or the mean (regression).
 */
export function naivePredictions(
  task: ValidationTask,
  k: number,
  yRef: Float64Array,
  n: number,
): FramePredictions {
  if (task === 'regression') {
    let sum = 0;
    for (const v of yRef) sum += v;
    return { y: new Float64Array(n).fill(yRef.length ? sum / yRef.length : 0) };
  }
  const counts = new Float64Array(k);
  for (const v of yRef) if (v >= 0 && v < k) counts[v]!++;
  let majority = 0;
  for (let c = 1; c < k; c++) if (counts[c]! > counts[majority]!) majority = c;
  const total = counts.reduce((a, b) => a + b, 0) || 1;
  const shares = counts.map((c) => c / total);
  const proba = new Float64Array(n * k);
  for (let i = 0; i < n; i++) proba.set(shares, i * k);
  return { y: new Float64Array(n).fill(majority), proba };
}

/** Up to `size` row indices of `n` (see `sampleIndices`). */
export { sampleIndices as sampleRows } from './frame-tools.js';

/** A number for messages and tables: 4 significant digits, integers as they are. */
export function fmt(x: number): string {
  if (!Number.isFinite(x)) return String(x);
  if (Number.isInteger(x)) return String(x);
  return String(Number(x.toPrecision(4)));
}

/** `x` rounded to 6 significant digits for tables and charts (NaN → null). */
export function round(x: number): number | null {
  return Number.isFinite(x) ? Number(x.toPrecision(6)) : null;
}

/** The one number a check tracks across windows or shuffles, chosen once per run. */
export interface PrimaryMetric {
  /** Its name for people: ROC-AUC, accuracy or RMSE. */
  label: 'ROC-AUC' | 'accuracy' | 'RMSE';
  higherIsBetter: boolean;
  /** The metric of predictions `p` against `y` (class indices or values); NaN where undefined (ROC-AUC on one class). */
  score(y: Float64Array, p: FramePredictions): number;
}

/**
 * The task's primary metric: ROC-AUC for binary models with probabilities, accuracy for other
 * classifiers, RMSE for regression. Fixed for the whole run, so values of windows compare.
 */
export function primaryMetric(ctx: ValidationContext): PrimaryMetric {
  if (ctx.task === 'regression')
    return { label: 'RMSE', higherIsBetter: false, score: (y, p) => rootMeanSquaredError(y, p.y) };
  if (ctx.task === 'binary' && ctx.candidate.test.proba)
    return {
      label: 'ROC-AUC',
      higherIsBetter: true,
      score: (y, p) => {
        if (!p.proba || new Set(y).size < 2) return Number.NaN;
        const s = new Float64Array(y.length);
        for (let i = 0; i < y.length; i++) s[i] = p.proba[i * 2 + 1]!;
        return rocAuc(y, s);
      },
    };
  return { label: 'accuracy', higherIsBetter: true, score: (y, p) => accuracy(y, p.y) };
}
