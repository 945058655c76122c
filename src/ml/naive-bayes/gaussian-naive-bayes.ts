/**
 * Gaussian naive Bayes, as scikit-learn's GaussianNB: per class, an independent normal distribution
 * per feature (weighted mean and variance), plus a class prior; prediction by Bayes' rule.
 */
import { columnVariances, type Matrix, type SavedModel } from '../matrix.js';
import {
  checkClassTargets,
  checkMatrix,
  checkOptionKeys,
  checkSampleWeight,
  checkSaved,
  intOption,
  invalid,
  numberOption,
  savedArray,
} from '../input-checks.js';

/** Options of {@link GaussianNaiveBayes.fit}. */
export interface GaussianNaiveBayesOptions {
  /**
   * Class priors, one per class, non-negative and summing to 1 (within 1e-5). Default: the share of
   * (weighted) training rows in each class.
   */
  priors?: readonly number[];
  /**
   * Added to every variance, as a fraction of the largest feature variance over all of X
   * (default 1e-9, as scikit-learn): keeps features that are constant within a class usable.
   */
  varSmoothing?: number;
}

/** Extra inputs of {@link GaussianNaiveBayes.fit}. */
export interface GaussianNaiveBayesExtra {
  /** Non-negative weight per training row. */
  sampleWeight?: Float64Array;
}

const KIND = 'gaussian-naive-bayes';
const LOG_2PI = Math.log(2 * Math.PI);

/**
 * A fitted Gaussian naive Bayes classifier. {@link predict} gives class indices and
 * {@link predictProba} the posterior class probabilities (normalised with log-sum-exp).
 */
export class GaussianNaiveBayes {
  /** Number of classes k (targets are class indices 0..k−1). */
  readonly classes: number;
  /** Number of feature columns. */
  readonly cols: number;
  /** Per class and feature mean, classes × cols (scikit-learn's `theta_`). */
  readonly theta: Float64Array;
  /** Per class and feature variance including the smoothing term, classes × cols (`var_`). */
  readonly variance: Float64Array;
  /** Prior probability of each class (`class_prior_`). */
  readonly classPrior: Float64Array;
  /** Total sample weight (row count when unweighted) of each class (`class_count_`). */
  readonly classCount: Float64Array;
  /** The amount added to every variance (`epsilon_`). */
  readonly epsilon: number;

  private constructor(
    classes: number,
    cols: number,
    theta: Float64Array,
    variance: Float64Array,
    classPrior: Float64Array,
    classCount: Float64Array,
    epsilon: number,
  ) {
    this.classes = classes;
    this.cols = cols;
    this.theta = theta;
    this.variance = variance;
    this.classPrior = classPrior;
    this.classCount = classCount;
    this.epsilon = epsilon;
  }

  /**
   * Fits per-class means, variances and priors.
   * @throws LatheError INVALID_ARGUMENT for an unknown or out-of-range option, priors of the wrong
   *   length, negative or not summing to 1, NaN/Inf in X (naming row and column), y values that are
   *   not class indices, a class index with no rows (or zero total weight), or X whose every column is
   *   constant (no variance to scale the smoothing by).
   */
  static fit(
    X: Matrix,
    y: Float64Array,
    options: GaussianNaiveBayesOptions = {},
    extra: GaussianNaiveBayesExtra = {},
  ): GaussianNaiveBayes {
    checkOptionKeys(options, ['priors', 'varSmoothing'], 'GaussianNaiveBayes.fit');
    const varSmoothing = numberOption(options.varSmoothing ?? 1e-9, 'options.varSmoothing', 0);
    checkMatrix(X, 'X', 1);
    const classes = checkClassTargets(y, X.rows);
    checkOptionKeys(extra, ['sampleWeight'], 'GaussianNaiveBayes.fit extra');
    const w = checkSampleWeight(extra.sampleWeight, X.rows);
    const priors = options.priors === undefined ? undefined : checkPriors(options.priors, classes);
    const { rows, cols, data } = X;

    // epsilon: var_smoothing × the largest (unweighted) column variance of X
    let maxVar = 0;
    for (const v of columnVariances(data, rows, cols)) maxVar = Math.max(maxVar, v);
    if (maxVar === 0)
      throw invalid('X: every column is constant, so no class can be told apart (all variances are 0)', {
        field: 'X',
      });
    const epsilon = varSmoothing * maxVar;

    const count = new Float64Array(classes);
    const theta = new Float64Array(classes * cols);
    const variance = new Float64Array(classes * cols);
    for (let i = 0; i < rows; i++) {
      const c = y[i]!;
      const wi = w === undefined ? 1 : w[i]!;
      count[c]! += wi;
      for (let j = 0; j < cols; j++) theta[c * cols + j]! += wi * data[i * cols + j]!;
    }
    for (let c = 0; c < classes; c++) {
      if (!(count[c]! > 0))
        throw invalid(
          `y: class ${c} has no rows${w === undefined ? '' : ' with positive weight'}; classes must be indices 0..k-1 with every class present`,
          { field: 'y', class: c },
        );
      for (let j = 0; j < cols; j++) theta[c * cols + j]! /= count[c]!;
    }
    for (let i = 0; i < rows; i++) {
      const c = y[i]!;
      const wi = w === undefined ? 1 : w[i]!;
      for (let j = 0; j < cols; j++)
        variance[c * cols + j]! += wi * (data[i * cols + j]! - theta[c * cols + j]!) ** 2;
    }
    for (let c = 0; c < classes; c++)
      for (let j = 0; j < cols; j++) variance[c * cols + j] = variance[c * cols + j]! / count[c]! + epsilon;

    let total = 0;
    for (let c = 0; c < classes; c++) total += count[c]!;
    const classPrior = priors ?? count.map((n) => n / total);
    return new GaussianNaiveBayes(classes, cols, theta, variance, classPrior, count, epsilon);
  }

  /** Per row, the joint log-likelihood log P(c) + log P(x | c) of each class (rows × classes). */
  jointLogLikelihood(X: Matrix): Matrix {
    checkMatrix(X, 'X', 0, this.cols);
    const { classes, cols, theta, variance, classPrior } = this;
    const norm = new Float64Array(classes);
    for (let c = 0; c < classes; c++) {
      let s = 0;
      for (let j = 0; j < cols; j++) s += LOG_2PI + Math.log(variance[c * cols + j]!);
      norm[c] = Math.log(classPrior[c]!) - 0.5 * s;
    }
    const out = new Float64Array(X.rows * classes);
    for (let i = 0; i < X.rows; i++) {
      for (let c = 0; c < classes; c++) {
        let s = 0;
        for (let j = 0; j < cols; j++) {
          const d = X.data[i * cols + j]! - theta[c * cols + j]!;
          s += (d * d) / variance[c * cols + j]!;
        }
        out[i * classes + c] = norm[c]! - 0.5 * s;
      }
    }
    return { data: out, rows: X.rows, cols: classes };
  }

  /** Per row, the log posterior probability of each class (rows × classes). */
  predictLogProba(X: Matrix): Matrix {
    const jll = this.jointLogLikelihood(X);
    const k = this.classes;
    for (let i = 0; i < jll.rows; i++) {
      let max = Number.NEGATIVE_INFINITY;
      for (let c = 0; c < k; c++) max = Math.max(max, jll.data[i * k + c]!);
      let sum = 0;
      for (let c = 0; c < k; c++) sum += Math.exp(jll.data[i * k + c]! - max);
      const lse = max + Math.log(sum);
      for (let c = 0; c < k; c++) jll.data[i * k + c]! -= lse;
    }
    return jll;
  }

  /** Per row, the posterior probability of each class (rows × classes, rows sum to 1). */
  predictProba(X: Matrix): Matrix {
    const p = this.predictLogProba(X);
    for (let i = 0; i < p.data.length; i++) p.data[i] = Math.exp(p.data[i]!);
    return p;
  }

  /** Per row, the most probable class index (the lowest on a tie). */
  predict(X: Matrix): Float64Array {
    const jll = this.jointLogLikelihood(X);
    const k = this.classes;
    const out = new Float64Array(X.rows);
    for (let i = 0; i < X.rows; i++) {
      let best = 0;
      for (let c = 1; c < k; c++) if (jll.data[i * k + c]! > jll.data[i * k + best]!) best = c;
      out[i] = best;
    }
    return out;
  }

  /** The saved form (kind `gaussian-naive-bayes`): shapes in metadata; theta, variance, prior, count as arrays. */
  save(): SavedModel {
    return {
      kind: KIND,
      version: 1,
      meta: { classes: this.classes, cols: this.cols, epsilon: this.epsilon },
      arrays: {
        theta: this.theta.slice(),
        variance: this.variance.slice(),
        classPrior: this.classPrior.slice(),
        classCount: this.classCount.slice(),
      },
    };
  }

  /**
   * Reads a model written by {@link GaussianNaiveBayes.save}; it predicts exactly as the saved one.
   * @throws LatheError INVALID_ARGUMENT naming the first missing or malformed field.
   */
  static load(saved: SavedModel): GaussianNaiveBayes {
    const s = checkSaved(saved, KIND, 1);
    const classes = intOption(s.meta['classes'], 'meta.classes', 1);
    const cols = intOption(s.meta['cols'], 'meta.cols', 1);
    const epsilon = numberOption(s.meta['epsilon'], 'meta.epsilon', 0);
    const variance = savedArray(s, 'variance', classes * cols).slice();
    for (let i = 0; i < variance.length; i++)
      if (!(variance[i]! > 0))
        throw invalid(`saved ${KIND}: arrays.variance[${i}] must be > 0; got ${variance[i]}`);
    return new GaussianNaiveBayes(
      classes,
      cols,
      savedArray(s, 'theta', classes * cols).slice(),
      variance,
      savedArray(s, 'classPrior', classes).slice(),
      savedArray(s, 'classCount', classes).slice(),
      epsilon,
    );
  }
}

function checkPriors(priors: readonly number[], classes: number): Float64Array {
  if (!Array.isArray(priors) || priors.length !== classes)
    throw invalid(
      `options.priors must be an array of one prior per class (${classes}); got ${priors?.length ?? priors}`,
      {
        field: 'options.priors',
      },
    );
  let sum = 0;
  priors.forEach((p, c) => {
    if (typeof p !== 'number' || !Number.isFinite(p) || p < 0)
      throw invalid(`options.priors[${c}] must be a finite number >= 0; got ${p}`, {
        field: 'options.priors',
      });
    sum += p;
  });
  // numpy.isclose(sum, 1): |sum − 1| <= 1e-8 + 1e-5
  if (Math.abs(sum - 1) > 1e-8 + 1e-5)
    throw invalid(`options.priors must sum to 1; got ${sum}`, { field: 'options.priors' });
  return Float64Array.from(priors);
}
