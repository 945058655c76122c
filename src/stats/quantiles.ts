import { checkNumeric, invalid, type NumericArray, sortedFinite } from './check.js';

/** Options of {@link quantile}. */
export interface QuantileOptions {
  /**
   * The caller promises `values` is sorted ascending with any NaN at the end (the order
   * `Float64Array.prototype.sort` and {@link sortedValues} produce), so no copy is sorted.
   * The order is checked in one pass; an unsorted input is refused. Default false.
   */
  sorted?: boolean;
}

/**
 * The non-NaN values of `values` in a new Float64Array, sorted ascending (infinities kept at the
 * ends). Sort once with this, then pass the result with `{ sorted: true }` to several quantile calls.
 * @throws LatheError INVALID_ARGUMENT if `values` is not a Float64Array or number[].
 */
export function sortedValues(values: NumericArray): Float64Array {
  checkNumeric('values', values, false);
  return sortedFinite(values);
}

function checkQ(name: string, q: unknown): number {
  if (typeof q !== 'number' || !(q >= 0 && q <= 1)) invalid(name, 'a quantile between 0 and 1', q);
  return q;
}

/** The non-NaN prefix of an input promised sorted (NaN only at the end); refuses any other order. */
function sortedPrefix(values: NumericArray): NumericArray {
  let end = values.length;
  while (end > 0 && Number.isNaN(values[end - 1]!)) end--;
  for (let i = 1; i < end; i++) {
    const prev = values[i - 1]!;
    const v = values[i]!;
    if (!(prev <= v)) {
      invalid(
        'values',
        'values sorted ascending with NaN only at the end (options.sorted is true)',
        `${v} after ${prev} at index ${i}`,
      );
    }
  }
  return end === values.length ? values : values.slice(0, end);
}

/**
 * numpy's linear method (Hyndman & Fan type 7) on `s`, sorted ascending and NaN-free, n > 0.
 * The virtual index and the two-sided lerp are numpy's own formulas, so results agree to the last bit
 * in ordinary cases. Where numpy would return NaN from an infinite neighbour, this returns the
 * infinity.
 */
function linear(s: NumericArray, q: number): number {
  const n = s.length;
  const virtual = n * q + (1 - q) - 1;
  if (virtual >= n - 1) return s[n - 1]!;
  if (virtual <= 0) return s[0]!;
  const below = Math.floor(virtual);
  const t = virtual - below;
  const a = s[below]!;
  const b = s[below + 1]!;
  if (t === 0 || a === b) return a;
  const diff = b - a;
  // An infinite neighbour wins (numpy's formula would give inf − inf = NaN); −∞ to +∞ stays NaN.
  if (!Number.isFinite(diff)) return Number.isFinite(a) ? b : Number.isFinite(b) ? a : Number.NaN;
  return t >= 0.5 ? b - diff * (1 - t) : a + diff * t;
}

/**
 * Quantile(s) of the non-NaN values with numpy's default linear interpolation (type 7, as
 * `numpy.nanquantile(values, q)` and pandas `Series.quantile`): for n values sorted ascending, q maps
 * to the virtual index (n−1)·q and the result interpolates its two neighbours. `q` is a number in
 * [0, 1] (the result is a number) or an array of them (the result is an array in the same order;
 * the data are sorted once for all of them). All-NaN input gives NaN for every q. Infinities are
 * values; interpolating towards one gives that infinity (numpy gives NaN there).
 * Cost: one copy and one O(n log n) sort, none with `{ sorted: true }`.
 * @throws LatheError INVALID_ARGUMENT for empty or non-numeric values, a q outside [0, 1] or an
 *   unsorted input under `sorted: true`.
 */
export function quantile(values: NumericArray, q: number, options?: QuantileOptions): number;
export function quantile(values: NumericArray, q: readonly number[], options?: QuantileOptions): number[];
export function quantile(
  values: NumericArray,
  q: number | readonly number[],
  options: QuantileOptions = {},
): number | number[] {
  checkNumeric('values', values);
  const qs = Array.isArray(q) ? q.map((x, i) => checkQ(`q[${i}]`, x)) : [checkQ('q', q)];
  const sorted = options.sorted === true ? sortedPrefix(values) : sortedFinite(values);
  const out = qs.map((x) => (sorted.length === 0 ? Number.NaN : linear(sorted, x)));
  return Array.isArray(q) ? out : out[0]!;
}

/**
 * Median of the non-NaN values: `quantile(values, 0.5)`.
 * @throws LatheError INVALID_ARGUMENT for an empty or non-numeric input.
 */
export function median(values: NumericArray, options?: QuantileOptions): number {
  return quantile(values, 0.5, options);
}
