/**
 * Objectives of gradient boosting (internal): gradients and hessians of each loss at the current
 * margins, the optimal constant start (base score) and the validation metric of each objective.
 */

/** The loss being boosted. */
export type Objective = 'logistic' | 'softmax' | 'squared_error' | 'absolute_error' | 'huber';

/** The validation metric reported for each objective (lower is better). */
export const METRIC_OF: Readonly<Record<Objective, string>> = {
  logistic: 'logloss',
  softmax: 'mlogloss',
  squared_error: 'rmse',
  absolute_error: 'mae',
  huber: 'rmse',
};

/** Powers of two `2^k` at `k + 1022`, for `k` in [-1022, 1023]. */
const POW2 = Float64Array.from({ length: 2046 }, (_, i) => 2 ** (i - 1022));
/** ln 2 in two parts: `k * LN2_HI` is exact for the `k` of {@link fastExp}. */
const LN2_HI = 0.6931471803691238;
const LN2_LO = 1.9082149292705877e-10;
/** 1.5 × 2^52: adding and subtracting it rounds a double below 2^51 to the nearest integer. */
const ROUND = 6755399441055744;

/**
 * `e^x` within 1e-14 relative of `Math.exp` for |x| < 700 (else `Math.exp` itself), about a third
 * faster in the gradient loops: `x = k ln 2 + r` with |r| ≤ ln 2 / 2, the Taylor polynomial of
 * degree 11 of `e^r` (evaluated by Estrin's scheme) times `2^k` from a table. `Math.round` is
 * avoided on purpose (it costs more than the rest).
 */
export function fastExp(x: number): number {
  if (!(x > -700 && x < 700)) return Math.exp(x);
  const kf = x * Math.LOG2E + ROUND - ROUND;
  const r = x - kf * LN2_HI - kf * LN2_LO;
  const r2 = r * r;
  const r4 = r2 * r2;
  const q0 = 1 + r + r2 * (0.5 + r * (1 / 6));
  const q1 = 1 / 24 + r * (1 / 120) + r2 * (1 / 720 + r * (1 / 5040));
  const q2 = 1 / 40320 + r * (1 / 362880) + r2 * (1 / 3628800 + r * (1 / 39916800));
  return (q0 + r4 * (q1 + r4 * q2)) * POW2[(kf | 0) + 1022]!;
}

/** The weighted `q`-quantile of `values` (weights `w` or 1), lower interpolation as LightGBM. */
export function weightedQuantile(values: Float64Array, w: Float64Array | undefined, q: number): number {
  const n = values.length;
  if (n === 0) return 0;
  const order = new Int32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  order.sort((a, b) => values[a]! - values[b]!);
  let total = 0;
  for (let i = 0; i < n; i++) total += w ? w[i]! : 1;
  const target = q * total;
  let cum = 0;
  for (let i = 0; i < n; i++) {
    const j = order[i]!;
    cum += w ? w[j]! : 1;
    if (cum >= target) {
      // An exact half-way point of an unweighted even count takes the mean of the two middles.
      if (!w && cum === target && i + 1 < n) return (values[j]! + values[order[i + 1]!]!) / 2;
      return values[j]!;
    }
  }
  return values[order[n - 1]!]!;
}

/** The optimal constant margin per output: log-odds, log priors, mean or median. */
export function baseScore(
  obj: Objective,
  y: Float64Array,
  w: Float64Array | undefined,
  k: number,
): Float64Array {
  const n = y.length;
  let wsum = 0;
  for (let i = 0; i < n; i++) wsum += w ? w[i]! : 1;
  if (obj === 'logistic') {
    let pos = 0;
    for (let i = 0; i < n; i++) pos += (w ? w[i]! : 1) * y[i]!;
    const p = Math.min(Math.max(pos / wsum, 1e-15), 1 - 1e-15);
    return Float64Array.of(Math.log(p / (1 - p)));
  }
  if (obj === 'softmax') {
    const counts = new Float64Array(k);
    for (let i = 0; i < n; i++) counts[y[i]!]! += w ? w[i]! : 1;
    const out = new Float64Array(k);
    for (let c = 0; c < k; c++) out[c] = Math.log(Math.max(counts[c]! / wsum, 1e-15));
    return out;
  }
  if (obj === 'squared_error') {
    let s = 0;
    for (let i = 0; i < n; i++) s += (w ? w[i]! : 1) * y[i]!;
    return Float64Array.of(s / wsum);
  }
  return Float64Array.of(weightedQuantile(y, w, 0.5));
}

/**
 * Writes gradient/hessian pairs: `grad[c][2r]`, `grad[c][2r + 1]` for row `r` and output `c`
 * (margins are row-major rows × k), for the rows `r0 <= r < r1` (default all); with `maxima`, also
 * the largest |gradient| and hessian of each output `c` over those rows, at `maxima[at + 2c]` and
 * `+ 1` (what quantization needs; the logistic loss finds them in the same pass).
 */
export function computeGradients(
  obj: Objective,
  y: Float64Array,
  w: Float64Array | undefined,
  margin: Float64Array,
  k: number,
  grad: Float64Array[],
  huberDelta: number,
  r0 = 0,
  r1 = y.length,
  maxima?: Float64Array,
  at = 0,
): void {
  if (obj === 'logistic') {
    logisticGradients(y, w, margin, grad[0]!, r0, r1);
    if (maxima) {
      maxima[at] = foundG;
      maxima[at + 1] = foundH;
    }
    return;
  }
  if (obj === 'softmax') softmaxGradients(y, w, margin, k, grad, r0, r1);
  else regressionGradients(obj, y, w, margin, grad[0]!, huberDelta, r0, r1);
  if (maxima) for (let c = 0; c < k; c++) gradientMaxima(grad[c]!, r0, r1, maxima, at + 2 * c);
}

// The passes over the rows are functions that end with their loop, so V8's compiled loop never
// leaves into code without type feedback (see docs/ml.md, "Loops and V8"). A pass leaves its two maxima in these
// module variables, whose stores need none.
let foundG = 0;
let foundH = 0;

/** Logistic gradients of rows `r0..r1` into `g`; their largest |gradient| and hessian into foundG, foundH. */
function logisticGradients(
  y: Float64Array,
  w: Float64Array | undefined,
  margin: Float64Array,
  g: Float64Array,
  r0: number,
  r1: number,
): void {
  let gMax = 0;
  let hMax = 0;
  for (let r = r0; r < r1; r++) {
    const p = 1 / (1 + fastExp(-margin[r]!));
    const wt = w ? w[r]! : 1;
    const gr = (p - y[r]!) * wt;
    const hr = Math.max(p * (1 - p), 1e-16) * wt;
    g[2 * r] = gr;
    g[2 * r + 1] = hr;
    const ag = Math.abs(gr);
    if (ag > gMax) gMax = ag;
    if (hr > hMax) hMax = hr;
  }
  foundG = gMax;
  foundH = hMax;
}

/** Softmax gradients of rows `r0..r1` into `grad[c]` for each of the `k` outputs. */
function softmaxGradients(
  y: Float64Array,
  w: Float64Array | undefined,
  margin: Float64Array,
  k: number,
  grad: Float64Array[],
  r0: number,
  r1: number,
): void {
  const p = new Float64Array(k);
  for (let r = r0; r < r1; r++) {
    let max = Number.NEGATIVE_INFINITY;
    for (let c = 0; c < k; c++) max = Math.max(max, margin[r * k + c]!);
    let s = 0;
    for (let c = 0; c < k; c++) {
      p[c] = fastExp(margin[r * k + c]! - max);
      s += p[c]!;
    }
    const wt = w ? w[r]! : 1;
    const label = y[r]!;
    for (let c = 0; c < k; c++) {
      const pc = p[c]! / s;
      const g = grad[c]!;
      g[2 * r] = (pc - (c === label ? 1 : 0)) * wt;
      g[2 * r + 1] = Math.max(2 * pc * (1 - pc), 1e-16) * wt;
    }
  }
}

/** Squared error, absolute error or Huber gradients of rows `r0..r1` into `g`. */
function regressionGradients(
  obj: Objective,
  y: Float64Array,
  w: Float64Array | undefined,
  margin: Float64Array,
  g: Float64Array,
  huberDelta: number,
  r0: number,
  r1: number,
): void {
  for (let r = r0; r < r1; r++) {
    const wt = w ? w[r]! : 1;
    const d = margin[r]! - y[r]!;
    const gr =
      obj === 'squared_error'
        ? d
        : obj === 'absolute_error'
          ? Math.sign(d)
          : Math.abs(d) <= huberDelta
            ? d
            : huberDelta * Math.sign(d);
    g[2 * r] = gr * wt;
    g[2 * r + 1] = wt;
  }
}

/** The largest |gradient| and hessian of rows `r0..r1` of `grad`, written to `out[at]`, `out[at + 1]`. */
export function gradientMaxima(
  grad: Float64Array,
  r0: number,
  r1: number,
  out: Float64Array,
  at: number,
): void {
  scanMaxima(grad, r0, r1);
  out[at] = foundG;
  out[at + 1] = foundH;
}

/** The largest |gradient| and hessian of rows `r0..r1` of `grad`, into foundG, foundH. */
function scanMaxima(grad: Float64Array, r0: number, r1: number): void {
  let gMax = 0;
  let hMax = 0;
  for (let r = r0; r < r1; r++) {
    const g = Math.abs(grad[2 * r]!);
    const h = grad[2 * r + 1]!;
    if (g > gMax) gMax = g;
    if (h > hMax) hMax = h;
  }
  foundG = gMax;
  foundH = hMax;
}

/** The objective's metric (lower is better) of margins `margin` (rows × k) against `y`. */
export function evalMetric(obj: Objective, y: Float64Array, margin: Float64Array, k: number): number {
  const n = y.length;
  let s = 0;
  const eps = 1e-15;
  if (obj === 'logistic') {
    for (let r = 0; r < n; r++) {
      const p = Math.min(Math.max(1 / (1 + Math.exp(-margin[r]!)), eps), 1 - eps);
      s -= y[r]! === 1 ? Math.log(p) : Math.log(1 - p);
    }
    return s / n;
  }
  if (obj === 'softmax') {
    for (let r = 0; r < n; r++) {
      let max = Number.NEGATIVE_INFINITY;
      for (let c = 0; c < k; c++) max = Math.max(max, margin[r * k + c]!);
      let z = 0;
      for (let c = 0; c < k; c++) z += Math.exp(margin[r * k + c]! - max);
      const p = Math.exp(margin[r * k + y[r]!]! - max) / z;
      s -= Math.log(Math.min(Math.max(p, eps), 1 - eps));
    }
    return s / n;
  }
  if (obj === 'absolute_error') {
    for (let r = 0; r < n; r++) s += Math.abs(margin[r]! - y[r]!);
    return s / n;
  }
  for (let r = 0; r < n; r++) s += (margin[r]! - y[r]!) ** 2;
  return Math.sqrt(s / n);
}
