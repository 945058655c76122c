/**
 * Feature binning for histogram boosting (internal): up to `maxBins` quantile bins per numeric
 * feature from a sample of rows (edges halfway between consecutive distinct sampled values), the
 * category code as the bin of a categorical feature, and one reserved bin for missing values (NaN)
 * after the value bins. Bin `b` of a numeric feature holds the values `v` with
 * `upper[b − 1] < v <= upper[b]`, so "bins <= b go left" is exactly "x <= upper[b]" on raw values.
 */
import { invalid } from '../input-checks.js';
import type { Matrix } from '../matrix.js';
import { argsort, type SortScratch, sortScratch } from '../../stats/index.js';
import { SeededRandom } from '../seeded-random.js';

/** The largest category code a categorical feature may hold. */
const MAX_CATEGORY = 254;

/** Binned training data. */
export interface BinnedData {
  rows: number;
  cols: number;
  /** Column-major bins: the bin of row `r`, feature `f` is `colBins[f * rows + r]`. */
  colBins: Uint8Array;
  /** Row-major histogram slot of each cell: `slot[r * cols + f] = offset[f] + bin`. */
  slot: Uint16Array | Uint32Array;
  /** Value bins per feature; the missing bin of feature `f` is `nBins[f]`. */
  nBins: Int32Array;
  /** First histogram slot of each feature (`cols + 1` values; the last is the total). */
  offset: Int32Array;
  /** Upper bounds of the value bins per numeric feature (the last is +Infinity); empty for categorical. */
  upper: Float64Array[];
  /** 1 for categorical features. */
  categorical: Uint8Array;
}

/** Midpoint of a < b that is >= a and < b. */
function midpoint(a: number, b: number): number {
  const m = a + (b - a) / 2;
  return m < b ? m : a;
}

/**
 * Buffers reused from column to column while binning (one set per thread): fresh buffers of a few
 * megabytes per column cost mostly page faults, which two threads binning at once contend for.
 */
interface BinScratch {
  values: Float64Array;
  counts: Int32Array;
  /** For columns binned from all their rows (binAllRows) only. */
  rowOf: Int32Array;
  sorted: Float64Array;
  sort: SortScratch;
}

/** Binning buffers for columns of `rows` values, or of a `sample` of them (no sort buffers then). */
function binScratch(rows: number, sample: Int32Array | null): BinScratch {
  const n = sample ? sample.length : rows;
  const all = !sample;
  return {
    values: new Float64Array(n),
    counts: new Int32Array(n),
    rowOf: new Int32Array(all ? rows : 0),
    sorted: new Float64Array(all ? rows : 0),
    sort: sortScratch(all ? rows : 0),
  };
}

/**
 * Upper bin bounds from sorted finite values (at most `maxBins` bins, equal-count quantiles);
 * `scratch` has room for the values (its `values` may be `sorted` itself).
 */
function binBounds(sorted: Float64Array, maxBins: number, scratch: BinScratch): Float64Array {
  const n = sorted.length;
  if (n === 0) return Float64Array.of(Number.POSITIVE_INFINITY);
  // The distinct values and their counts (typed arrays: this runs on every feature of a fit);
  // distinct values are written at or behind the value read, so they may overwrite `sorted`.
  const distinct = scratch.values;
  const counts = scratch.counts;
  const d = distinctCounts(sorted, distinct, counts);
  const bounds: number[] = [];
  if (d <= maxBins) {
    for (let i = 0; i + 1 < d; i++) bounds.push(midpoint(distinct[i]!, distinct[i + 1]!));
  } else greedyBounds(distinct, counts, d, n, maxBins, bounds);
  bounds.push(Number.POSITIVE_INFINITY);
  return Float64Array.from(bounds);
}

// The loops over a column's rows are functions that end with their loop, so V8's compiled loop never
// leaves into code without type feedback (see docs/ml.md, "Loops and V8").

/**
 * The distinct values of `sorted` into `distinct` and how many times each occurs into `counts`
 * (which may be `sorted` itself: a value is written at or behind the one read); answers how many.
 */
function distinctCounts(sorted: Float64Array, distinct: Float64Array, counts: Int32Array): number {
  let d = 0;
  for (let i = 0; i < sorted.length; i++) {
    const v = sorted[i]!;
    if (d > 0 && distinct[d - 1] === v) counts[d - 1]!++;
    else {
      distinct[d] = v;
      counts[d++] = 1;
    }
  }
  return d;
}

/**
 * Greedy equal-count bins of `n` values with `d` distinct ones: a bin closes once the cumulative
 * count reaches its quantile target; pushes the bounds (at most `maxBins − 1`).
 */
function greedyBounds(
  distinct: Float64Array,
  counts: Int32Array,
  d: number,
  n: number,
  maxBins: number,
  bounds: number[],
): void {
  let cum = 0;
  let bin = 0;
  for (let i = 0; i + 1 < d && bounds.length < maxBins - 1; i++) {
    cum += counts[i]!;
    const remainingBins = maxBins - bounds.length;
    const target = cum >= ((bin + 1) * n) / maxBins || d - i - 1 <= remainingBins - 1;
    if (target) {
      bounds.push(midpoint(distinct[i]!, distinct[i + 1]!));
      bin = Math.max(bin + 1, Math.floor((cum * maxBins) / n));
    }
  }
}

/**
 * The bin of finite value `v` for `upper` bounds: the first bound >= v (`upper` ends with
 * +Infinity). A branch-free binary search (halving a window), about 1.5× faster than a branching
 * one on unpredictable values.
 */
export function binOf(upper: Float64Array, v: number): number {
  let lo = 0;
  let len = upper.length;
  while (len > 1) {
    const half = len >>> 1;
    lo += +(v > upper[lo + half - 1]!) * half;
    len -= half;
  }
  return lo;
}

/** Allocates a typed array on a SharedArrayBuffer when `shared`. */
export function alloc<T extends Uint8Array | Uint16Array | Uint32Array | Int32Array | Float64Array>(
  ctor: { new (b: ArrayBufferLike): T; new (n: number): T; BYTES_PER_ELEMENT: number },
  length: number,
  shared: boolean,
): T {
  return shared ? new ctor(new SharedArrayBuffer(length * ctor.BYTES_PER_ELEMENT)) : new ctor(length);
}

/** The numeric features to bin, column-major values (`colData[f * rows + r]`) and where bins go. */
export interface NumericBinJob {
  colData: Float64Array;
  rows: number;
  /** Rows sampled for the bin edges (ascending), or null for all rows. */
  sample: Int32Array | null;
  maxBins: number;
  features: Int32Array;
  /** Column-major bins, written for `features`. */
  colBins: Uint8Array;
}

/** Bins the numeric features of a job and returns their upper bounds in `features` order. */
export type NumericBinner = (job: NumericBinJob) => Float64Array[];

/**
 * Bins numeric feature `f` of a job into its `colBins` column and returns its upper bounds (at
 * most `maxBins` bins, 255 when the feature has missing values).
 */
function binNumeric(job: NumericBinJob, f: number, scratch: BinScratch): Float64Array {
  const { colData, rows, sample, maxBins } = job;
  const col = colData.subarray(f * rows, (f + 1) * rows);
  const out = job.colBins.subarray(f * rows, (f + 1) * rows);
  if (!sample) return binAllRows(col, out, maxBins, scratch);
  const missing = hasNaN(col);
  const k = sampledValues(col, sample, scratch.values);
  const sorted = scratch.values.subarray(0, k).sort();
  const bounds = binBounds(sorted, missing ? Math.min(maxBins, 255) : maxBins, scratch);
  binEach(col, bounds, out);
  return bounds;
}

/** Whether `col` holds a NaN. */
function hasNaN(col: Float64Array): boolean {
  for (let r = 0; r < col.length; r++) if (Number.isNaN(col[r]!)) return true;
  return false;
}

/** The finite values of `col` at the `sample` rows, into `values`; answers how many. */
function sampledValues(col: Float64Array, sample: Int32Array, values: Float64Array): number {
  let k = 0;
  for (let i = 0; i < sample.length; i++) {
    const v = col[sample[i]!]!;
    if (!Number.isNaN(v)) values[k++] = v;
  }
  return k;
}

/** The bin of every row of `col` by its `bounds` (NaN: the missing bin, after the value bins). */
function binEach(col: Float64Array, bounds: Float64Array, out: Uint8Array): void {
  const nb = bounds.length;
  const last = nb - 1;
  const top = nb > 1 ? bounds[last - 1]! : Number.NEGATIVE_INFINITY;
  for (let r = 0; r < col.length; r++) {
    const v = col[r]!;
    out[r] = Number.isNaN(v) ? nb : v > top ? last : binOf(bounds, v);
  }
}

/**
 * Bins a column whose bounds come from all its rows: the finite values are sorted with their rows
 * (stats `argsort`, a radix sort), the bounds taken from the sorted values, and each row's bin written by one
 * walk up the sorted order (the bin of `v` is the first bound >= v, as {@link binOf} finds).
 */
function binAllRows(col: Float64Array, out: Uint8Array, maxBins: number, scratch: BinScratch): Float64Array {
  const rows = col.length;
  const { values, rowOf } = scratch;
  const k = finiteRows(col, values, rowOf);
  const order = argsort(values.subarray(0, k), scratch.sort);
  const sorted = scratch.sorted.subarray(0, k);
  gather(values, order, sorted);
  const bounds = binBounds(sorted, k < rows ? Math.min(maxBins, 255) : maxBins, scratch);
  if (k < rows) out.fill(bounds.length);
  binSorted(sorted, bounds, order, rowOf, out);
  return bounds;
}

/** The finite values of `col` into `values` and their rows into `rowOf`; answers how many. */
function finiteRows(col: Float64Array, values: Float64Array, rowOf: Int32Array): number {
  let k = 0;
  for (let r = 0; r < col.length; r++) {
    const v = col[r]!;
    if (Number.isNaN(v)) continue;
    values[k] = v;
    rowOf[k++] = r;
  }
  return k;
}

/** `out[i]` ← `values[order[i]]` for every `i` of `out`. */
function gather(values: Float64Array, order: Uint32Array, out: Float64Array): void {
  for (let i = 0; i < out.length; i++) out[i] = values[order[i]!]!;
}

/**
 * The bins of the rows of `sorted` (ascending; value `i` is at row `rowOf[order[i]]`), by one walk
 * up the `bounds`.
 */
function binSorted(
  sorted: Float64Array,
  bounds: Float64Array,
  order: Uint32Array,
  rowOf: Int32Array,
  out: Uint8Array,
): void {
  let b = 0;
  for (let i = 0; i < sorted.length; i++) {
    const v = sorted[i]!;
    while (v > bounds[b]!) b++;
    out[rowOf[order[i]!]!] = b;
  }
}

/**
 * Bins the job's features `features[i]` for each `i = next()` until it reaches the feature count,
 * and stores bounds `i` at `bounds[stride * i ..]`, their count at `counts[i]` (a thread's part of
 * a parallel binning: the threads take features from one shared counter, so a thread that starts
 * late or runs slower takes fewer).
 */
export function binClaimed(
  job: NumericBinJob,
  next: () => number,
  bounds: Float64Array,
  counts: Int32Array,
  stride: number,
): void {
  const scratch = binScratch(job.rows, job.sample);
  for (let i = next(); i < job.features.length; i = next()) {
    const u = binNumeric(job, job.features[i]!, scratch);
    bounds.set(u, stride * i);
    counts[i] = u.length;
  }
}

/** Bins the numeric features one after another on the calling thread. */
const localBinner: NumericBinner = (job) => {
  const scratch = binScratch(job.rows, job.sample);
  return Array.from(job.features, (f) => binNumeric(job, f, scratch));
};

/**
 * Bins `X` (finite values or NaN; categorical columns hold codes 0..254).
 * @throws LatheError INVALID_ARGUMENT naming the row and column of a bad category code.
 */
export function binData(
  X: Matrix,
  maxBins: number,
  sampleRows: number,
  categoricalFeatures: readonly number[],
  seed: number,
  shared: boolean,
  binner: NumericBinner = localBinner,
): BinnedData {
  const { rows, cols, data } = X;
  const categorical = new Uint8Array(cols);
  for (const c of categoricalFeatures) categorical[c] = 1;
  let sample: Int32Array | undefined;
  if (rows > sampleRows) {
    // Floyd's algorithm would do too; a partial Fisher–Yates on an index array is simple and exact.
    const idx = new Int32Array(rows);
    for (let i = 0; i < rows; i++) idx[i] = i;
    const random = new SeededRandom(seed ^ 0x5bd1e995);
    for (let i = 0; i < sampleRows; i++) {
      const j = i + random.int(rows - i);
      const t = idx[i]!;
      idx[i] = idx[j]!;
      idx[j] = t;
    }
    sample = alloc(Int32Array, sampleRows, shared);
    sample.set(idx.subarray(0, sampleRows));
    sample.sort();
  }
  const nBins = new Int32Array(cols);
  const offset = new Int32Array(cols + 1);
  const upper: Float64Array[] = [];
  const colBins = alloc(Uint8Array, rows * cols, shared);
  // One blocked transpose, so every per-feature pass below reads memory sequentially. A block of
  // 128 rows of 30 columns (30 KB) stays in the first-level cache; blocks of 512 rows took about
  // 5 ms more on 200,000 × 30.
  const colData = alloc(Float64Array, rows * cols, shared);
  const BLOCK = 128;
  for (let r0 = 0; r0 < rows; r0 += BLOCK) {
    const r1 = Math.min(rows, r0 + BLOCK);
    for (let f = 0; f < cols; f++) {
      const o = f * rows;
      for (let r = r0; r < r1; r++) colData[o + r] = data[r * cols + f]!;
    }
  }
  const numeric: number[] = [];
  for (let f = 0; f < cols; f++) {
    if (!categorical[f]) {
      numeric.push(f);
      continue;
    }
    const col = colData.subarray(f * rows, (f + 1) * rows);
    const out = colBins.subarray(f * rows, (f + 1) * rows);
    let max = 0;
    for (let r = 0; r < rows; r++) {
      const v = col[r]!;
      if (Number.isNaN(v)) continue;
      if (!Number.isInteger(v) || v < 0 || v > MAX_CATEGORY)
        throw invalid(
          `categorical feature column ${f} must hold integer codes 0..${MAX_CATEGORY} (or NaN); got ${v} at row ${r}`,
          { field: 'X', row: r, col: f },
        );
      if (v > max) max = v;
    }
    nBins[f] = max + 1;
    for (let r = 0; r < rows; r++) {
      const v = col[r]!;
      out[r] = Number.isNaN(v) ? max + 1 : v;
    }
  }
  const features = alloc(Int32Array, numeric.length, shared);
  features.set(numeric);
  const bounds = binner({ colData, rows, sample: sample ?? null, maxBins, features, colBins });
  for (let f = 0, j = 0; f < cols; f++) {
    if (categorical[f]) upper.push(new Float64Array(0));
    else {
      const u = bounds[j++]!;
      upper.push(u);
      nBins[f] = u.length;
    }
    offset[f + 1] = offset[f]! + nBins[f]! + 1;
  }
  const total = offset[cols]!;
  const slot =
    total <= 65536 ? alloc(Uint16Array, rows * cols, shared) : alloc(Uint32Array, rows * cols, shared);
  for (let r0 = 0; r0 < rows; r0 += BLOCK) {
    const r1 = Math.min(rows, r0 + BLOCK);
    for (let f = 0; f < cols; f++) {
      const o = offset[f]!;
      const c = f * rows;
      for (let r = r0; r < r1; r++) slot[r * cols + f] = o + colBins[c + r]!;
    }
  }
  return { rows, cols, colBins, slot, nBins, offset, upper, categorical };
}
