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

/**
 * Σ_i sw_i · loss_i(params) + l2/2 · ||coef||² and its gradient, for `classes` = 2 (binary, one
 * coefficient vector for class 1) or more (multinomial softmax).
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
    const acc = new Float64Array(cols);
    return (w, g) => {
      acc.fill(0);
      const b = fitIntercept ? w[cols]! : 0;
      let f = 0;
      let gb = 0;
      for (let i = 0; i < rows; i++) {
        const s = sw[i]!;
        if (s === 0) continue;
        const o = i * cols;
        let z0 = b;
        let z1 = 0;
        let z2 = 0;
        let z3 = 0;
        let j = 0;
        for (; j + 3 < cols; j += 4) {
          z0 += data[o + j]! * w[j]!;
          z1 += data[o + j + 1]! * w[j + 1]!;
          z2 += data[o + j + 2]! * w[j + 2]!;
          z3 += data[o + j + 3]! * w[j + 3]!;
        }
        for (; j < cols; j++) z0 += data[o + j]! * w[j]!;
        const z = z0 + z1 + z2 + z3;
        const yi = y[i]!;
        // One exp serves both log(1 + e^z) and the sigmoid.
        const e = Math.exp(-Math.abs(z));
        f += s * (Math.max(z, 0) + Math.log1p(e) - yi * z);
        const r = s * ((z >= 0 ? 1 : e) / (1 + e) - yi);
        gb += r;
        for (let k = 0; k < cols; k++) acc[k]! += r * data[o + k]!;
      }
      g.fill(0);
      g.set(acc);
      if (fitIntercept) g[cols] = gb;
      if (l2 > 0) {
        for (let j = 0; j < cols; j++) {
          f += 0.5 * l2 * w[j]! * w[j]!;
          g[j]! += l2 * w[j]!;
        }
      }
      return f;
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
    if (l2 > 0) {
      for (let j = 0; j < nCoef; j++) {
        f += 0.5 * l2 * w[j]! * w[j]!;
        g[j]! += l2 * w[j]!;
      }
    }
    return f;
  };
}
