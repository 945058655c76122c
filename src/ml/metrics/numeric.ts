/**
 * Shared helpers of the metrics: numpy-compatible summation (so values agree with scikit-learn to
 * the last bits) and input validation with clear errors.
 */
import { LatheError } from '../../core/index.js';
import type { Matrix } from '../matrix.js';

/** Options every metric that scikit-learn weights accepts. */
export interface WeightOptions {
  /** One non-negative finite weight per sample; omitted means every sample weighs 1. */
  sampleWeight?: Float64Array;
}

/** Throws LatheError INVALID_ARGUMENT with `message`. */
export function fail(message: string, argument?: string): never {
  throw new LatheError('INVALID_ARGUMENT', message, argument === undefined ? undefined : { argument });
}

/**
 * Sum of `n` values `get(0..n-1)` in numpy's order (pairwise summation with 8 accumulators in
 * blocks of 128, as `numpy.add.reduce` over a contiguous float64 array), so sums, means and
 * weighted averages round exactly as numpy's do.
 */
export function pairwiseSum(get: (i: number) => number, start: number, n: number): number {
  if (n < 8) {
    let res = 0;
    for (let i = 0; i < n; i++) res += get(start + i);
    return res;
  }
  if (n <= 128) {
    const r = [0, 1, 2, 3, 4, 5, 6, 7].map((j) => get(start + j));
    const end = n - (n % 8);
    for (let i = 8; i < end; i += 8) for (let j = 0; j < 8; j++) r[j]! += get(start + i + j);
    let res = r[0]! + r[1]! + (r[2]! + r[3]!) + (r[4]! + r[5]! + (r[6]! + r[7]!));
    for (let i = end; i < n; i++) res += get(start + i);
    return res;
  }
  let n2 = Math.floor(n / 2);
  n2 -= n2 % 8;
  return pairwiseSum(get, start, n2) + pairwiseSum(get, start + n2, n - n2);
}

/** numpy's `values.sum()`. */
export function sum(values: ArrayLike<number>): number {
  return pairwiseSum((i) => values[i]!, 0, values.length);
}

/** numpy's `np.average(values, weights)`: the mean without weights, Σvw / Σw with them. */
export function average(values: ArrayLike<number>, weights?: ArrayLike<number>): number {
  if (weights === undefined) return sum(values) / values.length;
  const total = sum(weights);
  if (total === 0)
    fail('the sample weights sum to zero, so the weighted average is undefined', 'sampleWeight');
  return pairwiseSum((i) => values[i]! * weights[i]!, 0, values.length) / total;
}

/** Checks `values` is a non-empty Float64Array of finite numbers; names the first bad index. */
export function checkFinite(name: string, values: unknown, length?: number): asserts values is Float64Array {
  if (!(values instanceof Float64Array)) fail(`${name}: expected a Float64Array`, name);
  if (values.length === 0) fail(`${name}: expected at least one value, got an empty array`, name);
  if (length !== undefined && values.length !== length)
    fail(`${name} has ${values.length} values but yTrue has ${length}; the lengths must match`, name);
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (!Number.isFinite(v)) fail(`${name}[${i}] is ${v}; metrics need finite numbers (no NaN or Inf)`, name);
  }
}

/** Checks class indices: finite non-negative integers (below `classes` when given). */
export function checkLabels(name: string, values: unknown, length?: number, classes?: number): Float64Array {
  checkFinite(name, values, length);
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (!Number.isInteger(v) || v < 0)
      fail(`${name}[${i}] is ${v}; expected a class index (a non-negative integer)`, name);
    if (classes !== undefined && v >= classes)
      fail(`${name}[${i}] is class ${v}, outside the ${classes} classes 0..${classes - 1}`, name);
  }
  return values;
}

/** Validates optional sample weights against `length`; returns them (or undefined). */
export function checkWeights(weights: Float64Array | undefined, length: number): Float64Array | undefined {
  if (weights === undefined) return undefined;
  checkFinite('sampleWeight', weights, length);
  for (let i = 0; i < weights.length; i++)
    if (weights[i]! < 0)
      fail(`sampleWeight[${i}] is ${weights[i]}; weights must be non-negative`, 'sampleWeight');
  return weights;
}

/** Checks a probability (or score) matrix: rows match yTrue, all finite. */
export function checkMatrix(name: string, m: Matrix, rows: number): void {
  if (m === null || typeof m !== 'object' || !(m.data instanceof Float64Array))
    fail(`${name}: expected a Matrix (rows × classes) or a Float64Array`, name);
  if (m.rows !== rows) fail(`${name} has ${m.rows} rows but yTrue has ${rows}; the lengths must match`, name);
  if (m.data.length !== m.rows * m.cols)
    fail(`${name}: a ${m.rows} × ${m.cols} matrix needs ${m.rows * m.cols} values`, name);
  for (let i = 0; i < m.data.length; i++) {
    const v = m.data[i]!;
    if (!Number.isFinite(v))
      fail(
        `${name} row ${Math.floor(i / m.cols)}, column ${i % m.cols} is ${v}; expected a finite number`,
        name,
      );
  }
}

/**
 * Checks each row of `m` sums to 1 within numpy.allclose's tolerance (|s − 1| ≤ 1e-8 + 1e-5·|s|),
 * the test scikit-learn applies to multiclass probabilities.
 */
export function checkRowsSumToOne(name: string, m: Matrix): void {
  for (let r = 0; r < m.rows; r++) {
    const s = pairwiseSum((j) => m.data[r * m.cols + j]!, 0, m.cols);
    if (!(Math.abs(s - 1) <= 1e-8 + 1e-5 * Math.abs(s)))
      fail(`${name} row ${r} sums to ${s}; class probabilities must sum to 1 (tolerance 1e-5)`, name);
  }
}

/** Checks values lie in [0, 1]. */
export function checkProbabilities(name: string, values: Float64Array): void {
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (v < 0 || v > 1) fail(`${name}[${i}] is ${v}; probabilities must lie in [0, 1]`, name);
  }
}

/** The distinct values of the given arrays, sorted ascending. */
export function uniqueSorted(...arrays: Float64Array[]): number[] {
  const set = new Set<number>();
  for (const a of arrays) for (const v of a) set.add(v);
  return [...set].sort((a, b) => a - b);
}

/** Column `c` of `m` as a new Float64Array. */
export function column(m: Matrix, c: number): Float64Array {
  const out = new Float64Array(m.rows);
  for (let r = 0; r < m.rows; r++) out[r] = m.data[r * m.cols + c]!;
  return out;
}
