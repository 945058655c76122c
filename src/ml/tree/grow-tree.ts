/**
 * Grows one CART tree into flat typed arrays (internal to src/ml/tree). A pure numeric core: the
 * inputs are assumed valid (the estimator wrappers check them). Growing a tree is a pure function
 * of (data, rows and weights, parameters, random generator), so forests can grow trees anywhere,
 * including worker threads. The split search follows scikit-learn's BestSplitter / RandomSplitter:
 * per node and candidate feature the node's rows are sorted by that feature (best) or a threshold
 * is drawn uniformly between the feature's minimum and maximum (random); thresholds sit halfway
 * between consecutive distinct values; rows with `x <= threshold` go left.
 */
import type { SeededRandom } from '../seeded-random.js';
import { PACK, sortWithIndex } from './sort.js';

/** Split quality measure: gini / entropy (classification) or squared error (regression). */
export type Criterion = 'gini' | 'entropy' | 'squared_error';

/** The training data of a tree: features column-major, targets per row. */
export interface TreeData {
  /** Column-major features: row i of column j at `j * rows + i`. */
  columns: Float64Array;
  rows: number;
  cols: number;
  /** Class index per row (classification), or undefined for regression. */
  yClass: Int32Array | undefined;
  /** Target per row (regression); unused for classification. */
  yValue: Float64Array;
  /** Number of classes (classification) or 0 (regression). */
  classes: number;
  /**
   * Optional column-major dense ranks of the values (equal values share a rank), which lets the
   * split search sort packed integer keys natively; see {@link rankColumns}.
   */
  ranks?: Int32Array;
  /** With `ranks`: column j's distinct values in increasing order at `j * rows + rank`. */
  rankValues?: Float64Array;
  /** Pack keys in doubles even when 32 bits would do (for more than 65,536 rows; tests force it). */
  wideKeys?: boolean;
}

/** Resolved growth parameters (counts already turned into integers). */
export interface GrowParams {
  criterion: Criterion;
  /** `best`: exhaustive sorted search; `random`: one random threshold per feature (extra trees). */
  splitter: 'best' | 'random';
  maxDepth: number;
  minSamplesSplit: number;
  minSamplesLeaf: number;
  minImpurityDecrease: number;
  /** Features examined per split, 1..cols. */
  maxFeatures: number;
}

/**
 * One tree's nodes in pre-order (0 is the root; left subtree before right). A leaf has `feature`
 * −1, `left` = `right` = −1 and `threshold` 0. `value` holds `outputs` numbers per node: the
 * weighted class distribution (classification, sums to 1) or the weighted mean (regression).
 * `impurity`, `weight` (weighted rows) and `count` (distinct rows) describe the rows that reached
 * the node; they drive feature importances and TreeSHAP.
 */
export interface TreeArrays {
  feature: Int32Array;
  threshold: Float64Array;
  left: Int32Array;
  right: Int32Array;
  value: Float64Array;
  impurity: Float64Array;
  weight: Float64Array;
  count: Int32Array;
}

/** Values closer than this are treated as equal (scikit-learn's FEATURE_THRESHOLD). */
const FEATURE_THRESHOLD = 1e-7;
const EPSILON = 2.220446049250313e-16;

/**
 * Grows a tree on rows `indices` (distinct, each with a positive `weights[row]`), drawing feature
 * orders and random thresholds from `random`. `totalWeight` is the weighted size of the whole
 * training set (the denominator of min_impurity_decrease, as in scikit-learn).
 */
export function growTree(
  data: TreeData,
  indices: Int32Array,
  weights: Float64Array,
  totalWeight: number,
  params: GrowParams,
  random: SeededRandom,
): TreeArrays {
  const { columns, rows, cols, yClass, yValue } = data;
  const k = yClass ? data.classes : 0;
  const outputs = yClass ? k : 1;
  const n = indices.length;
  const depthCap = params.maxDepth < 30 ? 2 ** (params.maxDepth + 1) - 1 : Number.POSITIVE_INFINITY;
  const capacity = Math.max(1, Math.min(2 * n - 1, depthCap));
  const feature = new Int32Array(capacity);
  const threshold = new Float64Array(capacity);
  const left = new Int32Array(capacity);
  const right = new Int32Array(capacity);
  const value = new Float64Array(capacity * outputs);
  const impurity = new Float64Array(capacity);
  const weight = new Float64Array(capacity);
  const count = new Int32Array(capacity);

  const samples = Int32Array.from(indices);
  const xf = new Float64Array(n);
  const ranks = data.ranks;
  const rankValues = data.rankValues ?? xf;
  // Up to 65,536 rows a (rank, row) key fits 32 bits: sort those, else exact doubles.
  const small = ranks !== undefined && rows <= 65536 && !data.wideKeys;
  const keys = ranks && !small ? new Float64Array(n) : xf;
  const keys32 = new Uint32Array(small ? n : 0);
  const order = new Int32Array(cols);
  const nodeCounts = new Float64Array(k);
  const leftCounts = new Float64Array(k);
  const { criterion, minSamplesLeaf, maxFeatures } = params;
  const entropy = criterion === 'entropy';
  const gini = yClass !== undefined && !entropy;
  let nodes = 0;

  /** Impurity of the class-count vector `c` with total `w`. */
  const classImpurity = (c: Float64Array, w: number): number => {
    let s = 0;
    if (entropy) {
      for (let j = 0; j < k; j++) {
        const p = c[j]! / w;
        if (p > 0) s -= p * Math.log2(p);
      }
      return s;
    }
    for (let j = 0; j < k; j++) s += c[j]! * c[j]!;
    return 1 - s / (w * w);
  };

  /** Proxy of −(wL·impL + wR·impR) from left counts/sums; larger is better. */
  const proxy = (wL: number, wR: number, sumL: number, sumR: number): number => {
    if (!yClass) return (sumL * sumL) / wL + (sumR * sumR) / wR;
    let s = 0;
    if (entropy) {
      for (let j = 0; j < k; j++) {
        const l = leftCounts[j]!;
        const r = nodeCounts[j]! - l;
        if (l > 0) s += l * Math.log2(l / wL);
        if (r > 0) s += r * Math.log2(r / wR);
      }
      return s;
    }
    let sl = 0;
    let sr = 0;
    for (let j = 0; j < k; j++) {
      const l = leftCounts[j]!;
      const r = nodeCounts[j]! - l;
      sl += l * l;
      sr += r * r;
    }
    return sl / wL + sr / wR;
  };

  // Results of `stats` (kept in variables: no allocation per node).
  let statW = 0;
  let statImp = 0;
  let statSum = 0;
  /** Weighted size, impurity and target sum of samples[start:end) into stat*; fills nodeCounts. */
  const stats = (start: number, end: number): void => {
    let w = 0;
    if (yClass) {
      nodeCounts.fill(0);
      for (let p = start; p < end; p++) {
        const i = samples[p]!;
        const wi = weights[i]!;
        nodeCounts[yClass[i]!]! += wi;
        w += wi;
      }
      statW = w;
      statImp = classImpurity(nodeCounts, w);
      statSum = 0;
      return;
    }
    let s = 0;
    let sq = 0;
    for (let p = start; p < end; p++) {
      const i = samples[p]!;
      const wi = weights[i]!;
      const v = yValue[i]!;
      w += wi;
      s += wi * v;
      sq += wi * v * v;
    }
    const mean = s / w;
    statW = w;
    statImp = Math.max(0, sq / w - mean * mean);
    statSum = s;
  };

  let bestFeature = -1;
  let bestThreshold = 0;
  let bestProxy = Number.NEGATIVE_INFINITY;

  /** Best sorted split of samples[start:end) on column f; false when f is constant there. */
  const searchBest = (f: number, start: number, end: number, nodeW: number, nodeSum: number): boolean => {
    const base = f * rows;
    if (small) {
      for (let p = start; p < end; p++) {
        const i = samples[p]!;
        keys32[p] = ranks![base + i]! * 65536 + i;
      }
      sortRange(keys32, start, end);
      for (let p = start; p < end; p++) {
        const key = keys32[p]!;
        samples[p] = key & 0xffff;
        xf[p] = rankValues[base + (key >>> 16)]!;
      }
    } else if (ranks) {
      // Sort (rank, row) packed into exact doubles with the native typed-array sort.
      for (let p = start; p < end; p++) {
        const i = samples[p]!;
        keys[p] = ranks[base + i]! * PACK + i;
      }
      sortRange(keys, start, end);
      for (let p = start; p < end; p++) {
        const key = keys[p]!;
        const rank = Math.floor(key / PACK);
        samples[p] = key - rank * PACK;
        xf[p] = rankValues[base + rank]!; // increasing addresses: cache-friendly
      }
    } else {
      for (let p = start; p < end; p++) xf[p] = columns[base + samples[p]!]!;
      sortWithIndex(xf, samples, start, end);
    }
    if (xf[end - 1]! <= xf[start]! + FEATURE_THRESHOLD) return false;
    leftCounts.fill(0);
    let wL = 0;
    let sumL = 0;
    // Gini: running sums of squared class weights on each side, O(1) per row.
    let sqL = 0;
    let sqR = 0;
    if (gini) for (let j = 0; j < k; j++) sqR += nodeCounts[j]! * nodeCounts[j]!;
    const lastStart = end - minSamplesLeaf;
    for (let p = start; p < end - 1; p++) {
      const i = samples[p]!;
      const wi = weights[i]!;
      wL += wi;
      if (gini) {
        const c = yClass![i]!;
        const l = leftCounts[c]!;
        const r = nodeCounts[c]! - l;
        sqL += wi * (2 * l + wi);
        sqR += wi * (wi - 2 * r);
        leftCounts[c] = l + wi;
      } else if (yClass) leftCounts[yClass[i]!]! += wi;
      else sumL += wi * yValue[i]!;
      const here = xf[p]!;
      const next = xf[p + 1]!;
      if (next <= here + FEATURE_THRESHOLD) continue;
      if (p + 1 - start < minSamplesLeaf) continue;
      if (p + 1 > lastStart) break;
      const q = gini ? sqL / wL + sqR / (nodeW - wL) : proxy(wL, nodeW - wL, sumL, nodeSum - sumL);
      if (q > bestProxy) {
        bestProxy = q;
        bestFeature = f;
        let t = here / 2 + next / 2;
        if (t === next || !Number.isFinite(t)) t = here;
        bestThreshold = t;
      }
    }
    return true;
  };

  /** One random threshold on column f (extra trees); false when f is constant in the node. */
  const searchRandom = (f: number, start: number, end: number, nodeW: number, nodeSum: number): boolean => {
    const base = f * rows;
    let lo = Number.POSITIVE_INFINITY;
    let hi = Number.NEGATIVE_INFINITY;
    for (let p = start; p < end; p++) {
      const v = columns[base + samples[p]!]!;
      xf[p] = v;
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
    if (hi <= lo + FEATURE_THRESHOLD) return false;
    let t = lo + random.uniform() * (hi - lo);
    if (t === hi) t = lo;
    leftCounts.fill(0);
    let wL = 0;
    let sumL = 0;
    let nL = 0;
    for (let p = start; p < end; p++) {
      if (xf[p]! > t) continue;
      const i = samples[p]!;
      const wi = weights[i]!;
      nL++;
      wL += wi;
      if (yClass) leftCounts[yClass[i]!]! += wi;
      else sumL += wi * yValue[i]!;
    }
    if (nL < minSamplesLeaf || end - start - nL < minSamplesLeaf) return true;
    const q = proxy(wL, nodeW - wL, sumL, nodeSum - sumL);
    if (q > bestProxy) {
      bestProxy = q;
      bestFeature = f;
      bestThreshold = t;
    }
    return true;
  };

  const build = (start: number, end: number, depth: number): number => {
    const node = nodes++;
    stats(start, end);
    const w = statW;
    const imp = statImp;
    const sum = statSum;
    const size = end - start;
    feature[node] = -1;
    left[node] = -1;
    right[node] = -1;
    impurity[node] = imp;
    weight[node] = w;
    count[node] = size;
    if (yClass) for (let j = 0; j < k; j++) value[node * outputs + j] = nodeCounts[j]! / w;
    else value[node] = sum / w;
    if (
      depth >= params.maxDepth ||
      size < params.minSamplesSplit ||
      size < 2 * minSamplesLeaf ||
      imp <= EPSILON
    ) {
      return node;
    }
    bestFeature = -1;
    bestProxy = Number.NEGATIVE_INFINITY;
    for (let j = 0; j < cols; j++) order[j] = j;
    let visited = 0;
    let constant = 0;
    const search = params.splitter === 'best' ? searchBest : searchRandom;
    for (let drawn = 0; drawn < cols && (visited < maxFeatures || visited <= constant); drawn++) {
      const pick = drawn + random.int(cols - drawn);
      const f = order[pick]!;
      order[pick] = order[drawn]!;
      order[drawn] = f;
      visited++;
      if (!search(f, start, end, w, sum)) constant++;
    }
    if (bestFeature < 0) return node;
    const f = bestFeature;
    const t = bestThreshold;
    // Partition samples[start:end) by the chosen split.
    const base = f * rows;
    let mid = start;
    for (let p = start; p < end; p++) {
      const i = samples[p]!;
      if (columns[base + i]! <= t) {
        samples[p] = samples[mid]!;
        samples[mid++] = i;
      }
    }
    if (mid === start || mid === end) return node;
    stats(start, mid);
    const wL = statW;
    const impL = statImp;
    stats(mid, end);
    const wR = statW;
    const impR = statImp;
    const improvement = (w / totalWeight) * (imp - (wR / w) * impR - (wL / w) * impL);
    if (improvement + EPSILON < params.minImpurityDecrease) return node;
    feature[node] = f;
    threshold[node] = t;
    left[node] = build(start, mid, depth + 1);
    right[node] = build(mid, end, depth + 1);
    return node;
  };

  if (n > 0) build(0, n, 0);
  return {
    feature: feature.slice(0, nodes),
    threshold: threshold.slice(0, nodes),
    left: left.slice(0, nodes),
    right: right.slice(0, nodes),
    value: value.slice(0, nodes * outputs),
    impurity: impurity.slice(0, nodes),
    weight: weight.slice(0, nodes),
    count: count.slice(0, nodes),
  };
}

/** Sorts keys[start:end) ascending: native sort for long runs, insertion sort for short ones. */
function sortRange(keys: Uint32Array | Float64Array, start: number, end: number): void {
  if (end - start > 24) {
    keys.subarray(start, end).sort();
    return;
  }
  for (let p = start + 1; p < end; p++) {
    const key = keys[p]!;
    let q = p - 1;
    while (q >= start && keys[q]! > key) {
      keys[q + 1] = keys[q]!;
      q--;
    }
    keys[q + 1] = key;
  }
}
