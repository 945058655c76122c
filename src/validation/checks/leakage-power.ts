/**
 * Private helpers of the leakage check: the predictive power of one column alone against the
 * target (numeric: ROC-AUC, |Spearman| or binned majority class; categorical: the majority target
 * per value learned on training rows and scored on test rows), identifier-like columns, row keys
 * and timestamps.
 */
import { rocAuc } from '../../ml/index.js';
import { spearmanCorrelation } from '../../stats/index.js';
import type { ValidationTask } from '../check.js';

/** A column's power: on the task's scale (`raw`: AUC, |ρ|, balanced accuracy, R²) and on 0..1 (`norm`, 0 = none). */
export interface Power {
  raw: number;
  norm: number;
  metric: string;
}

const NONE: Power = { raw: Number.NaN, norm: Number.NaN, metric: 'n/a' };

/** True for a missing cell. */
export function isMissing(v: unknown): boolean {
  return v === null || v === undefined || v === '' || (typeof v === 'number' && Number.isNaN(v));
}

/** Balanced accuracy over the classes present in `y` (mean recall), and that class count. */
function balanced(y: ArrayLike<number>, pred: ArrayLike<number>): { bacc: number; k: number } {
  const hit = new Map<number, [number, number]>();
  for (let i = 0; i < y.length; i++) {
    const c = hit.get(y[i]!) ?? [0, 0];
    c[1]++;
    if (pred[i] === y[i]) c[0]++;
    hit.set(y[i]!, c);
  }
  let s = 0;
  for (const [ok, n] of hit.values()) s += ok / n;
  return { bacc: hit.size ? s / hit.size : Number.NaN, k: hit.size };
}

function classPower(y: ArrayLike<number>, pred: ArrayLike<number>): Power {
  const { bacc, k } = balanced(y, pred);
  if (k < 2) return NONE;
  return { raw: bacc, norm: Math.max(0, (bacc - 1 / k) / (1 - 1 / k)), metric: 'balanced accuracy' };
}

/** Majority class (classifiers) or mean (regression) of `y` per key. */
function perKey(keys: ArrayLike<string>, y: ArrayLike<number>, task: ValidationTask): Map<string, number> {
  const groups = new Map<string, number[]>();
  for (let i = 0; i < y.length; i++) {
    const g = groups.get(keys[i]!);
    if (g) g.push(y[i]!);
    else groups.set(keys[i]!, [y[i]!]);
  }
  const out = new Map<string, number>();
  for (const [k, ys] of groups) out.set(k, summary(ys, task));
  return out;
}

function summary(ys: ArrayLike<number>, task: ValidationTask): number {
  if (task === 'regression') {
    let s = 0;
    for (let i = 0; i < ys.length; i++) s += ys[i]!;
    return s / ys.length;
  }
  const counts = new Map<number, number>();
  let best = Number.NaN;
  let bestN = 0;
  for (let i = 0; i < ys.length; i++) {
    const n = (counts.get(ys[i]!) ?? 0) + 1;
    counts.set(ys[i]!, n);
    if (n > bestN || (n === bestN && ys[i]! < best)) {
      best = ys[i]!;
      bestN = n;
    }
  }
  return best;
}

/** R² of predictions (floored at 0) as a power. */
function r2Power(y: ArrayLike<number>, pred: ArrayLike<number>): Power {
  let m = 0;
  for (let i = 0; i < y.length; i++) m += y[i]!;
  m /= y.length;
  let sse = 0;
  let sst = 0;
  for (let i = 0; i < y.length; i++) {
    sse += (y[i]! - pred[i]!) ** 2;
    sst += (y[i]! - m) ** 2;
  }
  if (!(sst > 0)) return NONE;
  const r2 = Math.max(0, 1 - sse / sst);
  return { raw: r2, norm: r2, metric: 'R²' };
}

/**
 * Power of a categorical column: the target summarised per value on training rows (majority class
 * or mean; unseen values get the overall one), scored on test rows (balanced accuracy or R²).
 */
export function categoricalPower(
  task: ValidationTask,
  trainKeys: ArrayLike<string>,
  yTrain: ArrayLike<number>,
  testKeys: ArrayLike<string>,
  yTest: ArrayLike<number>,
): Power {
  if (yTrain.length === 0 || yTest.length === 0) return NONE;
  const map = perKey(trainKeys, yTrain, task);
  const fallback = summary(yTrain, task);
  const pred = Float64Array.from({ length: yTest.length }, (_, i) => map.get(testKeys[i]!) ?? fallback);
  return task === 'regression' ? r2Power(yTest, pred) : classPower(yTest, pred);
}

/**
 * Power of a numeric column on the same rows (NaN rows dropped): binary max(AUC, 1 − AUC);
 * regression |Spearman ρ|; multiclass balanced accuracy of the majority class per value (≤ 50 distinct values)
 * or of leave-one-out 1-nearest neighbour along the feature.
 */
export function numericPower(task: ValidationTask, x: ArrayLike<number>, y: ArrayLike<number>): Power {
  const xs: number[] = [];
  const ys: number[] = [];
  for (let i = 0; i < x.length; i++)
    if (!Number.isNaN(x[i]!) && !Number.isNaN(y[i]!)) {
      xs.push(x[i]!);
      ys.push(y[i]!);
    }
  if (xs.length < 2) return NONE;
  if (task === 'regression') {
    const rho = Math.abs(spearmanCorrelation(xs, ys));
    return Number.isNaN(rho) ? NONE : { raw: rho, norm: rho, metric: '|Spearman ρ|' };
  }
  if (task === 'binary') {
    const yy = Float64Array.from(ys);
    if (!yy.includes(0) || !yy.includes(1)) return NONE;
    const auc = rocAuc(yy, Float64Array.from(xs));
    const p = Math.max(auc, 1 - auc);
    return { raw: p, norm: 2 * p - 1, metric: 'ROC-AUC' };
  }
  // Few distinct values: the majority class per value. Otherwise leave-one-out 1-nearest
  // neighbour along the feature (each row gets the class of the closest other row).
  const distinct = new Set(xs);
  if (distinct.size <= 50) {
    const keys = xs.map(String);
    return categoricalPower(task, keys, ys, keys, ys);
  }
  const order = xs.map((_, i) => i).sort((a, b) => xs[a]! - xs[b]! || a - b);
  const pred = new Float64Array(xs.length);
  order.forEach((r, k) => {
    const prev = k > 0 ? order[k - 1]! : -1;
    const next = k + 1 < order.length ? order[k + 1]! : -1;
    const near = next < 0 || (prev >= 0 && xs[r]! - xs[prev]! <= xs[next]! - xs[r]!) ? prev : next;
    pred[r] = ys[near]!;
  });
  return classPower(ys, pred);
}

/** Ranks of strings in natural order ("id-2" before "id-10"); missing values NaN. */
export function naturalRanks(values: ArrayLike<unknown>): Float64Array {
  const collator = new Intl.Collator(undefined, { numeric: true });
  const idx: number[] = [];
  for (let i = 0; i < values.length; i++) if (!isMissing(values[i])) idx.push(i);
  idx.sort((a, b) => collator.compare(String(values[a]), String(values[b])));
  const out = new Float64Array(values.length).fill(Number.NaN);
  idx.forEach((r, rank) => {
    out[r] = rank;
  });
  return out;
}

/**
 * Share of distinct values among the non-missing ones, whether all are integers, and for integers
 * their density: distinct values over the span max − min + 1 (1 for consecutive row numbers).
 */
export function uniqueness(values: ArrayLike<unknown>): {
  share: number;
  integers: boolean;
  density: number;
} {
  const seen = new Set<unknown>();
  let n = 0;
  let integers = true;
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (isMissing(v)) continue;
    n++;
    seen.add(v);
    if (typeof v !== 'number' || !Number.isInteger(v)) integers = false;
    else {
      lo = Math.min(lo, v);
      hi = Math.max(hi, v);
    }
  }
  const ints = n > 0 && integers;
  return { share: n ? seen.size / n : 0, integers: ints, density: ints ? seen.size / (hi - lo + 1) : 0 };
}

const DATE_TEXT = /^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/;

/** Milliseconds of a timestamp cell: a Date, an ISO-8601 text or a number (taken as is); NaN otherwise. */
export function timeOf(v: unknown): number {
  if (v instanceof Date) return v.getTime();
  if (typeof v === 'number') return v;
  if (typeof v === 'string' && DATE_TEXT.test(v)) return Date.parse(v);
  return Number.NaN;
}

/** True when the first non-missing cells (up to 20) are all Dates or ISO-8601 texts. */
export function looksLikeTime(values: ArrayLike<unknown>): boolean {
  if (values instanceof Float64Array) return false;
  let seen = 0;
  for (let i = 0; i < values.length && seen < 20; i++) {
    const v = values[i];
    if (isMissing(v)) continue;
    if (!(v instanceof Date) && !(typeof v === 'string' && DATE_TEXT.test(v))) return false;
    seen++;
  }
  return seen > 0;
}

/** A row's key: its feature values joined (equal keys ⇔ equal values). */
export function rowKey(columns: readonly ArrayLike<unknown>[], row: number): string {
  let s = '';
  for (const c of columns) {
    const v = c[row];
    s += `${v instanceof Date ? v.toISOString() : isMissing(v) ? '\u0000' : String(v)}\u0001`;
  }
  return s;
}
