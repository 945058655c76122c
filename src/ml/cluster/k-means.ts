/**
 * k-means clustering, as scikit-learn's KMeans (Lloyd's algorithm) with greedy k-means++ seeding,
 * several seeded restarts and the best run by inertia kept.
 */
import { describeValue } from '../../core/index.js';
import { columnVariances, type Matrix, type SavedModel } from '../matrix.js';
import {
  checkMatrix,
  checkOptionKeys,
  checkSampleWeight,
  checkSaved,
  enumOption,
  intOption,
  invalid,
  numberOption,
  savedArray,
} from '../input-checks.js';
import { SeededRandom } from '../seeded-random.js';
import { kMeansPlusPlus } from './k-means-plus-plus.js';
import { type LloydResult, lloyd, nearestCenter } from './lloyd.js';

/** Options of {@link KMeans.fit}. */
export interface KMeansOptions {
  /** Number of clusters, 1..rows (default 8). */
  k?: number;
  /**
   * `k-means++` (default): greedy k-means++ seeding; `random`: k distinct rows drawn at random; or a
   * k × cols Matrix of initial centres (then a single run is made).
   */
  init?: 'k-means++' | 'random' | Matrix;
  /** Number of seeded restarts, the run with the lowest inertia kept (default 10; 1 with an init Matrix). */
  nInit?: number;
  /** Maximum Lloyd iterations per run (default 300). */
  maxIter?: number;
  /**
   * Relative tolerance (default 1e-4): a run stops when the summed squared centre shift is at most
   * tol × the mean column variance of X. 0 runs until the labels stop changing.
   */
  tol?: number;
  /** Seed for the deterministic PRNG (default 0). */
  seed?: number;
}

/** Extra inputs of {@link KMeans.fit}. */
export interface KMeansExtra {
  /** Non-negative weight per row: weighted means, weighted inertia and weighted seeding. */
  sampleWeight?: Float64Array;
}

const KIND = 'kmeans';
const OPTION_KEYS = ['k', 'init', 'nInit', 'maxIter', 'tol', 'seed'] as const;

/** A fitted k-means model: its centres, and the labels, inertia and iterations of the kept run. */
export class KMeans {
  /** Cluster centres, k × cols. */
  readonly centers: Matrix;
  /** Cluster index of each training row (empty after {@link KMeans.load}). */
  readonly labels: Float64Array;
  /** Σ w‖x − centre‖² over the training rows, for the kept run. */
  readonly inertia: number;
  /** Lloyd iterations of the kept run. */
  readonly iterations: number;

  private constructor(centers: Matrix, labels: Float64Array, inertia: number, iterations: number) {
    this.centers = centers;
    this.labels = labels;
    this.inertia = inertia;
    this.iterations = iterations;
  }

  /** Number of clusters. */
  get k(): number {
    return this.centers.rows;
  }

  /**
   * Clusters the rows of `X`.
   * @throws LatheError INVALID_ARGUMENT for an unknown or out-of-range option (k < 1, k > rows, an
   *   init Matrix of the wrong shape), NaN/Inf in X (naming row and column) or bad sample weights.
   */
  static fit(X: Matrix, options: KMeansOptions = {}, extra: KMeansExtra = {}): KMeans {
    checkOptionKeys(options, OPTION_KEYS, 'KMeans.fit');
    const k = intOption(options.k ?? 8, 'options.k', 1);
    const maxIter = intOption(options.maxIter ?? 300, 'options.maxIter', 1);
    const relTol = numberOption(options.tol ?? 1e-4, 'options.tol', 0);
    const seed = options.seed ?? 0;
    if (typeof seed !== 'number' || !Number.isSafeInteger(seed))
      throw invalid(`options.seed must be a safe integer; got ${describeValue(seed)}`, {
        field: 'options.seed',
      });
    const init = options.init ?? 'k-means++';
    const explicit = typeof init === 'object';
    const nInit = explicit ? 1 : intOption(options.nInit ?? 10, 'options.nInit', 1);
    if (!explicit) enumOption(init, 'options.init', ['k-means++', 'random'] as const);
    checkMatrix(X, 'X', 1);
    const { rows, cols, data } = X;
    if (k > rows)
      throw invalid(`options.k must be at most the number of rows (${rows}); got ${k}`, {
        field: 'options.k',
      });
    if (explicit) {
      checkMatrix(init, 'options.init', k, cols);
      if (init.rows !== k)
        throw invalid(`options.init must have k = ${k} rows (one per cluster); got ${init.rows}`, {
          field: 'options.init',
        });
    }
    checkOptionKeys(extra, ['sampleWeight'], 'KMeans.fit extra');
    const w = checkSampleWeight(extra.sampleWeight, rows);

    const tol = relTol === 0 ? 0 : relTol * meanColumnVariance(data, rows, cols);
    const random = new SeededRandom(seed);
    let best: LloydResult | undefined;
    for (let run = 0; run < nInit; run++) {
      const start = explicit
        ? init.data
        : init === 'random'
          ? randomRows(data, rows, cols, k, random)
          : kMeansPlusPlus(data, rows, cols, w, k, random);
      const result = lloyd(data, rows, cols, w, start, k, maxIter, tol);
      if (
        best === undefined ||
        (result.inertia < best.inertia && !sameClustering(result.labels, best.labels, k))
      )
        best = result;
    }
    const kept = best as LloydResult;
    return new KMeans(
      { data: kept.centers, rows: k, cols },
      Float64Array.from(kept.labels),
      kept.inertia,
      kept.iterations,
    );
  }

  /** The nearest centre of each row of `X` (the lowest index on a tie). */
  predict(X: Matrix): Float64Array {
    checkMatrix(X, 'X', 0, this.centers.cols);
    const out = new Float64Array(X.rows);
    for (let i = 0; i < X.rows; i++) out[i] = nearestCenter(X.data, i, this.centers.data, this.k, X.cols);
    return out;
  }

  /** The Euclidean distance of each row of `X` to each centre (rows × k). */
  transform(X: Matrix): Matrix {
    checkMatrix(X, 'X', 0, this.centers.cols);
    const { cols } = X;
    const k = this.k;
    const out = new Float64Array(X.rows * k);
    for (let i = 0; i < X.rows; i++)
      for (let c = 0; c < k; c++) {
        let s = 0;
        for (let j = 0; j < cols; j++) s += (X.data[i * cols + j]! - this.centers.data[c * cols + j]!) ** 2;
        out[i * k + c] = Math.sqrt(s);
      }
    return { data: out, rows: X.rows, cols: k };
  }

  /** The saved form (kind `kmeans`): k, cols, inertia and iterations as metadata; centres as an array. */
  save(): SavedModel {
    return {
      kind: KIND,
      version: 1,
      meta: { k: this.k, cols: this.centers.cols, inertia: this.inertia, iterations: this.iterations },
      arrays: { centers: this.centers.data.slice() },
    };
  }

  /**
   * Reads a model written by {@link KMeans.save}; it predicts exactly as the saved one.
   * @throws LatheError INVALID_ARGUMENT naming the first missing or malformed field.
   */
  static load(saved: SavedModel): KMeans {
    const s = checkSaved(saved, KIND, 1);
    const k = intOption(s.meta['k'], 'meta.k', 1);
    const cols = intOption(s.meta['cols'], 'meta.cols', 1);
    const inertia = numberOption(s.meta['inertia'], 'meta.inertia', 0);
    const iterations = intOption(s.meta['iterations'], 'meta.iterations', 0);
    const centers = savedArray(s, 'centers', k * cols).slice();
    checkMatrix({ data: centers, rows: k, cols }, 'arrays.centers', 1, cols);
    return new KMeans({ data: centers, rows: k, cols }, new Float64Array(0), inertia, iterations);
  }
}

/** Mean over columns of the (population) variance of each column: scikit-learn's tolerance scale. */
function meanColumnVariance(data: Float64Array, rows: number, cols: number): number {
  let total = 0;
  for (const v of columnVariances(data, rows, cols)) total += v;
  return total / cols;
}

/** k distinct rows drawn uniformly (a partial Fisher–Yates shuffle). */
function randomRows(
  data: Float64Array,
  rows: number,
  cols: number,
  k: number,
  random: SeededRandom,
): Float64Array {
  const order = Int32Array.from({ length: rows }, (_, i) => i);
  const out = new Float64Array(k * cols);
  for (let c = 0; c < k; c++) {
    const j = c + random.int(rows - c);
    [order[c], order[j]] = [order[j]!, order[c]!];
    out.set(data.subarray(order[c]! * cols, (order[c]! + 1) * cols), c * cols);
  }
  return out;
}

/** True when `a` and `b` are the same partition up to renaming the clusters. */
function sameClustering(a: Int32Array, b: Int32Array, k: number): boolean {
  const mapping = new Int32Array(k).fill(-1);
  for (let i = 0; i < a.length; i++) {
    const m = mapping[a[i]!]!;
    if (m === -1) mapping[a[i]!] = b[i]!;
    else if (m !== b[i]) return false;
  }
  return true;
}
