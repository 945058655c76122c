/**
 * The test-set evaluation of a fitted model: the metric set of its task and the data of its charts
 * (ROC and PR curves, calibration, confusion matrix; predicted vs actual for regression), thinned
 * to at most a few hundred points so the UI draws them at once.
 */
import {
  calibrationCurve,
  confusionMatrix,
  evaluate,
  type FittedModel,
  type Matrix,
  precisionRecallCurve,
  rocCurve,
  type Task,
} from '../ml/index.js';

/** What evaluation.json holds. */
export interface Evaluation {
  task: Task;
  rows: number;
  metrics: Record<string, number>;
  classes?: (string | number | boolean)[];
  confusion?: number[][];
  roc?: { fpr: number[]; tpr: number[] };
  pr?: { precision: number[]; recall: number[] };
  calibration?: { predicted: number[]; observed: number[]; counts: number[] };
  /** Regression: a sample of (actual, predicted) pairs. */
  scatter?: { actual: number[]; predicted: number[] };
}

const MAX_POINTS = 300;

/** Every `step`-th point, always keeping the last. */
function thin(n: number): number[] {
  if (n <= MAX_POINTS) return Array.from({ length: n }, (_, i) => i);
  const step = (n - 1) / (MAX_POINTS - 1);
  return Array.from({ length: MAX_POINTS }, (_, i) => Math.round(i * step));
}

const round = (v: number) => Math.round(v * 1e6) / 1e6;
const pick = (a: Float64Array | number[], idx: number[]) => idx.map((i) => round(Number(a[i])));

/**
 * The class scores `evaluate` takes: the positive class's probability per row (binary), the
 * probability matrix (multiclass), nothing for regression.
 */
export function classScores(model: FittedModel, task: Task, X: Matrix): Float64Array | Matrix | undefined {
  if (task === 'regression') return undefined;
  const p = model.predictProba!(X);
  return task === 'binary' ? Float64Array.from({ length: p.rows }, (_, r) => p.data[r * 2 + 1]!) : p;
}

/** Evaluates `model` on `X`, `y` (class indices for classification). */
export function evaluateModel(
  model: FittedModel,
  task: Task,
  X: Matrix,
  y: Float64Array,
  classes: (string | number | boolean)[],
): Evaluation {
  const pred = model.predict(X);
  if (task === 'regression') {
    const idx = thin(y.length);
    return {
      task,
      rows: y.length,
      metrics: { ...evaluate('regression', y, pred) },
      scatter: { actual: pick(y, idx), predicted: pick(pred, idx) },
    };
  }
  const scores = classScores(model, task, X)!;
  const metrics = { ...evaluate(task, y, pred, scores) };
  const cm = confusionMatrix(y, pred, { classes: classes.length });
  const out: Evaluation = {
    task,
    rows: y.length,
    metrics,
    classes,
    confusion: Array.from({ length: classes.length }, (_, i) =>
      Array.from({ length: classes.length }, (_, j) => cm.matrix.data[i * cm.matrix.cols + j] ?? 0),
    ),
  };
  if (task === 'binary' && new Set(y).size === 2) {
    const p1 = scores as Float64Array;
    const roc = rocCurve(y, p1);
    const ri = thin(roc.fpr.length);
    out.roc = { fpr: pick(roc.fpr, ri), tpr: pick(roc.tpr, ri) };
    const pr = precisionRecallCurve(y, p1);
    const pi = thin(pr.precision.length);
    out.pr = { precision: pick(pr.precision, pi), recall: pick(pr.recall, pi) };
    const cal = calibrationCurve(y, p1, { bins: 10 });
    out.calibration = {
      predicted: Array.from(cal.probPred, round),
      observed: Array.from(cal.probTrue, round),
      counts: Array.from(cal.counts),
    };
  }
  return out;
}
