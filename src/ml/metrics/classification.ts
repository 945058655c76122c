/**
 * Label metrics on predicted class indices: accuracy, balanced accuracy, confusion matrix and
 * precision / recall / F1 with scikit-learn's definitions (labels are the classes present in yTrue
 * or yPred unless `classes` is given, exactly like scikit-learn's default `labels=None`).
 */
import type { Matrix } from '../matrix.js';
import {
  average,
  checkLabels,
  checkWeights,
  fail,
  sum,
  uniqueSorted,
  type WeightOptions,
} from './numeric.js';

/** How per-class precision / recall / F1 are combined. */
export type PrfAverage = 'binary' | 'macro' | 'weighted' | 'micro';

/** Options of the label metrics. */
export interface LabelMetricOptions extends WeightOptions {
  /**
   * The number of classes k: the labels are 0..k−1 (scikit-learn's `labels=range(k)`), so a class
   * absent from both yTrue and yPred still counts in a macro average. Default: the classes present.
   */
  classes?: number;
}

/** Options of precision, recall and F1. */
export interface PrfOptions extends LabelMetricOptions {
  /** Default `binary` (only for two classes; then `posLabel` is reported). */
  average?: PrfAverage;
  /** The positive class for `average: 'binary'`; default 1. */
  posLabel?: number;
  /** The value of a ratio whose denominator is 0 (scikit-learn's zero_division); default 0. */
  zeroDivision?: 0 | 1;
}

/** Precision, recall and F1 together (one pass). */
export interface PrecisionRecallF1 {
  precision: number;
  recall: number;
  f1: number;
}

function prepare(yTrue: Float64Array, yPred: Float64Array, options: LabelMetricOptions) {
  checkLabels('yTrue', yTrue, undefined, options.classes);
  checkLabels('yPred', yPred, yTrue.length, options.classes);
  const weights = checkWeights(options.sampleWeight, yTrue.length);
  if (options.classes !== undefined && !(Number.isInteger(options.classes) && options.classes >= 1))
    fail(`classes must be a positive integer; got ${options.classes}`, 'classes');
  const labels =
    options.classes === undefined
      ? uniqueSorted(yTrue, yPred)
      : Array.from({ length: options.classes }, (_, i) => i);
  return { weights, labels };
}

/**
 * Fraction of samples whose predicted class equals the true class (weighted by `sampleWeight`), as
 * sklearn.metrics.accuracy_score.
 * @throws LatheError INVALID_ARGUMENT for mismatched lengths, NaN or a non-integer class.
 */
export function accuracy(yTrue: Float64Array, yPred: Float64Array, options: WeightOptions = {}): number {
  const { weights } = prepare(yTrue, yPred, options);
  const hit = yTrue.map((t, i) => (t === yPred[i] ? 1 : 0));
  return average(hit, weights);
}

/** A confusion matrix and the class each row/column stands for. */
export interface ConfusionMatrix {
  /** The class of row i (true) and column i (predicted). */
  labels: number[];
  /** labels.length × labels.length; entry (i, j) counts (or weighs) samples of class i predicted j. */
  matrix: Matrix;
}

/**
 * The confusion matrix: rows are true classes, columns predicted classes, in `labels` order
 * (sklearn.metrics.confusion_matrix; with `classes` the labels are 0..k−1).
 */
export function confusionMatrix(
  yTrue: Float64Array,
  yPred: Float64Array,
  options: LabelMetricOptions = {},
): ConfusionMatrix {
  const { weights, labels } = prepare(yTrue, yPred, options);
  const k = labels.length;
  const index = new Map(labels.map((l, i) => [l, i]));
  const data = new Float64Array(k * k);
  for (let i = 0; i < yTrue.length; i++)
    data[index.get(yTrue[i]!)! * k + index.get(yPred[i]!)!]! += weights === undefined ? 1 : weights[i]!;
  return { labels, matrix: { data, rows: k, cols: k } };
}

/**
 * Mean per-class recall over the classes present in yTrue (sklearn.metrics.balanced_accuracy_score;
 * classes only predicted are ignored, as there).
 */
export function balancedAccuracy(
  yTrue: Float64Array,
  yPred: Float64Array,
  options: WeightOptions = {},
): number {
  const { labels, matrix } = confusionMatrix(yTrue, yPred, { ...options });
  const k = labels.length;
  const perClass: number[] = [];
  for (let i = 0; i < k; i++) {
    const row = sum(matrix.data.subarray(i * k, i * k + k));
    if (row !== 0) perClass.push(matrix.data[i * k + i]! / row);
  }
  return average(perClass);
}

/** Per-class true positives, predicted and true totals (as sklearn's multilabel_confusion_matrix). */
function perClassCounts(yTrue: Float64Array, yPred: Float64Array, labels: number[], w?: Float64Array) {
  const index = new Map(labels.map((l, i) => [l, i]));
  const k = labels.length;
  const tp = new Float64Array(k);
  const predTotal = new Float64Array(k);
  const trueTotal = new Float64Array(k);
  for (let i = 0; i < yTrue.length; i++) {
    const wi = w === undefined ? 1 : w[i]!;
    const t = index.get(yTrue[i]!);
    const p = index.get(yPred[i]!);
    if (t !== undefined && t === p) tp[t]! += wi;
    if (p !== undefined) predTotal[p]! += wi;
    if (t !== undefined) trueTotal[t]! += wi;
  }
  // scikit-learn derives these as tp + fp and tp + fn, which can round differently.
  const pred = predTotal.map((p, c) => tp[c]! + (p - tp[c]!));
  const truth = trueTotal.map((t, c) => tp[c]! + (t - tp[c]!));
  return { tp, pred, truth };
}

/**
 * Precision, recall and F1 (sklearn.metrics.precision_recall_fscore_support with beta 1): `binary`
 * reports the class `posLabel` (two classes at most), `macro` the unweighted mean over classes,
 * `weighted` the mean weighted by each class's true count, `micro` global counts.
 * @throws LatheError INVALID_ARGUMENT for `binary` on more than two classes, or bad inputs.
 */
export function precisionRecallF1(
  yTrue: Float64Array,
  yPred: Float64Array,
  options: PrfOptions = {},
): PrecisionRecallF1 {
  const avg = options.average ?? 'binary';
  if (!['binary', 'macro', 'weighted', 'micro'].includes(avg))
    fail(`average must be one of binary, macro, weighted, micro; got ${String(avg)}`, 'average');
  const zero = options.zeroDivision ?? 0;
  if (zero !== 0 && zero !== 1) fail(`zeroDivision must be 0 or 1; got ${String(zero)}`, 'zeroDivision');
  const { weights, labels: allLabels } = prepare(yTrue, yPred, options);
  let labels = allLabels;
  if (avg === 'binary') {
    const present = uniqueSorted(yTrue, yPred);
    const pos = options.posLabel ?? 1;
    if (present.length > 2)
      fail(
        `the target has ${present.length} classes but average is 'binary'; choose macro, weighted or micro`,
        'average',
      );
    if (!present.includes(pos) && present.length >= 2)
      fail(`posLabel ${pos} is not a valid label; it should be one of ${present.join(', ')}`, 'posLabel');
    labels = [pos];
  }
  let { tp, pred, truth } = perClassCounts(yTrue, yPred, labels, weights);
  if (avg === 'micro') {
    tp = Float64Array.of(sum(tp));
    pred = Float64Array.of(sum(pred));
    truth = Float64Array.of(sum(truth));
  }
  const divide = (num: Float64Array, den: Float64Array) =>
    num.map((v, i) => (den[i] === 0 ? zero : v / den[i]!));
  const precision = divide(tp, pred);
  const recall = divide(tp, truth);
  const f1 = precision.map((p, i) => {
    const denom = p + recall[i]!;
    return (2 * p * recall[i]!) / (denom === 0 ? 1 : denom);
  });
  let w: Float64Array | undefined;
  if (avg === 'weighted') {
    if (sum(truth) === 0) {
      return sum(pred) === 0
        ? { precision: zero, recall: zero, f1: zero }
        : { precision: 0, recall: zero, f1: 0 };
    }
    w = truth;
  }
  return { precision: average(precision, w), recall: average(recall, w), f1: average(f1, w) };
}

/** Precision (see {@link precisionRecallF1}). */
export function precision(yTrue: Float64Array, yPred: Float64Array, options: PrfOptions = {}): number {
  return precisionRecallF1(yTrue, yPred, options).precision;
}

/** Recall (see {@link precisionRecallF1}). */
export function recall(yTrue: Float64Array, yPred: Float64Array, options: PrfOptions = {}): number {
  return precisionRecallF1(yTrue, yPred, options).recall;
}

/** F1, the harmonic mean of precision and recall (see {@link precisionRecallF1}). */
export function f1Score(yTrue: Float64Array, yPred: Float64Array, options: PrfOptions = {}): number {
  return precisionRecallF1(yTrue, yPred, options).f1;
}
