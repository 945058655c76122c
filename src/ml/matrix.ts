import { LatheError } from '../core/index.js';

/**
 * A dense row-major matrix of float64 values: the value at row `i`, column `j` is
 * `data[i * cols + j]`. NaN marks a missing value where an algorithm accepts missing values.
 * Every estimator in `src/ml` takes its features as a Matrix.
 */
export interface Matrix {
  readonly data: Float64Array;
  readonly rows: number;
  readonly cols: number;
}

/**
 * A Matrix over `data` (not copied), checking that it holds `rows * cols` values.
 * @throws LatheError INVALID_ARGUMENT when the sizes disagree.
 */
export function matrix(data: Float64Array, rows: number, cols: number): Matrix {
  if (!(data instanceof Float64Array))
    throw new LatheError('INVALID_ARGUMENT', 'a matrix needs its values as a Float64Array');
  if (!Number.isInteger(rows) || !Number.isInteger(cols) || rows < 0 || cols < 0)
    throw new LatheError(
      'INVALID_ARGUMENT',
      `matrix sizes must be non-negative integers; got ${rows} × ${cols}`,
    );
  if (data.length !== rows * cols)
    throw new LatheError(
      'INVALID_ARGUMENT',
      `a ${rows} × ${cols} matrix holds ${rows * cols} values; got ${data.length}`,
    );
  return { data, rows, cols };
}

/** A Matrix from an array of equal-length rows (for tests and small inputs). */
export function matrixFromRows(rows: readonly (readonly number[])[]): Matrix {
  const cols = rows[0]?.length ?? 0;
  const data = new Float64Array(rows.length * cols);
  rows.forEach((r, i) => {
    if (r.length !== cols)
      throw new LatheError('INVALID_ARGUMENT', `row ${i} has ${r.length} values; row 0 has ${cols}`);
    data.set(r, i * cols);
  });
  return { data, rows: rows.length, cols };
}

/** A Matrix of `rows` rows from one array per column (copied, row-major). */
export function matrixFromColumns(columns: readonly ArrayLike<number>[], rows: number): Matrix {
  const cols = columns.length;
  const data = new Float64Array(rows * cols);
  for (let j = 0; j < cols; j++) {
    const col = columns[j]!;
    for (let i = 0; i < rows; i++) data[i * cols + j] = col[i]!;
  }
  return { data, rows, cols };
}

/** The population variance (divided by rows) of each column of row-major `data` (internal). */
export function columnVariances(data: Float64Array, rows: number, cols: number): Float64Array {
  const out = new Float64Array(cols);
  for (let j = 0; j < cols; j++) {
    let mean = 0;
    for (let i = 0; i < rows; i++) mean += data[i * cols + j]!;
    mean /= rows;
    let ss = 0;
    for (let i = 0; i < rows; i++) ss += (data[i * cols + j]! - mean) ** 2;
    out[j] = ss / rows;
  }
  return out;
}

/**
 * What a fitted estimator saves: small JSON metadata (hyperparameters, shapes, class labels) and
 * named typed arrays (weights, tree nodes). The model package (issue 5, src/models) writes the
 * metadata into its manifest and each array as a binary file; `fromSaved` reverses it.
 */
export interface SavedModel {
  /** The estimator kind, e.g. `logistic`, `decision-tree`, `random-forest`, `knn`. */
  kind: string;
  /** Format version of this kind's saved form, starting at 1. */
  version: number;
  meta: Record<string, unknown>;
  arrays: Record<string, Float64Array | Float32Array | Int32Array | Uint32Array | Uint8Array>;
}
