/** Input and option checks shared by the linear models (internal). */
import { describeValue, LatheError } from '../../core/index.js';
import type { Matrix } from '../matrix.js';

/** Extra inputs of a linear model's `fit`. */
export interface FitExtra {
  /** Non-negative, finite weight per row (default 1); at least one must be positive. */
  sampleWeight?: Float64Array;
}

export function invalid(message: string, field: string): LatheError {
  return new LatheError('INVALID_ARGUMENT', message, { field });
}

/** Throws for keys of `options` outside `known`. */
export function checkKnown(options: object, known: readonly string[], where: string): void {
  if (typeof options !== 'object' || options === null)
    throw invalid(`${where}: options must be an object; got ${describeValue(options)}`, 'options');
  for (const key of Object.keys(options))
    if (!known.includes(key))
      throw invalid(`${where}: unknown option ${key}; valid options: ${known.join(', ')}`, `options.${key}`);
}

/** A number option within [min, max] (`open` excludes min). */
export function numberOption(
  value: unknown,
  fallback: number,
  name: string,
  min: number,
  max = Number.POSITIVE_INFINITY,
  open = false,
): number {
  const v = value === undefined ? fallback : value;
  if (typeof v !== 'number' || !Number.isFinite(v) || v < min || v > max || (open && v === min)) {
    const lo = open ? `> ${min}` : `>= ${min}`;
    const range =
      max === Number.POSITIVE_INFINITY
        ? `a finite number ${lo}`
        : `a number in ${open ? '(' : '['}${min}, ${max}]`;
    throw invalid(`options.${name} must be ${range}; got ${describeValue(v)}`, `options.${name}`);
  }
  return v;
}

export function intOption(value: unknown, fallback: number, name: string, min: number): number {
  const v = value === undefined ? fallback : value;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min)
    throw invalid(`options.${name} must be an integer >= ${min}; got ${describeValue(v)}`, `options.${name}`);
  return v;
}

export function boolOption(value: unknown, fallback: boolean, name: string): boolean {
  const v = value === undefined ? fallback : value;
  if (typeof v !== 'boolean')
    throw invalid(`options.${name} must be a boolean; got ${describeValue(v)}`, `options.${name}`);
  return v;
}

/** Checks X is a finite Matrix (with `cols` columns when given). */
export function checkMatrix(X: Matrix, where: string, cols?: number): void {
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
      'X',
    );
  if (cols !== undefined && X.cols !== cols)
    throw invalid(`${where}: X must have ${cols} columns (as when fitted); got ${X.cols}`, 'X');
  const d = X.data;
  for (let i = 0; i < d.length; i++) {
    if (!Number.isFinite(d[i]!)) {
      const row = Math.floor(i / X.cols);
      const col = i % X.cols;
      throw new LatheError(
        'INVALID_ARGUMENT',
        `${where}: X must hold finite numbers; got ${d[i]} at row ${row}, column ${col}`,
        {
          field: 'X',
          row,
          col,
        },
      );
    }
  }
}

/** Checks fit inputs; returns the sample weights (ones when absent). */
export function checkFit(
  X: Matrix,
  y: Float64Array,
  extra: FitExtra | undefined,
  where: string,
): Float64Array {
  checkMatrix(X, where);
  if (X.rows < 1 || X.cols < 1)
    throw invalid(`${where}: X needs at least 1 row and 1 column; got ${X.rows} × ${X.cols}`, 'X');
  if (!(y instanceof Float64Array) || y.length !== X.rows)
    throw invalid(
      `${where}: y must be a Float64Array of ${X.rows} values (one per row); got ${describeValue(y)}`,
      'y',
    );
  for (let i = 0; i < y.length; i++)
    if (!Number.isFinite(y[i]!))
      throw invalid(`${where}: y must hold finite numbers; got ${y[i]} at row ${i}`, 'y');
  const sw = extra?.sampleWeight;
  if (sw === undefined) return new Float64Array(X.rows).fill(1);
  if (!(sw instanceof Float64Array) || sw.length !== X.rows)
    throw invalid(
      `${where}: sampleWeight must be a Float64Array of ${X.rows} values; got ${describeValue(sw)}`,
      'sampleWeight',
    );
  let total = 0;
  for (let i = 0; i < sw.length; i++) {
    if (!Number.isFinite(sw[i]!) || sw[i]! < 0)
      throw invalid(
        `${where}: sampleWeight must be finite and >= 0; got ${sw[i]} at row ${i}`,
        'sampleWeight',
      );
    total += sw[i]!;
  }
  if (!(total > 0)) throw invalid(`${where}: sampleWeight must have a positive sum`, 'sampleWeight');
  return sw;
}

/** Class targets: integers 0..k-1 (k = max + 1, at least 2 distinct classes). */
export function checkClasses(y: Float64Array, where: string, classes?: number): number {
  let max = 0;
  for (let i = 0; i < y.length; i++) {
    const v = y[i]!;
    if (!Number.isInteger(v) || v < 0)
      throw invalid(`${where}: y must hold class indices 0..k-1; got ${v} at row ${i}`, 'y');
    max = Math.max(max, v);
  }
  const k = classes ?? max + 1;
  if (max >= k) throw invalid(`${where}: y holds class ${max} but options.classes is ${k}`, 'y');
  const seen = new Set(y);
  if (seen.size < 2) throw invalid(`${where}: y must hold at least 2 classes; got only class ${y[0]}`, 'y');
  return k;
}

/** Reads a saved numeric array of the given length. */
export function savedArray(arrays: Record<string, unknown>, name: string, length: number): Float64Array {
  const a = arrays[name];
  if (!(a instanceof Float64Array) || a.length !== length)
    throw invalid(
      `arrays.${name} must be a Float64Array of ${length} values; got ${describeValue(a)}`,
      `arrays.${name}`,
    );
  return a;
}

/** Weighted column means of X and weighted mean of y. */
export function weightedMeans(
  X: Matrix,
  y: Float64Array,
  sw: Float64Array,
): { xMean: Float64Array; yMean: number } {
  const { rows, cols, data } = X;
  const xMean = new Float64Array(cols);
  let yMean = 0;
  let total = 0;
  for (let i = 0; i < rows; i++) {
    const w = sw[i]!;
    total += w;
    yMean += w * y[i]!;
    const o = i * cols;
    for (let j = 0; j < cols; j++) xMean[j]! += w * data[o + j]!;
  }
  for (let j = 0; j < cols; j++) xMean[j]! /= total;
  return { xMean, yMean: yMean / total };
}
