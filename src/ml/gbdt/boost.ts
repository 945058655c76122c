/**
 * The boosting loop (internal; inputs are checked by the caller): bin the features, start from
 * the optimal constant, then per round compute gradients, draw rows and features, grow one tree
 * per output, update the margins, and track the validation metric for progress and early stopping.
 */
import type { FitProgress } from '../family.js';
import type { Matrix } from '../matrix.js';
import { SeededRandom } from '../seeded-random.js';
import { alloc, type BinnedData, binData, type NumericBinner } from './binning.js';
import { addTrees, type FlatTrees, FlatTreesBuilder } from './flat-trees.js';
import { toShared } from '../parallel/index.js';
import type { GrownTree, HistPool, RowData } from './grow.js';
import { TreeGrower } from './grow.js';
import { LocalHistPool } from './hist-pool.js';
import { baseScore, evalMetric, METRIC_OF, type Objective, weightedQuantile } from './objective.js';
import type { GbdtParams } from './options.js';
import { gradientBits, leafRanges, renewLeaves } from './quantize.js';
import type { SplitParams } from './split.js';

/** What the boosting loop needs besides the data and the parameters. */
export interface BoostContext {
  objective: Objective;
  /** Margins per row: 1, or the number of classes for softmax. */
  outputs: number;
  sampleWeight?: Float64Array;
  validation?: { X: Matrix; y: Float64Array };
  onProgress?: (progress: FitProgress) => void;
  shouldStop?: () => boolean;
  /**
   * Creates a multi-threaded histogram pool (threads > 1) over the gradient pairs and, when
   * gradients are quantized, the packed values; absent = one thread.
   */
  threadedPool?: (
    data: BinnedData,
    grads: Float64Array[],
    packed: Float64Array[] | null,
    rowData: RowData,
    split: SplitParams,
  ) => HistPool & { close(): void };
  /** Bins the numeric features on several threads (threads > 1); absent = one thread. */
  threadedBinner?: NumericBinner;
}

/** The result of boosting. */
export interface BoostResult {
  trees: FlatTrees;
  base: Float64Array;
  /** Rounds kept (the best round when early stopping). */
  rounds: number;
  /** Validation metric per round fitted (empty without validation). */
  history: number[];
}

/** Adds `tree` to the margins of the rows it was not grown on (walking their bins). */
function addUnsampledMargins(
  tree: GrownTree,
  values: Float64Array,
  sampled: Uint8Array,
  data: BinnedData,
  margin: Float64Array,
  k: number,
  c: number,
): void {
  for (let r = 0; r < data.rows; r++) {
    if (sampled[r]) continue;
    let node = 0;
    while (tree.feature[node]! >= 0) {
      const f = tree.feature[node]!;
      const b = data.colBins[f * data.rows + r]!;
      const bits = tree.catBits[node];
      const left =
        b === data.nBins[f]
          ? tree.missingLeft[node] === 1
          : bits
            ? ((bits[b >>> 5]! >>> (b & 31)) & 1) === 1
            : b <= tree.bin[node]!;
      node = left ? tree.left[node]! : tree.right[node]!;
    }
    margin[r * k + c]! += values[node]!;
  }
}

/** Runs boosting on `X` (finite or NaN) and `y`. */
export function boost(X: Matrix, y: Float64Array, p: GbdtParams, ctx: BoostContext): BoostResult {
  const k = ctx.outputs;
  const n = X.rows;
  const w = ctx.sampleWeight;
  const threaded = p.threads > 1 && ctx.threadedPool !== undefined;
  const binner = threaded ? ctx.threadedBinner : undefined;
  const data = binData(X, p.maxBins, p.binSampleRows, p.categoricalFeatures, p.seed, threaded, binner);
  const base = baseScore(ctx.objective, y, w, k);
  const margin = alloc(Float64Array, n * k, threaded);
  for (let r = 0; r < n; r++) for (let c = 0; c < k; c++) margin[r * k + c] = base[c]!;
  const grads = Array.from({ length: k }, () => alloc(Float64Array, 2 * n, threaded));
  const bits = p.quantizedGradients ? gradientBits(n) : 0;
  const packed = bits ? Array.from({ length: k }, () => alloc(Float64Array, n, threaded)) : null;
  // The pool's threads read the targets and weights too (shared copies when threaded).
  const rowData: RowData = {
    objective: ctx.objective,
    k,
    huberDelta: p.huberDelta,
    y: threaded ? toShared(y) : y,
    w: w && threaded ? toShared(w) : w,
    margin,
  };
  const monotone = Int8Array.from(p.monotone);
  const growParams = { ...p, monotone };
  const pool = threaded
    ? ctx.threadedPool!(data, grads, packed, rowData, growParams)
    : new LocalHistPool(data, grads, rowData, packed, growParams);
  const grower = new TreeGrower(data, pool, growParams);
  const random = new SeededRandom(p.seed);
  const builder = new FlatTreesBuilder();
  const val = ctx.validation;
  const valMargin = val ? new Float64Array(val.X.rows * k) : undefined;
  if (val && valMargin)
    for (let r = 0; r < val.X.rows; r++) for (let c = 0; c < k; c++) valMargin[r * k + c] = base[c]!;
  const history: number[] = [];
  let best = Number.POSITIVE_INFINITY;
  let bestRound = -1;
  const sampled = p.subsample < 1 ? new Uint8Array(n) : null;
  const sampleRows = new Int32Array(n);
  if (!sampled) for (let r = 0; r < n; r++) sampleRows[r] = r;
  const colCount = Math.max(1, Math.floor(p.colsampleByTree * X.cols));
  const residual = ctx.objective === 'absolute_error' ? new Float64Array(n) : undefined;
  try {
    for (let round = 0; round < p.rounds; round++) {
      pool.gradients();
      let features = Int32Array.from({ length: X.cols }, (_, i) => i);
      if (colCount < X.cols) {
        for (let i = 0; i < colCount; i++) {
          const j = i + random.int(X.cols - i);
          const t = features[i]!;
          features[i] = features[j]!;
          features[j] = t;
        }
        features = features.slice(0, colCount).sort();
      }
      let m = 0;
      if (sampled) {
        for (let r = 0; r < n; r++) {
          const take = random.uniform() < p.subsample ? 1 : 0;
          sampled[r] = take;
          if (take) sampleRows[m++] = r;
        }
        if (m === 0) {
          sampled[0] = 1;
          sampleRows[m++] = 0;
        }
      } else m = n;
      const roundTrees = new FlatTreesBuilder();
      const seeds = Array.from({ length: k }, (_, c) => p.seed ^ Math.imul(round * k + c + 1, 0x9e3779b1));
      const quantized = bits ? pool.quantizeAll(bits, seeds) : null;
      for (let c = 0; c < k; c++) {
        pool.rows.set(sampleRows.subarray(0, m));
        const q = quantized?.[c];
        const tree = grower.grow(c, grads[c]!, m, features, q);
        let leaves = 0;
        for (let i = 0; i < tree.feature.length; i++) if (tree.feature[i]! < 0) leaves++;
        const table = pool.leafTable(leaves);
        leafRanges(tree, table.ranges);
        pool.indexLeaves(leaves, m < n);
        if (q) {
          pool.leafSums(c, leaves);
          renewLeaves(tree, table.G, table.H, growParams);
        }
        const values = new Float64Array(tree.weight.length);
        for (let i = 0; i < values.length; i++) values[i] = p.learningRate * tree.weight[i]!;
        if (residual) refitMedian(tree, values, pool.rows, y, w, margin, residual, p.learningRate);
        builder.add(tree, values, c, data);
        roundTrees.add(tree, values, c, data);
        for (let i = 0, j = 0; i < values.length; i++)
          if (tree.feature[i]! < 0) table.values[j++] = values[i]!;
        pool.addLeafValues(c, leaves);
        if (sampled) addUnsampledMargins(tree, values, sampled, data, margin, k, c);
      }
      const progress: FitProgress = { iteration: round + 1, total: p.rounds };
      if (val && valMargin) {
        addTrees(roundTrees.build(), 0, k, val.X.data, val.X.rows, val.X.cols, k, valMargin);
        const metric = evalMetric(ctx.objective, val.y, valMargin, k);
        history.push(metric);
        progress.metrics = { [METRIC_OF[ctx.objective]]: metric };
        if (metric < best) {
          best = metric;
          bestRound = round;
        }
      }
      ctx.onProgress?.(progress);
      if (val && p.earlyStoppingRounds > 0 && round - bestRound >= p.earlyStoppingRounds) break;
      if (ctx.shouldStop?.()) break;
    }
  } finally {
    if ('close' in pool) (pool as { close(): void }).close();
  }
  const fitted = builder.trees / k;
  const rounds = val && p.earlyStoppingRounds > 0 && bestRound >= 0 ? bestRound + 1 : fitted;
  return { trees: builder.build(rounds * k), base, rounds, history };
}

/** Absolute error: each leaf's value becomes the learning rate times the weighted median residual. */
function refitMedian(
  tree: GrownTree,
  values: Float64Array,
  rows: Int32Array,
  y: Float64Array,
  w: Float64Array | undefined,
  margin: Float64Array,
  residual: Float64Array,
  lr: number,
): void {
  for (let i = 0; i < tree.feature.length; i++) {
    if (tree.feature[i]! >= 0) continue;
    const s = tree.start[i]!;
    const e = tree.end[i]!;
    if (e <= s) continue;
    const res = residual.subarray(0, e - s);
    const ws = w ? new Float64Array(e - s) : undefined;
    for (let j = s; j < e; j++) {
      const r = rows[j]!;
      res[j - s] = y[r]! - margin[r]!;
      if (ws) ws[j - s] = w![r]!;
    }
    values[i] = lr * weightedQuantile(res, ws, 0.5);
  }
}
