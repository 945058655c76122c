import { createHmac } from 'node:crypto';
import { describeValue, LatheError } from '../../core/index.js';

/** What to do with a PII column: remove it, replace values by salted hashes, or mask them. */
export type PiiAction = 'drop' | 'hash' | 'mask';

/** The actions, in documentation order. */
export const piiActions: readonly PiiAction[] = Object.freeze(['drop', 'hash', 'mask']);

function requireString(value: unknown, what: string): asserts value is string {
  if (typeof value !== 'string')
    throw new LatheError('INVALID_ARGUMENT', `Expected ${what} to be a string, got ${describeValue(value)}.`);
}

/**
 * A pseudonym for `value`: HMAC-SHA-256 keyed by `salt` (a salted SHA-256 without the length-extension and
 * salt/value boundary ambiguities of plain concatenation), truncated to its first 16 bytes and written as 32
 * lowercase hex characters. The same value and salt always give the same output, so hashed columns still
 * join and group; without the salt the value cannot be recovered by hashing guesses. The value is hashed as
 * given: normalise it first (trim, lower-case an email) when differently written copies should match.
 * @throws LatheError INVALID_ARGUMENT when the salt is empty or either argument is not a string.
 */
export function hashPii(value: string, salt: string): string {
  requireString(value, 'the value to hash');
  requireString(salt, 'the salt');
  if (salt.length === 0)
    throw new LatheError('INVALID_ARGUMENT', 'Expected a non-empty salt for hashPii, got the empty string.');
  return createHmac('sha256', salt).update(value, 'utf8').digest('hex').slice(0, 32);
}

export { maskPii } from './mask.js';
