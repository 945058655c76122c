/**
 * Helpers the checks share: seeded row samples, frame copies restricted to some columns, column
 * kinds, and the validity and comparison of predictions.
 */
import { SeededRandom } from '../../ml/index.js';
import type { Frame, FramePredictions } from '../check.js';

/** A frame column: numbers (NaN missing) or any values (null missing). */
export type Column = Float64Array | unknown[];

/**
 * `k` distinct row indices of `n`, ascending, drawn with a seeded partial Fisher–Yates shuffle;
 * all rows when `n <= k`.
 */
export function sampleIndices(n: number, k: number, seed: number): Uint32Array {
  if (n <= k) return Uint32Array.from({ length: n }, (_, i) => i);
  const rng = new SeededRandom(seed);
  const all = Uint32Array.from({ length: n }, (_, i) => i);
  for (let i = 0; i < k; i++) {
    const j = i + rng.int(n - i);
    const t = all[i]!;
    all[i] = all[j]!;
    all[j] = t;
  }
  return all.slice(0, k).sort();
}

/** The rows `idx` of `column`. */
export function takeColumn(column: Column, idx: ArrayLike<number>): Column {
  if (column instanceof Float64Array) {
    const out = new Float64Array(idx.length);
    for (let i = 0; i < idx.length; i++) out[i] = column[idx[i]!]!;
    return out;
  }
  return Array.from({ length: idx.length }, (_, i) => column[idx[i]!]);
}

/** A frame of the rows `idx` of `frame`, holding only `columns` (the model's inputs). */
export function takeRows(frame: Frame, columns: readonly string[], idx: ArrayLike<number>): Frame {
  const out: Record<string, Column> = {};
  for (const c of columns) {
    const col = frame.columns[c];
    if (col) out[c] = takeColumn(col, idx);
  }
  return { rows: idx.length, columns: out };
}

/** A shallow copy of `frame` with `name` replaced by `column`. */
export function withColumn(frame: Frame, name: string, column: Column): Frame {
  return { rows: frame.rows, columns: { ...frame.columns, [name]: column } };
}

/**
 * The column as numbers (null and undefined as NaN) when it is numeric: a Float64Array, or an
 * array whose present values are all numbers. Otherwise null.
 */
export function numericValues(column: Column | undefined): Float64Array | null {
  if (!column) return null;
  if (column instanceof Float64Array) return column;
  const out = new Float64Array(column.length);
  for (let i = 0; i < column.length; i++) {
    const v = column[i];
    if (v === null || v === undefined) out[i] = Number.NaN;
    else if (typeof v === 'number') out[i] = v;
    else return null;
  }
  return out;
}

/** A column's values as category strings (null and undefined stay null). */
export function categoryValues(column: Column): (string | null)[] {
  return Array.from(column as ArrayLike<unknown>, (v) =>
    v === null || v === undefined || (typeof v === 'number' && Number.isNaN(v)) ? null : String(v),
  );
}

/** Mean and population standard deviation of the finite values (NaN when there are none). */
export function meanStd(values: Float64Array): { mean: number; std: number; min: number; max: number } {
  let n = 0;
  let sum = 0;
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  for (const v of values) {
    if (!Number.isFinite(v)) continue;
    n++;
    sum += v;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  if (n === 0) return { mean: Number.NaN, std: Number.NaN, min: Number.NaN, max: Number.NaN };
  const mean = sum / n;
  let ss = 0;
  for (const v of values) if (Number.isFinite(v)) ss += (v - mean) ** 2;
  return { mean, std: Math.sqrt(ss / n), min: lo, max: hi };
}

/**
 * Why predictions are unusable for a frame of `rows` rows (no `y`, wrong length, NaN or infinite
 * values, NaN probabilities), or null when they are fine.
 */
export function invalidPredictions(pred: FramePredictions | undefined, rows: number): string | null {
  if (!pred || typeof pred !== 'object' || pred.y === undefined || pred.y === null)
    return 'answered no predictions (undefined)';
  const y = pred.y as ArrayLike<unknown>;
  if (typeof y.length !== 'number') return 'answered predictions without a length';
  if (y.length !== rows) return `answered ${y.length} predictions for ${rows} rows`;
  let bad = 0;
  for (let i = 0; i < rows; i++) {
    const v = y[i];
    if (typeof v !== 'number' || !Number.isFinite(v)) bad++;
  }
  if (bad) return `answered ${bad} of ${rows} predictions as NaN, infinite or undefined`;
  if (pred.proba) {
    let badP = 0;
    for (const p of pred.proba) if (!Number.isFinite(p)) badP++;
    if (badP) return `answered ${badP} probabilities as NaN or infinite`;
  }
  return null;
}

/**
 * The number of rows whose prediction changed: a different class (classifiers), or for regression
 * a change beyond `tolerance` × max(|base|, `spread`), `spread` keeping predictions near 0 from
 * counting every wiggle. A NaN in `next` where `base` is finite counts as a change.
 */
export function changedCount(
  base: ArrayLike<number>,
  next: ArrayLike<number>,
  classifier: boolean,
  tolerance: number,
  spread: number,
): number {
  let changed = 0;
  for (let i = 0; i < base.length; i++) {
    const a = base[i]!;
    const b = next[i]!;
    if (classifier) {
      if (a !== b) changed++;
    } else if (!(Math.abs(b - a) <= tolerance * Math.max(Math.abs(a), spread))) changed++;
  }
  return changed;
}

/** A reader of booleans for `readParams`. */
export function booleanValue(v: unknown): boolean {
  if (typeof v !== 'boolean') throw new Error(`must be true or false; got ${JSON.stringify(v)}`);
  return v;
}

/** A number rounded to `digits` significant decimals for tables and messages. */
export function round(x: number, digits = 4): number {
  return Number.isFinite(x) ? Number(x.toPrecision(digits)) : x;
}
