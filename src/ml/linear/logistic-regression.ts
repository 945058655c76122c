/**
 * Logistic regression, binary and multinomial, as scikit-learn's LogisticRegression: minimises
 * C · Σ_i w_i · logloss_i + ½||coef||² (L2, by L-BFGS) or C · Σ_i w_i · logloss_i + ||coef||₁ (L1,
 * by OWL-QN); the intercept is not penalised. Internally the objective is divided by C (as
 * scikit-learn 1.2 does), so `tol` bounds the same gradient as scikit-learn's lbfgs `tol`.
 */
import { describeValue } from '../../core/index.js';
import type { Matrix, SavedModel } from '../matrix.js';
import { minimizeLbfgs, type ObjectiveWithGradient } from '../optim/lbfgs.js';
import {
  boolOption,
  checkClasses,
  checkFit,
  checkKnown,
  checkMatrix,
  type FitExtra,
  intOption,
  invalid,
  numberOption,
  savedArray,
} from './check.js';
import type { InformationCriteria } from './linear-regressor.js';
import { chunkedObjective } from './logistic-chunks.js';
import { dot, log1pExp, logisticObjective, sigmoid } from './logistic-loss.js';
import { localChunks, startChunkWorkers } from './logistic-parallel.js';

/** Options of {@link LogisticRegression.fit}. */
export interface LogisticRegressionOptions {
  /** 'l2' (default, L-BFGS), 'l1' (OWL-QN) or 'none' (unpenalised). */
  penalty?: 'l2' | 'l1' | 'none';
  /** Inverse regularisation strength C > 0 (default 1). */
  C?: number;
  /** Fit (unpenalised) intercepts (default true). */
  fitIntercept?: boolean;
  /** Maximum L-BFGS iterations (default 100, as scikit-learn). */
  maxIter?: number;
  /** Stop when the largest (pseudo-)gradient component is <= tol (default 1e-4, as scikit-learn). */
  tol?: number;
  /**
   * Also stop when the objective's relative decrease falls below ftol (default 2.22e-9, scipy's
   * L-BFGS-B default, which scikit-learn inherits); 0 relies on `tol` alone.
   */
  ftol?: number;
  /** Number of classes k (default max(y) + 1); k = 2 fits the binary model, k > 2 the multinomial. */
  classes?: number;
  /**
   * Threads evaluating the binary objective in `fitAsync` (an integer 1..256, default 1): the
   * calling thread plus `threads − 1` workers of the process-wide pool. The model is identical for
   * every value. `fit`, and multinomial models, use the calling thread only.
   */
  threads?: number;
}

const KNOWN = ['penalty', 'C', 'fitIntercept', 'maxIter', 'tol', 'ftol', 'classes', 'threads'];

/** A validated fit: inputs and resolved options. */
interface LogisticPlan {
  X: Matrix;
  y: Float64Array;
  sw: Float64Array;
  k: number;
  penalty: 'l2' | 'l1' | 'none';
  C: number;
  fitIntercept: boolean;
  maxIter: number;
  tol: number;
  ftol: number;
  threads: number;
}

/** Checks options and inputs before any work. */
function planLogistic(
  X: Matrix,
  y: Float64Array,
  options: LogisticRegressionOptions,
  extra: FitExtra | undefined,
): LogisticPlan {
  const where = 'LogisticRegression.fit';
  checkKnown(options, KNOWN, where);
  const penalty = options.penalty ?? 'l2';
  if (penalty !== 'l2' && penalty !== 'l1' && penalty !== 'none')
    throw invalid(
      `options.penalty must be 'l2', 'l1' or 'none'; got ${describeValue(penalty)}`,
      'options.penalty',
    );
  const C = numberOption(options.C, 1, 'C', 0, Number.POSITIVE_INFINITY, true);
  const fitIntercept = boolOption(options.fitIntercept, true, 'fitIntercept');
  const maxIter = intOption(options.maxIter, 100, 'maxIter', 1);
  const tol = numberOption(options.tol, 1e-4, 'tol', 0);
  const ftol = numberOption(options.ftol, 2.220446049250313e-9, 'ftol', 0);
  const threads = intOption(options.threads, 1, 'threads', 1);
  if (threads > 256)
    throw invalid(`options.threads must be an integer 1..256; got ${threads}`, 'options.threads');
  const classesOpt = options.classes === undefined ? undefined : intOption(options.classes, 2, 'classes', 2);
  const sw = checkFit(X, y, extra, where);
  const k = checkClasses(y, where, classesOpt);
  return { X, y, sw, k, penalty, C, fitIntercept, maxIter, tol, ftol, threads };
}

/**
 * A fitted logistic regression. Binary models hold one coefficient row (for class 1); multinomial
 * models hold one row per class, and their intercepts sum to zero. Immutable.
 */
export class LogisticRegression {
  /** Number of feature columns. */
  readonly cols: number;
  /** Number of classes k. */
  readonly classes: number;
  /** Coefficients, row-major: 1 × cols (binary) or k × cols (multinomial). */
  readonly coef: Float64Array;
  /** Intercepts: 1 (binary) or k (multinomial); zeros without an intercept. */
  readonly intercept: Float64Array;
  readonly fitIntercept: boolean;
  /** L-BFGS / OWL-QN iterations run. */
  readonly iterations: number;
  /** False when maxIter stopped the fit. */
  readonly converged: boolean;
  readonly options: Readonly<Record<string, unknown>>;

  private constructor(
    cols: number,
    classes: number,
    coef: Float64Array,
    intercept: Float64Array,
    fitIntercept: boolean,
    options: Record<string, unknown>,
    iterations: number,
    converged: boolean,
  ) {
    this.cols = cols;
    this.classes = classes;
    this.coef = coef;
    this.intercept = intercept;
    this.fitIntercept = fitIntercept;
    this.options = options;
    this.iterations = iterations;
    this.converged = converged;
  }

  /**
   * Fits on `X` and class indices `y` (0..k−1), optionally weighted by `extra.sampleWeight`, on
   * the calling thread.
   * @throws LatheError INVALID_ARGUMENT for an unknown or out-of-range option, NaN/Inf in X or y,
   *   y not class indices or holding a single class, or bad sample weights.
   */
  static fit(
    X: Matrix,
    y: Float64Array,
    options: LogisticRegressionOptions = {},
    extra?: FitExtra,
  ): LogisticRegression {
    const plan = planLogistic(X, y, options, extra);
    const l2 = plan.penalty === 'l2' ? 1 / plan.C : 0;
    const fg =
      plan.k === 2
        ? chunkedObjective(localChunks(X, y, plan.sw, plan.fitIntercept), l2)
        : logisticObjective(X, y, plan.sw, plan.k, plan.fitIntercept, l2);
    return LogisticRegression.solve(plan, fg);
  }

  /**
   * As {@link LogisticRegression.fit}, evaluating the binary objective on `options.threads`
   * threads (the calling thread, blocked while it works, and workers of the process-wide pool,
   * which join as soon as they have started). Returns the same model as `fit`.
   * @throws (rejects) as {@link LogisticRegression.fit}, before any thread starts.
   */
  static async fitAsync(
    X: Matrix,
    y: Float64Array,
    options: LogisticRegressionOptions = {},
    extra?: FitExtra,
  ): Promise<LogisticRegression> {
    const plan = planLogistic(X, y, options, extra);
    if (plan.threads === 1 || plan.k !== 2) return LogisticRegression.fit(X, y, options, extra);
    const session = startChunkWorkers(X, y, plan.sw, plan.fitIntercept, plan.threads);
    try {
      return LogisticRegression.solve(
        plan,
        chunkedObjective(session.chunks, plan.penalty === 'l2' ? 1 / plan.C : 0),
      );
    } finally {
      session.stop();
    }
  }

  /** Minimises the objective `fg` of `plan` and builds the model. */
  private static solve(plan: LogisticPlan, fg: ObjectiveWithGradient): LogisticRegression {
    const { X, k, fitIntercept, penalty, C, maxIter, tol, ftol, threads } = plan;
    const rowsOfCoef = k === 2 ? 1 : k;
    const nCoef = rowsOfCoef * X.cols;
    const nParams = nCoef + (fitIntercept ? rowsOfCoef : 0);
    const mask = new Uint8Array(nParams);
    mask.fill(1, 0, nCoef);
    const r = minimizeLbfgs(fg, new Float64Array(nParams), {
      maxIter,
      gtol: tol,
      ftol,
      ...(penalty === 'l1' ? { l1: 1 / C, l1Mask: mask } : {}),
    });
    const coef = r.x.slice(0, nCoef);
    const intercept = fitIntercept ? r.x.slice(nCoef) : new Float64Array(rowsOfCoef);
    if (rowsOfCoef > 1 && fitIntercept) {
      // Softmax is unchanged by a shift of all intercepts: report the centred ones.
      let mean = 0;
      for (const v of intercept) mean += v / rowsOfCoef;
      for (let i = 0; i < rowsOfCoef; i++) intercept[i]! -= mean;
    }
    return new LogisticRegression(
      X.cols,
      k,
      coef,
      intercept,
      fitIntercept,
      { penalty, C, fitIntercept, maxIter, tol, ftol, classes: k, threads },
      r.iterations,
      r.reason !== 'maxIter',
    );
  }

  /** Linear scores: rows × 1 (binary: the log-odds of class 1) or rows × k. */
  decisionFunction(X: Matrix): Matrix {
    checkMatrix(X, 'decisionFunction', this.cols);
    const m = this.intercept.length;
    const out = new Float64Array(X.rows * m);
    const { data, cols } = X;
    for (let i = 0; i < X.rows; i++) {
      const o = i * cols;
      for (let c = 0; c < m; c++) {
        out[i * m + c] = this.intercept[c]! + dot(data, o, this.coef, c * cols, cols);
      }
    }
    return { data: out, rows: X.rows, cols: m };
  }

  /** Class probabilities, rows × k (sigmoid for binary, softmax for multinomial). */
  predictProba(X: Matrix): Matrix {
    const z = this.decisionFunction(X);
    const k = this.classes;
    const out = new Float64Array(X.rows * k);
    if (z.cols === 1) {
      for (let i = 0; i < X.rows; i++) {
        const p = sigmoid(z.data[i]!);
        out[2 * i] = 1 - p;
        out[2 * i + 1] = p;
      }
    } else {
      for (let i = 0; i < X.rows; i++) {
        let max = Number.NEGATIVE_INFINITY;
        for (let c = 0; c < k; c++) max = Math.max(max, z.data[i * k + c]!);
        let sum = 0;
        for (let c = 0; c < k; c++) {
          const e = Math.exp(z.data[i * k + c]! - max);
          out[i * k + c] = e;
          sum += e;
        }
        for (let c = 0; c < k; c++) out[i * k + c]! /= sum;
      }
    }
    return { data: out, rows: X.rows, cols: k };
  }

  /** The most probable class per row (binary: class 1 when the log-odds are > 0; ties → lowest index). */
  predict(X: Matrix): Float64Array {
    const z = this.decisionFunction(X);
    const out = new Float64Array(X.rows);
    for (let i = 0; i < X.rows; i++) {
      if (z.cols === 1) out[i] = z.data[i]! > 0 ? 1 : 0;
      else {
        let best = 0;
        for (let c = 1; c < z.cols; c++) if (z.data[i * z.cols + c]! > z.data[i * z.cols + best]!) best = c;
        out[i] = best;
      }
    }
    return out;
  }

  /**
   * AIC and BIC on (X, y): logLikelihood = −Σ_i logloss_i (unweighted), k = parameters counted as
   * statsmodels' Logit/MNLogit do: binary, the non-zero coefficients plus the intercept;
   * multinomial, (classes − 1) × (columns with a non-zero coefficient + 1 for the intercept), since
   * one class's parameters are redundant under softmax.
   */
  informationCriteria(X: Matrix, y: Float64Array): InformationCriteria {
    checkFit(X, y, undefined, 'informationCriteria');
    checkClasses(y, 'informationCriteria', this.classes);
    const z = this.decisionFunction(X);
    let ll = 0;
    for (let i = 0; i < X.rows; i++) {
      const yi = y[i]!;
      if (z.cols === 1) {
        const v = z.data[i]!;
        ll -= log1pExp(v) - yi * v;
      } else {
        let max = Number.NEGATIVE_INFINITY;
        for (let c = 0; c < z.cols; c++) max = Math.max(max, z.data[i * z.cols + c]!);
        let sum = 0;
        for (let c = 0; c < z.cols; c++) sum += Math.exp(z.data[i * z.cols + c]! - max);
        ll -= Math.log(sum) + max - z.data[i * z.cols + yi]!;
      }
    }
    let k = this.fitIntercept ? 1 : 0;
    if (this.intercept.length === 1) {
      for (const c of this.coef) if (c !== 0) k++;
    } else {
      for (let j = 0; j < this.cols; j++) {
        let used = false;
        for (let c = 0; c < this.classes; c++) if (this.coef[c * this.cols + j] !== 0) used = true;
        if (used) k++;
      }
      k *= this.classes - 1;
    }
    const n = X.rows;
    return { n, k, logLikelihood: ll, aic: -2 * ll + 2 * k, bic: -2 * ll + k * Math.log(n) };
  }

  /** Coefficients and intercepts as metadata and arrays; {@link LogisticRegression.load} reads them. */
  save(): SavedModel {
    return {
      kind: 'logistic',
      version: 1,
      meta: {
        cols: this.cols,
        classes: this.classes,
        fitIntercept: this.fitIntercept,
        iterations: this.iterations,
        converged: this.converged,
        options: { ...this.options },
      },
      arrays: { coef: Float64Array.from(this.coef), intercept: Float64Array.from(this.intercept) },
    };
  }

  /**
   * Reads a model written by `save`; it predicts exactly as the saved one.
   * @throws LatheError INVALID_ARGUMENT naming the first missing or malformed field.
   */
  static load(saved: SavedModel): LogisticRegression {
    if (saved?.kind !== 'logistic')
      throw invalid(`kind must be logistic; got ${describeValue(saved?.kind)}`, 'kind');
    if (saved.version !== 1)
      throw invalid(`version must be 1; got ${describeValue(saved.version)}`, 'version');
    const meta = saved.meta ?? {};
    const cols = meta['cols'];
    const classes = meta['classes'];
    if (typeof cols !== 'number' || !Number.isInteger(cols) || cols < 1)
      throw invalid(`meta.cols must be an integer >= 1; got ${describeValue(cols)}`, 'meta.cols');
    if (typeof classes !== 'number' || !Number.isInteger(classes) || classes < 2)
      throw invalid(`meta.classes must be an integer >= 2; got ${describeValue(classes)}`, 'meta.classes');
    const rowsOfCoef = classes === 2 ? 1 : classes;
    const arrays = saved.arrays ?? {};
    return new LogisticRegression(
      cols,
      classes,
      Float64Array.from(savedArray(arrays, 'coef', rowsOfCoef * cols)),
      Float64Array.from(savedArray(arrays, 'intercept', rowsOfCoef)),
      meta['fitIntercept'] !== false,
      (meta['options'] ?? {}) as Record<string, unknown>,
      typeof meta['iterations'] === 'number' ? meta['iterations'] : 0,
      meta['converged'] !== false,
    );
  }
}
