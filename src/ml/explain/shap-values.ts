/**
 * The shape every SHAP explainer returns (TreeSHAP, KernelSHAP, permutation SHAP), and the input
 * checks they share.
 */
import { describeValue } from '../../core/index.js';
import { invalid } from '../input-checks.js';
import type { Matrix } from '../matrix.js';

/**
 * SHAP values of `rows` rows: for row `r`, output `o` and feature `j` the value is
 * `values[(r * outputs + o) * cols + j]`; `expected[o]` is the expected value (the bias). For every
 * row and output, `expected[o] + Σ_j values[…j]` equals the explained output of that row.
 */
export interface ShapValues {
  rows: number;
  /** Outputs explained: 1 for regression and binary margins, one per class otherwise. */
  outputs: number;
  /** Features per row. */
  cols: number;
  /** rows × outputs × cols, row-major. */
  values: Float64Array;
  /** The expected value (bias) per output, the same for every row. */
  expected: Float64Array;
  /**
   * What is explained: `raw` tree margins before the link (TreeSHAP), `probability` (classifiers'
   * predictProba) or `value` (regressors' predict).
   */
  space: 'raw' | 'probability' | 'value';
}

/** Checks `X` is a Matrix of `cols` columns; NaN is accepted only when `allowNaN`; ±Infinity never. */
export function checkExplainMatrix(X: unknown, name: string, cols: number, allowNaN: boolean): Matrix {
  const m = X as Matrix;
  if (
    typeof X !== 'object' ||
    X === null ||
    !(m.data instanceof Float64Array) ||
    !Number.isSafeInteger(m.rows) ||
    !Number.isSafeInteger(m.cols) ||
    m.data.length !== m.rows * m.cols
  )
    throw invalid(`${name} must be a Matrix (Float64Array of rows × cols values); got ${describeValue(X)}`, {
      field: name,
    });
  if (m.cols !== cols)
    throw invalid(`${name} must have ${cols} columns (the features the model reads); got ${m.cols}`, {
      field: name,
    });
  const d = m.data;
  for (let i = 0; i < d.length; i++) {
    const v = d[i]!;
    if (v - v === 0 || (allowNaN && Number.isNaN(v))) continue;
    const row = Math.floor(i / cols);
    const col = i % cols;
    const want = allowNaN
      ? 'numbers or NaN (missing)'
      : 'finite numbers (this model cannot take missing values)';
    throw invalid(`${name} must hold ${want}; got ${v} at row ${row}, column ${col}`, {
      field: name,
      row,
      col,
    });
  }
  return m;
}
