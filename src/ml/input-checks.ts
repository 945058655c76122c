/**
 * Input checks shared by the src/ml estimators (k-nearest-neighbours, naive Bayes and k-means use
 * the `name`-style checks; the trees, forests and linear models the `where:`-prefixed ones): every
 * check throws LatheError('INVALID_ARGUMENT') naming the option or the row and column, the valid
 * range and what arrived.
 */
import { describeValue, LatheError } from '../core/index.js';
import type { Matrix, SavedModel } from './matrix.js';

/** An INVALID_ARGUMENT LatheError. */
export function invalid(message: string, details?: Record<string, unknown>): LatheError {
  return new LatheError('INVALID_ARGUMENT', message, details);
}

/** Throws when `options` has a key outside `allowed` or is not a plain object. */
export function checkOptionKeys(options: unknown, allowed: readonly string[], where: string): void {
  if (typeof options !== 'object' || options === null || Array.isArray(options))
    throw invalid(`${where}: options must be an object; got ${describeValue(options)}`);
  for (const key of Object.keys(options)) {
    if (!allowed.includes(key))
      throw invalid(
        `${where}: unknown option ${JSON.stringify(key)}; valid options are ${allowed.join(', ')}`,
        {
          field: key,
        },
      );
  }
}

/** An integer option in [min, max]. */
export function intOption(value: unknown, name: string, min: number, max = Number.MAX_SAFE_INTEGER): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min || value > max) {
    const range = max === Number.MAX_SAFE_INTEGER ? `>= ${min}` : `in ${min}..${max}`;
    throw invalid(`${name} must be an integer ${range}; got ${describeValue(value)}`, { field: name });
  }
  return value;
}

/** A finite number option in [min, max] (bounds exclusive when `exclusiveMin`). */
export function numberOption(
  value: unknown,
  name: string,
  min: number,
  max = Number.POSITIVE_INFINITY,
  exclusiveMin = false,
): number {
  const tooLow = typeof value === 'number' && (exclusiveMin ? value <= min : value < min);
  if (typeof value !== 'number' || !Number.isFinite(value) || tooLow || value > max) {
    const low = exclusiveMin ? `> ${min}` : `>= ${min}`;
    const range = max === Number.POSITIVE_INFINITY ? low : `${low} and <= ${max}`;
    throw invalid(`${name} must be a finite number ${range}; got ${describeValue(value)}`, { field: name });
  }
  return value;
}

/** A boolean option. */
export function boolOption(value: unknown, name: string): boolean {
  if (typeof value !== 'boolean')
    throw invalid(`${name} must be true or false; got ${describeValue(value)}`, { field: name });
  return value;
}

/** One of `choices`. */
export function enumOption<T extends string>(value: unknown, name: string, choices: readonly T[]): T {
  if (typeof value !== 'string' || !choices.includes(value as T))
    throw invalid(`${name} must be one of ${choices.join(', ')}; got ${describeValue(value)}`, {
      field: name,
    });
  return value as T;
}

/** Checks that `X` is a Matrix of finite values with at least `minRows` rows (and `cols` columns if given). */
export function checkMatrix(X: unknown, name: string, minRows: number, cols?: number): Matrix {
  const m = X as Matrix;
  if (typeof X !== 'object' || X === null || !(m.data instanceof Float64Array))
    throw invalid(`${name} must be a Matrix (row-major Float64Array data); got ${describeValue(X)}`, {
      field: name,
    });
  if (!Number.isSafeInteger(m.rows) || !Number.isSafeInteger(m.cols) || m.data.length !== m.rows * m.cols)
    throw invalid(
      `${name}: a ${m.rows} × ${m.cols} matrix must hold rows × cols values; got ${m.data.length}`,
      {
        field: name,
      },
    );
  if (m.rows < minRows)
    throw invalid(`${name} must have at least ${minRows} rows; got ${m.rows}`, { field: name });
  if (cols === undefined ? m.cols < 1 : m.cols !== cols) {
    const want = cols === undefined ? 'at least 1 column' : `${cols} columns (as the data it was fitted on)`;
    throw invalid(`${name} must have ${want}; got ${m.cols}`, { field: name });
  }
  const bad = firstNonFinite(m.data);
  if (bad >= 0) {
    const row = Math.floor(bad / m.cols);
    const col = bad % m.cols;
    throw invalid(`${name} must hold finite numbers; got ${m.data[bad]} at row ${row}, column ${col}`, {
      field: name,
      row,
      col,
    });
  }
  return m;
}

/** Index of the first NaN or ±Infinity in `data`, or −1. */
function firstNonFinite(data: Float64Array): number {
  for (let i = 0; i < data.length; i++) if (!Number.isFinite(data[i]!)) return i;
  return -1;
}

/*
 * The `where`-prefixed checks below serve the tree and linear estimators, whose messages start with
 * the method name ("fit: X must …", "predict: X must have 3 columns …").
 */

/**
 * Checks `X` is a Matrix of finite values (with `cols` columns when given); messages start `where:`.
 * With `allowNaN`, NaN (a missing value) passes and only ±Infinity is refused.
 */
export function checkMatrixAt(X: Matrix, where: string, cols?: number, allowNaN = false): void {
  if (
    typeof X !== 'object' ||
    X === null ||
    !(X.data instanceof Float64Array) ||
    !Number.isInteger(X.rows) ||
    !Number.isInteger(X.cols) ||
    X.data.length !== X.rows * X.cols
  )
    throw invalid(
      `${where}: X must be a Matrix (Float64Array of rows × cols values); got ${describeValue(X)}`,
      { field: 'X' },
    );
  if (cols !== undefined && X.cols !== cols)
    throw invalid(`${where}: X must have ${cols} columns (as when fitted); got ${X.cols}`, { field: 'X' });
  const d = X.data;
  let bad = -1;
  if (allowNaN) {
    for (let i = 0; i < d.length && bad < 0; i++)
      if (d[i] === Number.POSITIVE_INFINITY || d[i] === Number.NEGATIVE_INFINITY) bad = i;
  } else bad = firstNonFinite(d);
  if (bad >= 0) {
    const row = Math.floor(bad / X.cols);
    const col = bad % X.cols;
    const what = allowNaN ? 'finite numbers or NaN (missing)' : 'finite numbers';
    throw invalid(`${where}: X must hold ${what}; got ${d[bad]} at row ${row}, column ${col}`, {
      field: 'X',
      row,
      col,
    });
  }
}

/**
 * Checks fit inputs in the `where:` style: `X` a finite Matrix with at least 1 row and 1 column, `y` a
 * Float64Array of one value per row (finite values when `finiteY`; class targets check their own).
 */
export function checkFitInputsAt(X: Matrix, y: Float64Array, where: string, finiteY: boolean): void {
  checkMatrixAt(X, where);
  if (X.rows < 1 || X.cols < 1)
    throw invalid(`${where}: X needs at least 1 row and 1 column; got ${X.rows} × ${X.cols}`, { field: 'X' });
  if (!(y instanceof Float64Array) || y.length !== X.rows)
    throw invalid(
      `${where}: y must be a Float64Array of ${X.rows} values (one per row); got ${describeValue(y)}`,
      { field: 'y' },
    );
  if (!finiteY) return;
  for (let i = 0; i < y.length; i++)
    if (!Number.isFinite(y[i]!))
      throw invalid(`${where}: y must hold finite numbers; got ${y[i]} at row ${i}`, { row: i, field: 'y' });
}

/** Checks optional sample weights in the `where:` style: `rows` finite values >= 0 with a positive sum. */
export function checkSampleWeightAt(sw: unknown, rows: number, where: string): Float64Array | undefined {
  if (sw === undefined) return undefined;
  if (!(sw instanceof Float64Array) || sw.length !== rows)
    throw invalid(
      `${where}: sampleWeight must be a Float64Array of ${rows} values; got ${describeValue(sw)}`,
      {
        field: 'sampleWeight',
      },
    );
  let total = 0;
  for (let i = 0; i < sw.length; i++) {
    const w = sw[i]!;
    if (!Number.isFinite(w) || w < 0)
      throw invalid(`${where}: sampleWeight must be finite and >= 0; got ${w} at row ${i}`, {
        row: i,
        field: 'sampleWeight',
      });
    total += w;
  }
  if (!(total > 0))
    throw invalid(`${where}: sampleWeight must have a positive sum`, { field: 'sampleWeight' });
  return sw;
}

/** Checks regression targets: a Float64Array of `rows` finite values. */
export function checkTargets(y: unknown, rows: number): Float64Array {
  if (!(y instanceof Float64Array))
    throw invalid(`y must be a Float64Array; got ${describeValue(y)}`, { field: 'y' });
  if (y.length !== rows)
    throw invalid(`y must hold one value per row of X (${rows}); got ${y.length}`, { field: 'y' });
  for (let i = 0; i < rows; i++) {
    if (!Number.isFinite(y[i]!))
      throw invalid(`y must hold finite numbers; got ${y[i]} at row ${i}`, { field: 'y', row: i });
  }
  return y;
}

/** Checks class targets (indices 0..k−1 stored as float64) and returns k = max + 1. */
export function checkClassTargets(y: unknown, rows: number): number {
  const values = checkTargets(y, rows);
  let classes = 0;
  for (let i = 0; i < rows; i++) {
    const v = values[i]!;
    if (!Number.isInteger(v) || v < 0 || v > 1e6)
      throw invalid(`y must hold class indices 0..k-1; got ${v} at row ${i}`, { field: 'y', row: i });
    if (v + 1 > classes) classes = v + 1;
  }
  return classes;
}

/** Checks optional sample weights: `rows` finite non-negative values with a positive sum. */
export function checkSampleWeight(w: unknown, rows: number): Float64Array | undefined {
  if (w === undefined) return undefined;
  if (!(w instanceof Float64Array) || w.length !== rows)
    throw invalid(
      `sampleWeight must be a Float64Array of ${rows} values (one per row); got ${describeValue(w)}`,
      {
        field: 'sampleWeight',
      },
    );
  let sum = 0;
  for (let i = 0; i < rows; i++) {
    const v = w[i]!;
    if (!Number.isFinite(v) || v < 0)
      throw invalid(`sampleWeight must hold finite numbers >= 0; got ${v} at row ${i}`, {
        field: 'sampleWeight',
        row: i,
      });
    sum += v;
  }
  if (!(sum > 0)) throw invalid('sampleWeight must have a positive sum; got 0', { field: 'sampleWeight' });
  return w;
}

/** Checks a saved model's kind and version and returns its metadata. */
export function checkSaved(saved: unknown, kind: string, version: number): SavedModel {
  const s = saved as SavedModel;
  if (typeof saved !== 'object' || saved === null || s.kind !== kind || s.version !== version)
    throw invalid(
      `expected a saved model of kind ${JSON.stringify(kind)} version ${version}; got kind ${describeValue(s?.kind)} version ${describeValue(s?.version)}`,
      { field: 'kind' },
    );
  if (typeof s.meta !== 'object' || s.meta === null || typeof s.arrays !== 'object' || s.arrays === null)
    throw invalid(`a saved ${kind} needs meta and arrays objects`, { field: 'meta' });
  return s;
}

/** A Float64Array of `length` values from a saved model's arrays. */
export function savedArray(saved: SavedModel, name: string, length: number): Float64Array {
  const a = saved.arrays[name];
  if (!(a instanceof Float64Array) || a.length !== length)
    throw invalid(
      `saved ${saved.kind}: arrays.${name} must be a Float64Array of ${length} values; got ${describeValue(a)}`,
      {
        field: `arrays.${name}`,
      },
    );
  return a;
}
