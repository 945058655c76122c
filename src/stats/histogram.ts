import { LatheError } from '../core/index.js';
import { checkNumeric, invalid, type NumericArray } from './check.js';

/**
 * A fixed-bin histogram that can be stored as JSON and used later to bin new data on the same
 * edges (the reference side of a drift comparison).
 * - `edges`: bins + 1 finite, strictly increasing numbers; bin i is [edges[i], edges[i+1]), the last
 *   bin also holds its right edge.
 * - `counts`: one count per bin; values below the first edge are in bin 0, values above the last
 *   edge in the last bin (infinities included), so every non-NaN value is counted.
 * - `missing`: the number of NaN values, which are in no bin.
 * - `total`: all values seen: the sum of `counts` plus `missing`.
 */
export interface HistogramSketch {
  edges: number[];
  counts: number[];
  missing: number;
  total: number;
}

function checkEdge(name: string, x: unknown): number {
  if (typeof x !== 'number' || !Number.isFinite(x)) invalid(name, 'a finite number', x);
  return x;
}

/**
 * `bins + 1` equally spaced edges from `min` to `max`, as `numpy.histogram_bin_edges(a, bins,
 * range=(min, max))` (numpy's linspace: edge i is `min + i·step`, the last edge exactly `max`).
 * When `min === max` the range is widened to [min − 0.5, max + 0.5], as numpy does.
 * @throws LatheError INVALID_ARGUMENT unless min and max are finite with min <= max and bins is
 *   a positive integer.
 */
export function histogramEdges(min: number, max: number, bins: number): number[] {
  checkEdge('min', min);
  checkEdge('max', max);
  if (!(min <= max)) invalid('max', `a number >= min (${min})`, max);
  if (typeof bins !== 'number' || !Number.isInteger(bins) || bins < 1) {
    invalid('bins', 'a positive integer', bins);
  }
  let lo = min;
  let hi = max;
  if (lo === hi) {
    lo -= 0.5;
    hi += 0.5;
  }
  const delta = hi - lo;
  const step = delta / bins;
  const edges = new Array<number>(bins + 1);
  for (let i = 0; i < bins; i++) edges[i] = step === 0 ? (i / bins) * delta + lo : i * step + lo;
  edges[bins] = hi;
  return edges;
}

/** Checks edges: at least 2 finite, strictly increasing numbers; returns them as a Float64Array. */
function checkEdges(name: string, edges: unknown): Float64Array {
  if (!(edges instanceof Float64Array) && !Array.isArray(edges)) {
    invalid(name, 'an array of at least 2 finite, increasing bin edges', edges);
  }
  if (edges.length < 2) invalid(name, 'at least 2 bin edges', edges);
  const out = new Float64Array(edges.length);
  for (let i = 0; i < edges.length; i++) {
    out[i] = checkEdge(`${name}[${i}]`, edges[i]);
    if (i > 0 && !(out[i]! > out[i - 1]!)) {
      invalid(`${name}[${i}]`, `an edge greater than the one before (${out[i - 1]})`, edges[i]);
    }
  }
  return out;
}

/**
 * Counts `values` into the bins delimited by `edges` (see {@link HistogramSketch} for the rules:
 * half-open bins, the last one closed, out-of-range values clamped into the end bins, NaN counted as
 * `missing`). For in-range values the counts equal `numpy.histogram(values, edges)`. O(n log bins),
 * one pass, no per-value allocation.
 * @throws LatheError INVALID_ARGUMENT for non-numeric values, or edges that are not at least 2
 *   finite, strictly increasing numbers.
 */
export function histogram(values: NumericArray, edges: readonly number[] | Float64Array): HistogramSketch {
  checkNumeric('values', values, false);
  const e = checkEdges('edges', edges);
  const bins = e.length - 1;
  const counts = new Float64Array(bins);
  let missing = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (Number.isNaN(v)) {
      missing++;
      continue;
    }
    // Largest bin index b with e[b] <= v, clamped to [0, bins - 1].
    let lo = 0;
    let hi = bins;
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1;
      if (e[mid]! <= v) lo = mid;
      else hi = mid - 1;
    }
    counts[lo === bins ? bins - 1 : lo]!++;
  }
  return { edges: Array.from(e), counts: Array.from(counts), missing, total: values.length };
}

/**
 * Bins new data on a stored sketch's edges: `histogram(values, sketch.edges)`. The result has the
 * same bins as the sketch, so its counts pair with the sketch's counts for {@link psi},
 * {@link jensenShannon} or {@link chiSquareHomogeneity}.
 * @throws LatheError INVALID_ARGUMENT if the sketch has no valid edges or values are not numeric.
 */
export function binWithSketch(values: NumericArray, sketch: HistogramSketch): HistogramSketch {
  if (typeof sketch !== 'object' || sketch === null) invalid('sketch', 'a HistogramSketch', sketch);
  return histogram(values, sketch.edges);
}

/**
 * A reference sketch of `values`: `bins` equal-width bins between the smallest and largest finite
 * values (infinities fall into the end bins), or over [0, 1] when there is no finite value, as numpy.
 * @throws LatheError INVALID_ARGUMENT for non-numeric values or a bins that is not a positive integer.
 */
export function histogramSketch(values: NumericArray, bins = 10): HistogramSketch {
  checkNumeric('values', values, false);
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (v - v !== 0) continue; // NaN and infinities
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  if (lo > hi) {
    lo = 0;
    hi = 1;
  }
  return histogram(values, histogramEdges(lo, hi, bins));
}

/**
 * Category frequencies of a string column: `counts` maps each category to its count, ordered by
 * count descending (ties in order of first appearance); `missing` counts null and undefined;
 * `total` is the number of values. Serialize with `Object.fromEntries(result.counts)`.
 */
export interface CategoricalCounts {
  counts: Map<string, number>;
  missing: number;
  total: number;
}

/**
 * Counts the categories of `values` (null or undefined is missing). One pass plus a sort of the
 * distinct categories.
 * @throws LatheError INVALID_ARGUMENT if `values` is not an array, or holds something other than
 *   strings and null.
 */
export function categoricalCounts(values: readonly (string | null | undefined)[]): CategoricalCounts {
  if (!Array.isArray(values)) invalid('values', 'an array of strings (null for missing)', values);
  const seen = new Map<string, number>();
  let missing = 0;
  for (let i = 0; i < values.length; i++) {
    const v: unknown = values[i];
    if (v === null || v === undefined) missing++;
    else if (typeof v === 'string') seen.set(v, (seen.get(v) ?? 0) + 1);
    else invalid(`values[${i}]`, 'a string or null', v);
  }
  const ordered = [...seen].sort((a, b) => b[1] - a[1]);
  return { counts: new Map(ordered), missing, total: values.length };
}

/**
 * Puts two categorical count tables on the same categories, for the count-based drift statistics:
 * `categories` lists the reference's categories in its order, then categories only the current
 * data has, in its order; `reference[i]` and `current[i]` are the counts of `categories[i]`
 * (0 where a side never saw it). Missing values are left out.
 * @throws LatheError INVALID_ARGUMENT if either argument has no `counts` map.
 */
export function alignCategories(
  reference: CategoricalCounts,
  current: CategoricalCounts,
): { categories: string[]; reference: number[]; current: number[] } {
  for (const [name, c] of [
    ['reference', reference],
    ['current', current],
  ] as const) {
    if (typeof c !== 'object' || c === null || !(c.counts instanceof Map)) {
      throw new LatheError('INVALID_ARGUMENT', `${name}: expected CategoricalCounts with a counts Map`, {
        argument: name,
      });
    }
  }
  const categories = [...reference.counts.keys()];
  for (const key of current.counts.keys()) if (!reference.counts.has(key)) categories.push(key);
  return {
    categories,
    reference: categories.map((k) => reference.counts.get(k) ?? 0),
    current: categories.map((k) => current.counts.get(k) ?? 0),
  };
}
