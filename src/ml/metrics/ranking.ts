/**
 * Threshold-free ranking metrics: ROC-AUC (binary and one-vs-rest) and average precision, with
 * scikit-learn's definitions (ties in scores form one threshold; AUC is the trapezoid area over the
 * distinct thresholds, average precision the step integral of the precision–recall curve).
 */
import type { Matrix } from '../matrix.js';
import { checkBinary, precisionRecallCurve, rocCurve } from './curves.js';
import {
  average,
  checkLabels,
  checkMatrix,
  checkRowsSumToOne,
  checkWeights,
  column,
  fail,
  pairwiseSum,
  uniqueSorted,
} from './numeric.js';

/** Options of {@link rocAuc} and {@link averagePrecision}. */
export interface RankingOptions {
  /** Per-sample weights. */
  sampleWeight?: Float64Array;
  /** For binary scores: the positive class (default 1). */
  posLabel?: number;
  /**
   * For a multiclass Matrix, how the one-vs-rest scores combine: `macro` (default, unweighted mean),
   * `weighted` (by class prevalence) or `micro` (one binary problem over every (row, class) cell).
   */
  average?: 'macro' | 'weighted' | 'micro';
}

/** Area under a curve by the trapezoid rule, x monotonic (numpy.trapz as sklearn.metrics.auc). */
export function trapezoidArea(x: Float64Array, y: Float64Array): number {
  return pairwiseSum((i) => ((x[i + 1]! - x[i]!) * (y[i + 1]! + y[i]!)) / 2, 0, x.length - 1);
}

/** The binary metric over one-vs-rest columns, averaged like sklearn's `_average_binary_score`. */
function oneVsRest(
  name: string,
  yTrue: Float64Array,
  scores: Matrix,
  options: RankingOptions,
  metric: (y: Float64Array, s: Float64Array, w?: Float64Array) => number,
): number {
  const k = scores.cols;
  checkLabels('yTrue', yTrue, scores.rows, k);
  const weights = checkWeights(options.sampleWeight, yTrue.length);
  const present = uniqueSorted(yTrue);
  if (present.length !== k)
    fail(
      `yTrue holds ${present.length} of the ${k} classes the scores have columns for; ${name} needs every class present`,
      'yTrue',
    );
  const avg = options.average ?? 'macro';
  if (avg !== 'macro' && avg !== 'weighted' && avg !== 'micro')
    fail(`average must be 'macro', 'weighted' or 'micro'; got ${String(avg)}`, 'average');
  if (avg === 'micro') {
    const y = new Float64Array(scores.data.length);
    for (let i = 0; i < yTrue.length; i++) y[i * k + yTrue[i]!] = 1;
    const w = weights === undefined ? undefined : Float64Array.from(y, (_, j) => weights[Math.floor(j / k)]!);
    return metric(y, scores.data, w);
  }
  const scoresPerClass = new Float64Array(k);
  const classWeight = new Float64Array(k);
  for (let c = 0; c < k; c++) {
    const y = yTrue.map((v) => (v === c ? 1 : 0));
    for (let i = 0; i < y.length; i++) classWeight[c]! += y[i]! * (weights === undefined ? 1 : weights[i]!);
    scoresPerClass[c] = metric(y, column(scores, c), weights);
  }
  if (avg === 'macro') return average(scoresPerClass);
  if (Math.abs(pairwiseSum((c) => classWeight[c]!, 0, k)) <= 1e-8) return 0;
  for (let c = 0; c < k; c++) if (classWeight[c] === 0) scoresPerClass[c] = 0;
  return average(scoresPerClass, classWeight);
}

/** Binary scores: the array itself, or column 1 of a validated 2-column Matrix. */
function binaryScores(yTrue: Float64Array, yScore: Float64Array | Matrix): Float64Array {
  if (yScore instanceof Float64Array) return yScore;
  checkMatrix('yScore', yScore, yTrue.length);
  return column(yScore, 1);
}

function binaryAuc(y: Float64Array, s: Float64Array, posLabel: number, w?: Float64Array): number {
  const classes = uniqueSorted(y);
  if (classes.length !== 2)
    fail('Only one class present in yTrue. ROC AUC score is not defined in that case.', 'yTrue');
  if (!classes.includes(posLabel))
    fail(`posLabel ${posLabel} is not one of yTrue's classes (${classes.join(', ')})`, 'posLabel');
  const { fpr, tpr } = rocCurve(y, s, { posLabel, ...(w === undefined ? {} : { sampleWeight: w }) });
  return trapezoidArea(fpr, tpr);
}

/**
 * Area under the ROC curve (sklearn.metrics.roc_auc_score). Binary: `yScore` is a Float64Array of
 * scores for `posLabel` (or a 2-column Matrix, column 1 is used). Multiclass: a Matrix of class
 * probabilities (rows summing to 1), one-vs-rest averaged `macro`, `weighted` or `micro`.
 * @throws LatheError INVALID_ARGUMENT when yTrue has a single class ("Only one class present…"),
 *   rows not summing to 1, mismatched lengths, NaN.
 */
export function rocAuc(
  yTrue: Float64Array,
  yScore: Float64Array | Matrix,
  options: RankingOptions = {},
): number {
  if (yScore instanceof Float64Array || (yScore as Matrix | undefined)?.cols === 2) {
    const s = binaryScores(yTrue, yScore);
    checkBinary(yTrue, s);
    const w = checkWeights(options.sampleWeight, yTrue.length);
    return binaryAuc(yTrue, s, options.posLabel ?? 1, w);
  }
  checkMatrix('yScore', yScore, yTrue.length);
  checkRowsSumToOne('yScore', yScore);
  return oneVsRest('ROC AUC', yTrue, yScore, options, (y, s, w) => binaryAuc(y, s, 1, w));
}

function binaryAp(y: Float64Array, s: Float64Array, posLabel: number, w?: Float64Array): number {
  const { precision, recall } = precisionRecallCurve(y, s, {
    posLabel,
    ...(w === undefined ? {} : { sampleWeight: w }),
  });
  return -pairwiseSum((i) => (recall[i + 1]! - recall[i]!) * precision[i]!, 0, recall.length - 1);
}

/**
 * Average precision, the area under the precision–recall curve as a step function
 * (sklearn.metrics.average_precision_score: Σ (Rₙ − Rₙ₋₁) Pₙ). Binary scores as a Float64Array, or
 * a multiclass probability Matrix averaged one-vs-rest (as scikit-learn on label-binarized yTrue).
 */
export function averagePrecision(
  yTrue: Float64Array,
  yScore: Float64Array | Matrix,
  options: RankingOptions = {},
): number {
  if (yScore instanceof Float64Array || (yScore as Matrix | undefined)?.cols === 2) {
    const s = binaryScores(yTrue, yScore);
    const classes = checkBinary(yTrue, s);
    const pos = options.posLabel ?? 1;
    if (classes.length === 2 && !classes.includes(pos))
      fail(`posLabel ${pos} is not a valid label; it should be one of ${classes.join(', ')}`, 'posLabel');
    return binaryAp(yTrue, s, pos, checkWeights(options.sampleWeight, yTrue.length));
  }
  checkMatrix('yScore', yScore, yTrue.length);
  return oneVsRest('average precision', yTrue, yScore, options, (y, s, w) => binaryAp(y, s, 1, w));
}
