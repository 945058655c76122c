/**
 * k-nearest-neighbours classification, as scikit-learn's KNeighborsClassifier with the brute
 * algorithm: the class of a row is the (weighted) majority among its k nearest training rows.
 */
import type { Matrix, SavedModel } from '../matrix.js';
import { checkClassTargets, checkMatrix } from '../input-checks.js';
import { type KNeighborsOptions, NeighborsIndex, resolveOptions } from './k-neighbors-base.js';

const KIND = 'knn-classifier';

/**
 * A fitted k-NN classifier. Fit with {@link KNeighborsClassifier.fit}; {@link predict} gives class
 * indices, {@link predictProba} the share of neighbour weight per class. Ties in distance go to the
 * lower training row; ties in votes to the lower class index.
 */
export class KNeighborsClassifier {
  /** Number of classes k: targets are class indices 0..k−1. */
  readonly classes: number;
  private readonly index: NeighborsIndex;

  private constructor(index: NeighborsIndex, classes: number) {
    this.index = index;
    this.classes = classes;
  }

  /** Number of feature columns. */
  get cols(): number {
    return this.index.X.cols;
  }

  /**
   * Stores the training rows (copied) and their class indices; with `algorithm` `auto` or
   * `kd-tree` builds a KD-tree over them.
   * @throws LatheError INVALID_ARGUMENT for an unknown or out-of-range option (k < 1 or k > rows),
   *   NaN/Inf in X (naming row and column) or y values that are not class indices.
   */
  static fit(X: Matrix, y: Float64Array, options: KNeighborsOptions = {}): KNeighborsClassifier {
    checkMatrix(X, 'X', 1);
    const resolved = resolveOptions(options, X.rows, 'KNeighborsClassifier.fit');
    const classes = checkClassTargets(y, X.rows);
    const copy = { data: X.data.slice(), rows: X.rows, cols: X.cols };
    return new KNeighborsClassifier(new NeighborsIndex(copy, y.slice(), resolved), classes);
  }

  /** Per row of `X`, the weight share of each class among the k neighbours (rows × classes). */
  predictProba(X: Matrix): Matrix {
    const votes = this.votes(X);
    const { classes } = this;
    for (let q = 0; q < X.rows; q++) {
      let sum = 0;
      for (let c = 0; c < classes; c++) sum += votes[q * classes + c]!;
      for (let c = 0; c < classes; c++) votes[q * classes + c]! /= sum;
    }
    return { data: votes, rows: X.rows, cols: classes };
  }

  /** Per row of `X`, the class with the largest neighbour weight (the lowest index on a tie). */
  predict(X: Matrix): Float64Array {
    const votes = this.votes(X);
    const { classes } = this;
    const out = new Float64Array(X.rows);
    for (let q = 0; q < X.rows; q++) {
      let best = 0;
      for (let c = 1; c < classes; c++) if (votes[q * classes + c]! > votes[q * classes + best]!) best = c;
      out[q] = best;
    }
    return out;
  }

  /** The k nearest training rows of each row of `X`: indices and distances, rows × k, nearest first. */
  kNeighbors(X: Matrix): { indices: Int32Array; distances: Float64Array } {
    return this.index.query(X);
  }

  private votes(X: Matrix): Float64Array {
    const result = this.index.query(X);
    const { k } = this.index.options;
    const { classes } = this;
    const votes = new Float64Array(X.rows * classes);
    const w = new Float64Array(k);
    for (let q = 0; q < X.rows; q++) {
      this.index.weightsOf(result, q, w);
      for (let j = 0; j < k; j++) {
        const c = this.index.y[result.indices[q * k + j]!]!;
        votes[q * classes + c]! += w[j]!;
      }
    }
    return votes;
  }

  /** The saved form (kind `knn-classifier`): options and shapes as metadata, training data as arrays. */
  save(): SavedModel {
    return this.index.save(KIND, { classes: this.classes });
  }

  /**
   * Reads a model written by {@link KNeighborsClassifier.save}; it predicts exactly as the saved one.
   * @throws LatheError INVALID_ARGUMENT naming the first missing or malformed field.
   */
  static load(saved: SavedModel): KNeighborsClassifier {
    const { index } = NeighborsIndex.load(saved, KIND);
    const classes = checkClassTargets(index.y, index.X.rows);
    const stated = saved.meta['classes'];
    return new KNeighborsClassifier(index, typeof stated === 'number' && stated > classes ? stated : classes);
  }
}
