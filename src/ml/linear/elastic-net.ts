/**
 * Lasso and elastic net by cyclic coordinate descent, as scikit-learn's ElasticNet and Lasso:
 * minimises 1/(2·Σw) · Σ w_i (y_i − x_i·coef − b)² + α·l1Ratio·||coef||₁ + ½·α·(1 − l1Ratio)·||coef||²
 * (weights rescaled to sum to n, as scikit-learn does). Stopping as scikit-learn's cd_fast: after a
 * pass whose largest coefficient change is below tol × the largest coefficient, the duality gap is
 * computed and the fit stops when it is below tol · ||y − ȳ||²_W.
 */
import type { Matrix, SavedModel } from '../matrix.js';
import {
  boolOption,
  checkFit,
  checkKnown,
  type FitExtra,
  intOption,
  numberOption,
  weightedMeans,
} from './check.js';
import { LinearRegressor } from './linear-regressor.js';

/** Options of {@link ElasticNet.fit}. */
export interface ElasticNetOptions {
  /** Overall penalty strength α (default 1, >= 0). */
  alpha?: number;
  /** Share of the L1 penalty, in [0, 1] (default 0.5; 1 is the lasso). */
  l1Ratio?: number;
  /** Fit an (unpenalised) intercept (default true). */
  fitIntercept?: boolean;
  /** Maximum coordinate-descent passes (default 1000). */
  maxIter?: number;
  /** Tolerance of the stopping rule (default 1e-4), as scikit-learn's `tol`. */
  tol?: number;
}

/** Options of {@link Lasso.fit}: those of the elastic net without l1Ratio (fixed at 1). */
export type LassoOptions = Omit<ElasticNetOptions, 'l1Ratio'>;

interface CdResult {
  coef: Float64Array;
  intercept: number;
  iterations: number;
  converged: boolean;
}

function fitCd(X: Matrix, y: Float64Array, o: Required<ElasticNetOptions>, swIn: Float64Array): CdResult {
  const { rows: n, cols: p, data } = X;
  let total = 0;
  for (const w of swIn) total += w;
  const sw = swIn.map((w) => (w * n) / total);
  const { xMean, yMean } = o.fitIntercept
    ? weightedMeans(X, y, sw)
    : { xMean: new Float64Array(p), yMean: 0 };
  // Column-major, centred and scaled by √w.
  const Xc = new Float64Array(n * p);
  const yc = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const s = Math.sqrt(sw[i]!);
    yc[i] = (y[i]! - yMean) * s;
    for (let j = 0; j < p; j++) Xc[j * n + i] = (data[i * p + j]! - xMean[j]!) * s;
  }
  const alpha = o.alpha * o.l1Ratio * n;
  const beta = o.alpha * (1 - o.l1Ratio) * n;
  const norms = new Float64Array(p);
  for (let j = 0; j < p; j++) {
    let s = 0;
    for (let i = 0; i < n; i++) s += Xc[j * n + i]! ** 2;
    norms[j] = s;
  }
  const w = new Float64Array(p);
  const R = Float64Array.from(yc);
  let yy = 0;
  for (const v of yc) yy += v * v;
  const gapTol = o.tol * yy;
  let iterations = 0;
  let converged = false;
  for (let iter = 0; iter < o.maxIter; iter++) {
    iterations = iter + 1;
    let wMax = 0;
    let dMax = 0;
    for (let j = 0; j < p; j++) {
      if (norms[j] === 0) continue;
      const col = j * n;
      const old = w[j]!;
      if (old !== 0) for (let i = 0; i < n; i++) R[i]! += old * Xc[col + i]!;
      let tmp = 0;
      for (let i = 0; i < n; i++) tmp += Xc[col + i]! * R[i]!;
      const next = (Math.sign(tmp) * Math.max(Math.abs(tmp) - alpha, 0)) / (norms[j]! + beta);
      w[j] = next;
      if (next !== 0) for (let i = 0; i < n; i++) R[i]! -= next * Xc[col + i]!;
      dMax = Math.max(dMax, Math.abs(next - old));
      wMax = Math.max(wMax, Math.abs(next));
    }
    if (wMax === 0 || dMax / wMax < o.tol || iter === o.maxIter - 1) {
      if (dualGap(Xc, yc, R, w, n, p, alpha, beta) < gapTol) {
        converged = true;
        break;
      }
    }
  }
  let intercept = 0;
  if (o.fitIntercept) {
    intercept = yMean;
    for (let j = 0; j < p; j++) intercept -= xMean[j]! * w[j]!;
  }
  return { coef: w, intercept, iterations, converged };
}

/** The duality gap of the elastic-net problem at w (scikit-learn's cd_fast formula). */
function dualGap(
  Xc: Float64Array,
  yc: Float64Array,
  R: Float64Array,
  w: Float64Array,
  n: number,
  p: number,
  alpha: number,
  beta: number,
): number {
  let dualNorm = 0;
  for (let j = 0; j < p; j++) {
    let s = 0;
    for (let i = 0; i < n; i++) s += Xc[j * n + i]! * R[i]!;
    dualNorm = Math.max(dualNorm, Math.abs(s - beta * w[j]!));
  }
  let rNorm2 = 0;
  let ry = 0;
  for (let i = 0; i < n; i++) {
    rNorm2 += R[i]! * R[i]!;
    ry += R[i]! * yc[i]!;
  }
  let wNorm2 = 0;
  let l1 = 0;
  for (const v of w) {
    wNorm2 += v * v;
    l1 += Math.abs(v);
  }
  let gap: number;
  let c: number;
  if (dualNorm > alpha) {
    c = alpha / dualNorm;
    gap = 0.5 * (rNorm2 + rNorm2 * c * c);
  } else {
    c = 1;
    gap = rNorm2;
  }
  return gap + alpha * l1 - c * ry + 0.5 * beta * (1 + c * c) * wNorm2;
}

function readOptions(options: ElasticNetOptions, where: string, lasso: boolean): Required<ElasticNetOptions> {
  checkKnown(
    options,
    lasso
      ? ['alpha', 'fitIntercept', 'maxIter', 'tol']
      : ['alpha', 'l1Ratio', 'fitIntercept', 'maxIter', 'tol'],
    where,
  );
  return {
    alpha: numberOption(options.alpha, 1, 'alpha', 0),
    l1Ratio: lasso ? 1 : numberOption(options.l1Ratio, 0.5, 'l1Ratio', 0, 1),
    fitIntercept: boolOption(options.fitIntercept, true, 'fitIntercept'),
    maxIter: intOption(options.maxIter, 1000, 'maxIter', 1),
    tol: numberOption(options.tol, 1e-4, 'tol', 0),
  };
}

/** Elastic-net linear regression (scikit-learn ElasticNet). `converged` is false when maxIter was hit. */
export class ElasticNet extends LinearRegressor {
  /**
   * Fits by coordinate descent from zero coefficients.
   * @throws LatheError INVALID_ARGUMENT for an unknown or out-of-range option, NaN/Inf in X or y,
   *   or bad sample weights.
   */
  static fit(X: Matrix, y: Float64Array, options: ElasticNetOptions = {}, extra?: FitExtra): ElasticNet {
    const o = readOptions(options, 'ElasticNet.fit', false);
    const sw = checkFit(X, y, extra, 'ElasticNet.fit');
    const r = fitCd(X, y, o, sw);
    return new ElasticNet(
      'elastic-net',
      r.coef,
      r.intercept,
      o.fitIntercept,
      { ...o },
      r.iterations,
      r.converged,
    );
  }

  /** Reads a model written by `save`. */
  static override load(saved: SavedModel): ElasticNet {
    return new ElasticNet(...LinearRegressor.savedFields(saved, 'elastic-net'));
  }
}

/** Lasso linear regression (scikit-learn Lasso): the elastic net with l1Ratio = 1. */
export class Lasso extends LinearRegressor {
  /**
   * Fits by coordinate descent from zero coefficients.
   * @throws LatheError INVALID_ARGUMENT for an unknown or out-of-range option, NaN/Inf in X or y,
   *   or bad sample weights.
   */
  static fit(X: Matrix, y: Float64Array, options: LassoOptions = {}, extra?: FitExtra): Lasso {
    const o = readOptions(options, 'Lasso.fit', true);
    const sw = checkFit(X, y, extra, 'Lasso.fit');
    const r = fitCd(X, y, o, sw);
    const { l1Ratio: _, ...rest } = o;
    return new Lasso('lasso', r.coef, r.intercept, o.fitIntercept, rest, r.iterations, r.converged);
  }

  /** Reads a model written by `save`. */
  static override load(saved: SavedModel): Lasso {
    return new Lasso(...LinearRegressor.savedFields(saved, 'lasso'));
  }
}
