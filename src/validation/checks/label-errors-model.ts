/**
 * Private helpers of the label-errors, overfitting and leakage checks: seeded row samples, the
 * numeric features of a frame as a Matrix, and a small model fitted with an src/ml family
 * (cross-validated probabilities, learning curves).
 */
import { LatheError } from '../../core/index.js';
import { type FittedModel, type Matrix, modelFamily } from '../../ml/index.js';
import type { Frame, ValidationContext } from '../check.js';
import { sampleIndices } from './frame-tools.js';

/** Ascending row indices: all `n` rows, or `size` of them drawn without replacement (seeded). */
export function sampleRows(n: number, size: number, seed: number): Int32Array {
  return Int32Array.from(sampleIndices(n, size, seed));
}

/** The model's features held as numbers (Float64Array) in `frame` (and in `other`, when given). */
export function numericFeatures(ctx: ValidationContext, frame: Frame, other?: Frame): string[] {
  return ctx.features.filter(
    (f) =>
      frame.columns[f] instanceof Float64Array &&
      (other === undefined || other.columns[f] instanceof Float64Array),
  );
}

/** The rows `rows` of the numeric columns `cols` of `frame` as a row-major Matrix (NaN kept). */
export function matrixOf(frame: Frame, cols: readonly string[], rows: Int32Array): Matrix {
  const data = new Float64Array(rows.length * cols.length);
  cols.forEach((c, j) => {
    const col = frame.columns[c] as Float64Array;
    for (let i = 0; i < rows.length; i++) data[i * cols.length + j] = col[rows[i]!]!;
  });
  return { data, rows: rows.length, cols: cols.length };
}

/** Reads a model family name for `readParams` (the message lists the valid ones). */
export function familyName(v: unknown): string {
  if (typeof v !== 'string') throw new Error(`must be a model family name; got ${JSON.stringify(v)}`);
  try {
    modelFamily(v);
  } catch (err) {
    throw new Error((err as LatheError).message);
  }
  return v;
}

/** What {@link fitSmall} needs: the family, boosting rounds (gbdt), the task and class count. */
export interface SmallModelSpec {
  family: string;
  rounds: number;
  task: ValidationContext['task'];
  classes: number;
  seed: number;
}

/**
 * Fits a small model of `spec.family` (its cheap AutoML start; gbdt with `spec.rounds` rounds).
 * Families that cannot take NaN get column means (of `X`) filled in; `prepare` applies the same
 * filling to the rows the model then predicts.
 */
export function fitSmall(
  X: Matrix,
  y: Float64Array,
  spec: SmallModelSpec,
): { model: FittedModel; prepare: (M: Matrix) => Matrix } {
  const family = modelFamily(spec.family);
  const params = {
    ...family.cheapStart,
    ...(family.name === 'gbdt' ? { rounds: spec.rounds, seed: spec.seed } : {}),
  };
  let prepare = (M: Matrix) => M;
  if (family.preprocess.missing !== 'native' || family.preprocess.scale) {
    const means = new Float64Array(X.cols);
    const sds = new Float64Array(X.cols).fill(1);
    for (let j = 0; j < X.cols; j++) {
      let s = 0;
      let ss = 0;
      let n = 0;
      for (let i = 0; i < X.rows; i++) {
        const v = X.data[i * X.cols + j]!;
        if (!Number.isNaN(v)) {
          s += v;
          ss += v * v;
          n++;
        }
      }
      means[j] = n ? s / n : 0;
      const sd = n ? Math.sqrt(Math.max(0, ss / n - means[j]! ** 2)) : 0;
      if (family.preprocess.scale && sd > 0) sds[j] = sd;
    }
    prepare = (M) => {
      const data = new Float64Array(M.data.length);
      for (let i = 0; i < M.data.length; i++) {
        const j = i % M.cols;
        const v = M.data[i]!;
        data[i] = ((Number.isNaN(v) ? means[j]! : v) - means[j]!) / sds[j]!;
      }
      return { data, rows: M.rows, cols: M.cols };
    };
  }
  const model = family.fit(prepare(X), y, params, { task: spec.task, classes: spec.classes });
  return { model, prepare };
}

/** A LatheError INVALID_ARGUMENT for a column a check's parameter names that `frame` lacks. */
export function missingColumn(check: string, param: string, name: string, frame: Frame): LatheError {
  return new LatheError(
    'INVALID_ARGUMENT',
    `check ${check}: ${param} ${JSON.stringify(name)} is not a column of the test set; its columns are ${Object.keys(frame.columns).join(', ')}`,
    { field: `${check}.${param}` },
  );
}
