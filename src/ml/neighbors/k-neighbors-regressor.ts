/**
 * k-nearest-neighbours regression, as scikit-learn's KNeighborsRegressor with the brute algorithm:
 * the prediction is the (weighted) mean target of the k nearest training rows.
 */
import type { Matrix, SavedModel } from '../matrix.js';
import { checkMatrix, checkTargets } from '../input-checks.js';
import { type KNeighborsOptions, NeighborsIndex, resolveOptions } from './k-neighbors-base.js';

const KIND = 'knn-regressor';

/** A fitted k-NN regressor. Fit with {@link KNeighborsRegressor.fit}, predict with {@link predict}. */
export class KNeighborsRegressor {
  private readonly index: NeighborsIndex;

  private constructor(index: NeighborsIndex) {
    this.index = index;
  }

  /** Number of feature columns. */
  get cols(): number {
    return this.index.X.cols;
  }

  /**
   * Stores the training rows and targets (copied); with `algorithm` `auto` or `kd-tree` builds a
   * KD-tree over them.
   * @throws LatheError INVALID_ARGUMENT for an unknown or out-of-range option (k < 1 or k > rows) or
   *   NaN/Inf in X or y (naming row and column).
   */
  static fit(X: Matrix, y: Float64Array, options: KNeighborsOptions = {}): KNeighborsRegressor {
    checkMatrix(X, 'X', 1);
    const resolved = resolveOptions(options, X.rows, 'KNeighborsRegressor.fit');
    checkTargets(y, X.rows);
    const copy = { data: X.data.slice(), rows: X.rows, cols: X.cols };
    return new KNeighborsRegressor(new NeighborsIndex(copy, y.slice(), resolved));
  }

  /** Per row of `X`, the mean target of its k neighbours (weighted by 1/distance with `distance`). */
  predict(X: Matrix): Float64Array {
    const result = this.index.query(X);
    const { k } = this.index.options;
    const out = new Float64Array(X.rows);
    const w = new Float64Array(k);
    for (let q = 0; q < X.rows; q++) {
      this.index.weightsOf(result, q, w);
      let num = 0;
      let den = 0;
      for (let j = 0; j < k; j++) {
        num += w[j]! * this.index.y[result.indices[q * k + j]!]!;
        den += w[j]!;
      }
      out[q] = num / den;
    }
    return out;
  }

  /** The k nearest training rows of each row of `X`: indices and distances, rows × k, nearest first. */
  kNeighbors(X: Matrix): { indices: Int32Array; distances: Float64Array } {
    return this.index.query(X);
  }

  /** The saved form (kind `knn-regressor`): options and shapes as metadata, training data as arrays. */
  save(): SavedModel {
    return this.index.save(KIND, {});
  }

  /**
   * Reads a model written by {@link KNeighborsRegressor.save}; it predicts exactly as the saved one.
   * @throws LatheError INVALID_ARGUMENT naming the first missing or malformed field.
   */
  static load(saved: SavedModel): KNeighborsRegressor {
    return new KNeighborsRegressor(NeighborsIndex.load(saved, KIND).index);
  }
}
