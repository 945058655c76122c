/**
 * Quantized gradients (internal; LightGBM's quantized training): before each tree, every row's
 * gradient and hessian are rounded stochastically to integers on a grid of power-of-two steps and
 * packed into one float64 (see histogram.ts `Quantization`), so histograms add one exact integer
 * per row and feature instead of two floats. Splits are searched on the quantized sums; leaf values
 * and covers are then recomputed from the exact gradients ({@link renewLeaves}), so predictions
 * keep full precision.
 *
 * Bits: a histogram sums at most `n` rows, so with `L = ceil(log2(n + 1))` and `bits <= 26 − L`
 * every sum of gradients and of hessians fits in `L + bits` bits and a packed sum below 2^53. That
 * gives 16 bits (the most used) up to 1,023 rows, 8 bits at 200,000 rows, 2 bits at 16 million
 * (LightGBM's default is 2 bits); beyond 2^24 rows training falls back to exact sums.
 */
import type { GrownTree } from './grow.js';
import type { QuantScale, Quantization } from './histogram.js';
import { gradientMaxima } from './objective.js';
import { leafWeight, type SplitParams } from './split.js';

/** Most bits per quantized gradient or hessian. */
export const MAX_GRADIENT_BITS = 16;
/** Fewest bits worth quantizing to; fewer would lose too much. */
const MIN_GRADIENT_BITS = 2;

/** The bits per value for histograms over up to `rows` rows (0: too many rows to quantize). */
export function gradientBits(rows: number): number {
  const bits = Math.min(MAX_GRADIENT_BITS, 26 - Math.ceil(Math.log2(rows + 1)));
  return bits >= MIN_GRADIENT_BITS ? bits : 0;
}

/** The smallest power of two >= x (1 for x <= 0). */
function powerOfTwoAtLeast(x: number): number {
  if (!(x > 0)) return 1;
  let e = Math.ceil(Math.log2(x));
  if (2 ** (e - 1) >= x) e--;
  else if (2 ** e < x) e++;
  return 2 ** e;
}

/** Rows per stretch of the dithering generator: thread shares start on multiples of it. */
export const QUANT_CHUNK = 4096;

/**
 * The steps and shift of `bits`-bit quantization for `n` rows whose largest |gradient| and
 * hessian are `gMax`, `hMax`: the smallest powers of two that map them to at most `2^bits − 1`.
 */
export function quantization(gMax: number, hMax: number, n: number, bits: number): QuantScale {
  const top = 2 ** bits - 1;
  return {
    shift: Math.ceil(Math.log2(n + 1)) + bits,
    gScale: powerOfTwoAtLeast(gMax / top),
    hScale: powerOfTwoAtLeast(hMax / top),
  };
}

/**
 * Packs rows `r0..r1` of `grad` into `packed` by `q`, each value rounded down or up at random in
 * proportion to its distance (unbiased to 2^-17 of a step: the draws have 16 bits). The generator
 * (xorshift32) restarts every {@link QUANT_CHUNK} rows from `seed` and the chunk's number, so any
 * split of the rows into chunk-aligned shares gives the same values. Hessians must be >= 0.
 * Returns the sum of the packed values (an exact integer, see {@link Quantization}).
 */
export function packRows(
  grad: Float64Array,
  r0: number,
  r1: number,
  packed: Float64Array,
  q: QuantScale,
  seed: number,
): number {
  let total = 0;
  const unit = 2 ** q.shift;
  const gInv = 1 / q.gScale;
  const hInv = 1 / q.hScale;
  const toUnit = 1 / 65536;
  for (let c0 = r0; c0 < r1; c0 += QUANT_CHUNK) {
    const c1 = Math.min(r1, c0 + QUANT_CHUNK);
    let x = Math.imul((seed | 0) ^ Math.imul(c0 / QUANT_CHUNK + 1, 0x9e3779b9), 0x85ebca6b) ^ 0x27d4eb2f;
    if (x === 0) x = 1;
    for (let r = c0; r < c1; r++) {
      x ^= x << 13;
      x ^= x >>> 17;
      x ^= x << 5;
      const gq = Math.floor(grad[2 * r]! * gInv + (x & 0xffff) * toUnit);
      const hq = Math.floor(grad[2 * r + 1]! * hInv + (x >>> 16) * toUnit);
      const v = gq * unit + hq;
      packed[r] = v;
      total += v;
    }
  }
  return total;
}

/**
 * Quantizes the pairs `grad` of rows `0..n` into `packed` with `bits` bits (one thread); `maxima`
 * (the largest |gradient| and hessian, as computeGradients measures them) are measured when absent.
 */
export function quantizeGradients(
  grad: Float64Array,
  n: number,
  packed: Float64Array,
  bits: number,
  seed: number,
  maxima?: Float64Array,
): Quantization {
  if (!maxima) {
    maxima = new Float64Array(2);
    gradientMaxima(grad, 0, n, maxima, 0);
  }
  const q = quantization(maxima[0]!, maxima[1]!, n, bits);
  const total = packRows(grad, 0, n, packed, q, seed);
  return { packed, total, ...q };
}

/**
 * Fixed row blocks of the leaf sums (whatever the thread count): each block's sums per leaf are
 * taken in row order, then added block by block ({@link combineLeafSums}), so every thread count
 * gives the same sums to the bit.
 */
export const LEAF_BLOCKS = 16;

/** The rows `[r0, r1)` of leaf-sum block `block` of `n` rows. */
export function leafBlock(n: number, block: number): [number, number] {
  return [Math.floor((n * block) / LEAF_BLOCKS), Math.floor((n * (block + 1)) / LEAF_BLOCKS)];
}

/**
 * Records the leaf of each row of leaves `a <= i < b` (leaf `i` holds `rows[ranges[2i]..ranges[2i + 1])`)
 * in `leafOf`, so the leaf sums and the margin update read the rows in order rather than gathering
 * them leaf by leaf.
 */
export function indexLeaves(
  ranges: Int32Array,
  a: number,
  b: number,
  rows: Int32Array,
  leafOf: Int32Array,
): void {
  for (let i = a; i < b; i++)
    for (let j = ranges[2 * i]!, e = ranges[2 * i + 1]!; j < e; j++) leafOf[rows[j]!] = i;
}

/**
 * The exact gradient and hessian sums per leaf of the leaf-sum blocks `b0 <= block < b1` of `n`
 * rows, written to `partial[2 · (block · stride + leaf)]` (and `+ 1`), `stride` the leaf count plus
 * one (the last leaf index is the rows in no leaf).
 */
export function leafBlockSums(
  leafOf: Int32Array,
  grad: Float64Array,
  n: number,
  b0: number,
  b1: number,
  stride: number,
  partial: Float64Array,
): void {
  for (let block = b0; block < b1; block++) {
    const base = 2 * block * stride;
    partial.fill(0, base, base + 2 * stride);
    const [r0, r1] = leafBlock(n, block);
    for (let r = r0; r < r1; r++) {
      const i = base + 2 * leafOf[r]!;
      partial[i]! += grad[2 * r]!;
      partial[i + 1]! += grad[2 * r + 1]!;
    }
  }
}

/** The sums `G[i]`, `H[i]` of leaves `0 <= i < count` from the blocks of {@link leafBlockSums}, in block order. */
export function combineLeafSums(
  partial: Float64Array,
  count: number,
  G: Float64Array,
  H: Float64Array,
): void {
  const stride = count + 1;
  for (let i = 0; i < count; i++) {
    let g = 0;
    let h = 0;
    for (let block = 0; block < LEAF_BLOCKS; block++) {
      g += partial[2 * (block * stride + i)]!;
      h += partial[2 * (block * stride + i) + 1]!;
    }
    G[i] = g;
    H[i] = h;
  }
}

/**
 * Adds `values[leafOf[r]]` to output `c` of the margins (rows × k) of rows `r0 <= r < r1` (the
 * value of the index of rows in no leaf is 0).
 */
export function addLeafValues(
  leafOf: Int32Array,
  values: Float64Array,
  r0: number,
  r1: number,
  margin: Float64Array,
  k: number,
  c: number,
): void {
  if (k === 1) for (let r = r0; r < r1; r++) margin[r]! += values[leafOf[r]!]!;
  else for (let r = r0; r < r1; r++) margin[r * k + c]! += values[leafOf[r]!]!;
}

/** Writes the row ranges of the leaves of `tree` (in node order) into `ranges`; returns their count. */
export function leafRanges(tree: GrownTree, ranges: Int32Array): number {
  let count = 0;
  for (let i = 0; i < tree.feature.length; i++) {
    if (tree.feature[i]! >= 0) continue;
    ranges[2 * count] = tree.start[i]!;
    ranges[2 * count + 1] = tree.end[i]!;
    count++;
  }
  return count;
}

/**
 * Recomputes every node's weight and cover of a tree grown on quantized gradients from the exact
 * sums of its leaves (`G`, `H` in leaf order, see {@link leafRanges}; an inner node sums its
 * children), within the node's monotone bounds.
 */
export function renewLeaves(tree: GrownTree, G: Float64Array, H: Float64Array, p: SplitParams): void {
  const m = tree.feature.length;
  const nodeG = new Float64Array(m);
  const nodeH = new Float64Array(m);
  let leaf = 0;
  for (let i = 0; i < m; i++)
    if (tree.feature[i]! < 0) {
      nodeG[i] = G[leaf]!;
      nodeH[i] = H[leaf++]!;
    }
  // Breadth-first order: children come after their parent, so a backward pass sees them first.
  for (let i = m - 1; i >= 0; i--) {
    if (tree.feature[i]! >= 0) {
      nodeG[i] = nodeG[tree.left[i]!]! + nodeG[tree.right[i]!]!;
      nodeH[i] = nodeH[tree.left[i]!]! + nodeH[tree.right[i]!]!;
    }
    tree.weight[i] = leafWeight(nodeG[i]!, nodeH[i]!, p, tree.lower[i]!, tree.upper[i]!);
    tree.cover[i] = nodeH[i]!;
  }
}
