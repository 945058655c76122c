/**
 * Worker-thread tasks of {@link numericDriftMany} (see numeric-drift.ts): one feature's two samples
 * sorted and merged. Also called on the main thread for small inputs, so both paths share the code.
 */
import { isMainThread } from 'node:worker_threads';
import { LatheError } from '../core/index.js';
import {
  type KsWassersteinResult,
  ksWassersteinSorted,
  SortWorkspace,
  sortFinite,
} from '../stats/sorted-drift.js';

/** Sort memory reused by the tasks of a worker thread (about 32 bytes per value of its largest pair). */
const workspaces = isMainThread ? undefined : ([new SortWorkspace(), new SortWorkspace()] as const);

/** Arguments of {@link numericDriftPair}: the two samples of pair `index` (NaN = missing). */
export interface NumericDriftPairArgs {
  a: Float64Array;
  b: Float64Array;
  index: number;
}

function sortedNonEmpty(values: Float64Array, name: string, workspace?: SortWorkspace): Float64Array {
  const sorted = sortFinite(values, workspace);
  if (sorted.length === 0)
    throw new LatheError(
      'INVALID_ARGUMENT',
      `${name}: expected at least one non-NaN value, got ${values.length} NaN values`,
      { argument: name },
    );
  return sorted;
}

/**
 * KS (method 'auto') and Wasserstein-1 of one pair of samples, NaN dropped: sorts both
 * ({@link sortFinite}) and merges them once ({@link ksWassersteinSorted}).
 * @throws LatheError INVALID_ARGUMENT when a sample has no non-NaN value.
 */
export function numericDriftPair(args: NumericDriftPairArgs): KsWassersteinResult {
  const a = sortedNonEmpty(args.a, `pairs[${args.index}].a`, workspaces?.[0]);
  const b = sortedNonEmpty(args.b, `pairs[${args.index}].b`, workspaces?.[1]);
  return ksWassersteinSorted(a, b);
}
