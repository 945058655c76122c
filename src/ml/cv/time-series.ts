/** Rolling-origin (time-series) splits, mirroring scikit-learn's TimeSeriesSplit. */
import { checkInt, checkKnown, type Fold, invalid } from './check.js';

/** Options of {@link timeSeriesSplit}. */
export interface TimeSeriesSplitOptions {
  /** Number of splits, at least 2 (default 5). */
  k?: number;
  /** Rows per test window (default ⌊n / (k + 1)⌋). */
  testSize?: number;
  /** Rows left out between the end of training and the start of the test window (default 0). */
  gap?: number;
  /**
   * Sliding window: at most this many (most recent) training rows. Default: expanding window (all
   * rows before the gap).
   */
  maxTrainSize?: number;
}

/**
 * Rolling-origin splits over `n` time-ordered rows (scikit-learn TimeSeriesSplit): the test windows
 * are the last `k * testSize` rows cut into `k` consecutive blocks; each split trains on the rows
 * before its window minus `gap` (all of them, or the last `maxTrainSize`).
 * @throws LatheError INVALID_ARGUMENT when k < 2, k + 1 > n, the windows and gap leave no training
 *   row, or an option is unknown or out of range.
 */
export function timeSeriesSplit(n: number, options: TimeSeriesSplitOptions = {}): Fold[] {
  checkKnown(options, ['k', 'testSize', 'gap', 'maxTrainSize']);
  checkInt(n, 'n', 1);
  const k = checkInt(options.k ?? 5, 'options.k', 2);
  if (k + 1 > n)
    throw invalid(
      `options.k + 1 (${k + 1} folds) cannot be greater than the number of rows (${n})`,
      'options.k',
    );
  const testSize = checkInt(options.testSize ?? Math.floor(n / (k + 1)), 'options.testSize', 1);
  const gap = checkInt(options.gap ?? 0, 'options.gap', 0);
  const maxTrain =
    options.maxTrainSize === undefined
      ? undefined
      : checkInt(options.maxTrainSize, 'options.maxTrainSize', 1);
  if (n - gap - testSize * k <= 0)
    throw invalid(
      `too many splits (k=${k}) for ${n} rows with testSize=${testSize} and gap=${gap}: need k·testSize + gap < n`,
      'options.k',
    );
  const folds: Fold[] = [];
  for (let testStart = n - k * testSize; testStart < n; testStart += testSize) {
    const trainEnd = testStart - gap;
    const trainStart = maxTrain !== undefined && maxTrain < trainEnd ? trainEnd - maxTrain : 0;
    folds.push({ train: range(trainStart, trainEnd), test: range(testStart, testStart + testSize) });
  }
  return folds;
}

function range(a: number, b: number): Int32Array {
  const out = new Int32Array(b - a);
  for (let i = 0; i < out.length; i++) out[i] = a + i;
  return out;
}
