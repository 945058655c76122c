import { type ErrorCode, isErrorCode } from './error-codes.js';

/** Structured, JSON-safe context attached to an error (never secrets). */
export type ErrorDetails = Record<string, unknown>;

/**
 * The one error type of Lathe. `code` is a stable string literal from the catalogue;
 * `message` says what was expected, what arrived and, where useful, the valid options.
 */
export class LatheError extends Error {
  readonly code: ErrorCode;
  readonly details: ErrorDetails | undefined;

  constructor(code: ErrorCode, message: string, details?: ErrorDetails, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'LatheError';
    this.code = code;
    this.details = details;
  }

  /** The JSON body the API sends for this error. */
  toJSON(): { code: ErrorCode; message: string; details?: ErrorDetails } {
    return this.details === undefined
      ? { code: this.code, message: this.message }
      : { code: this.code, message: this.message, details: this.details };
  }
}

/** True for a LatheError, also across module copies (checks shape, not prototype). */
export function isLatheError(err: unknown): err is LatheError {
  return (
    err instanceof LatheError ||
    (err instanceof Error && err.name === 'LatheError' && isErrorCode((err as { code?: unknown }).code))
  );
}

/** Describes a value for an error message: its type and a short rendering. */
export function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'nothing';
  if (typeof value === 'string')
    return `the string ${JSON.stringify(value.length > 60 ? `${value.slice(0, 57)}...` : value)}`;
  if (typeof value === 'number' || typeof value === 'boolean') return `the ${typeof value} ${String(value)}`;
  if (Array.isArray(value)) return `an array of ${value.length}`;
  return `a value of type ${typeof value}`;
}
