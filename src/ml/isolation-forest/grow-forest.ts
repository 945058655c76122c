/**
 * Grows isolation trees into flat typed arrays (internal to isolation-forest). A pure numeric core:
 * inputs are assumed valid (finite values, 2 <= sampleSize <= rows); the wrapper checks them.
 */
import type { SeededRandom } from '../seeded-random.js';

/**
 * The nodes of every tree, concatenated. Tree `t` owns nodes `treeStart[t]` to `treeStart[t + 1]`;
 * node indices in `left` / `right` are local to their tree (0 is its root), in pre-order. A leaf has
 * `feature` −1, `left` = `right` = −1 and `threshold` 0. `size` is the number of sampled rows that
 * reached the node. An internal node sends `x[feature] <= threshold` left, the rest right.
 */
export interface ForestArrays {
  treeStart: Int32Array;
  feature: Int32Array;
  threshold: Float64Array;
  left: Int32Array;
  right: Int32Array;
  size: Int32Array;
}

/** The depth limit of a tree grown on `sampleSize` rows: ceil(log2(sampleSize)). */
function heightLimit(sampleSize: number): number {
  return Math.ceil(Math.log2(sampleSize));
}

/**
 * Grows `trees` isolation trees, each on `sampleSize` rows of `data` (`rows` × `cols`, row-major)
 * drawn without replacement. At each node the split column is uniform among the columns not
 * constant in the node's rows (a leaf when all are), and the threshold uniform in [min, max).
 */
export function growForest(
  data: Float64Array,
  rows: number,
  cols: number,
  trees: number,
  sampleSize: number,
  random: SeededRandom,
): ForestArrays {
  const maxNodes = 2 * sampleSize - 1;
  const feature = new Int32Array(trees * maxNodes);
  const threshold = new Float64Array(trees * maxNodes);
  const left = new Int32Array(trees * maxNodes);
  const right = new Int32Array(trees * maxNodes);
  const size = new Int32Array(trees * maxNodes);
  const treeStart = new Int32Array(trees + 1);

  const permutation = new Uint32Array(rows);
  for (let i = 0; i < rows; i++) permutation[i] = i;
  const sample = new Float64Array(sampleSize * cols);
  const order = new Uint32Array(sampleSize);
  const candidates = new Int32Array(cols);
  const limit = heightLimit(sampleSize);

  let offset = 0;
  let count = 0;

  /** Grows the subtree over sample rows order[start:end) and returns its local node index. */
  const grow = (start: number, end: number, depth: number): number => {
    const node = count++;
    const at = offset + node;
    size[at] = end - start;
    let splitFeature = -1;
    let lo = 0;
    let hi = 0;
    if (depth < limit && end - start > 1) {
      for (let j = 0; j < cols; j++) candidates[j] = j;
      for (let remaining = cols; remaining > 0; remaining--) {
        const pick = random.int(remaining);
        const f = candidates[pick]!;
        candidates[pick] = candidates[remaining - 1]!;
        lo = Number.POSITIVE_INFINITY;
        hi = Number.NEGATIVE_INFINITY;
        for (let i = start; i < end; i++) {
          const v = sample[order[i]! * cols + f]!;
          if (v < lo) lo = v;
          if (v > hi) hi = v;
        }
        if (hi > lo) {
          splitFeature = f;
          break;
        }
      }
    }
    if (splitFeature < 0) {
      feature[at] = -1;
      left[at] = -1;
      right[at] = -1;
      return node;
    }
    let t = lo + random.uniform() * (hi - lo);
    if (t >= hi) t = lo; // rounding reached the max: keep the right side non-empty
    let mid = start;
    for (let i = start; i < end; i++) {
      const r = order[i]!;
      if (sample[r * cols + splitFeature]! <= t) {
        order[i] = order[mid]!;
        order[mid++] = r;
      }
    }
    feature[at] = splitFeature;
    threshold[at] = t;
    left[at] = grow(start, mid, depth + 1);
    right[at] = grow(mid, end, depth + 1);
    return node;
  };

  for (let tree = 0; tree < trees; tree++) {
    // Partial Fisher–Yates: the first sampleSize entries become a uniform draw without replacement.
    for (let i = 0; i < sampleSize; i++) {
      const j = i + random.int(rows - i);
      const r = permutation[j]!;
      permutation[j] = permutation[i]!;
      permutation[i] = r;
      sample.set(data.subarray(r * cols, r * cols + cols), i * cols);
      order[i] = i;
    }
    treeStart[tree] = offset;
    count = 0;
    grow(0, sampleSize, 0);
    offset += count;
  }
  treeStart[trees] = offset;
  return {
    treeStart,
    feature: feature.slice(0, offset),
    threshold: threshold.slice(0, offset),
    left: left.slice(0, offset),
    right: right.slice(0, offset),
    size: size.slice(0, offset),
  };
}
