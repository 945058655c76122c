import { LatheError } from '../../core/index.js';

/** Which request field a search grammar error is about. */
export type SearchField = 'filter' | 'order_by';

/** Where in the input an error sits, for messages and for the UI's inline markers. */
export interface ErrorSite {
  field: SearchField;
  /** 1-based position in the string (UTF-16 code units, as JavaScript string indexes count). */
  position: number;
  /** Index in the `order_by` list, for order_by errors. */
  index?: number;
}

/**
 * The one error a search grammar raises: INVALID_ARGUMENT whose message names the 1-based
 * position, what was expected and what arrived; `details.position` carries the position.
 */
export function grammarError(site: ErrorSite, message: string): LatheError {
  const where =
    site.field === 'filter'
      ? `Invalid filter at position ${site.position}`
      : `Invalid order_by[${site.index ?? 0}] at position ${site.position}`;
  const details: Record<string, unknown> = { field: site.field, position: site.position };
  if (site.index !== undefined) details.index = site.index;
  return new LatheError('INVALID_ARGUMENT', `${where}: ${message}`, details);
}

/** Renders a piece of user input for a message: quoted, control characters escaped, shortened. */
export function quoteForMessage(text: string): string {
  const short = text.length > 40 ? `${text.slice(0, 37)}...` : text;
  return JSON.stringify(short);
}
