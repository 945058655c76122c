/**
 * Worker-thread tasks of {@link numericDriftMany} (see numeric-drift.ts): one feature's two samples
 * sorted and merged. Also called on the main thread for small inputs, so both paths share the code.
 */
import { isMainThread } from 'node:worker_threads';
import { LatheError } from '../core/index.js';
import { type KsWassersteinResult, ksWassersteinSorted, SortWorkspace, sortFinite } from '../stats/index.js';

/** Sort memory reused by the tasks of a worker thread (about 32 bytes per value of its largest pair). */
const workspaces = isMainThread ? undefined : ([new SortWorkspace(), new SortWorkspace()] as const);

/** Arguments of {@link numericDriftPair}: the two samples of pair `index` (NaN = missing). */
export interface NumericDriftPairArgs {
  a: Float64Array;
  b: Float64Array;
  index: number;
  /** Bin edges (ascending, at least 2) to count both samples on, as `histogram` of src/stats does. */
  edges?: readonly number[];
  /** At most this many values per side feed KS and Wasserstein (an evenly spaced sample beyond). */
  sampleSize?: number;
}

/** One side's counts on the edges: values beyond the ends in the end bins, and how many lie beyond. */
export interface SideBins {
  counts: number[];
  below: number;
  above: number;
}

/** KS and Wasserstein (on all values or a sample), and both sides' bins when edges were given. */
export interface NumericDrift extends KsWassersteinResult {
  bins: { a: SideBins; b: SideBins } | null;
  /** Values per side that fed KS and Wasserstein. */
  sample: { a: number; b: number };
}

/** First index of `sorted` whose value is >= x (or > x with `after`). */
function bound(sorted: Float64Array, x: number, after: boolean): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (after ? sorted[mid]! <= x : sorted[mid]! < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Counts of a sorted, NaN-free sample on `edges` as `histogram` counts them: bins half-open, the
 * last one closed, values below or above the edges (infinities too) in the end bins.
 */
export function sortedBins(sorted: Float64Array, edges: readonly number[]): SideBins {
  const bins = edges.length - 1;
  const n = sorted.length;
  const counts = new Array<number>(bins);
  let start = 0;
  for (let i = 0; i < bins; i++) {
    const end = i === bins - 1 ? n : bound(sorted, edges[i + 1]!, false);
    counts[i] = end - start;
    start = end;
  }
  return { counts, below: bound(sorted, edges[0]!, false), above: n - bound(sorted, edges[bins]!, true) };
}

/**
 * The counts {@link sortedBins} gives, from unsorted values (NaN skipped), without a sort: each
 * value's bin is guessed from its position in the range and corrected against the edges.
 */
export function countedBins(values: Float64Array, edges: readonly number[]): SideBins {
  const bins = edges.length - 1;
  const counts = new Float64Array(bins);
  const lo = edges[0]!;
  const hi = edges[bins]!;
  const e = Float64Array.from(edges);
  const scale = bins / (hi - lo);
  let below = 0;
  let above = 0;
  for (let k = 0; k < values.length; k++) {
    const x = values[k]!;
    if (Number.isNaN(x)) continue;
    if (x < lo) {
      below++;
      counts[0]!++;
    } else if (x >= hi) {
      if (x > hi) above++;
      counts[bins - 1]!++;
    } else {
      // The last edge <= x: guessed as if the bins were equal-width, then corrected (exact for
      // any edges, and rarely more than the guess when they are equal-width, as drift's are).
      let g = Math.floor((x - lo) * scale);
      if (g > bins - 1) g = bins - 1;
      else if (!(g >= 0)) g = 0;
      while (g > 0 && e[g]! > x) g--;
      while (g < bins - 1 && e[g + 1]! <= x) g++;
      counts[g]!++;
    }
  }
  return { counts: Array.from(counts), below, above };
}

/** Every ⌈n / size⌉-th… evenly spaced `size` values of `values` (in their order), or all of them. */
function spaced(values: Float64Array, size: number | undefined): Float64Array {
  if (!size || values.length <= size) return values;
  const out = new Float64Array(size);
  const step = values.length / size;
  for (let i = 0; i < size; i++) out[i] = values[Math.floor(i * step)]!;
  return out;
}

function sortedNonEmpty(values: Float64Array, name: string, workspace?: SortWorkspace): Float64Array {
  const sorted = sortFinite(values, workspace);
  if (sorted.length === 0)
    throw new LatheError(
      'INVALID_ARGUMENT',
      `${name}: expected at least one non-NaN value, got ${values.length} NaN values`,
      { argument: name },
    );
  return sorted;
}

/**
 * KS (method 'auto') and Wasserstein-1 of one pair of samples, NaN dropped: sorts both
 * ({@link sortFinite}) and merges them once ({@link ksWassersteinSorted}).
 * @throws LatheError INVALID_ARGUMENT when a sample has no non-NaN value.
 */
export function numericDriftPair(args: NumericDriftPairArgs): NumericDrift {
  const sampled = !!args.sampleSize && (args.a.length > args.sampleSize || args.b.length > args.sampleSize);
  // KS and Wasserstein on both samples sorted (in the worker's own sort memory); bins from the
  // sorted values when they are all of them, else counted on the whole of each side.
  const a = sortedNonEmpty(
    sampled ? spaced(args.a, args.sampleSize) : args.a,
    `pairs[${args.index}].a`,
    workspaces?.[0],
  );
  const b = sortedNonEmpty(
    sampled ? spaced(args.b, args.sampleSize) : args.b,
    `pairs[${args.index}].b`,
    workspaces?.[1],
  );
  const bins = !args.edges
    ? null
    : sampled
      ? { a: countedBins(args.a, args.edges), b: countedBins(args.b, args.edges) }
      : { a: sortedBins(a, args.edges), b: sortedBins(b, args.edges) };
  return { ...ksWassersteinSorted(a, b), bins, sample: { a: a.length, b: b.length } };
}
