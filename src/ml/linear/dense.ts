/** Small dense linear algebra for the linear models (internal): Cholesky and a symmetric eigen solve. */

/**
 * Solves A x = b for symmetric positive definite A (n × n, row-major; not modified) by Cholesky.
 * Returns undefined when A is not numerically positive definite.
 */
export function choleskySolve(A: Float64Array, b: Float64Array, n: number): Float64Array | undefined {
  const L = new Float64Array(n * n);
  let maxDiag = 0;
  for (let i = 0; i < n; i++) maxDiag = Math.max(maxDiag, A[i * n + i]!);
  const floor = maxDiag * n * 1e-13;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let s = A[i * n + j]!;
      for (let k = 0; k < j; k++) s -= L[i * n + k]! * L[j * n + k]!;
      if (i === j) {
        if (!(s > floor)) return undefined;
        L[i * n + i] = Math.sqrt(s);
      } else L[i * n + j] = s / L[j * n + j]!;
    }
  }
  const z = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = b[i]!;
    for (let k = 0; k < i; k++) s -= L[i * n + k]! * z[k]!;
    z[i] = s / L[i * n + i]!;
  }
  const x = new Float64Array(n);
  for (let i = n - 1; i >= 0; i--) {
    let s = z[i]!;
    for (let k = i + 1; k < n; k++) s -= L[k * n + i]! * x[k]!;
    x[i] = s / L[i * n + i]!;
  }
  return x;
}

/**
 * Minimum-norm solution of A x = b for symmetric positive semi-definite A via cyclic Jacobi
 * eigen-decomposition, discarding eigenvalues below 1e-12·λ_max (rounding noise of a Gram matrix).
 * The fallback when {@link choleskySolve} fails (collinear columns): for A = XᵀX, b = Xᵀy it gives
 * the minimum-norm least-squares coefficients, as numpy's lstsq does.
 */
export function pseudoInverseSolve(A: Float64Array, b: Float64Array, n: number): Float64Array {
  const a = Float64Array.from(A);
  const V = new Float64Array(n * n);
  for (let i = 0; i < n; i++) V[i * n + i] = 1;
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0;
    for (let p = 0; p < n; p++) for (let q = p + 1; q < n; q++) off += a[p * n + q]! * a[p * n + q]!;
    if (off < 1e-30) break;
    for (let p = 0; p < n; p++) {
      for (let q = p + 1; q < n; q++) {
        const apq = a[p * n + q]!;
        if (Math.abs(apq) < 1e-300) continue;
        const theta = (a[q * n + q]! - a[p * n + p]!) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < n; k++) {
          const akp = a[k * n + p]!;
          const akq = a[k * n + q]!;
          a[k * n + p] = c * akp - s * akq;
          a[k * n + q] = s * akp + c * akq;
        }
        for (let k = 0; k < n; k++) {
          const apk = a[p * n + k]!;
          const aqk = a[q * n + k]!;
          a[p * n + k] = c * apk - s * aqk;
          a[q * n + k] = s * apk + c * aqk;
        }
        for (let k = 0; k < n; k++) {
          const vkp = V[k * n + p]!;
          const vkq = V[k * n + q]!;
          V[k * n + p] = c * vkp - s * vkq;
          V[k * n + q] = s * vkp + c * vkq;
        }
      }
    }
  }
  let lmax = 0;
  for (let i = 0; i < n; i++) lmax = Math.max(lmax, a[i * n + i]!);
  // A is a Gram matrix formed in floating point: eigenvalues below ~1e-12·λ_max are rounding noise.
  const cut = lmax * 1e-12;
  const x = new Float64Array(n);
  for (let e = 0; e < n; e++) {
    const lambda = a[e * n + e]!;
    if (!(lambda > cut)) continue;
    let proj = 0;
    for (let k = 0; k < n; k++) proj += V[k * n + e]! * b[k]!;
    proj /= lambda;
    for (let k = 0; k < n; k++) x[k]! += proj * V[k * n + e]!;
  }
  return x;
}
