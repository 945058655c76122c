import { LatheError } from '../../core/index.js';

/** A SQL string literal: single-quoted, inner quotes doubled. Rejects NUL characters. */
export function quoteLiteral(value: string): string {
  if (value.includes('\0')) {
    throw new LatheError('INVALID_ARGUMENT', 'Expected text without NUL characters for a SQL literal.');
  }
  return `'${value.replaceAll("'", "''")}'`;
}

/** A SQL identifier: double-quoted, inner quotes doubled. Rejects empty names and NUL characters. */
export function quoteIdentifier(name: string): string {
  if (name.length === 0 || name.includes('\0')) {
    throw new LatheError('INVALID_ARGUMENT', 'Expected a non-empty identifier without NUL characters.');
  }
  return `"${name.replaceAll('"', '""')}"`;
}

/** The SQL without trailing semicolons and whitespace, so it can be wrapped in parentheses. */
export function stripTrailingSemicolons(sql: string): string {
  return sql.replace(/[\s;]+$/, '');
}

/** At most `max` characters, with an ellipsis when cut. */
export function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 3)}...`;
}
