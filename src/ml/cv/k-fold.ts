/**
 * K-fold splitters mirroring scikit-learn's KFold, StratifiedKFold and GroupKFold: the same fold
 * sizes, the same order of folds and, without shuffling, the same indices. Shuffled orders come from
 * {@link SeededRandom} (deterministic per seed) and differ from numpy's.
 */
import { SeededRandom } from '../seeded-random.js';
import {
  checkInt,
  checkKnown,
  checkSeed,
  encodeFirstAppearance,
  encodeSorted,
  type Fold,
  foldsFromAssignment,
  invalid,
  shuffleInPlace,
} from './check.js';

export type { Fold } from './check.js';

/** Options of {@link kFold}. */
export interface KFoldOptions {
  /** Number of folds, at least 2 and at most the number of rows (default 5). */
  k?: number;
  /** Shuffle rows before cutting folds (default false: consecutive blocks). */
  shuffle?: boolean;
  /** Seed of the shuffle (default 0). */
  seed?: number;
}

/** Options of {@link stratifiedKFold}. */
export interface StratifiedKFoldOptions extends KFoldOptions {
  /**
   * Called with scikit-learn's warning when the least populated class has fewer than `k` members
   * (while some class has at least `k`). Default: ignore.
   */
  onWarning?: (message: string) => void;
}

function checkK(options: KFoldOptions, n: number, unit = 'rows'): number {
  const k = checkInt(options.k ?? 5, 'options.k', 2);
  if (k > n)
    throw invalid(`options.k (${k}) cannot be greater than the number of ${unit} (${n})`, 'options.k');
  return k;
}

function checkShuffle(options: KFoldOptions): boolean {
  const s = options.shuffle ?? false;
  if (typeof s !== 'boolean')
    throw invalid(`options.shuffle must be a boolean; got ${String(s)}`, 'options.shuffle');
  return s;
}

/**
 * K-fold cross-validation over `n` rows (scikit-learn KFold): the first `n % k` folds hold
 * `⌊n/k⌋ + 1` rows, the others `⌊n/k⌋`. Each fold's test and train indices are ascending.
 * @throws LatheError INVALID_ARGUMENT when k < 2, k > n or an option is unknown or out of range.
 */
export function kFold(n: number, options: KFoldOptions = {}): Fold[] {
  checkKnown(options, ['k', 'shuffle', 'seed']);
  checkInt(n, 'n', 1);
  const k = checkK(options, n);
  const shuffle = checkShuffle(options);
  const seed = checkSeed(options.seed);
  const order = new Int32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  if (shuffle) shuffleInPlace(order, new SeededRandom(seed));
  const assign = new Int32Array(n);
  const base = Math.floor(n / k);
  let start = 0;
  for (let f = 0; f < k; f++) {
    const size = base + (f < n % k ? 1 : 0);
    for (let i = start; i < start + size; i++) assign[order[i]!] = f;
    start += size;
  }
  return foldsFromAssignment(assign, k);
}

/**
 * Stratified k-fold (scikit-learn StratifiedKFold): each fold keeps the class shares of `y`. Classes
 * are allotted round-robin over the rows sorted by class (classes numbered in order of first
 * appearance), so fold sizes and, unshuffled, indices equal scikit-learn's.
 * Like scikit-learn, it throws when every class has fewer than `k` members and only warns (through
 * `options.onWarning`) when the least populated class does.
 * @param y class labels (numbers or strings), one per row.
 * @throws LatheError INVALID_ARGUMENT when k < 2, k > rows, every class has fewer than k members,
 *   a label is NaN, or an option is unknown or out of range.
 */
export function stratifiedKFold(y: ArrayLike<number | string>, options: StratifiedKFoldOptions = {}): Fold[] {
  checkKnown(options, ['k', 'shuffle', 'seed', 'onWarning']);
  const n = y.length;
  checkInt(n, 'y.length', 1);
  const k = checkK(options, n);
  const shuffle = checkShuffle(options);
  const seed = checkSeed(options.seed);
  const codes = encodeFirstAppearance(y, 'y');
  let classes = 0;
  for (let i = 0; i < n; i++) classes = Math.max(classes, codes[i]! + 1);
  const counts = new Int32Array(classes);
  for (let i = 0; i < n; i++) counts[codes[i]!]!++;
  let minCount = n;
  let maxCount = 0;
  for (const c of counts) {
    minCount = Math.min(minCount, c);
    maxCount = Math.max(maxCount, c);
  }
  if (maxCount < k)
    throw invalid(
      `options.k (${k}) cannot be greater than the number of members in each class (largest class: ${maxCount})`,
      'options.k',
    );
  if (minCount < k)
    options.onWarning?.(
      `The least populated class in y has only ${minCount} members, which is less than k=${k}.`,
    );
  // allocation[f][c]: rows of class c in fold f, from the rows sorted by class taken every k-th.
  const sorted = new Int32Array(codes).sort();
  const allocation = new Int32Array(k * classes);
  for (let i = 0; i < n; i++) allocation[(i % k) * classes + sorted[i]!]!++;
  const assign = new Int32Array(n);
  const rng = new SeededRandom(seed);
  for (let c = 0; c < classes; c++) {
    const foldsForClass = new Int32Array(counts[c]!);
    let p = 0;
    for (let f = 0; f < k; f++) for (let r = 0; r < allocation[f * classes + c]!; r++) foldsForClass[p++] = f;
    if (shuffle) shuffleInPlace(foldsForClass, rng);
    p = 0;
    for (let i = 0; i < n; i++) if (codes[i] === c) assign[i] = foldsForClass[p++]!;
  }
  return foldsFromAssignment(assign, k);
}

/**
 * Group k-fold (scikit-learn 1.2 GroupKFold): no group is split across folds. Groups, largest
 * first, go to the fold with the fewest rows so far (ties: the first such fold). Deterministic, no
 * shuffling; matches scikit-learn's folds (for equal-sized groups, the later label is placed first,
 * as numpy's argsort reversed does on small inputs).
 * @param groups a group label (number or string) per row.
 * @throws LatheError INVALID_ARGUMENT when k < 2 or k exceeds the number of distinct groups.
 */
export function groupKFold(groups: ArrayLike<number | string>, options: { k?: number } = {}): Fold[] {
  checkKnown(options, ['k']);
  const n = groups.length;
  checkInt(n, 'groups.length', 1);
  const { codes, count } = encodeSorted(groups, 'groups');
  const k = checkK(options, count, 'groups');
  const sizes = new Int32Array(count);
  for (let i = 0; i < n; i++) sizes[codes[i]!]!++;
  // np.argsort(sizes)[::-1]: stable ascending, reversed.
  const order = Array.from({ length: count }, (_, i) => i).sort((a, b) => sizes[a]! - sizes[b]! || a - b);
  order.reverse();
  const foldRows = new Float64Array(k);
  const groupFold = new Int32Array(count);
  for (const g of order) {
    let lightest = 0;
    for (let f = 1; f < k; f++) if (foldRows[f]! < foldRows[lightest]!) lightest = f;
    foldRows[lightest]! += sizes[g]!;
    groupFold[g] = lightest;
  }
  const assign = new Int32Array(n);
  for (let i = 0; i < n; i++) assign[i] = groupFold[codes[i]!]!;
  return foldsFromAssignment(assign, k);
}
