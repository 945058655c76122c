/**
 * One run of Lloyd's k-means algorithm, step for step as scikit-learn 1.2's `_kmeans_single_lloyd`:
 * assign rows to the nearest centre, move centres to the weighted mean of their rows (an empty
 * cluster takes the row farthest from its centre), stop on unchanged labels or when the summed
 * squared centre shift is within `tol`.
 */

/** The result of one k-means run. */
export interface LloydResult {
  labels: Int32Array;
  centers: Float64Array;
  inertia: number;
  iterations: number;
}

/** Index of the centre nearest to row `i` (the lowest index on a tie). */
export function nearestCenter(
  X: Float64Array,
  i: number,
  centers: Float64Array,
  k: number,
  cols: number,
): number {
  let best = 0;
  let bestDist = Number.POSITIVE_INFINITY;
  const o = i * cols;
  for (let c = 0; c < k; c++) {
    let d = 0;
    const oc = c * cols;
    for (let j = 0; j < cols; j++) {
      const t = X[o + j]! - centers[oc + j]!;
      d += t * t;
    }
    if (d < bestDist) {
      bestDist = d;
      best = c;
    }
  }
  return best;
}

/** Sets `labels[i]` to the nearest centre of every row (inlined loop: the hot path of k-means). */
function assignLabels(
  X: Float64Array,
  rows: number,
  cols: number,
  centers: Float64Array,
  k: number,
  labels: Int32Array,
): void {
  for (let i = 0, o = 0; i < rows; i++, o += cols) {
    let best = 0;
    let bestDist = Number.POSITIVE_INFINITY;
    for (let c = 0, oc = 0; c < k; c++, oc += cols) {
      let d = 0;
      for (let j = 0; j < cols; j++) {
        const t = X[o + j]! - centers[oc + j]!;
        d += t * t;
      }
      if (d < bestDist) {
        bestDist = d;
        best = c;
      }
    }
    labels[i] = best;
  }
}

/** Σ w_i ‖x_i − c_{label_i}‖². */
function inertiaOf(
  X: Float64Array,
  rows: number,
  cols: number,
  w: Float64Array | undefined,
  centers: Float64Array,
  labels: Int32Array,
): number {
  let total = 0;
  for (let i = 0; i < rows; i++) {
    const o = i * cols;
    const oc = labels[i]! * cols;
    let d = 0;
    for (let j = 0; j < cols; j++) {
      const t = X[o + j]! - centers[oc + j]!;
      d += t * t;
    }
    total += (w === undefined ? 1 : w[i]!) * d;
  }
  return total;
}

/** One E-step (labels from `centers`) and, when `next` is given, M-step into `next`; returns the summed squared shift. */
function lloydStep(
  X: Float64Array,
  rows: number,
  cols: number,
  k: number,
  w: Float64Array | undefined,
  centers: Float64Array,
  labels: Int32Array,
  next: Float64Array | undefined,
): number {
  assignLabels(X, rows, cols, centers, k, labels);
  if (next === undefined) return 0;
  next.fill(0);
  const weightIn = new Float64Array(k);
  for (let i = 0; i < rows; i++) {
    const c = labels[i]!;
    const wi = w === undefined ? 1 : w[i]!;
    weightIn[c]! += wi;
    for (let j = 0; j < cols; j++) next[c * cols + j]! += wi * X[i * cols + j]!;
  }
  const empty: number[] = [];
  for (let c = 0; c < k; c++) if (weightIn[c] === 0) empty.push(c);
  if (empty.length > 0) {
    // relocate each empty cluster to one of the rows farthest from their (old) centres
    const far = Array.from({ length: rows }, (_, i) => i);
    const dist = new Float64Array(rows);
    for (let i = 0; i < rows; i++) {
      let d = 0;
      for (let j = 0; j < cols; j++) d += (X[i * cols + j]! - centers[labels[i]! * cols + j]!) ** 2;
      dist[i] = d;
    }
    far.sort((a, b) => dist[b]! - dist[a]! || a - b);
    empty.forEach((c, e) => {
      const i = far[e]!;
      const wi = w === undefined ? 1 : w[i]!;
      const old = labels[i]!;
      for (let j = 0; j < cols; j++) {
        next[old * cols + j]! -= X[i * cols + j]! * wi;
        next[c * cols + j] = X[i * cols + j]! * wi;
      }
      weightIn[c] = wi;
      weightIn[old]! -= wi;
    });
  }
  let shift = 0;
  for (let c = 0; c < k; c++) {
    const alpha = weightIn[c]! > 0 ? 1 / weightIn[c]! : 1;
    let s = 0;
    for (let j = 0; j < cols; j++) {
      if (weightIn[c]! > 0) next[c * cols + j]! *= alpha;
      s += (next[c * cols + j]! - centers[c * cols + j]!) ** 2;
    }
    shift += s;
  }
  return shift;
}

/**
 * Runs Lloyd's algorithm from `init` (k × cols, not modified) for at most `maxIter` iterations;
 * `tol` is the absolute bound on the summed squared centre shift.
 */
export function lloyd(
  X: Float64Array,
  rows: number,
  cols: number,
  w: Float64Array | undefined,
  init: Float64Array,
  k: number,
  maxIter: number,
  tol: number,
): LloydResult {
  let centers = init.slice();
  let next = new Float64Array(k * cols);
  const labels = new Int32Array(rows);
  const labelsOld = new Int32Array(rows).fill(-1);
  let strict = false;
  let i = 0;
  for (; i < maxIter; i++) {
    const shift = lloydStep(X, rows, cols, k, w, centers, labels, next);
    [centers, next] = [next, centers];
    let same = true;
    for (let r = 0; r < rows; r++) {
      if (labels[r] !== labelsOld[r]) {
        same = false;
        break;
      }
    }
    if (same) {
      strict = true;
      break;
    }
    if (shift <= tol) break;
    labelsOld.set(labels);
  }
  // rerun the E-step so that the labels match the final centres
  if (!strict) lloydStep(X, rows, cols, k, w, centers, labels, undefined);
  return {
    labels,
    centers,
    inertia: inertiaOf(X, rows, cols, w, centers, labels),
    iterations: Math.min(i + 1, maxIter),
  };
}
