/**
 * Extremely randomized trees (Geurts, Ernst & Wehenkel 2006) as scikit-learn's
 * ExtraTreesClassifier / ExtraTreesRegressor: per split, one uniform random threshold per candidate
 * feature and the best of those; every row used once by default (`bootstrap` false).
 */
import type { Matrix, SavedModel } from '../matrix.js';
import { type FittedForest, fitForest, ForestClassifier, ForestRegressor } from './forest.js';
import type { FitExtra, ForestOptions } from './options.js';

/** A fitted random forest classifier. Targets are class indices 0..k−1. */
export class ExtraTreesClassifier extends ForestClassifier {
  private constructor(fitted: FittedForest, options: ForestOptions) {
    super(fitted, options);
  }

  /**
   * Fits `options.trees` (default 100) trees.
   * @throws LatheError INVALID_ARGUMENT for an unknown or out-of-range option, NaN/Inf in X (naming
   *   row and column), y not class indices, fewer than 2 classes, or bad sample weights.
   */
  static fit(
    X: Matrix,
    y: Float64Array,
    options: ForestOptions = {},
    extra?: FitExtra,
  ): ExtraTreesClassifier {
    return new ExtraTreesClassifier(fitForest(X, y, options, extra, true, 'random'), { ...options });
  }

  /** The forest as metadata and typed arrays; {@link ExtraTreesClassifier.load} reads it. */
  save(): SavedModel {
    return this.saveAs('extra-trees-classifier');
  }

  /** Reads a forest written by `save`; it predicts exactly as the saved one. */
  static load(saved: SavedModel): ExtraTreesClassifier {
    return new ExtraTreesClassifier(
      ...ExtraTreesClassifier.loadFitted(saved, 'extra-trees-classifier', true),
    );
  }
}

/** A fitted random forest regressor (squared error). */
export class ExtraTreesRegressor extends ForestRegressor {
  private constructor(fitted: FittedForest, options: ForestOptions) {
    super(fitted, options);
  }

  /**
   * Fits `options.trees` (default 100) trees.
   * @throws LatheError INVALID_ARGUMENT for an unknown or out-of-range option, NaN/Inf in X or y
   *   (naming row and column), or bad sample weights.
   */
  static fit(X: Matrix, y: Float64Array, options: ForestOptions = {}, extra?: FitExtra): ExtraTreesRegressor {
    return new ExtraTreesRegressor(fitForest(X, y, options, extra, false, 'random'), { ...options });
  }

  /** The forest as metadata and typed arrays; {@link ExtraTreesRegressor.load} reads it. */
  save(): SavedModel {
    return this.saveAs('extra-trees-regressor');
  }

  /** Reads a forest written by `save`; it predicts exactly as the saved one. */
  static load(saved: SavedModel): ExtraTreesRegressor {
    return new ExtraTreesRegressor(...ExtraTreesRegressor.loadFitted(saved, 'extra-trees-regressor', false));
  }
}
