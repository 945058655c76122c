/**
 * The fitted form shared by the linear regressors (least squares, ridge, lasso, elastic net):
 * ŷ = X·coef + intercept, with prediction, save/load and information criteria.
 */
import { describeValue } from '../../core/index.js';
import type { Matrix, SavedModel } from '../matrix.js';
import { checkFit, checkMatrix, invalid, savedArray } from './check.js';

/** Gaussian log-likelihood, AIC and BIC of a fitted model on a dataset. */
export interface InformationCriteria {
  /** Rows n. */
  n: number;
  /** Parameters k counted (see the model's `informationCriteria`). */
  k: number;
  logLikelihood: number;
  /** −2·logLikelihood + 2k. */
  aic: number;
  /** −2·logLikelihood + k·ln(n). */
  bic: number;
}

/** The linear regressor kinds, as saved in `SavedModel.kind`. */
export type LinearRegressorKind = 'linear-regression' | 'ridge' | 'lasso' | 'elastic-net';

/** The arguments of LinearRegressor's constructor, in order. */
type LinearRegressorFields = [
  kind: LinearRegressorKind,
  coef: Float64Array,
  intercept: number,
  fitIntercept: boolean,
  options: Record<string, unknown>,
  iterations: number,
  converged: boolean,
];

/** A fitted linear regressor. Immutable. */
export class LinearRegressor {
  /** Which model produced it. */
  readonly kind: LinearRegressorKind;
  /** Number of feature columns. */
  readonly cols: number;
  /** One coefficient per column. */
  readonly coef: Float64Array;
  /** The intercept (0 when fitted without one). */
  readonly intercept: number;
  /** True when an intercept was fitted (it counts as a parameter in AIC/BIC). */
  readonly fitIntercept: boolean;
  /** Coordinate-descent passes run (0 for the closed-form models). */
  readonly iterations: number;
  /** False when an iterative fit hit maxIter before its tolerance. */
  readonly converged: boolean;
  /** The options it was fitted with (for the record). */
  readonly options: Readonly<Record<string, unknown>>;

  protected constructor(
    kind: LinearRegressorKind,
    coef: Float64Array,
    intercept: number,
    fitIntercept: boolean,
    options: Record<string, unknown>,
    iterations = 0,
    converged = true,
  ) {
    this.kind = kind;
    this.cols = coef.length;
    this.coef = coef;
    this.intercept = intercept;
    this.fitIntercept = fitIntercept;
    this.options = options;
    this.iterations = iterations;
    this.converged = converged;
  }

  /** Predicted value X·coef + intercept per row. */
  predict(X: Matrix): Float64Array {
    checkMatrix(X, 'predict', this.cols);
    const out = new Float64Array(X.rows);
    const { data, cols } = X;
    for (let i = 0; i < X.rows; i++) {
      let s = this.intercept;
      const o = i * cols;
      for (let j = 0; j < cols; j++) s += data[o + j]! * this.coef[j]!;
      out[i] = s;
    }
    return out;
  }

  /**
   * Gaussian AIC and BIC on (X, y), the definitions of statsmodels' OLS: with RSS the residual sum
   * of squares and σ̂² = RSS/n, logLikelihood = −n/2 · (ln(2π·σ̂²) + 1); k = the number of non-zero
   * coefficients (the lasso's degrees of freedom, Zou et al. 2007) plus 1 for a fitted intercept
   * (the noise variance is not counted). Rows are unweighted.
   */
  informationCriteria(X: Matrix, y: Float64Array): InformationCriteria {
    checkFit(X, y, undefined, 'informationCriteria');
    const pred = this.predict(X);
    let rss = 0;
    for (let i = 0; i < y.length; i++) rss += (y[i]! - pred[i]!) ** 2;
    const n = y.length;
    let k = this.fitIntercept ? 1 : 0;
    for (const c of this.coef) if (c !== 0) k++;
    const logLikelihood = (-n / 2) * (Math.log((2 * Math.PI * rss) / n) + 1);
    return {
      n,
      k,
      logLikelihood,
      aic: -2 * logLikelihood + 2 * k,
      bic: -2 * logLikelihood + k * Math.log(n),
    };
  }

  /** Coefficients and intercept as metadata and arrays; the subclass's `load` reads them back. */
  save(): SavedModel {
    return {
      kind: this.kind,
      version: 1,
      meta: {
        cols: this.cols,
        intercept: this.intercept,
        fitIntercept: this.fitIntercept,
        iterations: this.iterations,
        converged: this.converged,
        options: { ...this.options },
      },
      arrays: { coef: Float64Array.from(this.coef) },
    };
  }

  /** The constructor arguments of a model written by `save` (for a subclass's `load`). */
  protected static savedFields(saved: SavedModel, expected: LinearRegressorKind): LinearRegressorFields {
    const m = LinearRegressor.load(saved, expected);
    return [m.kind, m.coef, m.intercept, m.fitIntercept, { ...m.options }, m.iterations, m.converged];
  }

  /** Reads any linear regressor written by `save`; it predicts exactly as the saved one. */
  static load(saved: SavedModel, expected?: LinearRegressorKind): LinearRegressor {
    const kinds: LinearRegressorKind[] = ['linear-regression', 'ridge', 'lasso', 'elastic-net'];
    const kind = saved?.kind as LinearRegressorKind;
    if (!kinds.includes(kind) || (expected !== undefined && kind !== expected))
      throw invalid(
        `kind must be ${expected ?? kinds.join(' or ')}; got ${describeValue(saved?.kind)}`,
        'kind',
      );
    if (saved.version !== 1)
      throw invalid(`version must be 1; got ${describeValue(saved.version)}`, 'version');
    const meta = saved.meta ?? {};
    const cols = meta['cols'];
    if (typeof cols !== 'number' || !Number.isInteger(cols) || cols < 1)
      throw invalid(`meta.cols must be an integer >= 1; got ${describeValue(cols)}`, 'meta.cols');
    const intercept = meta['intercept'];
    if (typeof intercept !== 'number' || !Number.isFinite(intercept))
      throw invalid(
        `meta.intercept must be a finite number; got ${describeValue(intercept)}`,
        'meta.intercept',
      );
    const coef = Float64Array.from(savedArray(saved.arrays ?? {}, 'coef', cols));
    return new LinearRegressor(
      kind,
      coef,
      intercept,
      meta['fitIntercept'] !== false,
      (meta['options'] ?? {}) as Record<string, unknown>,
      typeof meta['iterations'] === 'number' ? meta['iterations'] : 0,
      meta['converged'] !== false,
    );
  }
}
