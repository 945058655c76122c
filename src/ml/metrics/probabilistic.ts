/**
 * Metrics of predicted probabilities: log-loss (cross-entropy) and the Brier score, with
 * scikit-learn 1.2's definitions.
 */
import type { Matrix } from '../matrix.js';
import { checkBinary } from './curves.js';
import {
  average,
  checkFinite,
  checkLabels,
  checkMatrix,
  checkProbabilities,
  checkRowsSumToOne,
  checkWeights,
  fail,
  pairwiseSum,
  type WeightOptions,
} from './numeric.js';

/** Machine epsilon of float64, scikit-learn's default clipping for log-loss. */
const EPS = 2.220446049250313e-16;

/** Options of {@link logLoss}. */
export interface LogLossOptions extends WeightOptions {
  /** Probabilities are clipped to [eps, 1 − eps]; default float64 machine epsilon (sklearn's `auto`). */
  eps?: number;
}

/**
 * Mean negative log-likelihood of the true classes (sklearn.metrics.log_loss with
 * `labels=range(k)`): probabilities are clipped to [eps, 1 − eps], each row renormalized, then
 * −log p(true class) averaged (weighted by `sampleWeight`). `proba` is a Matrix (rows × k, rows
 * summing to 1) or, for two classes, a Float64Array of P(class 1).
 * @throws LatheError INVALID_ARGUMENT for a class index ≥ k, rows not summing to 1, NaN, lengths.
 */
export function logLoss(
  yTrue: Float64Array,
  proba: Float64Array | Matrix,
  options: LogLossOptions = {},
): number {
  const eps = options.eps ?? EPS;
  if (!(eps > 0 && eps < 0.5)) fail(`eps must lie in (0, 0.5); got ${eps}`, 'eps');
  let m: Matrix;
  if (proba instanceof Float64Array) {
    checkFinite('proba', proba, yTrue.length);
    checkProbabilities('proba', proba);
    m = { data: new Float64Array(proba.length * 2), rows: proba.length, cols: 2 };
    for (let i = 0; i < proba.length; i++) {
      const p = Math.min(Math.max(proba[i]!, eps), 1 - eps);
      m.data[2 * i] = 1 - p;
      m.data[2 * i + 1] = p;
    }
  } else {
    checkMatrix('proba', proba, yTrue.length);
    if (proba.cols < 2) fail(`proba needs at least two columns (classes); got ${proba.cols}`, 'proba');
    for (let i = 0; i < proba.data.length; i++) {
      const v = proba.data[i]!;
      if (v < 0 || v > 1)
        fail(
          `proba row ${Math.floor(i / proba.cols)}, column ${i % proba.cols} is ${v}; probabilities must lie in [0, 1]`,
          'proba',
        );
    }
    checkRowsSumToOne('proba', proba);
    m = {
      data: proba.data.map((p) => Math.min(Math.max(p, eps), 1 - eps)),
      rows: proba.rows,
      cols: proba.cols,
    };
  }
  checkLabels('yTrue', yTrue, m.rows, m.cols);
  const weights = checkWeights(options.sampleWeight, yTrue.length);
  const k = m.cols;
  const loss = new Float64Array(m.rows);
  for (let r = 0; r < m.rows; r++) {
    const rowSum = pairwiseSum((j) => m.data[r * k + j]!, 0, k);
    loss[r] = -Math.log(m.data[r * k + yTrue[r]!]! / rowSum);
  }
  return average(loss, weights);
}

/** Options of {@link brierScore}. */
export interface BrierOptions extends WeightOptions {
  /** The positive class whose probability `yProb` is; default 1. */
  posLabel?: number;
}

/**
 * Mean squared difference between P(positive) and the outcome (sklearn.metrics.brier_score_loss),
 * binary only; lower is better.
 * @throws LatheError INVALID_ARGUMENT for probabilities outside [0, 1] or more than two classes.
 */
export function brierScore(yTrue: Float64Array, yProb: Float64Array, options: BrierOptions = {}): number {
  checkBinary(yTrue, yProb, 'yProb');
  checkProbabilities('yProb', yProb);
  const weights = checkWeights(options.sampleWeight, yTrue.length);
  const pos = options.posLabel ?? 1;
  const sq = yProb.map((p, i) => {
    const d = (yTrue[i] === pos ? 1 : 0) - p;
    return d * d;
  });
  return average(sq, weights);
}
