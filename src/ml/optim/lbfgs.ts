/**
 * Limited-memory BFGS (Nocedal 1980; Liu & Nocedal 1989) with a backtracking Armijo line search,
 * and its orthant-wise extension OWL-QN (Andrew & Gao 2007) for an added L1 term. Minimises
 * F(x) = f(x) + l1 · Σ_{i in mask} |x_i| for a smooth f given with its gradient. Pure numeric code.
 */
import { describeValue, LatheError } from '../../core/index.js';

/** Evaluates the smooth part f at `x`, writing ∇f(x) into `grad` and returning f(x). */
export type ObjectiveWithGradient = (x: Float64Array, grad: Float64Array) => number;

/** Options of {@link minimizeLbfgs}. */
export interface LbfgsOptions {
  /** Correction pairs kept (default 10). */
  memory?: number;
  /** Maximum iterations (default 100). */
  maxIter?: number;
  /** Stop when max_i |projected gradient_i| <= gtol (default 1e-5), as scipy's L-BFGS-B `gtol`. */
  gtol?: number;
  /**
   * Stop when (F_k − F_{k+1}) / max(|F_k|, |F_{k+1}|, 1) <= ftol (default 2.220446049250313e-9,
   * scipy's L-BFGS-B default). 0 disables the test.
   */
  ftol?: number;
  /** Weight of the L1 term (default 0: plain L-BFGS; > 0: OWL-QN). */
  l1?: number;
  /** Which coordinates the L1 term covers (1 = penalised); default all. */
  l1Mask?: Uint8Array;
}

/** What {@link minimizeLbfgs} returns. */
export interface LbfgsResult {
  x: Float64Array;
  /** F(x) at the returned point, L1 term included. */
  value: number;
  iterations: number;
  evaluations: number;
  /**
   * True when the gradient or relative-decrease test stopped it, or when the objective stopped
   * decreasing in floating point ('stalled': the answer is as precise as the arithmetic allows);
   * false on maxIter or a failed line search.
   */
  converged: boolean;
  /** Why it stopped. */
  reason: 'gtol' | 'ftol' | 'stalled' | 'maxIter' | 'lineSearch';
}

function check(value: number, name: string, min: number, integer: boolean): number {
  if (
    typeof value !== 'number' ||
    !Number.isFinite(value) ||
    value < min ||
    (integer && !Number.isInteger(value))
  )
    throw new LatheError(
      'INVALID_ARGUMENT',
      `${name} must be ${integer ? 'an integer' : 'a number'} >= ${min}; got ${describeValue(value)}`,
      { field: name },
    );
  return value;
}

/**
 * Minimises `fg` from `x0` (not modified). With `l1` > 0 runs OWL-QN: pseudo-gradient, direction
 * kept in the orthant of steepest descent, line-search points projected onto that orthant.
 * @throws LatheError INVALID_ARGUMENT for an out-of-range option or a non-finite objective at x0.
 */
export function minimizeLbfgs(
  fg: ObjectiveWithGradient,
  x0: Float64Array,
  options: LbfgsOptions = {},
): LbfgsResult {
  const m = check(options.memory ?? 10, 'memory', 1, true);
  const maxIter = check(options.maxIter ?? 100, 'maxIter', 0, true);
  const gtol = check(options.gtol ?? 1e-5, 'gtol', 0, false);
  const ftol = check(options.ftol ?? 2.220446049250313e-9, 'ftol', 0, false);
  const l1 = check(options.l1 ?? 0, 'l1', 0, false);
  const n = x0.length;
  const mask = options.l1Mask;
  if (mask !== undefined && mask.length !== n)
    throw new LatheError('INVALID_ARGUMENT', `l1Mask must hold ${n} flags; got ${mask.length}`, {
      field: 'l1Mask',
    });
  const penalised = (i: number) => l1 > 0 && (mask === undefined || mask[i] !== 0);
  const l1Term = (x: Float64Array) => {
    if (l1 === 0) return 0;
    let s = 0;
    for (let i = 0; i < n; i++) if (penalised(i)) s += Math.abs(x[i]!);
    return l1 * s;
  };

  let x = Float64Array.from(x0);
  let g = new Float64Array(n);
  let evaluations = 1;
  let F = fg(x, g) + l1Term(x);
  if (!Number.isFinite(F))
    throw new LatheError('INVALID_ARGUMENT', `the objective at the starting point is ${F}`, { field: 'x0' });
  const pg = new Float64Array(n);
  const pseudo = () => {
    for (let i = 0; i < n; i++) {
      const gi = g[i]!;
      if (!penalised(i)) pg[i] = gi;
      else if (x[i]! > 0) pg[i] = gi + l1;
      else if (x[i]! < 0) pg[i] = gi - l1;
      else if (gi + l1 < 0) pg[i] = gi + l1;
      else if (gi - l1 > 0) pg[i] = gi - l1;
      else pg[i] = 0;
    }
  };
  const S: Float64Array[] = [];
  const Y: Float64Array[] = [];
  const rho: number[] = [];
  const alpha = new Float64Array(m);
  const d = new Float64Array(n);
  let xNew = new Float64Array(n);
  let gNew = new Float64Array(n);
  const result = (iterations: number, reason: LbfgsResult['reason']): LbfgsResult => ({
    x,
    value: F,
    iterations,
    evaluations,
    converged: reason === 'gtol' || reason === 'ftol' || reason === 'stalled',
    reason,
  });

  let stalls = 0;
  let spareS: Float64Array | undefined;
  let spareY: Float64Array | undefined;
  for (let iter = 0; ; iter++) {
    pseudo();
    let pgMax = 0;
    for (let i = 0; i < n; i++) pgMax = Math.max(pgMax, Math.abs(pg[i]!));
    if (pgMax <= gtol) return result(iter, 'gtol');
    if (iter >= maxIter) return result(iter, 'maxIter');
    // Two-loop recursion: d = −H · pg.
    for (let i = 0; i < n; i++) d[i] = -pg[i]!;
    const k = S.length;
    for (let j = k - 1; j >= 0; j--) {
      let a = 0;
      const s = S[j]!;
      for (let i = 0; i < n; i++) a += s[i]! * d[i]!;
      a *= rho[j]!;
      alpha[j] = a;
      const yj = Y[j]!;
      for (let i = 0; i < n; i++) d[i]! -= a * yj[i]!;
    }
    let gamma: number;
    if (k > 0) {
      const yl = Y[k - 1]!;
      let yy = 0;
      for (let i = 0; i < n; i++) yy += yl[i]! * yl[i]!;
      gamma = 1 / (rho[k - 1]! * yy);
    } else {
      let norm = 0;
      for (let i = 0; i < n; i++) norm += pg[i]! * pg[i]!;
      gamma = 1 / Math.sqrt(norm);
    }
    for (let i = 0; i < n; i++) d[i]! *= gamma;
    for (let j = 0; j < k; j++) {
      let b = 0;
      const yj = Y[j]!;
      for (let i = 0; i < n; i++) b += yj[i]! * d[i]!;
      b *= rho[j]!;
      const s = S[j]!;
      const c = alpha[j]! - b;
      for (let i = 0; i < n; i++) d[i]! += c * s[i]!;
    }
    if (l1 > 0) for (let i = 0; i < n; i++) if (penalised(i) && d[i]! * pg[i]! >= 0) d[i] = 0;
    let slope = 0;
    for (let i = 0; i < n; i++) slope += pg[i]! * d[i]!;
    if (!(slope < 0)) {
      // Not a descent direction (bad curvature pairs): restart from steepest descent.
      if (k === 0) return result(iter, 'lineSearch');
      S.length = 0;
      Y.length = 0;
      rho.length = 0;
      iter--;
      continue;
    }
    // Backtracking Armijo search along d (projected onto the orthant for OWL-QN).
    let t = 1;
    let FNew = Number.POSITIVE_INFINITY;
    let accepted = false;
    for (let ls = 0; ls < 60; ls++) {
      for (let i = 0; i < n; i++) {
        let v = x[i]! + t * d[i]!;
        if (penalised(i)) {
          const orthant = x[i]! !== 0 ? Math.sign(x[i]!) : -Math.sign(pg[i]!);
          if (v * orthant <= 0) v = 0;
        }
        xNew[i] = v;
      }
      evaluations++;
      FNew = fg(xNew, gNew) + l1Term(xNew);
      let decrease = 0;
      for (let i = 0; i < n; i++) decrease += pg[i]! * (xNew[i]! - x[i]!);
      if (Number.isFinite(FNew) && FNew <= F + 1e-4 * decrease) {
        accepted = true;
        break;
      }
      t *= 0.5;
    }
    if (!accepted) return result(iter, 'lineSearch');
    // The new correction pair reuses the arrays of the pair it evicts (no allocation once full).
    const s = spareS ?? new Float64Array(n);
    const yv = spareY ?? new Float64Array(n);
    spareS = undefined;
    spareY = undefined;
    let sy = 0;
    for (let i = 0; i < n; i++) {
      s[i] = xNew[i]! - x[i]!;
      yv[i] = gNew[i]! - g[i]!;
      sy += s[i]! * yv[i]!;
    }
    if (sy > 1e-16) {
      if (S.length === m) {
        spareS = S.shift();
        spareY = Y.shift();
        rho.shift();
      }
      S.push(s);
      Y.push(yv);
      rho.push(1 / sy);
    } else {
      spareS = s;
      spareY = yv;
    }
    const FOld = F;
    [x, xNew] = [xNew, x];
    [g, gNew] = [gNew, g];
    F = FNew;
    // Accepted steps that no longer lower F: floating point cannot do better.
    stalls = F < FOld ? 0 : stalls + 1;
    if (stalls >= 3) {
      pseudo();
      return result(iter + 1, 'stalled');
    }
    if (ftol > 0 && (FOld - F) / Math.max(Math.abs(FOld), Math.abs(F), 1) <= ftol) {
      pseudo();
      return result(iter + 1, 'ftol');
    }
  }
}
