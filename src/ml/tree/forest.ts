/**
 * Random forests and extra trees, shared estimator machinery (see random-forest.ts and
 * extra-trees.ts for the estimators, forest-fit.ts for fitting).
 */
import type { Matrix, SavedModel } from '../matrix.js';
import { argmaxRows, readSaved } from './decision-tree.js';
import { type ForestArrays, forestImportances, predictTrees } from './forest-arrays.js';
import { type FittedForest, fitForest, fitForestAsync } from './forest-fit.js';
import { checkMatrix, type FitExtra, type ForestOptions, invalid } from './options.js';

/** What every forest estimator shares. */
export abstract class Forest {
  /** Columns of the training data; predicted rows must have as many. */
  readonly cols: number;
  /** Number of classes k (classifiers) or 0 (regressors). */
  readonly classes: number;
  /** All trees in flat arrays (see ForestArrays); for inspection and TreeSHAP. */
  readonly forest: ForestArrays;
  /** Out-of-bag accuracy (classifiers) or R² (regressors) when fitted with `oobScore`. */
  readonly oobScore: number | undefined;
  /** Mean decrease in impurity per feature, averaged over trees and normalised (as scikit-learn). */
  readonly featureImportances: Float64Array;
  protected readonly options: ForestOptions;

  protected constructor(fitted: FittedForest, options: ForestOptions) {
    this.cols = fitted.cols;
    this.classes = fitted.classes;
    this.forest = fitted.forest;
    this.oobScore = fitted.oobScore;
    this.options = options;
    this.featureImportances = forestImportances(fitted.forest, fitted.cols);
  }

  /** Number of trees. */
  get treeCount(): number {
    return this.forest.treeStart.length - 1;
  }

  protected raw(X: Matrix): Float64Array {
    checkMatrix(X, 'predict', this.cols);
    return predictTrees(this.forest, X, this.classes > 0 ? this.classes : 1);
  }

  /**
   * Fits `options.trees` (default 100) trees on the calling thread. Classifiers take class indices
   * 0..k−1 as targets. `options.threads` is accepted but only `fitAsync` uses it; the forest is the
   * same either way.
   * @throws LatheError INVALID_ARGUMENT for an unknown or out-of-range option, NaN/Inf in X or (for
   *   regressors) y, naming row and column; for classifiers y not class indices or fewer than 2
   *   classes; bad sample weights.
   */
  static fit<T>(
    this: { prototype: T },
    X: Matrix,
    y: Float64Array,
    options: ForestOptions = {},
    extra?: FitExtra,
  ): T {
    // biome-ignore lint/complexity/noThisInStatic: `this` is the concrete subclass (RandomForestClassifier, …) called
    const { classification, splitter } = specOf(this);
    // biome-ignore lint/complexity/noThisInStatic: `this` is the concrete subclass (RandomForestClassifier, …) called
    return construct(this, fitForest(X, y, options, extra, classification, splitter), { ...options });
  }

  /**
   * As `fit`, growing the trees on `options.threads` worker threads (the process-wide pool of that
   * size; default 1: this thread). The forest is identical for every thread count. Inputs are
   * checked before any thread starts (the promise rejects).
   */
  static async fitAsync<T>(
    this: { prototype: T },
    X: Matrix,
    y: Float64Array,
    options: ForestOptions = {},
    extra?: FitExtra,
  ): Promise<T> {
    // biome-ignore lint/complexity/noThisInStatic: `this` is the concrete subclass (RandomForestClassifier, …) called
    const { classification, splitter } = specOf(this);
    const fitted = await fitForestAsync(X, y, options, extra, classification, splitter);
    // biome-ignore lint/complexity/noThisInStatic: `this` is the concrete subclass (RandomForestClassifier, …) called
    return construct(this, fitted, { ...options });
  }

  /** Reads a forest written by `save`; it predicts exactly as the saved one. */
  static load<T>(this: { prototype: T }, saved: SavedModel): T {
    // biome-ignore lint/complexity/noThisInStatic: `this` is the concrete subclass (RandomForestClassifier, …) called
    const { kind, classification } = specOf(this);
    const { cols, classes, forest, meta } = readSaved(saved, kind);
    if (classification !== classes > 0)
      throw invalid(`meta.classes must be ${classification ? '>= 2' : '0'} for ${kind}`, {
        field: 'meta.classes',
      });
    const oob = meta['oobScore'];
    const fitted = { cols, classes, forest, oobScore: typeof oob === 'number' ? oob : undefined };
    // biome-ignore lint/complexity/noThisInStatic: `this` is the concrete subclass (RandomForestClassifier, …) called
    return construct(this, fitted, (meta['options'] ?? {}) as ForestOptions);
  }

  /** The forest as metadata and typed arrays; `load` reads it. */
  save(): SavedModel {
    return {
      kind: specOf(this.constructor).kind,
      version: 1,
      meta: {
        cols: this.cols,
        classes: this.classes,
        oobScore: this.oobScore ?? null,
        options: this.options,
      },
      arrays: { ...this.forest },
    };
  }
}

/** The constructor every concrete forest estimator has (protected on the classes themselves). */
type ForestConstructor<T> = new (fitted: FittedForest, options: ForestOptions) => T;

/** What a concrete forest class declares as `protected static readonly` fields. */
interface ForestSpec {
  /** The saved-model kind, e.g. `random-forest-classifier`. */
  readonly kind: string;
  /** `best` (exhaustive search, random forests) or `random` (one random threshold per feature, extra trees). */
  readonly splitter: 'best' | 'random';
  /** True for classifiers (declared by ForestClassifier / ForestRegressor). */
  readonly classification: boolean;
}

/** The spec of the concrete class `cls` (the class `fit`/`load` was called on). */
function specOf(cls: unknown): ForestSpec {
  return cls as ForestSpec;
}

/** Constructs the concrete estimator `cls`. */
function construct<T>(cls: { prototype: T }, fitted: FittedForest, options: ForestOptions): T {
  return new (cls as unknown as ForestConstructor<T>)(fitted, options);
}

/**
 * A forest classifier: probabilities are the mean of the trees' leaf distributions. Concrete classes
 * declare `protected static readonly kind` and `splitter` (see {@link ForestSpec}).
 */
export abstract class ForestClassifier extends Forest {
  protected static readonly classification = true;

  /** Class probabilities, `X.rows` × `classes`: the mean of the trees' probabilities. */
  predictProba(X: Matrix): Matrix {
    return { data: this.raw(X), rows: X.rows, cols: this.classes };
  }

  /** The most probable class index per row (the lowest index on ties). */
  predict(X: Matrix): Float64Array {
    return argmaxRows(this.raw(X), X.rows, this.classes);
  }
}

/** A forest regressor: predictions are the mean of the trees' predictions (see ForestClassifier). */
export abstract class ForestRegressor extends Forest {
  protected static readonly classification = false;

  /** Predicted value per row. */
  predict(X: Matrix): Float64Array {
    return this.raw(X);
  }
}
