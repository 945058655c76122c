/**
 * What the model-agnostic explainers explain: a FittedModel's probabilities (classifiers with
 * predictProba) or predictions (regressors), rows × outputs; and the input checks they share.
 */
import { describeValue } from '../../core/index.js';
import { MODEL_FAMILIES } from '../families.js';
import type { FittedModel } from '../family.js';
import { invalid } from '../input-checks.js';
import type { Matrix } from '../matrix.js';
import { checkExplainMatrix } from './shap-values.js';

/** A model seen as a function of rows to `outputs` values per row. */
export interface ModelOutput {
  /** rows × outputs, row-major. */
  f(X: Matrix): Float64Array;
  outputs: number;
  space: 'probability' | 'value';
  /** Whether the model takes NaN (families that handle missing values natively). */
  allowNaN: boolean;
}

/**
 * Checks `model` is a FittedModel and says whether it takes NaN (its family handles missing values
 * natively).
 */
export function checkModel(model: FittedModel): boolean {
  if (typeof model !== 'object' || model === null || typeof model.predict !== 'function')
    throw invalid(`model must be a fitted model (with predict); got ${describeValue(model)}`, {
      field: 'model',
    });
  return MODEL_FAMILIES.find((f) => f.name === model.family)?.preprocess.missing === 'native';
}

/** Wraps what the explainers explain; `probe` (one row or more) finds the number of outputs. */
export function modelOutput(model: FittedModel, probe: Matrix): ModelOutput {
  const allowNaN = checkModel(model);
  if (model.task !== 'regression' && model.predictProba) {
    const proba = model.predictProba.bind(model);
    const outputs = proba({ data: probe.data.subarray(0, probe.cols), rows: 1, cols: probe.cols }).cols;
    return { f: (X) => proba(X).data, outputs, space: 'probability', allowNaN };
  }
  const predict = model.predict.bind(model);
  return { f: (X) => predict(X), outputs: 1, space: 'value', allowNaN };
}

/** Checks the rows to explain and the background sample against the model's column count. */
export function checkRowsAndBackground(
  model: FittedModel,
  X: Matrix,
  background: Matrix,
): { out: ModelOutput } {
  const allowNaN = checkModel(model);
  checkExplainMatrix(background, 'background', model.cols, allowNaN);
  if (background.rows < 1)
    throw invalid('background must hold at least 1 row (a sample of the training data); got 0 rows', {
      field: 'background',
    });
  checkExplainMatrix(X, 'X', model.cols, allowNaN);
  return { out: modelOutput(model, background) };
}

/** An integer option in [min, max] with a default. */
export function intOpt(value: unknown, name: string, dflt: number, min: number, max = 1e9): number {
  if (value === undefined) return dflt;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max)
    throw invalid(`${name} must be an integer in ${min}..${max}; got ${describeValue(value)}`, {
      field: name,
    });
  return value;
}

/** Fisher–Yates shuffle of `a` in place with `next(n)` drawing an integer in 0..n−1. */
export function shuffle(a: Int32Array, next: (n: number) => number): void {
  for (let i = a.length - 1; i > 0; i--) {
    const j = next(i + 1);
    const t = a[i]!;
    a[i] = a[j]!;
    a[j] = t;
  }
}

/**
 * v(S) for each coalition: the mean model output over the background rows with the features in S
 * (mask byte 1) taken from row `x` (at `offset`), the others from the background row. Returns
 * coalitions × outputs. Evaluates in batches of at most `batchRows` hybrid rows.
 */
export function coalitionValues(
  out: ModelOutput,
  x: Float64Array,
  offset: number,
  background: Matrix,
  masks: Uint8Array,
  coalitions: number,
  batchRows = 65536,
): Float64Array {
  const M = background.cols;
  const B = background.rows;
  const K = out.outputs;
  const result = new Float64Array(coalitions * K);
  const perBatch = Math.max(1, Math.floor(batchRows / B));
  const buf = new Float64Array(Math.min(perBatch, coalitions) * B * M);
  for (let c0 = 0; c0 < coalitions; c0 += perBatch) {
    const n = Math.min(perBatch, coalitions - c0);
    for (let c = 0; c < n; c++) {
      const mask = (c0 + c) * M;
      for (let b = 0; b < B; b++) {
        const dst = (c * B + b) * M;
        const src = b * M;
        for (let j = 0; j < M; j++)
          buf[dst + j] = masks[mask + j] === 1 ? x[offset + j]! : background.data[src + j]!;
      }
    }
    const pred = out.f({ data: buf.subarray(0, n * B * M), rows: n * B, cols: M });
    for (let c = 0; c < n; c++)
      for (let k = 0; k < K; k++) {
        let s = 0;
        for (let b = 0; b < B; b++) s += pred[(c * B + b) * K + k]!;
        result[(c0 + c) * K + k] = s / B;
      }
  }
  return result;
}
