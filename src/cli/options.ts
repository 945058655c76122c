import { readFile } from 'node:fs/promises';
import { InvalidArgumentError } from 'commander';
import { LatheError } from '../sdk/index.js';

/** Option parsers shared by the command groups; each names what it expected and what it got. */

export function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1)
    throw new InvalidArgumentError(`expected a positive integer, got "${value}"`);
  return n;
}

/** An integer >= 0 (a seed, a count that may be zero). */
export function nonNegativeInt(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isSafeInteger(n) || n < 0)
    throw new InvalidArgumentError(`expected an integer >= 0, got "${value}"`);
  return n;
}

/** A finite number > 0. */
export function positiveNumber(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n <= 0)
    throw new InvalidArgumentError(`expected a number > 0, got "${value}"`);
  return n;
}

/** `--tag key=value`, repeatable. */
export function collectTag(value: string, previous: Record<string, string>): Record<string, string> {
  const eq = value.indexOf('=');
  if (eq < 1) throw new InvalidArgumentError(`expected key=value, got "${value}"`);
  return { ...previous, [value.slice(0, eq)]: value.slice(eq + 1) };
}

/** A parser that accepts only one of `valid`. */
export function oneOf<T extends string>(valid: readonly T[]) {
  return (value: string): T => {
    if (!valid.includes(value as T))
      throw new InvalidArgumentError(`expected one of ${valid.join(', ')}, got "${value}"`);
    return value as T;
  };
}

/**
 * The text of a file an option names (a suite, a recipe, a query); one that cannot be read is an
 * INVALID_ARGUMENT naming it, `what` first ("the suite").
 */
export async function readOptionFile(file: string, what = ''): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    throw new LatheError(
      'INVALID_ARGUMENT',
      `cannot read ${what ? `${what} ` : ''}${file}: ${e.code === 'ENOENT' ? 'no such file' : e.message}`,
    );
  }
}
