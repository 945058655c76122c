/**
 * Curve points for charts, computed as scikit-learn computes them: ROC (roc_curve with
 * drop_intermediate), precision–recall (precision_recall_curve) and calibration
 * (sklearn.calibration.calibration_curve). Tied scores form one threshold.
 */
import { checkFinite, checkLabels, checkProbabilities, checkWeights, fail, uniqueSorted } from './numeric.js';

/** Options of the binary curves. */
export interface BinaryCurveOptions {
  /** The class counted as positive; default 1. */
  posLabel?: number;
  /** Per-sample weights (samples of weight 0 are dropped first, as scikit-learn does). */
  sampleWeight?: Float64Array;
}

/** Cumulative false and true positives at each distinct score, highest first (`_binary_clf_curve`). */
export interface ClfCurve {
  fps: Float64Array;
  tps: Float64Array;
  thresholds: Float64Array;
}

/** Validates a binary (yTrue, yScore) pair; yTrue may hold at most two classes. */
export function checkBinary(yTrue: Float64Array, yScore: Float64Array, name = 'yScore'): number[] {
  checkLabels('yTrue', yTrue);
  checkFinite(name, yScore, yTrue.length);
  const classes = uniqueSorted(yTrue);
  if (classes.length > 2)
    fail(
      `yTrue has ${classes.length} classes (${classes.join(', ')}); a binary metric needs at most two — ` +
        `pass class probabilities as a Matrix (rows × classes) where one-vs-rest is supported`,
      'yTrue',
    );
  return classes;
}

/**
 * Sample indices by descending score, ties in descending index — numpy's
 * `argsort(kind='mergesort')[::-1]` — leaving out zero weights. A native sort of the scores and a
 * counting pass (no comparator sort), so a million rows take tens of milliseconds.
 */
function descendingOrder(yScore: Float64Array, weights?: Float64Array): Uint32Array {
  const distinct = Float64Array.from(yScore).sort();
  let g = 0;
  for (let i = 1; i < distinct.length; i++) if (distinct[i] !== distinct[g]) distinct[++g] = distinct[i]!;
  const groups = distinct.length === 0 ? 0 : g + 1;
  const u = distinct.subarray(0, groups);
  /** Group of a score: 0 for the highest. */
  const groupOf = (v: number) => {
    let lo = 0;
    let hi = groups - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (u[mid]! < v) lo = mid + 1;
      else hi = mid;
    }
    return groups - 1 - lo;
  };
  const group = new Uint32Array(yScore.length);
  const start = new Uint32Array(groups + 1);
  let kept = 0;
  for (let i = 0; i < yScore.length; i++) {
    if (weights !== undefined && weights[i] === 0) continue;
    group[i] = groupOf(yScore[i]!);
    start[group[i]! + 1]!++;
    kept++;
  }
  for (let k = 0; k < groups; k++) start[k + 1]! += start[k]!;
  const order = new Uint32Array(kept);
  for (let i = yScore.length - 1; i >= 0; i--) {
    if (weights !== undefined && weights[i] === 0) continue;
    order[start[group[i]!]!++] = i;
  }
  return order;
}

/** scikit-learn's `_binary_clf_curve`. Inputs are assumed validated. */
function binaryClfCurve(
  yTrue: Float64Array,
  yScore: Float64Array,
  posLabel: number,
  weights?: Float64Array,
): ClfCurve {
  const order = descendingOrder(yScore, weights);
  const n = order.length;
  const ends: number[] = [];
  for (let i = 0; i < n - 1; i++) if (yScore[order[i]!] !== yScore[order[i + 1]!]) ends.push(i);
  if (n > 0) ends.push(n - 1);
  const tps = new Float64Array(ends.length);
  const fps = new Float64Array(ends.length);
  const thresholds = new Float64Array(ends.length);
  let tp = 0;
  let fp = 0;
  let e = 0;
  for (let i = 0; i < n; i++) {
    const s = order[i]!;
    const w = weights === undefined ? 1 : weights[s]!;
    const pos = yTrue[s] === posLabel ? 1 : 0;
    tp += pos * w;
    if (weights !== undefined) fp += (1 - pos) * w;
    if (i === ends[e]) {
      tps[e] = tp;
      fps[e] = weights === undefined ? 1 + i - tp : fp;
      thresholds[e] = yScore[s]!;
      e++;
    }
  }
  return { fps, tps, thresholds };
}

/** Points of a ROC curve: false and true positive rates at decreasing thresholds. */
export interface RocCurve {
  fpr: Float64Array;
  tpr: Float64Array;
  /** thresholds[0] is the highest score + 1 (the curve starts at (0, 0)), as scikit-learn 1.2. */
  thresholds: Float64Array;
}

/**
 * The ROC curve of binary scores (sklearn.metrics.roc_curve): collinear intermediate points are
 * dropped unless `dropIntermediate` is false. A rate whose class is absent is NaN throughout.
 */
export function rocCurve(
  yTrue: Float64Array,
  yScore: Float64Array,
  options: BinaryCurveOptions & { dropIntermediate?: boolean } = {},
): RocCurve {
  checkBinary(yTrue, yScore);
  const weights = checkWeights(options.sampleWeight, yTrue.length);
  let { fps, tps, thresholds } = binaryClfCurve(yTrue, yScore, options.posLabel ?? 1, weights);
  if (options.dropIntermediate !== false && fps.length > 2) {
    const idx: number[] = [0];
    for (let j = 0; j + 2 < fps.length; j++) {
      const f = fps[j + 2]! - fps[j + 1]! - (fps[j + 1]! - fps[j]!);
      const t = tps[j + 2]! - tps[j + 1]! - (tps[j + 1]! - tps[j]!);
      if (f !== 0 || t !== 0) idx.push(j + 1);
    }
    idx.push(fps.length - 1);
    fps = Float64Array.from(idx, (i) => fps[i]!);
    tps = Float64Array.from(idx, (i) => tps[i]!);
    thresholds = Float64Array.from(idx, (i) => thresholds[i]!);
  }
  const m = fps.length + 1;
  const lastF = fps[fps.length - 1] ?? 0;
  const lastT = tps[tps.length - 1] ?? 0;
  const fpr = new Float64Array(m);
  const tpr = new Float64Array(m);
  const th = new Float64Array(m);
  th[0] = (thresholds[0] ?? 0) + 1;
  for (let i = 1; i < m; i++) {
    fpr[i] = lastF <= 0 ? Number.NaN : fps[i - 1]! / lastF;
    tpr[i] = lastT <= 0 ? Number.NaN : tps[i - 1]! / lastT;
    th[i] = thresholds[i - 1]!;
  }
  if (lastF <= 0) fpr[0] = Number.NaN;
  if (lastT <= 0) tpr[0] = Number.NaN;
  return { fpr, tpr, thresholds: th };
}

/** Points of a precision–recall curve, recall decreasing; the last point is (recall 0, precision 1). */
export interface PrCurve {
  precision: Float64Array;
  recall: Float64Array;
  /** One fewer than the points: threshold i gives point i, increasing. */
  thresholds: Float64Array;
}

/**
 * The precision–recall curve of binary scores (sklearn.metrics.precision_recall_curve). Without
 * positives, recall is 1 at every threshold (as scikit-learn, which warns).
 */
export function precisionRecallCurve(
  yTrue: Float64Array,
  yScore: Float64Array,
  options: BinaryCurveOptions = {},
): PrCurve {
  checkBinary(yTrue, yScore);
  const weights = checkWeights(options.sampleWeight, yTrue.length);
  const { fps, tps, thresholds } = binaryClfCurve(yTrue, yScore, options.posLabel ?? 1, weights);
  const n = tps.length;
  const lastT = tps[n - 1] ?? 0;
  const precision = new Float64Array(n + 1);
  const recall = new Float64Array(n + 1);
  const th = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const r = n - 1 - i;
    const ps = tps[r]! + fps[r]!;
    precision[i] = ps === 0 ? 0 : tps[r]! / ps;
    recall[i] = lastT === 0 ? 1 : tps[r]! / lastT;
    th[i] = thresholds[r]!;
  }
  precision[n] = 1;
  recall[n] = 0;
  return { precision, recall, thresholds: th };
}

/** Options of {@link calibrationCurve}. */
export interface CalibrationOptions {
  /** Number of bins; default 5. */
  bins?: number;
  /** `uniform` (equal widths on [0, 1], the default) or `quantile` (equal counts). */
  strategy?: 'uniform' | 'quantile';
  /** The positive class; default 1. */
  posLabel?: number;
}

/** A reliability diagram: per non-empty bin, the fraction of positives and the mean probability. */
export interface CalibrationCurve {
  probTrue: Float64Array;
  probPred: Float64Array;
  /** Samples per returned bin. */
  counts: Float64Array;
}

/** numpy 1.24's percentile (linear method) of sorted `s` at fraction `q`. */
function percentileSorted(s: Float64Array, q: number): number {
  const n = s.length;
  const virtual = (n - 1) * q;
  const lo = Math.min(Math.max(Math.floor(virtual), 0), n - 1);
  const hi = virtual >= n - 1 ? n - 1 : virtual < 0 ? 0 : lo + 1;
  const t = virtual - Math.floor(virtual);
  const a = s[lo]!;
  const b = s[hi]!;
  const diff = b - a;
  return t >= 0.5 ? b - diff * (1 - t) : a + diff * t;
}

/**
 * The calibration curve of binary probabilities (sklearn.calibration.calibration_curve): bins are
 * equal-width on [0, 1] (`uniform`) or at the quantiles of yProb (`quantile`); empty bins are left out.
 * @throws LatheError INVALID_ARGUMENT for probabilities outside [0, 1], more than two classes, bad options.
 */
export function calibrationCurve(
  yTrue: Float64Array,
  yProb: Float64Array,
  options: CalibrationOptions = {},
): CalibrationCurve {
  checkBinary(yTrue, yProb, 'yProb');
  checkProbabilities('yProb', yProb);
  const nBins = options.bins ?? 5;
  if (!Number.isInteger(nBins) || nBins < 1) fail(`bins must be a positive integer; got ${nBins}`, 'bins');
  const strategy = options.strategy ?? 'uniform';
  if (strategy !== 'uniform' && strategy !== 'quantile')
    fail(`strategy must be 'uniform' or 'quantile'; got ${String(strategy)}`, 'strategy');
  const pos = options.posLabel ?? 1;
  const step = 1 / nBins;
  const edges: number[] = [];
  const sorted = strategy === 'quantile' ? Float64Array.from(yProb).sort() : undefined;
  for (let i = 0; i <= nBins; i++) {
    const q = i === nBins ? 1 : i * step;
    edges.push(sorted === undefined ? q : percentileSorted(sorted, (q * 100) / 100));
  }
  const inner = edges.slice(1, -1);
  const size = nBins + 1;
  const sums = new Float64Array(size);
  const trues = new Float64Array(size);
  const totals = new Float64Array(size);
  for (let i = 0; i < yProb.length; i++) {
    const p = yProb[i]!;
    // numpy.searchsorted(inner, p, side='left'): the number of inner edges strictly below p.
    let lo = 0;
    let hi = inner.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (inner[mid]! < p) lo = mid + 1;
      else hi = mid;
    }
    sums[lo]! += p;
    trues[lo]! += yTrue[i] === pos ? 1 : 0;
    totals[lo]!++;
  }
  const probTrue: number[] = [];
  const probPred: number[] = [];
  const counts: number[] = [];
  for (let b = 0; b < size; b++) {
    if (totals[b] === 0) continue;
    probTrue.push(trues[b]! / totals[b]!);
    probPred.push(sums[b]! / totals[b]!);
    counts.push(totals[b]!);
  }
  return {
    probTrue: Float64Array.from(probTrue),
    probPred: Float64Array.from(probPred),
    counts: Float64Array.from(counts),
  };
}
