/**
 * LightGBM's prediction, in TypeScript: the numeric core (pure functions on typed arrays). It
 * follows `Tree::NumericalDecision` and `Tree::CategoricalDecision` of LightGBM 3 and 4:
 *
 * - numeric split: NaN becomes 0 unless the split's missing type is NaN; with missing type NaN a
 *   NaN takes the default side, with missing type Zero a value in [-1e-35, 1e-35] (and so a NaN)
 *   does; otherwise `x <= threshold` (doubles) goes left;
 * - categorical split: NaN and negative values go right; otherwise the value truncated to an
 *   integer goes left when its bit is set in the node's bitset (codes past the bitset go right);
 * - a round adds each of its trees to its class's score (`tree % treesPerIteration`), summed in
 *   tree order from 0; random-forest models divide by the number of rounds.
 */
import {
  CATEGORICAL_MASK,
  DEFAULT_LEFT_MASK,
  type LightgbmModel,
  MISSING_NAN,
  MISSING_ZERO,
} from './model-text.js';
import { convertOutputs } from './objectives.js';

/** LightGBM's `kZeroThreshold` (a float32 1e-35). */
export const ZERO_THRESHOLD = Math.fround(1e-35);

/** The arrays a tree walk reads. */
type Trees = Pick<
  LightgbmModel,
  | 'nodeStart'
  | 'leafStart'
  | 'splitFeature'
  | 'threshold'
  | 'decisionType'
  | 'left'
  | 'right'
  | 'catStart'
  | 'catWords'
  | 'catBits'
  | 'leafValue'
>;

/** The child (LightGBM encoding: `~leaf` when negative) that value `v` takes at global node `g`. */
export function nextNode(m: Trees, g: number, v: number): number {
  const dt = m.decisionType[g]!;
  if ((dt & CATEGORICAL_MASK) !== 0) {
    if (Number.isNaN(v)) return m.right[g]!;
    const c = Math.trunc(v);
    // C++ `static_cast<int>`: out-of-range values become INT_MIN, i.e. negative: right.
    if (c < 0 || !(c < 2147483648)) return m.right[g]!;
    const word = c >>> 5;
    if (word >= m.catWords[g]!) return m.right[g]!;
    return ((m.catBits[m.catStart[g]! + word]! >>> (c & 31)) & 1) === 1 ? m.left[g]! : m.right[g]!;
  }
  const missing = (dt >> 2) & 3;
  let x = v;
  if (Number.isNaN(x)) {
    if (missing === MISSING_NAN) return (dt & DEFAULT_LEFT_MASK) !== 0 ? m.left[g]! : m.right[g]!;
    x = 0;
  }
  if (missing === MISSING_ZERO && x >= -ZERO_THRESHOLD && x <= ZERO_THRESHOLD)
    return (dt & DEFAULT_LEFT_MASK) !== 0 ? m.left[g]! : m.right[g]!;
  return x <= m.threshold[g]! ? m.left[g]! : m.right[g]!;
}

/**
 * Raw scores (`rows × treesPerIteration`, row-major) of the rows of `x` (`rows × features`,
 * row-major, NaN for missing): LightGBM's `predict(raw_score=True)`.
 */
export function rawScores(m: LightgbmModel, x: Float64Array, rows: number): Float64Array {
  const k = m.treesPerIteration;
  const cols = m.featureNames.length;
  const out = new Float64Array(rows * k);
  const { trees, nodeStart, leafStart, splitFeature, threshold, left, right, nodeKind, nanLeft, leafValue } =
    m;
  for (let r = 0; r < rows; r++) {
    const o = r * k;
    const off = r * cols;
    for (let t = 0; t < trees; t++) {
      const n0 = nodeStart[t]!;
      let node = nodeStart[t + 1] === n0 ? -1 : 0;
      while (node >= 0) {
        const g = n0 + node;
        const v = x[off + splitFeature[g]!]!;
        if (nodeKind[g] === 0)
          // Numbers compare; NaN fails both tests and takes its precomputed side.
          node = v <= threshold[g]! ? left[g]! : v > threshold[g]! || nanLeft[g] === 0 ? right[g]! : left[g]!;
        else node = nextNode(m, g, v);
      }
      out[o + (t % k)]! += leafValue[leafStart[t]! + ~node]!;
    }
  }
  if (m.averageOutput) {
    const rounds = trees / k;
    for (let i = 0; i < out.length; i++) out[i]! /= rounds;
  }
  return out;
}

/**
 * Whether LightGBM transforms this model's averaged outputs: random forests saved by LightGBM 2.x
 * (format v2) answer the plain average of their leaves; later versions apply the objective's
 * transform (LightGBM issue #1843).
 */
export function convertsOutput(m: Pick<LightgbmModel, 'averageOutput' | 'version'>): boolean {
  return !(m.averageOutput && m.version === 'v2');
}

/**
 * LightGBM's `predict` output (`rows × treesPerIteration`, row-major): raw scores through the
 * objective's transform (sigmoid, softmax, exp…).
 */
export function predictScores(m: LightgbmModel, x: Float64Array, rows: number): Float64Array {
  const raw = rawScores(m, x, rows);
  return convertsOutput(m) ? convertOutputs(m.objective, raw, rows, m.treesPerIteration) : raw;
}
