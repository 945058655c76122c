/**
 * How training holds out test rows and folds the training rows: `random` (stratified by class for
 * classification), `group` (no group on both sides: rows sharing the column's value stay together)
 * or `time` (ordered by the column: the latest rows are the test set; folds are rolling-origin).
 */
import {
  type Fold,
  groupKFold,
  holdOut,
  kFold,
  SeededRandom,
  stratifiedKFold,
  timeSeriesSplit,
} from '../ml/index.js';
import type { TrainSpec } from './train-spec.js';

/** The split of a spec. */
export interface SplitSpec {
  kind: 'random' | 'group' | 'time';
  /** The group key (group) or the time column (time). */
  column?: string;
}

/** Numbers by value, anything else by its string form: the order of class labels and time values. */
export const compareValues = (a: unknown, b: unknown): number =>
  typeof a === 'number' && typeof b === 'number'
    ? a - b
    : String(a) < String(b)
      ? -1
      : String(a) > String(b)
        ? 1
        : 0;
const sortedAsc = (a: number[]) => Int32Array.from(a.sort((x, y) => x - y));

/** Test rows first found by group: whole groups, shuffled by the seed, until the share is reached. */
function groupHoldOut(groups: unknown[], testSize: number, seed: number) {
  const byGroup = new Map<unknown, number[]>();
  groups.forEach((g, i) => {
    const key = g ?? '\u0000null';
    const list = byGroup.get(key);
    if (list) list.push(i);
    else byGroup.set(key, [i]);
  });
  const keys = [...byGroup.keys()];
  const random = new SeededRandom(seed);
  for (let i = keys.length - 1; i > 0; i--) {
    const j = random.int(i + 1);
    [keys[i], keys[j]] = [keys[j], keys[i]];
  }
  const want = Math.ceil(testSize * groups.length);
  const test: number[] = [];
  const train: number[] = [];
  for (const k of keys) (test.length < want ? test : train).push(...byGroup.get(k)!);
  return { train: sortedAsc(train), test: sortedAsc(test) };
}

/** Row indices ordered by `values` ascending (nulls first), ties in row order. */
function timeOrder(values: unknown[]): number[] {
  return values
    .map((v, i) => [v, i] as const)
    .sort((a, b) =>
      a[0] === null
        ? b[0] === null
          ? a[1] - b[1]
          : -1
        : b[0] === null
          ? 1
          : compareValues(a[0], b[0]) || a[1] - b[1],
    )
    .map(([, i]) => i);
}

/** The hold-out of a spec over `y` (class indices or values) and the split column's values. */
export function holdOutRows(
  spec: Pick<TrainSpec, 'testSize' | 'seed' | 'split'>,
  y: Float64Array,
  classification: boolean,
  column?: unknown[],
): Fold {
  const testSize = spec.testSize ?? 0.2;
  const seed = spec.seed ?? 0;
  const split = spec.split ?? { kind: 'random' };
  if (split.kind === 'group') return groupHoldOut(column!, testSize, seed);
  if (split.kind === 'time') {
    const order = timeOrder(column!);
    const cut = order.length - Math.ceil(testSize * order.length);
    return { train: Int32Array.from(order.slice(0, cut)), test: Int32Array.from(order.slice(cut)) };
  }
  return holdOut(y.length, { testSize, seed, ...(classification ? { stratify: y } : {}) });
}

/**
 * Cross-validation folds over the training rows (`train`, indices into the whole columns): folds
 * answer positions within `train`.
 */
export function cvFolds(
  spec: Pick<TrainSpec, 'cv' | 'seed' | 'split'>,
  train: Int32Array,
  y: Float64Array,
  classification: boolean,
  column?: unknown[],
): Fold[] {
  const k = spec.cv!;
  const seed = spec.seed ?? 0;
  const split = spec.split ?? { kind: 'random' };
  if (split.kind === 'group')
    return groupKFold(
      Array.from(train, (r) => String(column![r] ?? '\u0000null')),
      { k },
    );
  if (split.kind === 'time') {
    // train rows are in time order already (holdOutRows keeps that order for time splits).
    return timeSeriesSplit(train.length, { k });
  }
  return classification
    ? stratifiedKFold(y, { k, shuffle: true, seed })
    : kFold(train.length, { k, shuffle: true, seed });
}
