/** Options, validation, storage and search shared by the k-nearest-neighbours classifier and regressor. */
import type { Matrix, SavedModel } from '../matrix.js';
import {
  checkMatrix,
  checkOptionKeys,
  checkSaved,
  enumOption,
  intOption,
  invalid,
  numberOption,
  savedArray,
} from '../input-checks.js';
import { buildKdTree, type KdTree, kNeighbors, type NeighborResult } from './search.js';

/** Options of the k-nearest-neighbours estimators. */
export interface KNeighborsOptions {
  /** Number of neighbours, at least 1 and at most the number of training rows (default 5). */
  k?: number;
  /** `uniform` (default): every neighbour counts equally; `distance`: weight 1/distance (rows at distance 0 take all the weight). */
  weights?: 'uniform' | 'distance';
  /** `euclidean` (default), `manhattan`, or `minkowski` with exponent `p`. */
  metric?: 'euclidean' | 'manhattan' | 'minkowski';
  /** Minkowski exponent, a finite number >= 1 (default 2); only read when `metric` is `minkowski`. */
  p?: number;
  /** `auto` (default): a KD-tree up to 15 columns, else brute force; or force `brute` / `kd-tree`. Results are identical. */
  algorithm?: 'auto' | 'brute' | 'kd-tree';
}

/** Fully resolved options. */
export interface ResolvedKNeighborsOptions {
  k: number;
  weights: 'uniform' | 'distance';
  metric: 'euclidean' | 'manhattan' | 'minkowski';
  p: number;
  algorithm: 'auto' | 'brute' | 'kd-tree';
}

const OPTION_KEYS = ['k', 'weights', 'metric', 'p', 'algorithm'] as const;
/** Up to this many columns `auto` builds a KD-tree. */
const KD_TREE_MAX_COLS = 15;

/** Validates options against `rows` training rows (k must not exceed it). */
export function resolveOptions(options: unknown, rows: number, where: string): ResolvedKNeighborsOptions {
  checkOptionKeys(options, OPTION_KEYS, where);
  const o = options as KNeighborsOptions;
  const k = intOption(o.k ?? 5, 'options.k', 1);
  if (k > rows)
    throw invalid(`options.k must be at most the number of training rows (${rows}); got ${k}`, {
      field: 'options.k',
    });
  const weights = enumOption(o.weights ?? 'uniform', 'options.weights', ['uniform', 'distance'] as const);
  const metric = enumOption(o.metric ?? 'euclidean', 'options.metric', [
    'euclidean',
    'manhattan',
    'minkowski',
  ] as const);
  const pIn = numberOption(o.p ?? 2, 'options.p', 1);
  const p = metric === 'euclidean' ? 2 : metric === 'manhattan' ? 1 : pIn;
  const algorithm = enumOption(o.algorithm ?? 'auto', 'options.algorithm', [
    'auto',
    'brute',
    'kd-tree',
  ] as const);
  return { k, weights, metric, p, algorithm };
}

/** The stored training set, the options and the (optional) KD-tree of a fitted k-NN estimator. */
export class NeighborsIndex {
  readonly tree: KdTree | undefined;
  constructor(
    readonly X: Matrix,
    readonly y: Float64Array,
    readonly options: ResolvedKNeighborsOptions,
  ) {
    const useTree =
      options.algorithm === 'kd-tree' || (options.algorithm === 'auto' && X.cols <= KD_TREE_MAX_COLS);
    this.tree = useTree ? buildKdTree(X.data, X.rows, X.cols) : undefined;
  }

  /** Neighbours of each row of `Q` (checked: finite, same column count), nearest first. */
  query(Q: Matrix): NeighborResult {
    checkMatrix(Q, 'X', 0, this.X.cols);
    const { X, options } = this;
    return kNeighbors(X.data, X.rows, Q.data, Q.rows, X.cols, options.k, { p: options.p }, this.tree);
  }

  /**
   * Weights of the `k` neighbours of query `q` into `out`: 1 each for `uniform`; 1/distance for
   * `distance`, except that when a neighbour is at distance 0 those neighbours weigh 1 and the rest 0
   * (scikit-learn's rule).
   */
  weightsOf(result: NeighborResult, q: number, out: Float64Array): void {
    const { k, weights } = this.options;
    const o = q * k;
    if (weights === 'uniform') {
      out.fill(1);
      return;
    }
    let exact = false;
    for (let j = 0; j < k; j++) if (result.distances[o + j] === 0) exact = true;
    for (let j = 0; j < k; j++) {
      const d = result.distances[o + j]!;
      out[j] = exact ? (d === 0 ? 1 : 0) : 1 / d;
    }
  }

  /** The saved form: options and shapes in `meta`, training rows and targets as arrays. */
  save(kind: string, extraMeta: Record<string, unknown>): SavedModel {
    const { k, weights, metric, p, algorithm } = this.options;
    return {
      kind,
      version: 1,
      meta: { k, weights, metric, p, algorithm, rows: this.X.rows, cols: this.X.cols, ...extraMeta },
      arrays: { X: this.X.data.slice(), y: this.y.slice() },
    };
  }

  /** Reads what {@link NeighborsIndex.save} wrote. */
  static load(saved: unknown, kind: string): { index: NeighborsIndex; meta: Record<string, unknown> } {
    const s = checkSaved(saved, kind, 1);
    const rows = intOption(s.meta['rows'], 'meta.rows', 1);
    const cols = intOption(s.meta['cols'], 'meta.cols', 1);
    const { k, weights, metric, p, algorithm } = s.meta;
    const options = resolveOptions({ k, weights, metric, p, algorithm }, rows, `load ${kind}`);
    const X = savedArray(s, 'X', rows * cols).slice();
    const y = savedArray(s, 'y', rows).slice();
    return { index: new NeighborsIndex({ data: X, rows, cols }, y, options), meta: s.meta };
  }
}
