/**
 * Scores rows against a grown forest (internal to isolation-forest): each row walks each tree
 * from the root to a leaf; a block of rows goes through every tree before the next block, so the
 * block stays in cache.
 */
import { averagePathLength } from './average-path-length.js';
import type { ForestArrays } from './grow-forest.js';

/**
 * Anomaly scores 2^(−E[h(x)] / c(sampleSize)) of `rows` rows of `data` (row-major, `cols` columns,
 * no NaN), one per row in row order.
 */
export function scoreForest(
  forest: ForestArrays,
  sampleSize: number,
  data: Float64Array,
  rows: number,
  cols: number,
): Float64Array {
  const trees = forest.treeStart.length - 1;
  const blockRows = Math.max(16, Math.min(4096, Math.floor(65536 / cols)));
  const total = new Float64Array(blockRows);
  const scores = new Float64Array(rows);
  const scale = -1 / (trees * averagePathLength(sampleSize));
  for (let first = 0; first < rows; first += blockRows) {
    const count = Math.min(rows, first + blockRows) - first;
    const block = data.subarray(first * cols, (first + count) * cols);
    total.fill(0);
    for (let t = 0; t < trees; t++) addPaths(forest, t, block, count, cols, total);
    for (let i = 0; i < count; i++) scores[first + i] = 2 ** (total[i]! * scale);
  }
  return scores;
}

/** Adds each row's path length in tree `t` to `total`: the depth of its leaf plus c(leaf size). */
function addPaths(
  forest: ForestArrays,
  t: number,
  block: Float64Array,
  count: number,
  cols: number,
  total: Float64Array,
): void {
  const { feature, threshold, left, right, size } = forest;
  const base = forest.treeStart[t]!;
  for (let r = 0; r < count; r++) {
    const b = r * cols;
    let node = base;
    let depth = 0;
    for (let f = feature[node]!; f >= 0; f = feature[node]!, depth++) {
      node = base + (block[b + f]! <= threshold[node]! ? left[node]! : right[node]!);
    }
    total[r]! += depth + averagePathLength(size[node]!);
  }
}
