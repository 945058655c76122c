/** Task functions for worker-pool.test.ts (a task module: exported functions of one argument). */
import { LatheError } from '../../core/index.js';

/** Sums `data[from..to)`; `data` is usually shared memory. */
export function sumRange(args: { data: Float64Array; from: number; to: number }): number {
  let s = 0;
  for (let i = args.from; i < args.to; i++) s += args.data[i]!;
  return s;
}

/** Writes `value` into `data[index]` (shared memory) and returns a fresh array. */
export function writeShared(args: { data: Int32Array; index: number; value: number }): Int32Array {
  args.data[args.index] = args.value;
  return Int32Array.of(args.value, args.value);
}

/**
 * Waits until every one of `count` tasks has arrived (a shared counter, Atomics.wait with a
 * timeout), so it only returns true when the tasks ran at the same time.
 */
export function rendezvous(args: { counter: Int32Array; count: number }): boolean {
  Atomics.add(args.counter, 0, 1);
  const deadline = Date.now() + 5000;
  while (Atomics.load(args.counter, 0) < args.count) {
    if (Date.now() > deadline) return false;
    Atomics.wait(args.counter, 1, 0, 10);
  }
  return true;
}

/** Throws a LatheError with a code and details. */
export function failLathe(args: { field: string }): never {
  throw new LatheError('INVALID_ARGUMENT', `bad ${args.field}`, { field: args.field });
}

/** Rejects with a plain TypeError. */
export async function failAsync(): Promise<never> {
  throw new TypeError('async failure');
}

/** Ends the worker thread abruptly. */
export function crash(): never {
  process.exit(3);
}
