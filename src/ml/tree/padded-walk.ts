/**
 * The fast walk of boosted trees (numeric splits, depth up to 12): each tree is padded to a
 * complete binary tree in heap order (a leaf above the deepest level becomes a chain of
 * always-left nodes), so a row walks exactly the tree's depth in steps with
 * child = 2·node + (x > boundary): no branch, no child array. Rows go in blocks of up to 64, their
 * used features copied twice into a scratch buffer (NaN as −∞, then as +∞) so a split reads the
 * copy that sends NaN its way and never tests for NaN; eight rows walk a tree together so their
 * loads overlap, and a lone row walks four trees together. Each row's leaves are added to its
 * margin in tree order, in the margin's precision (float32 for XGBoost's sums, float64 for
 * Lathe's). Pure functions on typed arrays.
 */

/** Trees as nodes in flat arrays; child indices are relative to the tree's first node. */
export interface TreeNodes {
  /** First node of each tree (`trees + 1` values). */
  treeStart: Int32Array;
  /** Split feature, −1 at leaves. */
  feature: Int32Array;
  left: Int32Array;
  right: Int32Array;
  /** Non-zero where a missing value (NaN) goes left. */
  missingLeft: ArrayLike<number>;
  /** Leaf values. */
  value: ArrayLike<number>;
}

/**
 * Padded complete trees in heap order, one set of arrays per tree: node `p` (root 1) has children
 * `2p` and `2p + 1`; after `depth[t]` steps `p` is the leaf's slot in `val`. `feat` is the offset
 * of the value to read in a row of the scratch (`8u` for a split on used feature `u` sending NaN
 * left, `8(used + u)` for one sending it right); `thr` the double boundary (`+Infinity` on
 * pass-through nodes, which go left).
 */
export interface PaddedTrees {
  feat: Int32Array[];
  thr: Float64Array[];
  val: Float32Array[] | Float64Array[];
  depth: Int32Array;
  /** The features the trees split on (scratch column `u` holds feature `used[u]`). */
  used: Int32Array;
  /** Rows per block: a multiple of 8 whose scratch fits {@link SCRATCH}. */
  block: number;
}

/** Row-major features (`rows × cols`) or one array per feature; NaN = missing. */
export type TreeFeatures = Float64Array | readonly Float64Array[];

const BLOCK = 64;
const maxPaddedDepth = 12;

/**
 * The scratch every padded walk reads: a block of rows, each twice over the used features (NaN as
 * −Infinity, then as +Infinity), in groups of eight rows stored column by column (see
 * {@link rowBase}). A module constant that each walk aliases to a local, so the compiled loops
 * address it as a constant, without a register (10–15% faster, measured); 64 KiB, shared (walks
 * are synchronous and never interleave).
 */
const SCRATCH = new Float64Array(8192);
/** Models splitting on more features than this are not padded. */
const maxUsed = SCRATCH.length / 16;

/** Each tree's depth (its longest path, in splits). */
export function treeDepths(trees: Pick<TreeNodes, 'treeStart' | 'feature' | 'left' | 'right'>): Int32Array {
  const count = trees.treeStart.length - 1;
  const depth = new Int32Array(count);
  const level = new Int32Array(trees.feature.length);
  for (let t = 0; t < count; t++) {
    const s = trees.treeStart[t]!;
    let d = 0;
    for (let g = s; g < trees.treeStart[t + 1]!; g++) {
      if (trees.feature[g]! < 0) {
        d = Math.max(d, level[g]!);
        continue;
      }
      level[s + trees.left[g]!] = level[g]! + 1;
      level[s + trees.right[g]!] = level[g]! + 1;
    }
    depth[t] = d;
  }
  return depth;
}

/**
 * The padded form of numeric `trees` whose node `g` sends `x > boundary[g]` right, with leaf
 * values stored as `values` (float32 or float64), or null when the walk does not suit them: a
 * tree deeper than 12, no split, more than 512 split features, too many padded nodes, or a split
 * the scratch's NaN stand-ins cannot express (a NaN boundary, or +Infinity with NaN going right).
 */
export function padTrees(
  trees: TreeNodes,
  boundary: Float64Array,
  values: 'float32' | 'float64',
  depth = treeDepths(trees),
): PaddedTrees | null {
  const used = Int32Array.from(new Set(trees.feature.filter((f) => f >= 0))).sort();
  const U = used.length;
  if (U === 0 || U > maxUsed || !depth.every((d) => d <= maxPaddedDepth)) return null;
  for (let g = 0; g < trees.feature.length; g++) {
    const b = boundary[g]!;
    if (
      trees.feature[g]! >= 0 &&
      (Number.isNaN(b) || (b === Number.POSITIVE_INFINITY && !trees.missingLeft[g]))
    )
      return null;
  }
  let total = 0;
  for (const d of depth) total += 2 ** (d + 1);
  if (total > 1 << 25) return null;
  const count = depth.length;
  const compact = new Map(Array.from(used, (f, u) => [f, u]));
  const block = Math.min(BLOCK, Math.floor(SCRATCH.length / (16 * U)) * 8);
  const feats: Int32Array[] = [];
  const thrs: Float64Array[] = [];
  const vals: (Float32Array | Float64Array)[] = [];
  for (let t = 0; t < count; t++) {
    const s = trees.treeStart[t]!;
    const D = depth[t]!;
    const size = 2 ** (D + 1);
    const feat = new Int32Array(size);
    const thr = new Float64Array(size).fill(Number.POSITIVE_INFINITY);
    const val = values === 'float32' ? new Float32Array(size) : new Float64Array(size);
    const place = (g: number, p: number, d: number): void => {
      if (trees.feature[g]! < 0) {
        if (d === D) val[p] = trees.value[g]!;
        else place(g, 2 * p, d + 1); // pass-through: +Infinity boundary, always left
        return;
      }
      feat[p] = 8 * (compact.get(trees.feature[g]!)! + (trees.missingLeft[g] ? 0 : U));
      thr[p] = boundary[g]!;
      place(s + trees.left[g]!, 2 * p, d + 1);
      place(s + trees.right[g]!, 2 * p + 1, d + 1);
    };
    place(s, 1, 0);
    feats.push(feat);
    thrs.push(thr);
    vals.push(val);
  }
  return { feat: feats, thr: thrs, val: vals as Float32Array[] | Float64Array[], depth, used, block };
}

/**
 * Adds the leaves of padded trees `t0..t1` to `margin` (`rows × G`, row-major; tree `t` adds to
 * output `treeGroup[t]`), for the features `x` of `cols` columns. Each row's sum runs in tree order.
 */
export function addPaddedMargins(
  padded: PaddedTrees,
  treeGroup: Int32Array,
  t0: number,
  t1: number,
  x: TreeFeatures,
  rows: number,
  cols: number,
  G: number,
  margin: Float32Array | Float64Array,
): void {
  const U = padded.used.length;
  for (let r0 = 0; r0 < rows; r0 += padded.block) {
    const r1 = Math.min(rows, r0 + padded.block);
    if (x instanceof Float64Array) fillScratch(x, r0, r1, cols, padded.used);
    else fillScratchColumns(x, r0, r1, padded.used);
    const n = r1 - r0;
    const n8 = n - (n % 8);
    if (n8 > 0) walkEight(padded, t0, t1, n8, 16 * U, treeGroup, r0, G, margin);
    for (let r = n8; r < n; r++) walkRow(padded, t0, t1, rowBase(r, U), treeGroup, (r0 + r) * G, margin);
  }
}

/** The arguments of one {@link addPaddedMargins} call over row-major rows, to share among threads. */
export interface PaddedMarginJob {
  padded: PaddedTrees;
  treeGroup: Int32Array;
  t0: number;
  t1: number;
  x: Float64Array;
  rows: number;
  cols: number;
  G: number;
  margin: Float64Array;
}

/**
 * {@link addPaddedMargins} for thread `part` of `parts`: the trees over its run of the rows (runs
 * start on multiples of eight).
 */
export function addPaddedMarginsShare(job: PaddedMarginJob, part: number, parts: number): void {
  const { padded, treeGroup, t0, t1, x, rows, cols, G, margin } = job;
  const at = (p: number) => Math.min(rows, 8 * Math.round((rows * p) / parts / 8));
  const r0 = part === 0 ? 0 : at(part);
  const r1 = part === parts - 1 ? rows : at(part + 1);
  if (r1 <= r0) return;
  addPaddedMargins(
    padded,
    treeGroup,
    t0,
    t1,
    x.subarray(r0 * cols, r1 * cols),
    r1 - r0,
    cols,
    G,
    margin.subarray(r0 * G, r1 * G),
  );
}

/**
 * Copies the used features of rows `r0..r1` of `x` into {@link SCRATCH}, each row twice: NaN as
 * −Infinity (read by splits sending NaN left: −Infinity is never above a boundary) and NaN as
 * +Infinity (read by splits sending it right). Real ±Infinity go where the trees send them in either.
 */
function fillScratch(x: Float64Array, r0: number, r1: number, cols: number, used: Int32Array): void {
  const s = SCRATCH;
  const U = used.length;
  const right = 8 * U;
  for (let r = r0; r < r1; r++) {
    const o = r * cols;
    const b = rowBase(r - r0, U);
    for (let u = 0; u < U; u++) {
      const v = x[o + used[u]!]!;
      // biome-ignore lint/suspicious/noSelfCompare: the fast NaN test
      const nan = v !== v;
      s[b + 8 * u] = nan ? Number.NEGATIVE_INFINITY : v;
      s[b + right + 8 * u] = nan ? Number.POSITIVE_INFINITY : v;
    }
  }
}

/** As {@link fillScratch}, from one array per feature: each used column read in order. */
function fillScratchColumns(x: readonly Float64Array[], r0: number, r1: number, used: Int32Array): void {
  const s = SCRATCH;
  const U = used.length;
  const right = 8 * U;
  for (let u = 0; u < U; u++) {
    const col = x[used[u]!]!;
    for (let r = r0; r < r1; r++) {
      const b = rowBase(r - r0, U) + 8 * u;
      const v = col[r]!;
      // biome-ignore lint/suspicious/noSelfCompare: the fast NaN test
      const nan = v !== v;
      s[b] = nan ? Number.NEGATIVE_INFINITY : v;
      s[b + right] = nan ? Number.POSITIVE_INFINITY : v;
    }
  }
}

/**
 * Where row `r` of a block starts in the scratch (`U` used features). Rows are kept in groups of
 * eight, column by column (value `c` of row `r` at `rowBase(r) + 8c`), so eight rows walking a
 * tree read a node's value from one cache line, each at one base plus a constant.
 */
function rowBase(r: number, U: number): number {
  return (r >> 3) * 16 * U + (r & 7);
}

/** Eight rows walk each tree together (no branch per step: child = 2p + (x > boundary)). */
function walkEight(
  padded: PaddedTrees,
  t0: number,
  t1: number,
  n8: number,
  groupSize: number,
  treeGroup: Int32Array,
  r0: number,
  G: number,
  margin: Float32Array | Float64Array,
): void {
  const { feat: feats, thr: thrs, val: vals, depth } = padded;
  // A local alias: the compiled loop then addresses the scratch as a constant (measured).
  const s = SCRATCH;
  for (let t = t0; t < t1; t++) {
    const feat = feats[t]!;
    const thr = thrs[t]!;
    const val = vals[t]!;
    const steps = depth[t]!;
    const grp = treeGroup[t]!;
    for (let r = 0; r < n8; r += 8) {
      // Row k of the group reads value c at o + 8c + k.
      const o = (r >> 3) * groupSize;
      let p0 = 1;
      let p1 = 1;
      let p2 = 1;
      let p3 = 1;
      let p4 = 1;
      let p5 = 1;
      let p6 = 1;
      let p7 = 1;
      for (let d = 0; d < steps; d++) {
        p0 = (p0 << 1) | +(s[o + feat[p0]!]! > thr[p0]!);
        p1 = (p1 << 1) | +(s[o + feat[p1]! + 1]! > thr[p1]!);
        p2 = (p2 << 1) | +(s[o + feat[p2]! + 2]! > thr[p2]!);
        p3 = (p3 << 1) | +(s[o + feat[p3]! + 3]! > thr[p3]!);
        p4 = (p4 << 1) | +(s[o + feat[p4]! + 4]! > thr[p4]!);
        p5 = (p5 << 1) | +(s[o + feat[p5]! + 5]! > thr[p5]!);
        p6 = (p6 << 1) | +(s[o + feat[p6]! + 6]! > thr[p6]!);
        p7 = (p7 << 1) | +(s[o + feat[p7]! + 7]! > thr[p7]!);
      }
      const m = (r0 + r) * G + grp;
      if (G === 1) {
        margin[m]! += val[p0]!;
        margin[m + 1]! += val[p1]!;
        margin[m + 2]! += val[p2]!;
        margin[m + 3]! += val[p3]!;
        margin[m + 4]! += val[p4]!;
        margin[m + 5]! += val[p5]!;
        margin[m + 6]! += val[p6]!;
        margin[m + 7]! += val[p7]!;
        continue;
      }
      margin[m]! += val[p0]!;
      margin[m + G]! += val[p1]!;
      margin[m + 2 * G]! += val[p2]!;
      margin[m + 3 * G]! += val[p3]!;
      margin[m + 4 * G]! += val[p4]!;
      margin[m + 5 * G]! += val[p5]!;
      margin[m + 6 * G]! += val[p6]!;
      margin[m + 7 * G]! += val[p7]!;
    }
  }
}

/**
 * One row (a single row, the end of the data) walks four trees together, adding their leaves in
 * tree order; `o` is the row's offset in the scratch, `m` its first margin.
 */
function walkRow(
  padded: PaddedTrees,
  t0: number,
  t1: number,
  o: number,
  treeGroup: Int32Array,
  m: number,
  margin: Float32Array | Float64Array,
): void {
  const { feat: feats, thr: thrs, val: vals, depth } = padded;
  // A local alias: the compiled loop then addresses the scratch as a constant (measured).
  const s = SCRATCH;
  let t = t0;
  for (; t + 4 <= t1; t += 4) {
    const fa = feats[t]!;
    const fb = feats[t + 1]!;
    const fc = feats[t + 2]!;
    const fd = feats[t + 3]!;
    const ta = thrs[t]!;
    const tb = thrs[t + 1]!;
    const tc = thrs[t + 2]!;
    const td = thrs[t + 3]!;
    const da = depth[t]!;
    const db = depth[t + 1]!;
    const dc = depth[t + 2]!;
    const dd = depth[t + 3]!;
    let a = 1;
    let b = 1;
    let c = 1;
    let e = 1;
    if (da === db && da === dc && da === dd)
      for (let d = 0; d < da; d++) {
        a = (a << 1) | +(s[o + fa[a]!]! > ta[a]!);
        b = (b << 1) | +(s[o + fb[b]!]! > tb[b]!);
        c = (c << 1) | +(s[o + fc[c]!]! > tc[c]!);
        e = (e << 1) | +(s[o + fd[e]!]! > td[e]!);
      }
    else
      for (let d = 0, steps = Math.max(da, db, dc, dd); d < steps; d++) {
        // A shallower tree stays on its leaf: it steps only while d < its depth.
        if (d < da) a = (a << 1) | +(s[o + fa[a]!]! > ta[a]!);
        if (d < db) b = (b << 1) | +(s[o + fb[b]!]! > tb[b]!);
        if (d < dc) c = (c << 1) | +(s[o + fc[c]!]! > tc[c]!);
        if (d < dd) e = (e << 1) | +(s[o + fd[e]!]! > td[e]!);
      }
    margin[m + treeGroup[t]!]! += vals[t]![a]!;
    margin[m + treeGroup[t + 1]!]! += vals[t + 1]![b]!;
    margin[m + treeGroup[t + 2]!]! += vals[t + 2]![c]!;
    margin[m + treeGroup[t + 3]!]! += vals[t + 3]![e]!;
  }
  for (; t < t1; t++) {
    const feat = feats[t]!;
    const thr = thrs[t]!;
    let p = 1;
    for (let d = 0; d < depth[t]!; d++) p = (p << 1) | +(s[o + feat[p]!]! > thr[p]!);
    margin[m + treeGroup[t]!]! += vals[t]![p]!;
  }
}
