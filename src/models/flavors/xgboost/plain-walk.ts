/**
 * The plain tree walk of the XGBoost evaluator, for the models the padded walk does not take
 * (categorical splits, trees deeper than 12 levels, very many split features): node by node,
 * exactly XGBoost's rules, float32 sums in tree order.
 */
import type { XgbTrees } from './model.js';

const BLOCK = 64;
/** XGBoost reads category values at or above 2^24 (and below 0) as invalid: they go left. */
const maxCategory = 16777216;

/** Whether category value `v` (not NaN) goes right at categorical node `g`: XGBoost's rule. */
function categoryRight(trees: XgbTrees, g: number, v: number): boolean {
  const c32 = Math.fround(v);
  if (c32 < 0 || c32 >= maxCategory) return false;
  const c = Math.trunc(c32);
  const s = trees.catStart[g]!;
  const w = c >>> 5;
  if (w >= trees.catStart[g + 1]! - s) return false;
  return ((trees.catBits[s + w]! >>> (c & 31)) & 1) === 1;
}

/**
 * Adds every tree's leaf to `margin` (`rows × G`) for each row of `x` (`cols` columns), walking
 * node by node: categorical splits, trees of any depth. `boundary` holds each numeric split's
 * double boundary (`x > boundary` goes right, as `float32(x) < split` goes left in XGBoost).
 */
export function addPlainWalk(
  trees: XgbTrees,
  boundary: Float64Array,
  x: Float64Array,
  rows: number,
  cols: number,
  G: number,
  margin: Float32Array,
): void {
  const { treeStart, treeGroup, feature, left, right, defaultLeft, categorical, value } = trees;
  const count = treeStart.length - 1;
  for (let r0 = 0; r0 < rows; r0 += BLOCK) {
    const r1 = Math.min(rows, r0 + BLOCK);
    for (let t = 0; t < count; t++) {
      const s = treeStart[t]!;
      const grp = treeGroup[t]!;
      for (let r = r0; r < r1; r++) {
        const o = r * cols;
        let n = s;
        let f = feature[n]!;
        while (f >= 0) {
          const v = x[o + f]!;
          let goRight: boolean;
          if (Number.isNaN(v)) goRight = defaultLeft[n] === 0;
          else if (categorical[n] === 1) goRight = categoryRight(trees, n, v);
          else goRight = v > boundary[n]!;
          n = s + (goRight ? right[n]! : left[n]!);
          f = feature[n]!;
        }
        margin[r * G + grp]! += value[n]!;
      }
    }
  }
}
