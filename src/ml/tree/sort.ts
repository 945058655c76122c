/**
 * Sorting for tree growth (internal): in-place sort of a range of values with their sample indices —
 * introsort with median-of-three pivots and three-way partitioning (as scikit-learn's tree
 * splitter), insertion sort for short ranges and heapsort when recursion gets too deep. No
 * allocations. Also the dense per-column ranks that let the split search sort packed integer keys.
 */

/** Sorts `values[start:end)` ascending, applying the same permutation to `index[start:end)`. */
export function sortWithIndex(values: Float64Array, index: Int32Array, start: number, end: number): void {
  const n = end - start;
  if (n < 2) return;
  introsort(values, index, start, end, 2 * Math.floor(Math.log2(n)));
}

function swap(values: Float64Array, index: Int32Array, i: number, j: number): void {
  const v = values[i]!;
  values[i] = values[j]!;
  values[j] = v;
  const k = index[i]!;
  index[i] = index[j]!;
  index[j] = k;
}

function introsort(
  values: Float64Array,
  index: Int32Array,
  start: number,
  end: number,
  maxDepth: number,
): void {
  while (end - start > 16) {
    if (maxDepth <= 0) {
      heapsort(values, index, start, end);
      return;
    }
    maxDepth--;
    // Median of three as pivot.
    const mid = start + ((end - start) >>> 1);
    const a = values[start]!;
    const b = values[mid]!;
    const c = values[end - 1]!;
    // The median of a, b and c: the largest of the pairwise minima.
    const pivot = Math.max(Math.min(a, b), Math.min(Math.max(a, b), c));
    // Three-way partition: [start, l) < pivot, [l, r) == pivot, [r, end) > pivot.
    let i = start;
    let l = start;
    let r = end;
    while (i < r) {
      const v = values[i]!;
      if (v < pivot) {
        swap(values, index, i++, l++);
      } else if (v > pivot) {
        swap(values, index, i, --r);
      } else {
        i++;
      }
    }
    // Recurse into the smaller side, loop on the larger.
    if (l - start < end - r) {
      introsort(values, index, start, l, maxDepth);
      start = r;
    } else {
      introsort(values, index, r, end, maxDepth);
      end = l;
    }
  }
  for (let i = start + 1; i < end; i++) {
    const v = values[i]!;
    const k = index[i]!;
    let j = i - 1;
    while (j >= start && values[j]! > v) {
      values[j + 1] = values[j]!;
      index[j + 1] = index[j]!;
      j--;
    }
    values[j + 1] = v;
    index[j + 1] = k;
  }
}

function heapsort(values: Float64Array, index: Int32Array, start: number, end: number): void {
  const n = end - start;
  for (let root = (n >>> 1) - 1; root >= 0; root--) siftDown(values, index, start, root, n);
  for (let last = n - 1; last > 0; last--) {
    swap(values, index, start, start + last);
    siftDown(values, index, start, 0, last);
  }
}

function siftDown(values: Float64Array, index: Int32Array, start: number, root: number, n: number): void {
  for (;;) {
    let child = 2 * root + 1;
    if (child >= n) return;
    if (child + 1 < n && values[start + child + 1]! > values[start + child]!) child++;
    if (values[start + root]! >= values[start + child]!) return;
    swap(values, index, start + root, start + child);
    root = child;
  }
}

/** Rows below this can use rank-packed keys (rank and row each fit in 21 bits of a double). */
export const PACK = 2097152;

/**
 * Dense ranks of each column of column-major `columns` (`rows` × `cols`) and the distinct values
 * by rank, or undefined when there are too many rows to pack.
 */
export function rankColumns(
  columns: Float64Array,
  rows: number,
  cols: number,
): { ranks: Int32Array; rankValues: Float64Array } | undefined {
  if (rows >= PACK) return undefined;
  const ranks = new Int32Array(rows * cols);
  const rankValues = new Float64Array(rows * cols);
  const values = new Float64Array(rows);
  const order = new Int32Array(rows);
  for (let j = 0; j < cols; j++) {
    for (let i = 0; i < rows; i++) {
      values[i] = columns[j * rows + i]!;
      order[i] = i;
    }
    sortWithIndex(values, order, 0, rows);
    let rank = 0;
    for (let p = 0; p < rows; p++) {
      if (p > 0 && values[p]! > values[p - 1]!) rank++;
      ranks[j * rows + order[p]!] = rank;
      rankValues[j * rows + rank] = values[p]!;
    }
  }
  return { ranks, rankValues };
}
