/**
 * Random forests (Breiman 2001) as scikit-learn's RandomForestClassifier / RandomForestRegressor:
 * trees grown with the exhaustive split search on bootstrap samples, a random feature subset per
 * split (default sqrt(cols) for classification, all for regression).
 */
import type { Matrix, SavedModel } from '../matrix.js';
import { type FittedForest, fitForest, ForestClassifier, ForestRegressor } from './forest.js';
import type { FitExtra, ForestOptions } from './options.js';

/** A fitted random forest classifier. Targets are class indices 0..k−1. */
export class RandomForestClassifier extends ForestClassifier {
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
  ): RandomForestClassifier {
    return new RandomForestClassifier(fitForest(X, y, options, extra, true, 'best'), { ...options });
  }

  /** The forest as metadata and typed arrays; {@link RandomForestClassifier.load} reads it. */
  save(): SavedModel {
    return this.saveAs('random-forest-classifier');
  }

  /** Reads a forest written by `save`; it predicts exactly as the saved one. */
  static load(saved: SavedModel): RandomForestClassifier {
    return new RandomForestClassifier(
      ...RandomForestClassifier.loadFitted(saved, 'random-forest-classifier', true),
    );
  }
}

/** A fitted random forest regressor (squared error). */
export class RandomForestRegressor extends ForestRegressor {
  private constructor(fitted: FittedForest, options: ForestOptions) {
    super(fitted, options);
  }

  /**
   * Fits `options.trees` (default 100) trees.
   * @throws LatheError INVALID_ARGUMENT for an unknown or out-of-range option, NaN/Inf in X or y
   *   (naming row and column), or bad sample weights.
   */
  static fit(
    X: Matrix,
    y: Float64Array,
    options: ForestOptions = {},
    extra?: FitExtra,
  ): RandomForestRegressor {
    return new RandomForestRegressor(fitForest(X, y, options, extra, false, 'best'), { ...options });
  }

  /** The forest as metadata and typed arrays; {@link RandomForestRegressor.load} reads it. */
  save(): SavedModel {
    return this.saveAs('random-forest-regressor');
  }

  /** Reads a forest written by `save`; it predicts exactly as the saved one. */
  static load(saved: SavedModel): RandomForestRegressor {
    return new RandomForestRegressor(
      ...RandomForestRegressor.loadFitted(saved, 'random-forest-regressor', false),
    );
  }
}
