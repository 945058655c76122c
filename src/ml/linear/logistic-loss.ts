/**
 * Logistic losses with gradients for L-BFGS (internal). Parameters are laid out as the coefficient
 * block (binary: p values; multinomial: K × p, row k for class k) followed by the intercepts
 * (binary: 1; multinomial: K) when fitted.
 */
import type { Matrix } from '../matrix.js';
import type { ObjectiveWithGradient } from '../optim/lbfgs.js';

/** log(1 + e^z) without overflow. */
export function log1pExp(z: number): number {
  return z > 0 ? z + Math.log1p(Math.exp(-z)) : Math.log1p(Math.exp(z));
}

/** The logistic sigmoid 1 / (1 + e^−z), stable for large |z|. */
export function sigmoid(z: number): number {
  if (z >= 0) return 1 / (1 + Math.exp(-z));
  const e = Math.exp(z);
  return e / (1 + e);
}

/** Σ_j a[ao + j] · b[bo + j] for j < n, with four accumulators (about 2× faster in V8). */
export function dot(a: Float64Array, ao: number, b: Float64Array, bo: number, n: number): number {
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let j = 0;
  for (; j + 3 < n; j += 4) {
    s0 += a[ao + j]! * b[bo + j]!;
    s1 += a[ao + j + 1]! * b[bo + j + 1]!;
    s2 += a[ao + j + 2]! * b[bo + j + 2]!;
    s3 += a[ao + j + 3]! * b[bo + j + 3]!;
  }
  for (; j < n; j++) s0 += a[ao + j]! * b[bo + j]!;
  return s0 + s1 + s2 + s3;
}

// One exp, e = exp(−|z|), serves both log(1 + e^z) and the sigmoid.
/**
 * log(1 + e^z) − y·z given e = exp(−|z|). log(1 + e) rather than log1p(e) (faster in V8): its
 * absolute error stays below 2.3e-16 for e in (0, 1], far inside what a sum of losses resolves.
 */
export function lossOf(z: number, e: number, yi: number): number {
  return Math.max(z, 0) + Math.log(1 + e) - yi * z;
}

/** sigmoid(z) − y given e = exp(−|z|). */
export function residualOf(z: number, e: number, yi: number): number {
  return (z >= 0 ? 1 : e) / (1 + e) - yi;
}

/**
 * The binary log-loss part of the objective over rows `from..to` of the row-major `data` (`cols`
 * columns): returns Σ_i sw_i · logloss_i(w) and writes its gradient into `grad[0..cols)` (the
 * coefficients) and `grad[cols]` (the intercept, Σ_i sw_i · (p_i − y_i)), overwriting them. `w`
 * holds `cols` coefficients then the intercept when `fitIntercept`. No penalty term. One pass over
 * the rows, four rows at a time: X·w and Xᵀ·r are fused, each coefficient and gradient entry is
 * loaded once per four rows. Allocates nothing.
 * A pure kernel: worker threads run it on row ranges of shared data.
 */
export function binaryLossRange(
  data: Float64Array,
  cols: number,
  y: Float64Array,
  sw: Float64Array,
  w: Float64Array,
  fitIntercept: boolean,
  from: number,
  to: number,
  grad: Float64Array,
): number {
  for (let k = 0; k <= cols; k++) grad[k] = 0;
  const b = fitIntercept ? w[cols]! : 0;
  let f = 0;
  let gb = 0;
  let i = from;
  for (; i + 3 < to; i += 4) {
    const o0 = i * cols;
    const o1 = o0 + cols;
    const o2 = o1 + cols;
    const o3 = o2 + cols;
    let z0 = b;
    let z1 = b;
    let z2 = b;
    let z3 = b;
    for (let j = 0; j < cols; j++) {
      const wj = w[j]!;
      z0 += data[o0 + j]! * wj;
      z1 += data[o1 + j]! * wj;
      z2 += data[o2 + j]! * wj;
      z3 += data[o3 + j]! * wj;
    }
    const e0 = Math.exp(-Math.abs(z0));
    const s0 = sw[i]!;
    f += s0 * lossOf(z0, e0, y[i]!);
    const r0 = s0 * residualOf(z0, e0, y[i]!);
    const e1 = Math.exp(-Math.abs(z1));
    const s1 = sw[i + 1]!;
    f += s1 * lossOf(z1, e1, y[i + 1]!);
    const r1 = s1 * residualOf(z1, e1, y[i + 1]!);
    const e2 = Math.exp(-Math.abs(z2));
    const s2 = sw[i + 2]!;
    f += s2 * lossOf(z2, e2, y[i + 2]!);
    const r2 = s2 * residualOf(z2, e2, y[i + 2]!);
    const e3 = Math.exp(-Math.abs(z3));
    const s3 = sw[i + 3]!;
    f += s3 * lossOf(z3, e3, y[i + 3]!);
    const r3 = s3 * residualOf(z3, e3, y[i + 3]!);
    gb += r0 + r1 + r2 + r3;
    for (let k = 0; k < cols; k++)
      grad[k]! += r0 * data[o0 + k]! + r1 * data[o1 + k]! + r2 * data[o2 + k]! + r3 * data[o3 + k]!;
  }
  for (; i < to; i++) {
    const o = i * cols;
    let z = b;
    for (let j = 0; j < cols; j++) z += data[o + j]! * w[j]!;
    const e = Math.exp(-Math.abs(z));
    f += sw[i]! * lossOf(z, e, y[i]!);
    const r = sw[i]! * residualOf(z, e, y[i]!);
    gb += r;
    for (let k = 0; k < cols; k++) grad[k]! += r * data[o + k]!;
  }
  grad[cols] = fitIntercept ? gb : 0;
  return f;
}

/** Adds l2/2 · ||w[0..n)||² to `f` and l2 · w to `g[0..n)`; returns the new f. */
export function addL2(f: number, w: Float64Array, g: Float64Array, n: number, l2: number): number {
  if (l2 <= 0) return f;
  let sq = 0;
  for (let j = 0; j < n; j++) {
    sq += w[j]! * w[j]!;
    g[j]! += l2 * w[j]!;
  }
  return f + 0.5 * l2 * sq;
}

/**
 * Σ_i sw_i · loss_i(params) + l2/2 · ||coef||² and its gradient, for `classes` = 2 (binary, one
 * coefficient vector for class 1) or more (multinomial softmax). The returned function allocates
 * nothing per evaluation.
 */
export function logisticObjective(
  X: Matrix,
  y: Float64Array,
  sw: Float64Array,
  classes: number,
  fitIntercept: boolean,
  l2: number,
): ObjectiveWithGradient {
  const { rows, cols, data } = X;
  if (classes === 2) {
    const acc = new Float64Array(cols + 1);
    return (w, g) => {
      const f = binaryLossRange(data, cols, y, sw, w, fitIntercept, 0, rows, acc);
      for (let j = 0; j < cols; j++) g[j] = acc[j]!;
      if (fitIntercept) g[cols] = acc[cols]!;
      return addL2(f, w, g, cols, l2);
    };
  }
  const K = classes;
  const nCoef = K * cols;
  const z = new Float64Array(K);
  return (w, g) => {
    g.fill(0);
    let f = 0;
    for (let i = 0; i < rows; i++) {
      const s = sw[i]!;
      if (s === 0) continue;
      const o = i * cols;
      let zMax = Number.NEGATIVE_INFINITY;
      for (let k = 0; k < K; k++) {
        const v = (fitIntercept ? w[nCoef + k]! : 0) + dot(data, o, w, k * cols, cols);
        z[k] = v;
        if (v > zMax) zMax = v;
      }
      const yi = y[i]!;
      const zy = z[yi]! - zMax;
      let sum = 0;
      for (let k = 0; k < K; k++) {
        z[k] = Math.exp(z[k]! - zMax);
        sum += z[k]!;
      }
      f += s * (Math.log(sum) - zy);
      for (let k = 0; k < K; k++) {
        const r = s * (z[k]! / sum - (k === yi ? 1 : 0));
        if (fitIntercept) g[nCoef + k]! += r;
        const wk = k * cols;
        for (let j = 0; j < cols; j++) g[wk + j]! += r * data[o + j]!;
      }
    }
    return addL2(f, w, g, nCoef, l2);
  };
}
