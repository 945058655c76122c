/**
 * The one contract every trainable model family implements, so training, tuning, AutoML,
 * explanations and the model package handle any estimator the same way. The registry of families
 * is in families.ts.
 */
import type { Matrix, SavedModel } from './matrix.js';
import type { TreeEnsemble } from './tree-ensemble.js';
import type { ParamSet, SearchSpace } from './tune/space.js';

/** What a supervised model predicts. */
export type Task = 'binary' | 'multiclass' | 'regression';

/** Progress of a fit, reported after each iteration (boosting round, tree, solver pass). */
export interface FitProgress {
  /** Iterations done (1-based). */
  iteration: number;
  /** Iterations planned (may stop earlier, e.g. early stopping). */
  total: number;
  /** Validation (or training) metrics after this iteration, when the family computes them. */
  metrics?: Record<string, number>;
}

/** What `fit` receives besides the features, targets and hyperparameters. */
export interface FitContext {
  task: Task;
  /** Number of classes k for classification (targets are class indices 0..k−1); 0 for regression. */
  classes: number;
  /** Non-negative weight per training row. */
  sampleWeight?: Float64Array;
  /** A validation set for early stopping and progress metrics (families that use it). */
  validation?: { X: Matrix; y: Float64Array };
  /** Called after each iteration; synchronous and cheap (it may post a message). */
  onProgress?: (progress: FitProgress) => void;
  /** Polled between iterations; returning true stops the fit early with what is built so far. */
  shouldStop?: () => boolean;
}

/** A fitted model of any family. */
export interface FittedModel {
  /** The family name (see {@link ModelFamily.name}). */
  readonly family: string;
  readonly task: Task;
  /** Number of feature columns the model reads. */
  readonly cols: number;
  /** Class index (classification) or value (regression) per row. */
  predict(X: Matrix): Float64Array;
  /** Class probabilities, rows × classes (classification only). */
  predictProba?(X: Matrix): Matrix;
  /** Metadata and typed arrays; {@link ModelFamily.load} reverses it. */
  save(): SavedModel;
  /** The trees, for exact TreeSHAP (tree families only). */
  treeEnsemble?(): TreeEnsemble;
  /** Built-in importance per feature (trees: impurity or gain; linear: |coefficient| on standardized inputs). */
  featureImportances?(): Float64Array;
  /** AIC and BIC on (X, y), for linear and logistic models (log-likelihood from their own loss). */
  informationCriteria?(X: Matrix, y: Float64Array): { aic: number; bic: number };
  /** Iterations actually fitted (boosting rounds after early stopping, solver iterations). */
  readonly iterations?: number;
}

/** A trainable family of models (`gbdt`, `rf`, `logistic`, …). */
export interface ModelFamily {
  /** The name users type (`lathe train --model NAME`). */
  readonly name: string;
  /** One line for help texts and the UI. */
  readonly summary: string;
  readonly tasks: readonly Task[];
  /** Hyperparameter name → one line: meaning, range and default (help texts, the UI, errors). */
  readonly params: Readonly<Record<string, string>>;
  /** Where tuning and AutoML search by default. */
  readonly space: SearchSpace;
  /** A cheap, sensible first configuration for AutoML's cost-frugal start. */
  readonly cheapStart: ParamSet;
  /** The hyperparameter that scales cost (trees, rounds, iterations), for successive halving. */
  readonly budgetParam?: string;
  /** How the training pipeline must prepare the features for this family. */
  readonly preprocess: {
    /** Standardize numeric columns (linear models, k-nearest neighbours). */
    scale: boolean;
    /** `native`: NaN is accepted and handled by the model; `impute`: fill it first. */
    missing: 'native' | 'impute';
    /** How string columns become numbers: integer codes read natively, codes as ordinals, or one-hot. */
    categorical: 'native' | 'ordinal' | 'one-hot';
  };
  /** The SavedModel kinds `load` reads. */
  readonly kinds: readonly string[];
  /**
   * Fits on `X` and `y` (class indices for classification). Unknown or out-of-range
   * hyperparameters throw LatheError INVALID_ARGUMENT naming the parameter and its valid range,
   * before any training.
   */
  fit(X: Matrix, y: Float64Array, params: ParamSet, context: FitContext): FittedModel;
  /**
   * Optional asynchronous fit with the same contract as {@link ModelFamily.fit}, for families that
   * can train on worker threads (their `threads` hyperparameter: rf, extra-trees, logistic). It
   * returns the same model as `fit` for the same inputs; callers that can await should prefer it
   * when present (`fit` ignores `threads` and trains on the calling thread). Bad hyperparameters
   * reject before any training.
   */
  fitAsync?(X: Matrix, y: Float64Array, params: ParamSet, context: FitContext): Promise<FittedModel>;
  /** Reads what `save` wrote; predicts exactly as the saved model. */
  load(saved: SavedModel): FittedModel;
}
