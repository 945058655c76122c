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
import type { Quantization } from './histogram.js';
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

/**
 * Quantizes the pairs `grad` of rows `0..n` into `packed` (one value per row) with `bits` bits:
 * steps `gScale`, `hScale` are the smallest powers of two that map the largest |gradient| and
 * hessian to at most `2^bits − 1`; each value is rounded down or up at random in proportion to its
 * distance (unbiased to 2^-17 of a step: the draws have 16 bits), from a generator seeded by
 * `seed`. Hessians must be >= 0.
 */
export function quantizeGradients(
  grad: Float64Array,
  n: number,
  packed: Float64Array,
  bits: number,
  seed: number,
): Quantization {
  let gMax = 0;
  let hMax = 0;
  for (let r = 0; r < n; r++) {
    const g = Math.abs(grad[2 * r]!);
    const h = grad[2 * r + 1]!;
    if (g > gMax) gMax = g;
    if (h > hMax) hMax = h;
  }
  const top = 2 ** bits - 1;
  const gScale = powerOfTwoAtLeast(gMax / top);
  const hScale = powerOfTwoAtLeast(hMax / top);
  const shift = Math.ceil(Math.log2(n + 1)) + bits;
  const unit = 2 ** shift;
  const gInv = 1 / gScale;
  const hInv = 1 / hScale;
  // xorshift32, seeded through a multiply (never 0); each step gives the row's two 16-bit draws.
  let x = Math.imul((seed | 0) ^ 0x9e3779b9, 0x85ebca6b) ^ 0x27d4eb2f;
  if (x === 0) x = 1;
  const toUnit = 1 / 65536;
  for (let r = 0; r < n; r++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    const gq = Math.floor(grad[2 * r]! * gInv + (x & 0xffff) * toUnit);
    const hq = Math.floor(grad[2 * r + 1]! * hInv + (x >>> 16) * toUnit);
    packed[r] = gq * unit + hq;
  }
  return { packed, shift, gScale, hScale };
}

/**
 * Recomputes every node's weight and cover of a tree grown on quantized gradients from the exact
 * pairs `grad` of its rows (`rows[start..end)` per leaf; an inner node sums its children), within
 * the node's monotone bounds.
 */
export function renewLeaves(tree: GrownTree, grad: Float64Array, rows: Int32Array, p: SplitParams): void {
  const m = tree.feature.length;
  const G = new Float64Array(m);
  const H = new Float64Array(m);
  // Breadth-first order: children come after their parent, so a backward pass sees them first.
  for (let i = m - 1; i >= 0; i--) {
    if (tree.feature[i]! < 0) {
      let g = 0;
      let h = 0;
      for (let j = tree.start[i]!; j < tree.end[i]!; j++) {
        const r = rows[j]!;
        g += grad[2 * r]!;
        h += grad[2 * r + 1]!;
      }
      G[i] = g;
      H[i] = h;
    } else {
      G[i] = G[tree.left[i]!]! + G[tree.right[i]!]!;
      H[i] = H[tree.left[i]!]! + H[tree.right[i]!]!;
    }
    tree.weight[i] = leafWeight(G[i]!, H[i]!, p, tree.lower[i]!, tree.upper[i]!);
    tree.cover[i] = H[i]!;
  }
}
