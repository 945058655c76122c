/**
 * Trees stored side by side in flat typed arrays, prediction by walking them, impurity-based
 * feature importances, and the checks run when loading saved trees (internal to src/ml/tree).
 */
import { describeValue, LatheError } from '../../core/index.js';
import type { Matrix } from '../matrix.js';
import type { TreeArrays } from './grow-tree.js';

/**
 * The nodes of every tree, concatenated. Tree `t` owns nodes `treeStart[t]` to `treeStart[t + 1]`
 * (and values `outputs` times that); child indices are local to their tree. See {@link TreeArrays}.
 */
export interface ForestArrays extends TreeArrays {
  treeStart: Int32Array;
}

/** Concatenates trees grown separately (e.g. on worker threads) into one {@link ForestArrays}. */
export function concatTrees(trees: readonly TreeArrays[], outputs: number): ForestArrays {
  const treeStart = new Int32Array(trees.length + 1);
  for (let t = 0; t < trees.length; t++) treeStart[t + 1] = treeStart[t]! + trees[t]!.feature.length;
  const total = treeStart[trees.length]!;
  const out: ForestArrays = {
    treeStart,
    feature: new Int32Array(total),
    threshold: new Float64Array(total),
    left: new Int32Array(total),
    right: new Int32Array(total),
    value: new Float64Array(total * outputs),
    impurity: new Float64Array(total),
    weight: new Float64Array(total),
    count: new Int32Array(total),
  };
  trees.forEach((tree, t) => {
    const at = treeStart[t]!;
    out.feature.set(tree.feature, at);
    out.threshold.set(tree.threshold, at);
    out.left.set(tree.left, at);
    out.right.set(tree.right, at);
    out.value.set(tree.value, at * outputs);
    out.impurity.set(tree.impurity, at);
    out.weight.set(tree.weight, at);
    out.count.set(tree.count, at);
  });
  return out;
}

/** The global index of the leaf that row `r` of `x` reaches in tree `t`. */
function leafOf(forest: ForestArrays, t: number, x: Float64Array, offset: number): number {
  const { feature, threshold, left, right } = forest;
  const base = forest.treeStart[t]!;
  let node = base;
  for (;;) {
    const f = feature[node]!;
    if (f < 0) return node;
    node = base + (x[offset + f]! <= threshold[node]! ? left[node]! : right[node]!);
  }
}

/**
 * Mean over trees `from..to-1` (default all) of the leaf values each row reaches: `X.rows ×
 * outputs`, row-major. For classifiers this is the mean of tree probabilities, as scikit-learn.
 */
export function predictTrees(forest: ForestArrays, X: Matrix, outputs: number): Float64Array {
  const trees = forest.treeStart.length - 1;
  const out = new Float64Array(X.rows * outputs);
  const { value } = forest;
  for (let t = 0; t < trees; t++) {
    for (let r = 0; r < X.rows; r++) {
      const leaf = leafOf(forest, t, X.data, r * X.cols);
      for (let j = 0; j < outputs; j++) out[r * outputs + j]! += value[leaf * outputs + j]!;
    }
  }
  if (trees > 1) for (let i = 0; i < out.length; i++) out[i]! /= trees;
  return out;
}

/** Mean decrease in impurity of tree `t`, per feature, normalised to sum 1 (all 0 for a stump). */
function treeImportances(forest: ForestArrays, t: number, cols: number): Float64Array {
  const out = new Float64Array(cols);
  const base = forest.treeStart[t]!;
  const end = forest.treeStart[t + 1]!;
  const { feature, left, right, impurity, weight } = forest;
  for (let node = base; node < end; node++) {
    const f = feature[node]!;
    if (f < 0) continue;
    const l = base + left[node]!;
    const r = base + right[node]!;
    out[f]! += weight[node]! * impurity[node]! - weight[l]! * impurity[l]! - weight[r]! * impurity[r]!;
  }
  let total = 0;
  for (let j = 0; j < cols; j++) total += out[j]!;
  if (total > 0) for (let j = 0; j < cols; j++) out[j]! /= total;
  return out;
}

/**
 * Feature importances of a forest as scikit-learn computes them: the mean over trees with at
 * least one split of each tree's normalised importances, normalised again to sum 1.
 */
export function forestImportances(forest: ForestArrays, cols: number): Float64Array {
  const out = new Float64Array(cols);
  const trees = forest.treeStart.length - 1;
  for (let t = 0; t < trees; t++) {
    if (forest.treeStart[t + 1]! - forest.treeStart[t]! <= 1) continue;
    const imp = treeImportances(forest, t, cols);
    for (let j = 0; j < cols; j++) out[j]! += imp[j]!;
  }
  let total = 0;
  for (let j = 0; j < cols; j++) total += out[j]!;
  if (total > 0) for (let j = 0; j < cols; j++) out[j]! /= total;
  return out;
}

const INT_KEYS = ['treeStart', 'feature', 'left', 'right', 'count'] as const;
const FLOAT_KEYS = ['threshold', 'value', 'impurity', 'weight'] as const;

/**
 * Reads and checks saved forest arrays: types, lengths, feature indices in 0..cols−1 and children
 * forming pre-order trees.
 * @throws LatheError INVALID_ARGUMENT naming the first malformed array or node.
 */
export function forestFromArrays(
  arrays: Record<string, unknown>,
  cols: number,
  outputs: number,
): ForestArrays {
  const bad = (what: string): never => {
    throw new LatheError('INVALID_ARGUMENT', `saved tree arrays: ${what}`, { field: 'arrays' });
  };
  for (const key of INT_KEYS)
    if (!(arrays[key] instanceof Int32Array))
      bad(`${key} must be an Int32Array; got ${describeValue(arrays[key])}`);
  for (const key of FLOAT_KEYS)
    if (!(arrays[key] instanceof Float64Array))
      bad(`${key} must be a Float64Array; got ${describeValue(arrays[key])}`);
  const forest = arrays as unknown as ForestArrays;
  const { treeStart, feature, left, right } = forest;
  const n = feature.length;
  if (treeStart.length < 2 || treeStart[0] !== 0 || treeStart[treeStart.length - 1] !== n)
    bad(`treeStart must run from 0 to the node count ${n}`);
  for (const key of ['threshold', 'left', 'right', 'impurity', 'weight', 'count'] as const)
    if (forest[key].length !== n) bad(`${key} must hold ${n} values; got ${forest[key].length}`);
  if (forest.value.length !== n * outputs)
    bad(`value must hold ${n} × ${outputs} values; got ${forest.value.length}`);
  for (let t = 0; t + 1 < treeStart.length; t++) {
    const a = treeStart[t]!;
    const size = treeStart[t + 1]! - a;
    if (size < 1) bad(`tree ${t} has no nodes`);
    for (let i = 0; i < size; i++) {
      const f = feature[a + i]!;
      if (f < -1 || f >= cols) bad(`tree ${t} node ${i}: feature must be -1..${cols - 1}; got ${f}`);
      if (f < 0) continue;
      const l = left[a + i]!;
      const r = right[a + i]!;
      if (l <= i || r <= l || r >= size)
        bad(`tree ${t} node ${i}: children must satisfy ${i} < left < right < ${size}; got ${l}, ${r}`);
    }
  }
  return forest;
}
