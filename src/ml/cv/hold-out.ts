/** Hold-out (train/test) splits, mirroring scikit-learn's train_test_split sizes. */
import { describeValue } from '../../core/index.js';
import { SeededRandom } from '../seeded-random.js';
import { checkKnown, checkSeed, encodeSorted, type Fold, invalid, shuffleInPlace } from './check.js';

/** Options of {@link holdOut}. */
export interface HoldOutOptions {
  /** Test share in (0, 1) (rounded up, as scikit-learn does) or a row count >= 1 (default 0.25). */
  testSize?: number;
  /** Train share in (0, 1) (rounded down) or a row count; default: every row not in the test set. */
  trainSize?: number;
  /** Shuffle before splitting (default true). Without shuffling, train is the first rows, test the next. */
  shuffle?: boolean;
  /** Class labels, one per row: keep class shares in both parts (needs shuffle). */
  stratify?: ArrayLike<number | string>;
  /** Seed of the shuffle (default 0). */
  seed?: number;
}

function size(value: number | undefined, n: number, name: string, ceil: boolean): number | undefined {
  if (value === undefined) return undefined;
  if (
    typeof value !== 'number' ||
    !Number.isFinite(value) ||
    value <= 0 ||
    (value >= 1 && !Number.isInteger(value))
  )
    throw invalid(`${name} must be a share in (0, 1) or a row count >= 1; got ${describeValue(value)}`, name);
  if (value < 1) return ceil ? Math.ceil(value * n) : Math.floor(value * n);
  if (value > n) throw invalid(`${name} (${value}) cannot exceed the number of rows (${n})`, name);
  return value;
}

/**
 * One train/test split of `n` rows with scikit-learn's train_test_split sizes: test = ⌈testSize·n⌉
 * (or the count given), train = the rest (or ⌊trainSize·n⌋). Stratified, the per-class counts are
 * scikit-learn's (StratifiedShuffleSplit's apportionment; remainder ties broken by the seeded PRNG).
 * Indices are returned ascending.
 * @throws LatheError INVALID_ARGUMENT when a size is out of range, the parts would be empty or
 *   overlap, `stratify` has the wrong length, a class has fewer than 2 members, or either part has
 *   fewer rows than there are classes.
 */
export function holdOut(n: number, options: HoldOutOptions = {}): Fold {
  checkKnown(options, ['testSize', 'trainSize', 'shuffle', 'stratify', 'seed']);
  if (!Number.isInteger(n) || n < 2) throw invalid(`n must be an integer >= 2; got ${describeValue(n)}`, 'n');
  const shuffle = options.shuffle ?? true;
  if (typeof shuffle !== 'boolean')
    throw invalid(`options.shuffle must be a boolean; got ${describeValue(shuffle)}`, 'options.shuffle');
  const seed = checkSeed(options.seed);
  let nTest = size(options.testSize, n, 'options.testSize', true);
  let nTrain = size(options.trainSize, n, 'options.trainSize', false);
  if (nTest === undefined) nTest = nTrain === undefined ? Math.ceil(0.25 * n) : n - nTrain;
  if (nTrain === undefined) nTrain = n - nTest;
  if (nTrain < 1 || nTest < 1 || nTrain + nTest > n)
    throw invalid(
      `with ${n} rows, testSize and trainSize give ${nTest} test and ${nTrain} train rows: both must be >= 1 and sum to at most ${n}`,
      'options.testSize',
    );
  const rng = new SeededRandom(seed);
  if (options.stratify === undefined) {
    const order = new Int32Array(n);
    for (let i = 0; i < n; i++) order[i] = i;
    if (!shuffle) return { train: order.slice(0, nTrain), test: order.slice(nTrain, nTrain + nTest) };
    shuffleInPlace(order, rng);
    return { test: order.slice(0, nTest).sort(), train: order.slice(nTest, nTest + nTrain).sort() };
  }
  if (!shuffle) throw invalid('options.stratify needs options.shuffle = true', 'options.stratify');
  const y = options.stratify;
  if (y.length !== n)
    throw invalid(`options.stratify holds ${y.length} labels for ${n} rows`, 'options.stratify');
  const { codes, count } = encodeSorted(y, 'options.stratify');
  const counts = new Int32Array(count);
  for (let i = 0; i < n; i++) counts[codes[i]!]!++;
  const least = Math.min(...counts);
  if (least < 2)
    throw invalid(
      'the least populated class in options.stratify has only 1 member; every class needs at least 2',
      'options.stratify',
    );
  if (nTrain < count || nTest < count)
    throw invalid(
      `train (${nTrain}) and test (${nTest}) rows must each be at least the number of classes (${count})`,
      'options.testSize',
    );
  const trainPer = approximateMode(counts, nTrain, rng);
  const remaining = counts.map((c, i) => c - trainPer[i]!);
  const testPer = approximateMode(remaining, nTest, rng);
  const train: number[] = [];
  const test: number[] = [];
  for (let c = 0; c < count; c++) {
    const rows = new Int32Array(counts[c]!);
    let p = 0;
    for (let i = 0; i < n; i++) if (codes[i] === c) rows[p++] = i;
    shuffleInPlace(rows, rng);
    for (let i = 0; i < trainPer[c]!; i++) train.push(rows[i]!);
    for (let i = trainPer[c]!; i < trainPer[c]! + testPer[c]!; i++) test.push(rows[i]!);
  }
  return { train: Int32Array.from(train).sort(), test: Int32Array.from(test).sort() };
}

/** scikit-learn's _approximate_mode: floor of the proportional share, remainders to largest fractions. */
function approximateMode(counts: Int32Array, draws: number, rng: SeededRandom): Int32Array {
  let total = 0;
  for (const c of counts) total += c;
  const out = new Int32Array(counts.length);
  const rem = new Float64Array(counts.length);
  let used = 0;
  for (let i = 0; i < counts.length; i++) {
    const cont = (counts[i]! / total) * draws;
    out[i] = Math.floor(cont);
    rem[i] = cont - out[i]!;
    used += out[i]!;
  }
  let need = draws - used;
  const values = [...new Set(rem)].sort((a, b) => b - a);
  for (const v of values) {
    if (need <= 0) break;
    const idx = new Int32Array([...rem.keys()].filter((i) => rem[i] === v));
    shuffleInPlace(idx, rng);
    const now = Math.min(idx.length, need);
    for (let i = 0; i < now; i++) out[idx[i]!]!++;
    need -= now;
  }
  return out;
}
