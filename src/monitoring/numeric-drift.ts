/**
 * Numeric drift of many features at once: the two-sample KS test and the Wasserstein-1 distance of
 * each feature's reference and current samples, computed on worker threads (one task per feature:
 * sort both samples, one merge pass), with results identical to `ks2Samp` and `wasserstein1`.
 */
import { availableParallelism } from 'node:os';
import { LatheError, taskModuleUrl } from '../core/index.js';
import { sharedWorkerPool, toShared, type WorkerPool } from '../ml/index.js';
import { type NumericDrift, numericDriftPair } from './numeric-drift-tasks.js';

/** Pairs with fewer values than this (both sides together) are computed on the calling thread. */
export const NUMERIC_DRIFT_WORKER_MIN = 100_000;

const tasks = taskModuleUrl(import.meta.url, './numeric-drift-tasks');

/** One feature's samples: `a` the reference, `b` the current window; NaN marks a missing value. */
export interface NumericDriftPair {
  a: Float64Array;
  b: Float64Array;
  /** Bin edges to count both sides on (see `sortedBins`). */
  edges?: readonly number[];
  /** At most this many values per side for KS and Wasserstein (an evenly spaced sample beyond). */
  sampleSize?: number;
}

function checkPairs(pairs: unknown): asserts pairs is NumericDriftPair[] {
  if (!Array.isArray(pairs))
    throw new LatheError(
      'INVALID_ARGUMENT',
      `pairs: expected an array of {a, b} Float64Arrays, got ${typeof pairs}`,
      {
        argument: 'pairs',
      },
    );
  pairs.forEach((p: unknown, i) => {
    for (const side of ['a', 'b'] as const) {
      const v = typeof p === 'object' && p !== null ? (p as Record<string, unknown>)[side] : undefined;
      if (!(v instanceof Float64Array) || v.length === 0) {
        const got =
          v instanceof Float64Array ? 'an empty Float64Array' : v === undefined ? 'nothing' : typeof v;
        throw new LatheError(
          'INVALID_ARGUMENT',
          `pairs[${i}].${side}: expected a non-empty Float64Array (NaN for missing values), got ${got}`,
          { argument: `pairs[${i}].${side}` },
        );
      }
    }
  });
}

/**
 * For each pair, in order, `{ ks, wasserstein }` equal to `ks2Samp(a, b)` (method 'auto': exact
 * p-value up to 10,000 values per side, asymptotic beyond) and `wasserstein1(a, b).statistic`, NaN
 * values dropped. Pairs of at least {@link NUMERIC_DRIFT_WORKER_MIN} values run on `pool` (default:
 * the process-wide pool of one thread per core, or the calling thread on a single core), one task
 * per pair, at most one pair per thread in flight; smaller ones on the calling thread. Inputs are not
 * modified; large ones are copied into shared memory when sent unless they already are
 * (SharedArrayBuffer-backed arrays skip that copy, measured at about 6 ms per 1,000,000 values).
 * @throws (rejects) LatheError INVALID_ARGUMENT unless `pairs` is an array of `{a, b}` non-empty
 *   Float64Arrays each with at least one non-NaN value; the message names the pair and side.
 */
export async function numericDriftMany(
  pairs: readonly NumericDriftPair[],
  pool?: WorkerPool,
): Promise<NumericDrift[]> {
  checkPairs(pairs);
  const workers = pool ?? (availableParallelism() > 1 ? sharedWorkerPool(availableParallelism()) : undefined);
  const out = new Array<NumericDrift>(pairs.length);
  const local: number[] = [];
  const remote: number[] = [];
  pairs.forEach(({ a, b }, index) => {
    (workers === undefined || a.length + b.length < NUMERIC_DRIFT_WORKER_MIN ? local : remote).push(index);
  });
  // One runner per thread submits the next pair when its previous one is done, so at most `threads`
  // pairs are copied into shared memory at a time.
  let next = 0;
  let failed = false;
  const runner = async () => {
    while (!failed && next < remote.length) {
      const index = remote[next++]!;
      const { a, b, edges, sampleSize } = pairs[index]!;
      try {
        out[index] = await workers!.run<NumericDrift>(tasks, 'numericDriftPair', {
          a: toShared(a),
          b: toShared(b),
          index,
          ...(edges ? { edges } : {}),
          ...(sampleSize ? { sampleSize } : {}),
        });
      } catch (err) {
        failed = true;
        throw err;
      }
    }
  };
  const running = Promise.all(Array.from({ length: Math.min(workers?.threads ?? 0, remote.length) }, runner));
  try {
    for (const index of local) out[index] = numericDriftPair({ ...pairs[index]!, index });
  } catch (err) {
    failed = true;
    await running.catch(() => undefined);
    throw err;
  }
  await running;
  return out;
}
