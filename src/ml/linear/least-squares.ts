/**
 * Ordinary least squares and ridge regression in closed form, as scikit-learn's LinearRegression
 * and Ridge: the (weighted) means are removed from X and y when fitting an intercept, then the
 * normal equations (XᵀWX + αI) w = XᵀWy are solved by Cholesky, with a minimum-norm eigen solve as
 * the fallback for collinear columns (LinearRegression then matches numpy's lstsq).
 */
import type { Matrix, SavedModel } from '../matrix.js';
import {
  boolOption,
  checkFit,
  checkKnown,
  type FitExtra,
  invalid,
  numberOption,
  weightedMeans,
} from './check.js';
import { choleskySolve, pseudoInverseSolve } from './dense.js';
import { LinearRegressor } from './linear-regressor.js';

/** Options of {@link LinearRegression.fit}. */
export interface LinearRegressionOptions {
  /** Fit an intercept (default true). */
  fitIntercept?: boolean;
}

/** Options of {@link Ridge.fit}. */
export interface RidgeOptions {
  /** L2 strength α of ||y − Xw||²_W + α||w||² (default 1, >= 0). */
  alpha?: number;
  /** Fit an (unpenalised) intercept (default true). */
  fitIntercept?: boolean;
}

/** Solves the (ridge-)regularised weighted least squares; returns coef and intercept. */
function solveLeastSquares(
  X: Matrix,
  y: Float64Array,
  sw: Float64Array,
  alpha: number,
  fitIntercept: boolean,
): { coef: Float64Array; intercept: number } {
  const { rows, cols, data } = X;
  const { xMean, yMean } = fitIntercept
    ? weightedMeans(X, y, sw)
    : { xMean: new Float64Array(cols), yMean: 0 };
  const G = new Float64Array(cols * cols);
  const b = new Float64Array(cols);
  const xc = new Float64Array(cols);
  for (let i = 0; i < rows; i++) {
    const w = sw[i]!;
    if (w === 0) continue;
    const o = i * cols;
    for (let j = 0; j < cols; j++) xc[j] = data[o + j]! - xMean[j]!;
    const yc = y[i]! - yMean;
    for (let j = 0; j < cols; j++) {
      const wx = w * xc[j]!;
      b[j]! += wx * yc;
      const gj = j * cols;
      for (let k = j; k < cols; k++) G[gj + k]! += wx * xc[k]!;
    }
  }
  for (let j = 0; j < cols; j++) {
    G[j * cols + j]! += alpha;
    for (let k = j + 1; k < cols; k++) G[k * cols + j] = G[j * cols + k]!;
  }
  const coef = choleskySolve(G, b, cols) ?? pseudoInverseSolve(G, b, cols);
  let intercept = 0;
  if (fitIntercept) {
    intercept = yMean;
    for (let j = 0; j < cols; j++) intercept -= xMean[j]! * coef[j]!;
  }
  return { coef, intercept };
}

/** Ordinary least squares: minimises Σ w_i (y_i − x_i·coef − intercept)². */
export class LinearRegression extends LinearRegressor {
  /**
   * Fits on `X` (rows × cols) and `y`; `extra.sampleWeight` weights the squared residuals.
   * @throws LatheError INVALID_ARGUMENT for an unknown option, NaN/Inf in X or y (naming row and
   *   column), bad sample weights, or more columns than rows (the fit would be underdetermined: use
   *   Ridge).
   */
  static fit(
    X: Matrix,
    y: Float64Array,
    options: LinearRegressionOptions = {},
    extra?: FitExtra,
  ): LinearRegression {
    checkKnown(options, ['fitIntercept'], 'LinearRegression.fit');
    const fitIntercept = boolOption(options.fitIntercept, true, 'fitIntercept');
    const sw = checkFit(X, y, extra, 'LinearRegression.fit');
    if (X.cols + (fitIntercept ? 1 : 0) > X.rows)
      throw invalid(
        `LinearRegression.fit: ${X.cols} features${fitIntercept ? ' plus an intercept' : ''} need at least as many rows; got ${X.rows} (use Ridge or Lasso)`,
        'X',
      );
    const { coef, intercept } = solveLeastSquares(X, y, sw, 0, fitIntercept);
    return new LinearRegression('linear-regression', coef, intercept, fitIntercept, { fitIntercept });
  }

  /** Reads a model written by `save`. */
  static override load(saved: SavedModel): LinearRegression {
    const m = LinearRegressor.load(saved, 'linear-regression');
    return new LinearRegression(m.kind, m.coef, m.intercept, m.fitIntercept, { ...m.options });
  }
}

/** Ridge regression: minimises Σ w_i (y_i − x_i·coef − intercept)² + α·||coef||² (scikit-learn Ridge). */
export class Ridge extends LinearRegressor {
  /**
   * Fits on `X` and `y` in closed form.
   * @throws LatheError INVALID_ARGUMENT for an unknown or out-of-range option (alpha >= 0), NaN/Inf
   *   in X or y, or bad sample weights.
   */
  static fit(X: Matrix, y: Float64Array, options: RidgeOptions = {}, extra?: FitExtra): Ridge {
    checkKnown(options, ['alpha', 'fitIntercept'], 'Ridge.fit');
    const alpha = numberOption(options.alpha, 1, 'alpha', 0);
    const fitIntercept = boolOption(options.fitIntercept, true, 'fitIntercept');
    const sw = checkFit(X, y, extra, 'Ridge.fit');
    const { coef, intercept } = solveLeastSquares(X, y, sw, alpha, fitIntercept);
    return new Ridge('ridge', coef, intercept, fitIntercept, { alpha, fitIntercept });
  }

  /** Reads a model written by `save`. */
  static override load(saved: SavedModel): Ridge {
    const m = LinearRegressor.load(saved, 'ridge');
    return new Ridge(m.kind, m.coef, m.intercept, m.fitIntercept, { ...m.options });
  }
}
