/**
 * One read-only view of any fitted tree model (a CART tree, a random forest, extra trees, a
 * gradient-boosted ensemble, and later imported XGBoost/LightGBM models) for the code that walks
 * trees without caring how they were grown: exact TreeSHAP, leaf indices, tree-path prediction.
 *
 * Semantics, for a row `x`:
 * - Node `n` of tree `t` lives at global index `treeStart[t] + n`; `left`/`right` hold child
 *   indices relative to the tree's first node; `feature[g] < 0` marks a leaf.
 * - A numeric split sends `x[f] <= threshold` left; NaN follows `missingLeft` (1 = left).
 * - A categorical split (`categorical[g] === 1`) sends the category `c = x[f]` (a non-negative
 *   integer code) left when bit `c` of the node's bitset is set: the bitset is the 32-bit words
 *   `catBits[catStart[g] .. catStart[g + 1] - 1]`; codes beyond the bitset, negative or
 *   non-integer values go right; NaN follows `missingLeft`.
 * - Leaf `g` holds `outputs` values `value[g * outputs .. g * outputs + outputs - 1]`. A tree with
 *   `treeOutput[t] >= 0` adds only its first value to that one output (boosted multiclass: one
 *   tree per class and round); with `treeOutput[t] === -1` it adds each value to its output.
 * - The raw output is `base[o] + scale * Σ over trees of the values reached`. Forests average
 *   (`scale = 1 / trees`, `base` 0); boosted models sum margins (`scale = 1`, `base` the initial
 *   score). `link` says how raw outputs become predictions (`identity`, `logistic` for a binary
 *   margin, `softmax` for multiclass margins).
 * - `cover[g]` is the training weight that reached the node (sample weight for CART trees, hessian
 *   sum for boosted trees): TreeSHAP uses it for the expectation over missing features.
 */
export interface TreeEnsemble {
  treeStart: Int32Array;
  feature: Int32Array;
  threshold: Float64Array;
  left: Int32Array;
  right: Int32Array;
  missingLeft: Uint8Array;
  categorical?: Uint8Array;
  catStart?: Int32Array;
  catBits?: Uint32Array;
  cover: Float64Array;
  value: Float64Array;
  outputs: number;
  treeOutput?: Int32Array;
  scale: number;
  base: Float64Array;
  link: 'identity' | 'logistic' | 'softmax';
  /** Number of features the model reads. */
  cols: number;
}

/** Whether row value `v` goes to the left child at global node `g` (see {@link TreeEnsemble}). */
export function goesLeft(ens: TreeEnsemble, g: number, v: number): boolean {
  if (Number.isNaN(v)) return ens.missingLeft[g] === 1;
  if (ens.categorical?.[g] === 1) {
    const start = ens.catStart![g]!;
    const words = ens.catStart![g + 1]! - start;
    if (v < 0 || !Number.isInteger(v) || v >= words * 32) return false;
    return ((ens.catBits![start + (v >>> 5)]! >>> (v & 31)) & 1) === 1;
  }
  return v <= ens.threshold[g]!;
}

/** The global index of the leaf that row `x` (values from `offset`) reaches in tree `t`. */
export function leafIndex(ens: TreeEnsemble, t: number, x: Float64Array, offset: number): number {
  const base = ens.treeStart[t]!;
  let g = base;
  for (;;) {
    const f = ens.feature[g]!;
    if (f < 0) return g;
    g = base + (goesLeft(ens, g, x[offset + f]!) ? ens.left[g]! : ens.right[g]!);
  }
}

/**
 * Raw outputs (`rows × outputs`, row-major, before the link) by walking every tree: the reference
 * any faster model-specific predictor must agree with.
 */
export function rawTreeOutputs(ens: TreeEnsemble, x: Float64Array, rows: number): Float64Array {
  const k = ens.outputs;
  const out = new Float64Array(rows * k);
  const trees = ens.treeStart.length - 1;
  for (let r = 0; r < rows; r++) {
    for (let o = 0; o < k; o++) out[r * k + o] = ens.base[o]!;
    for (let t = 0; t < trees; t++) {
      const leaf = leafIndex(ens, t, x, r * ens.cols);
      const to = ens.treeOutput?.[t] ?? -1;
      if (to >= 0) out[r * k + to]! += ens.scale * ens.value[leaf * k]!;
      else for (let o = 0; o < k; o++) out[r * k + o]! += ens.scale * ens.value[leaf * k + o]!;
    }
  }
  return out;
}
