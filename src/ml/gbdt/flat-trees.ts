/**
 * The fitted trees of a boosted model in flat typed arrays (internal): what `save` writes, what
 * the fast predictor walks and what the TreeEnsemble view exposes. Nodes of a tree are in
 * breadth-first order, so the right child of a split is always `left + 1`.
 */
import type { BinnedData } from './binning.js';
import { addPaddedMargins, type PaddedTrees, padTrees } from '../tree/padded-walk.js';
import type { GrownTree } from './grow.js';
import { threadedPredict } from './threaded-pool.js';

/** Trees in flat arrays; child indices are relative to the tree's first node. */
export interface FlatTrees {
  /** First node of each tree (`trees + 1` values). */
  treeStart: Int32Array;
  /** The output (class) each tree adds to. */
  treeClass: Int32Array;
  /** Split feature, −1 at leaves. */
  feature: Int32Array;
  /** Numeric splits send `x <= threshold` left. */
  threshold: Float64Array;
  missingLeft: Uint8Array;
  left: Int32Array;
  right: Int32Array;
  /** Leaf value (shrunk weight); internal nodes hold their shrunk weight too. */
  value: Float64Array;
  /** Hessian sum per node. */
  cover: Float64Array;
  /** Split gain (0 at leaves). */
  gain: Float64Array;
  /** 1 for categorical splits. */
  categorical: Uint8Array;
  /** Bitset words of each node (`nodes + 1` values). */
  catStart: Int32Array;
  catBits: Uint32Array;
}

/** Collects trees as they are grown. */
export class FlatTreesBuilder {
  private treeStart: number[] = [0];
  private treeClass: number[] = [];
  private feature: number[] = [];
  private threshold: number[] = [];
  private missingLeft: number[] = [];
  private left: number[] = [];
  private right: number[] = [];
  private value: number[] = [];
  private cover: number[] = [];
  private gain: number[] = [];
  private categorical: number[] = [];
  private catStart: number[] = [0];
  private catBits: number[] = [];

  /** Number of trees so far. */
  get trees(): number {
    return this.treeClass.length;
  }

  /** Appends a grown tree with leaf values `values` (per node) adding to output `cls`. */
  add(tree: GrownTree, values: Float64Array, cls: number, data: BinnedData): void {
    const m = tree.feature.length;
    for (let i = 0; i < m; i++) {
      const f = tree.feature[i]!;
      const bits = tree.catBits[i];
      this.feature.push(f);
      this.threshold.push(f >= 0 && !bits ? data.upper[f]![tree.bin[i]!]! : 0);
      this.missingLeft.push(tree.missingLeft[i]!);
      this.left.push(tree.left[i]!);
      this.right.push(tree.right[i]!);
      this.value.push(values[i]!);
      this.cover.push(tree.cover[i]!);
      this.gain.push(tree.gain[i]!);
      this.categorical.push(bits ? 1 : 0);
      if (bits) for (const w of bits) this.catBits.push(w);
      this.catStart.push(this.catBits.length);
    }
    this.treeStart.push(this.treeStart[this.treeStart.length - 1]! + m);
    this.treeClass.push(cls);
  }

  /** The first `trees` trees as flat arrays. */
  build(trees = this.trees): FlatTrees {
    const nodes = this.treeStart[trees]!;
    const cats = this.catStart[nodes]!;
    return {
      treeStart: Int32Array.from(this.treeStart.slice(0, trees + 1)),
      treeClass: Int32Array.from(this.treeClass.slice(0, trees)),
      feature: Int32Array.from(this.feature.slice(0, nodes)),
      threshold: Float64Array.from(this.threshold.slice(0, nodes)),
      missingLeft: Uint8Array.from(this.missingLeft.slice(0, nodes)),
      left: Int32Array.from(this.left.slice(0, nodes)),
      right: Int32Array.from(this.right.slice(0, nodes)),
      value: Float64Array.from(this.value.slice(0, nodes)),
      cover: Float64Array.from(this.cover.slice(0, nodes)),
      gain: Float64Array.from(this.gain.slice(0, nodes)),
      categorical: Uint8Array.from(this.categorical.slice(0, nodes)),
      catStart: Int32Array.from(this.catStart.slice(0, nodes + 1)),
      catBits: Uint32Array.from(this.catBits.slice(0, cats)),
    };
  }
}

const BLOCK = 64;
/** Trees from which a call takes the padded walk. */
const paddedMinTrees = 8;
/** Fewest rows worth sharing among threads (below, handing them over costs more than it saves). */
const threadedRows = 16_384;

/**
 * Node arrays laid out for prediction. Numeric trees: `feat` the split feature, `link` the absolute
 * left child with bit 31 set when NaN goes right, `thr` the threshold; a leaf links to itself
 * (feature 0, threshold +Infinity, NaN left), so a walk of a tree's depth in steps ends on the
 * row's leaf whatever its depth, with no test per step. `depth` per tree; `left` the absolute left
 * child (categorical walk).
 */
interface Layout {
  feat: Int32Array;
  link: Int32Array;
  thr: Float64Array;
  depth: Int32Array;
  left: Int32Array;
  anyCat: boolean;
  /** The padded form (see src/ml/tree/padded-walk), once asked for; null when the trees do not suit it. */
  padded?: PaddedTrees | null;
}

const layouts = new WeakMap<FlatTrees, Layout>();

function layoutOf(trees: FlatTrees): Layout {
  let l = layouts.get(trees);
  if (!l) {
    const nodes = trees.feature.length;
    const count = trees.treeStart.length - 1;
    const left = new Int32Array(nodes);
    const feat = new Int32Array(nodes);
    const link = new Int32Array(nodes);
    const thr = new Float64Array(nodes);
    const depth = new Int32Array(count);
    const level = new Int32Array(nodes);
    for (let t = 0; t < count; t++) {
      const ts = trees.treeStart[t]!;
      let d = 0;
      // Breadth-first order: a node's children come after it, so its level is known first.
      for (let g = ts; g < trees.treeStart[t + 1]!; g++) {
        const f = trees.feature[g]!;
        if (f < 0) {
          left[g] = g;
          link[g] = g;
          thr[g] = Number.POSITIVE_INFINITY;
          d = Math.max(d, level[g]!);
          continue;
        }
        left[g] = ts + trees.left[g]!;
        feat[g] = f;
        link[g] = left[g]! | ((1 - trees.missingLeft[g]!) << 31);
        thr[g] = trees.threshold[g]!;
        level[left[g]!] = level[g]! + 1;
        level[left[g]! + 1] = level[g]! + 1;
      }
      depth[t] = d;
    }
    l = { feat, link, thr, depth, left, anyCat: trees.categorical.includes(1) };
    layouts.set(trees, l);
  }
  return l;
}

/**
 * The padded form of `trees`. A split whose threshold is +Infinity sends every value left and NaN
 * its own way (a split on missingness alone): with the largest double as its boundary it does the
 * same for every input the walks get, features here being finite or NaN (the predictors and fit
 * refuse ±Infinity).
 */
function padded(trees: FlatTrees, depth: Int32Array): PaddedTrees | null {
  const boundary = trees.threshold.map((t) => (t === Number.POSITIVE_INFINITY ? Number.MAX_VALUE : t));
  return padTrees(trees, boundary, 'float64', depth);
}

/**
 * Adds the trees `t0..t1` of `trees` to `margin` (rows × k, row-major) for row-major raw features
 * `x` of `cols` columns. Rows are taken in blocks of 64 and the trees one after another inside a
 * block, so each row's sum runs in tree order (the same order as the TreeEnsemble reference). A
 * tree walks four rows at once for exactly its depth in steps (leaves link to themselves), each
 * step branch-free: child = left + ((x > threshold) | (x is NaN & NaN goes right)), so the four
 * walks overlap in the CPU. With `threads` > 1, padded trees over {@link threadedRows} rows or more
 * walk runs of the rows on the gbdt worker threads (the same sums).
 */
export function addTrees(
  trees: FlatTrees,
  t0: number,
  t1: number,
  x: Float64Array,
  rows: number,
  cols: number,
  k: number,
  margin: Float64Array,
  threads = 1,
): void {
  const layout = layoutOf(trees);
  if (layout.anyCat) {
    addTreesCategorical(trees, layout.left, t0, t1, x, rows, cols, k, margin);
    return;
  }
  // Many trees: the padded walk (eight rows at a time, NaN-free copies of the rows). A few (one
  // boosting round on the validation rows) are cheaper walked in place.
  if (t1 - t0 >= paddedMinTrees) {
    if (layout.padded === undefined) layout.padded = padded(trees, layout.depth);
    if (layout.padded) {
      if (threads > 1 && rows >= threadedRows)
        threadedPredict(
          { padded: layout.padded, treeGroup: trees.treeClass, t0, t1, x, rows, cols, G: k, margin },
          threads,
        );
      else addPaddedMargins(layout.padded, trees.treeClass, t0, t1, x, rows, cols, k, margin);
      return;
    }
  }
  const { feat, link, thr, depth } = layout;
  const { treeStart, treeClass, value } = trees;
  for (let r0 = 0; r0 < rows; r0 += BLOCK) {
    const r1 = Math.min(rows, r0 + BLOCK);
    for (let t = t0; t < t1; t++) {
      const ts = treeStart[t]!;
      const c = treeClass[t]!;
      const steps = depth[t]!;
      let r = r0;
      for (; r + 4 <= r1; r += 4) {
        const b0 = r * cols;
        const b1 = b0 + cols;
        const b2 = b1 + cols;
        const b3 = b2 + cols;
        let n0 = ts;
        let n1 = ts;
        let n2 = ts;
        let n3 = ts;
        for (let d = 0; d < steps; d++) {
          const v0 = x[b0 + feat[n0]!]!;
          const v1 = x[b1 + feat[n1]!]!;
          const v2 = x[b2 + feat[n2]!]!;
          const v3 = x[b3 + feat[n3]!]!;
          const m0 = link[n0]!;
          const m1 = link[n1]!;
          const m2 = link[n2]!;
          const m3 = link[n3]!;
          // biome-ignore lint/suspicious/noSelfCompare: v !== v is the branch-free NaN test of the hot loop
          n0 = (m0 & 0x7fffffff) + (+(v0 > thr[n0]!) | (+(v0 !== v0) & (m0 >>> 31)));
          // biome-ignore lint/suspicious/noSelfCompare: as above
          n1 = (m1 & 0x7fffffff) + (+(v1 > thr[n1]!) | (+(v1 !== v1) & (m1 >>> 31)));
          // biome-ignore lint/suspicious/noSelfCompare: as above
          n2 = (m2 & 0x7fffffff) + (+(v2 > thr[n2]!) | (+(v2 !== v2) & (m2 >>> 31)));
          // biome-ignore lint/suspicious/noSelfCompare: as above
          n3 = (m3 & 0x7fffffff) + (+(v3 > thr[n3]!) | (+(v3 !== v3) & (m3 >>> 31)));
        }
        margin[r * k + c]! += value[n0]!;
        margin[(r + 1) * k + c]! += value[n1]!;
        margin[(r + 2) * k + c]! += value[n2]!;
        margin[(r + 3) * k + c]! += value[n3]!;
      }
      for (; r < r1; r++) {
        const base = r * cols;
        let n = ts;
        for (let d = 0; d < steps; d++) {
          const v = x[base + feat[n]!]!;
          const m = link[n]!;
          // biome-ignore lint/suspicious/noSelfCompare: as above
          n = (m & 0x7fffffff) + (+(v > thr[n]!) | (+(v !== v) & (m >>> 31)));
        }
        margin[r * k + c]! += value[n]!;
      }
    }
  }
}

function addTreesCategorical(
  trees: FlatTrees,
  left: Int32Array,
  t0: number,
  t1: number,
  x: Float64Array,
  rows: number,
  cols: number,
  k: number,
  margin: Float64Array,
): void {
  const { treeStart, treeClass, feature, threshold, missingLeft, value, categorical, catStart, catBits } =
    trees;
  for (let r0 = 0; r0 < rows; r0 += BLOCK) {
    const r1 = Math.min(rows, r0 + BLOCK);
    for (let t = t0; t < t1; t++) {
      const ts = treeStart[t]!;
      const c = treeClass[t]!;
      for (let r = r0; r < r1; r++) {
        const base = r * cols;
        let n = ts;
        let f = feature[n]!;
        while (f >= 0) {
          const v = x[base + f]!;
          let goLeft: boolean;
          if (Number.isNaN(v)) goLeft = missingLeft[n] === 1;
          else if (categorical[n] === 1) {
            const s = catStart[n]!;
            goLeft =
              v >= 0 &&
              v < (catStart[n + 1]! - s) * 32 &&
              (v | 0) === v &&
              ((catBits[s + (v >>> 5)]! >>> (v & 31)) & 1) === 1;
          } else goLeft = v <= threshold[n]!;
          n = left[n]! + (goLeft ? 0 : 1);
          f = feature[n]!;
        }
        margin[r * k + c]! += value[n]!;
      }
    }
  }
}
