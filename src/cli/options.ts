import { InvalidArgumentError } from 'commander';

/** Option parsers shared by the command groups; each names what it expected and what it got. */

export function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1)
    throw new InvalidArgumentError(`expected a positive integer, got "${value}"`);
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
