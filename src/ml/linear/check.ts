/** Input and option checks shared by the linear models (internal). */
import { describeValue, type LatheError } from '../../core/index.js';
import { checkFitInputsAt, checkSampleWeightAt, invalid as invalidWith } from '../input-checks.js';
/** Checks `X` is a finite Matrix (with `cols` columns when given); messages start `where:`. */
export { checkMatrixAt as checkMatrix } from '../input-checks.js';
import type { Matrix } from '../matrix.js';

/** Extra inputs of a linear model's `fit`. */
export interface FitExtra {
  /** Non-negative, finite weight per row (default 1); at least one must be positive. */
  sampleWeight?: Float64Array;
}

export function invalid(message: string, field: string): LatheError {
  return invalidWith(message, { field });
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

/** Checks fit inputs; returns the sample weights (ones when absent). */
export function checkFit(
  X: Matrix,
  y: Float64Array,
  extra: FitExtra | undefined,
  where: string,
): Float64Array {
  checkFitInputsAt(X, y, where, true);
  return checkSampleWeightAt(extra?.sampleWeight, X.rows, where) ?? new Float64Array(X.rows).fill(1);
}

/** Class targets: integers 0..k-1 (k = max + 1, at least 2 distinct classes). */
export function checkClasses(y: Float64Array, where: string, classes?: number): number {
  let max = 0;
  let distinct = false;
  const first = y[0];
  for (let i = 0; i < y.length; i++) {
    const v = y[i]!;
    if (!Number.isInteger(v) || v < 0)
      throw invalid(`${where}: y must hold class indices 0..k-1; got ${v} at row ${i}`, 'y');
    if (v > max) max = v;
    if (v !== first) distinct = true;
  }
  const k = classes ?? max + 1;
  if (max >= k) throw invalid(`${where}: y holds class ${max} but options.classes is ${k}`, 'y');
  if (!distinct) throw invalid(`${where}: y must hold at least 2 classes; got only class ${first}`, 'y');
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
