/** Shared argument checks and helpers of the splitters (internal). */
import { describeValue, LatheError } from '../../core/index.js';
import type { SeededRandom } from '../seeded-random.js';

/** One train/test split: row indices, ascending. */
export interface Fold {
  train: Int32Array;
  test: Int32Array;
}

export function invalid(message: string, field: string): LatheError {
  return new LatheError('INVALID_ARGUMENT', message, { field });
}

export function checkInt(value: unknown, name: string, min: number, max = Number.MAX_SAFE_INTEGER): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    const range = max === Number.MAX_SAFE_INTEGER ? `an integer >= ${min}` : `an integer in [${min}, ${max}]`;
    throw invalid(`${name} must be ${range}; got ${describeValue(value)}`, name);
  }
  return value;
}

export function checkSeed(value: unknown): number {
  if (value === undefined) return 0;
  if (typeof value !== 'number' || !Number.isSafeInteger(value))
    throw invalid(`options.seed must be a safe integer; got ${describeValue(value)}`, 'options.seed');
  return value;
}

export function checkKnown(options: object, known: readonly string[]): void {
  for (const key of Object.keys(options)) {
    if (!known.includes(key))
      throw invalid(`unknown option ${key}; valid options: ${known.join(', ')}`, `options.${key}`);
  }
}

/** Labels encoded 0..k-1 in order of first appearance (as scikit-learn's StratifiedKFold does). */
export function encodeFirstAppearance(y: ArrayLike<number | string>, name: string): Int32Array {
  const map = new Map<number | string, number>();
  const out = new Int32Array(y.length);
  for (let i = 0; i < y.length; i++) {
    const v = y[i]!;
    if (typeof v === 'number' && Number.isNaN(v))
      throw invalid(`${name}[${i}] is NaN; labels must be numbers or strings`, name);
    let code = map.get(v);
    if (code === undefined) {
      code = map.size;
      map.set(v, code);
    }
    out[i] = code;
  }
  return out;
}

/** Labels encoded 0..k-1 in sorted order (as numpy.unique does). */
export function encodeSorted(
  y: ArrayLike<number | string>,
  name: string,
): { codes: Int32Array; count: number } {
  const first = encodeFirstAppearance(y, name);
  const values: (number | string)[] = [];
  const seen = new Set<number | string>();
  for (let i = 0; i < y.length; i++) {
    if (!seen.has(y[i]!)) {
      seen.add(y[i]!);
      values.push(y[i]!);
    }
  }
  const order = values.map((_, i) => i);
  order.sort((a, b) => {
    const va = values[a]!;
    const vb = values[b]!;
    if (typeof va === 'number' && typeof vb === 'number') return va - vb;
    return String(va) < String(vb) ? -1 : String(va) > String(vb) ? 1 : 0;
  });
  const rank = new Int32Array(values.length);
  order.forEach((orig, r) => {
    rank[orig] = r;
  });
  const codes = new Int32Array(y.length);
  for (let i = 0; i < y.length; i++) codes[i] = rank[first[i]!]!;
  return { codes, count: values.length };
}

/** In-place Fisher–Yates shuffle. */
export function shuffleInPlace(a: Int32Array, rng: SeededRandom): void {
  for (let i = a.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    const t = a[i]!;
    a[i] = a[j]!;
    a[j] = t;
  }
}

/** Train/test folds from a test-fold label per row (−1 = never in a test fold). */
export function foldsFromAssignment(assign: Int32Array, k: number): Fold[] {
  const folds: Fold[] = [];
  const n = assign.length;
  for (let f = 0; f < k; f++) {
    let nt = 0;
    for (let i = 0; i < n; i++) if (assign[i] === f) nt++;
    const test = new Int32Array(nt);
    const train = new Int32Array(n - nt);
    let a = 0;
    let b = 0;
    for (let i = 0; i < n; i++) {
      if (assign[i] === f) test[a++] = i;
      else train[b++] = i;
    }
    folds.push({ train, test });
  }
  return folds;
}
