import { describeValue, LatheError } from '../core/index.js';

/**
 * A column of numbers as the statistics functions accept it: a `Float64Array` (the fast path,
 * read without copying where the function does not need to sort) or a plain `number[]`.
 * `NaN` marks a missing value; infinities are values.
 */
export type NumericArray = Float64Array | readonly number[];

/** Describes an argument for an error message, naming typed arrays (describeValue does not). */
function describeArgument(value: unknown): string {
  if (value instanceof Float64Array) return `a Float64Array of ${value.length}`;
  if (ArrayBuffer.isView(value)) return `a ${value.constructor.name}`;
  return describeValue(value);
}

/** Throws INVALID_ARGUMENT with a message naming the argument, what was expected and what arrived. */
export function invalid(name: string, expected: string, got: unknown): never {
  throw new LatheError('INVALID_ARGUMENT', `${name}: expected ${expected}, got ${describeArgument(got)}`, {
    argument: name,
  });
}

/**
 * Checks that `values` is a Float64Array or an array of numbers (NaN allowed, as missing).
 * With `nonEmpty` (the default) an empty column is refused.
 */
export function checkNumeric(name: string, values: unknown, nonEmpty = true): asserts values is NumericArray {
  if (values instanceof Float64Array) {
    if (nonEmpty && values.length === 0) invalid(name, 'a non-empty Float64Array or number[]', values);
    return;
  }
  if (!Array.isArray(values)) invalid(name, 'a Float64Array or number[]', values);
  if (nonEmpty && values.length === 0) invalid(name, 'a non-empty Float64Array or number[]', values);
  for (let i = 0; i < values.length; i++) {
    if (typeof values[i] !== 'number') {
      invalid(`${name}[${i}]`, 'a number (NaN for missing)', values[i]);
    }
  }
}

/**
 * Checks a vector of bin or category counts: a non-empty Float64Array or number[] of finite,
 * non-negative numbers (weights need not be integers) with a positive total. Returns the total.
 */
export function checkCounts(name: string, counts: unknown): number {
  if (!(counts instanceof Float64Array) && !Array.isArray(counts)) {
    invalid(name, 'a Float64Array or number[] of counts', counts);
  }
  if (counts.length === 0) invalid(name, 'a non-empty array of counts', counts);
  let total = 0;
  for (let i = 0; i < counts.length; i++) {
    const c: unknown = counts[i];
    if (typeof c !== 'number' || !Number.isFinite(c) || c < 0) {
      invalid(`${name}[${i}]`, 'a finite count >= 0', c);
    }
    total += c;
  }
  if (!(total > 0)) invalid(name, 'counts with a positive total', `all zero (${counts.length} bins)`);
  return total;
}

/** Checks that two count vectors describe the same bins (same length). */
export function checkSameLength(nameA: string, a: { length: number }, nameB: string, b: { length: number }) {
  if (a.length !== b.length) {
    throw new LatheError(
      'INVALID_ARGUMENT',
      `${nameB}: expected the same length as ${nameA} (${a.length}), got an array of ${b.length}`,
      { argument: nameB },
    );
  }
}

/**
 * Copies the non-NaN values of `values` into a new Float64Array sorted ascending
 * (one allocation, one native numeric sort). Infinities are kept, at the ends.
 */
export function sortedFinite(values: NumericArray): Float64Array {
  const copy = values instanceof Float64Array ? values.slice() : Float64Array.from(values);
  copy.sort();
  // TypedArray#sort puts NaN last: trim them.
  let end = copy.length;
  while (end > 0 && Number.isNaN(copy[end - 1]!)) end--;
  return end === copy.length ? copy : copy.subarray(0, end);
}

/** Neumaier-compensated sum, used where many terms are added. */
export class CompensatedSum {
  private sum = 0;
  private carry = 0;

  add(x: number): void {
    const t = this.sum + x;
    if (Math.abs(this.sum) >= Math.abs(x)) this.carry += this.sum - t + x;
    else this.carry += x - t + this.sum;
    this.sum = t;
  }

  get value(): number {
    return this.sum + this.carry;
  }
}
