/**
 * Exact TreeSHAP (Lundberg, Erion & Lee 2018, Algorithm 2: polynomial-time, path-dependent), as
 * the shap package and XGBoost's `pred_contribs` compute it, on any {@link TreeEnsemble}.
 */
import { describeValue } from '../../core/index.js';
import { checkOptionKeys, enumOption, invalid } from '../input-checks.js';
import type { Matrix } from '../matrix.js';
import type { TreeEnsemble } from '../tree-ensemble.js';
import { checkExplainMatrix, type ShapValues } from './shap-values.js';
import { createPathShap } from './tree-shap-path.js';
import { type ShapContext, tableShapTree } from './tree-shap-table.js';

/** Checks the arrays of `ens` agree in length and its trees are well formed. */
function checkEnsemble(ens: TreeEnsemble): number {
  if (typeof ens !== 'object' || ens === null || !(ens.treeStart instanceof Int32Array))
    throw invalid(`treeShap needs a TreeEnsemble; got ${describeValue(ens)}`, { field: 'ensemble' });
  const n = ens.feature.length;
  const trees = ens.treeStart.length - 1;
  const k = ens.outputs;
  const bad = (what: string): never => {
    throw invalid(`treeShap: malformed TreeEnsemble: ${what}`, { field: 'ensemble' });
  };
  if (trees < 1 || ens.treeStart[0] !== 0 || ens.treeStart[trees] !== n)
    bad(`treeStart must run from 0 to the node count ${n}`);
  if (!Number.isSafeInteger(k) || k < 1) bad(`outputs must be an integer >= 1; got ${k}`);
  for (const [name, len] of [
    ['threshold', ens.threshold.length],
    ['left', ens.left.length],
    ['right', ens.right.length],
    ['missingLeft', ens.missingLeft.length],
    ['cover', ens.cover.length],
  ] as const)
    if (len !== n) bad(`${name} must hold ${n} values (one per node); got ${len}`);
  if (ens.value.length !== n * k)
    bad(`value must hold ${n * k} values (nodes × outputs); got ${ens.value.length}`);
  if (ens.base.length !== k) bad(`base must hold ${k} values; got ${ens.base.length}`);
  if (ens.treeOutput && ens.treeOutput.length !== trees)
    bad(`treeOutput must hold ${trees} values; got ${ens.treeOutput.length}`);
  if (ens.categorical) {
    if (ens.categorical.length !== n) bad(`categorical must hold ${n} values; got ${ens.categorical.length}`);
    if (!ens.catStart || ens.catStart.length !== n + 1 || !ens.catBits)
      bad(`categorical splits need catStart (${n + 1} values) and catBits`);
  }
  for (let g = 0; g < n; g++)
    if (!(ens.cover[g]! >= 0) || ens.cover[g] === Number.POSITIVE_INFINITY)
      bad(`cover must hold finite values >= 0; got ${ens.cover[g]} at node ${g}`);
  for (let t = 0; t < trees; t++) {
    const s = ens.treeStart[t]!;
    const size = ens.treeStart[t + 1]! - s;
    if (size < 1) bad(`tree ${t} has no nodes`);
    if (size > 1 && !(ens.cover[s]! > 0))
      bad(`the root of tree ${t} must have a cover > 0; got ${ens.cover[s]}`);
    for (let g = s; g < s + size; g++) {
      const f = ens.feature[g]!;
      if (f < 0) continue;
      if (f >= ens.cols) bad(`node ${g} splits on feature ${f}; the model has ${ens.cols} features`);
      const l = ens.left[g]!;
      const r = ens.right[g]!;
      if (l <= g - s || r <= g - s || l >= size || r >= size)
        bad(`node ${g} has children ${l}, ${r}; they must lie after it within its tree (size ${size})`);
    }
  }
  return trees;
}

/** Depth (edges from root to the deepest leaf) of tree `t`. */
function treeDepth(ens: TreeEnsemble, t: number, depth: Int32Array): number {
  const s = ens.treeStart[t]!;
  const e = ens.treeStart[t + 1]!;
  let max = 0;
  depth[0] = 0;
  // Children lie after their parent, so one forward pass sets every depth.
  for (let g = s; g < e; g++) {
    const d = depth[g - s]!;
    if (d > max) max = d;
    if (ens.feature[g]! < 0) continue;
    depth[ens.left[g]!] = d + 1;
    depth[ens.right[g]!] = d + 1;
  }
  return max;
}

/** Options of {@link treeShap}. */
export interface TreeShapOptions {
  /**
   * `recursive`: Algorithm 2 per row (O(leaves · depth²) per row and tree); `table`: per-leaf tables
   * of all 2^k path patterns built once per tree (O(nodes + leaves · depth) per row, 2^depth work per
   * leaf up front; trees whose table would pass 2M values fall back to the recursion); `auto`
   * (default) uses a tree's table when there are at least 2^depth rows. All give the same values.
   */
  method?: 'auto' | 'recursive' | 'table';
}

/**
 * Exact TreeSHAP values of each row of `X` for every output of `ens`, in the raw (margin) space
 * before the link: for each row and output, `expected[o] + Σ_j values[…j]` equals
 * `rawTreeOutputs(ens, X)` (to rounding). Missing features are integrated out with the training
 * cover of each node (path-dependent TreeSHAP); NaN follows `missingLeft`, categorical splits their
 * bitsets. No allocation per row or node; see {@link TreeShapOptions} for the cost.
 * @throws LatheError INVALID_ARGUMENT when `X` does not have `ens.cols` columns or holds ±Infinity.
 */
export function treeShap(ens: TreeEnsemble, X: Matrix, options: TreeShapOptions = {}): ShapValues {
  checkOptionKeys(options, ['method'], 'treeShap');
  if (options.method !== undefined) enumOption(options.method, 'method', ['auto', 'recursive', 'table']);
  const trees = checkEnsemble(ens);
  checkExplainMatrix(X, 'X', ens.cols, true);
  const M = ens.cols;
  const K = ens.outputs;
  const rows = X.rows;
  const n = ens.feature.length;
  const { feature, left, right, cover, treeStart } = ens;
  const treeOutput = ens.treeOutput;

  // Per node: the share of its cover each child receives, and the leaf values times scale.
  const leftFrac = new Float64Array(n);
  const rightFrac = new Float64Array(n);
  for (let g = 0; g < n; g++) {
    if (feature[g]! < 0) continue;
    const t = treeStartOf(treeStart, g);
    const c = cover[g]!;
    leftFrac[g] = c > 0 ? cover[t + left[g]!]! / c : 0;
    rightFrac[g] = c > 0 ? cover[t + right[g]!]! / c : 0;
  }
  const scaled = new Float64Array(ens.value.length);
  for (let i = 0; i < scaled.length; i++) scaled[i] = ens.value[i]! * ens.scale;

  // Expected value of every node (cover-weighted mean of its leaves), bottom-up.
  const mean = new Float64Array(n * K);
  const expected = Float64Array.from(ens.base);
  let maxDepth = 0;
  const depthScratch = new Int32Array(maxTreeSize(treeStart));
  const depthOf = new Int32Array(trees);
  for (let t = 0; t < trees; t++) {
    const s = treeStart[t]!;
    for (let g = treeStart[t + 1]! - 1; g >= s; g--) {
      if (feature[g]! < 0) {
        for (let o = 0; o < K; o++) mean[g * K + o] = scaled[g * K + o]!;
        continue;
      }
      const l = s + left[g]!;
      const r = s + right[g]!;
      for (let o = 0; o < K; o++)
        mean[g * K + o] = leftFrac[g]! * mean[l * K + o]! + rightFrac[g]! * mean[r * K + o]!;
    }
    const to = treeOutput?.[t] ?? -1;
    if (to >= 0) expected[to]! += mean[s * K]!;
    else for (let o = 0; o < K; o++) expected[o]! += mean[s * K + o]!;
    depthOf[t] = treeDepth(ens, t, depthScratch);
    maxDepth = Math.max(maxDepth, depthOf[t]!);
  }

  const values = new Float64Array(rows * K * M);
  const ctx: ShapContext = { ens, x: X.data, rows, M, K, leftFrac, rightFrac, scaled, values, maxDepth };
  const method = options.method ?? 'auto';
  let path: ((t: number) => void) | undefined;
  for (let t = 0; t < trees; t++) {
    if (feature[treeStart[t]!]! < 0) continue; // a single leaf: only the bias
    // Tables pay off once there are more rows than patterns of the deepest leaf.
    const useTable = method === 'table' || (method === 'auto' && rows >= 2 ** Math.min(30, depthOf[t]!));
    if (useTable && tableShapTree(ctx, t)) continue;
    path ??= createPathShap(ctx);
    path(t);
  }
  return { rows, outputs: K, cols: M, values, expected, space: 'raw' };
}

/** The first node of the tree holding global node `g` (binary search over `treeStart`). */
function treeStartOf(treeStart: Int32Array, g: number): number {
  let lo = 0;
  let hi = treeStart.length - 2;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (treeStart[mid]! <= g) lo = mid;
    else hi = mid - 1;
  }
  return treeStart[lo]!;
}

function maxTreeSize(treeStart: Int32Array): number {
  let max = 1;
  for (let t = 0; t + 1 < treeStart.length; t++) max = Math.max(max, treeStart[t + 1]! - treeStart[t]!);
  return max;
}
