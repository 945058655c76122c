/**
 * TreeSHAP by precomputed leaf tables (the idea of Yang's "Fast TreeSHAP v2", internal to
 * src/ml/explain): a leaf's contribution to each feature on its path depends only on which of those
 * features the row follows, so the contributions of all 2^k patterns of a leaf with k distinct path
 * features are computed once per tree; each row then costs one pass over the nodes plus k additions
 * per leaf, instead of Algorithm 2's O(k²) per leaf.
 */
import type { TreeEnsemble } from '../tree-ensemble.js';

/** What both TreeSHAP methods share. */
export interface ShapContext {
  ens: TreeEnsemble;
  x: Float64Array;
  rows: number;
  M: number;
  K: number;
  /** Per node: the share of its cover going to the left / right child. */
  leftFrac: Float64Array;
  rightFrac: Float64Array;
  /** Leaf values times `scale`. */
  scaled: Float64Array;
  /** rows × K × M, accumulated. */
  values: Float64Array;
  maxDepth: number;
}

/**
 * Per element i = 1..k of a path (element 0 is the root's, zero = one = 1), the TreeSHAP weight
 * (unwound path sum × (one − zero)) into `out[i]`; `w` is scratch of k + 1 values.
 */
export function pathWeights(
  zero: Float64Array,
  one: Float64Array,
  k: number,
  w: Float64Array,
  out: Float64Array,
): void {
  w[0] = 1;
  for (let d = 1; d <= k; d++) {
    w[d] = 0;
    const z = zero[d]!;
    const o = one[d]!;
    for (let i = d - 1; i >= 0; i--) {
      const v = w[i]!;
      w[i + 1]! += (o * v * (i + 1)) / (d + 1);
      w[i] = (z * v * (d - i)) / (d + 1);
    }
  }
  for (let i = 1; i <= k; i++) {
    const z = zero[i]!;
    const o = one[i]!;
    let next = w[k]!;
    let total = 0;
    for (let j = k - 1; j >= 0; j--) {
      if (o !== 0) {
        const tmp = (next * (k + 1)) / ((j + 1) * o);
        total += tmp;
        next = w[j]! - (tmp * z * (k - j)) / (k + 1);
      } else if (z !== 0) total += (w[j]! * (k + 1)) / (z * (k - j));
    }
    out[i] = total * (o - z);
  }
}

/** Largest table (doubles) built for one tree; bigger trees use the recursion. */
export const MAX_TABLE = 1 << 21;

/**
 * The table of tree `t` (or undefined when it would exceed `MAX_TABLE` doubles): per node the
 * index of its split feature among the distinct features above it (`uidx`), per leaf the offset of
 * its block (`at`, −1 for internal nodes), its distinct features and k; a block holds, for each
 * pattern p (bit i set = the row follows every split on feature i), k weights times the leaf value
 * when `premultiply`.
 */
export function buildTable(ctx: ShapContext, t: number, premultiply: boolean) {
  const { ens, leftFrac, rightFrac, scaled, K } = ctx;
  const s = ens.treeStart[t]!;
  const size = ens.treeStart[t + 1]! - s;
  const uidx = new Int32Array(size);
  const at = new Int32Array(size).fill(-1);
  const leafK = new Int32Array(size);
  const leafFeat: number[] = [];
  const featAt = new Int32Array(size);
  const blocks: Float64Array[] = [];
  let total = 0;
  const uFeat = new Int32Array(ctx.maxDepth + 2);
  const uZero = new Float64Array(ctx.maxDepth + 2);
  const zero = new Float64Array(ctx.maxDepth + 2);
  const one = new Float64Array(ctx.maxDepth + 2);
  const w = new Float64Array(ctx.maxDepth + 2);
  const out = new Float64Array(ctx.maxDepth + 2);
  let tooBig = false;
  const visit = (g: number, k: number): void => {
    if (tooBig) return;
    const f = ens.feature[s + g]!;
    if (f < 0) {
      const n = 2 ** k;
      if (total + n * k > MAX_TABLE) {
        tooBig = true;
        return;
      }
      const block = new Float64Array(n * k);
      const v = premultiply ? scaled[(s + g) * K]! : 1;
      zero[0] = 1;
      one[0] = 1;
      for (let i = 0; i < k; i++) zero[i + 1] = uZero[i]!;
      for (let p = 0; p < n; p++) {
        let dead = false;
        for (let i = 0; i < k; i++) {
          one[i + 1] = (p >> i) & 1;
          if (one[i + 1] === 0 && zero[i + 1] === 0) dead = true;
        }
        if (dead) continue; // no cover and not followed: the leaf adds nothing
        pathWeights(zero, one, k, w, out);
        for (let i = 0; i < k; i++) block[p * k + i] = out[i + 1]! * v;
      }
      at[g] = total;
      total += n * k;
      blocks.push(block);
      leafK[g] = k;
      featAt[g] = leafFeat.length;
      for (let i = 0; i < k; i++) leafFeat.push(uFeat[i]!);
      return;
    }
    let u = 0;
    while (u < k && uFeat[u] !== f) u++;
    uidx[g] = u;
    const kk = u === k ? k + 1 : k;
    const old = u === k ? 1 : uZero[u]!;
    uFeat[u] = f;
    uZero[u] = old * leftFrac[s + g]!;
    visit(ens.left[s + g]!, kk);
    uFeat[u] = f;
    uZero[u] = old * rightFrac[s + g]!;
    visit(ens.right[s + g]!, kk);
    uZero[u] = old;
  };
  visit(0, 0);
  if (tooBig) return undefined;
  const table = new Float64Array(total);
  let o = 0;
  for (const b of blocks) {
    table.set(b, o);
    o += b.length;
  }
  return { uidx, at, leafK, leafFeat: Int32Array.from(leafFeat), featAt, table };
}

/** Adds tree `t`'s TreeSHAP values of every row to `ctx.values` by its table; false when too big. */
export function tableShapTree(ctx: ShapContext, t: number): boolean {
  const { ens, x, rows, M, K, scaled, values } = ctx;
  const tOut = ens.treeOutput?.[t] ?? -1;
  const premultiply = tOut >= 0 || K === 1;
  const tab = buildTable(ctx, t, premultiply);
  if (!tab) return false;
  const { uidx, at, leafK, leafFeat, featAt, table } = tab;
  const s = ens.treeStart[t]!;
  const size = ens.treeStart[t + 1]! - s;
  const { feature, threshold, left, right, missingLeft, categorical, catStart, catBits } = ens;
  const patt = new Int32Array(size);
  const outBase = Math.max(tOut, 0) * M;
  for (let r = 0; r < rows; r++) {
    const xOff = r * M;
    const phi = r * K * M;
    patt[0] = -1;
    // Children lie after their parents: one forward pass clears, in each node's pattern, the bit of
    // every feature whose split the row does not follow on the way to it.
    for (let g = 0; g < size; g++) {
      const f = feature[s + g]!;
      const p = patt[g]!;
      if (f >= 0) {
        const G = s + g;
        const v = x[xOff + f]!;
        let goLeft: boolean;
        if (Number.isNaN(v)) goLeft = missingLeft[G] === 1;
        else if (categorical !== undefined && categorical[G] === 1) {
          const start = catStart![G]!;
          const words = catStart![G + 1]! - start;
          goLeft =
            v >= 0 &&
            Number.isInteger(v) &&
            v < words * 32 &&
            ((catBits![start + (v >>> 5)]! >>> (v & 31)) & 1) === 1;
        } else goLeft = v <= threshold[G]!;
        const off = p & ~(1 << uidx[g]!);
        patt[left[G]!] = goLeft ? p : off;
        patt[right[G]!] = goLeft ? off : p;
        continue;
      }
      const k = leafK[g]!;
      if (k === 0) continue;
      const b = at[g]! + (p & ((1 << k) - 1)) * k;
      const fa = featAt[g]!;
      if (premultiply) {
        const o = phi + outBase;
        for (let i = 0; i < k; i++) values[o + leafFeat[fa + i]!]! += table[b + i]!;
      } else {
        for (let c = 0; c < K; c++) {
          const v = scaled[(s + g) * K + c]!;
          const o = phi + c * M;
          for (let i = 0; i < k; i++) values[o + leafFeat[fa + i]!]! += table[b + i]! * v;
        }
      }
    }
  }
  return true;
}
