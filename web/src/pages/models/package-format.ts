// Pure helpers of the model package sections: how a column is edited, how form values become a row,
// how JSON rows are read and how cells are shown.
import type { ColumnSpec } from '../../../../src/sdk/index.js';
import { formatValue } from '../experiments/run-format.js';

/** How the try-it form edits a column: a number input, a true/false/empty select, or text. */
export type FieldKind = 'number' | 'boolean' | 'text';

/** The form control for a signature type (`integer`, `long`, `float`, `double` are numbers). */
export function fieldKind(type: string): FieldKind {
  if (type === 'integer' || type === 'long' || type === 'float' || type === 'double') return 'number';
  if (type === 'boolean') return 'boolean';
  return 'text';
}

/** Form values (strings, `''` for empty) from an example row; columns the row lacks are empty. */
export function valuesFromRow(
  inputs: readonly ColumnSpec[],
  row: Record<string, unknown> | undefined,
): Record<string, string> {
  return Object.fromEntries(
    inputs.map((c) => {
      const v = row?.[c.name];
      return [
        c.name,
        v === null || v === undefined ? '' : typeof v === 'object' ? JSON.stringify(v) : String(v),
      ];
    }),
  );
}

/**
 * The row the form sends: numbers parsed (an empty number or boolean is null, text that is not a
 * number is sent as typed so the server names the problem), booleans as true/false, text as typed.
 */
export function rowFromValues(
  inputs: readonly ColumnSpec[],
  values: Record<string, string>,
): Record<string, unknown> {
  const row: Record<string, unknown> = {};
  for (const c of inputs) {
    const raw = values[c.name] ?? '';
    const kind = fieldKind(c.type);
    if (kind === 'number') {
      const n = Number(raw);
      row[c.name] = raw.trim() === '' ? null : Number.isFinite(n) ? n : raw;
    } else if (kind === 'boolean') row[c.name] = raw === '' ? null : raw === 'true';
    else row[c.name] = raw;
  }
  return row;
}

/** Rows pasted as JSON: an array of objects (or one object); a message saying what is wrong otherwise. */
export function parseJsonRows(text: string): { rows: Record<string, unknown>[] } | { error: string } {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    return { error: `This is not valid JSON: ${(err as Error).message}` };
  }
  const list = Array.isArray(value) ? value : [value];
  if (list.length === 0) return { error: 'The array is empty: give at least one row object.' };
  const bad = list.findIndex((r) => typeof r !== 'object' || r === null || Array.isArray(r));
  if (bad !== -1)
    return {
      error: `Row ${bad} is ${JSON.stringify(list[bad])}; each row must be an object keyed by input column, e.g. {"x0": 1.5}.`,
    };
  return { rows: list as Record<string, unknown>[] };
}

/** A table cell: numbers to 4 significant decimals, null as `null`, objects as JSON. */
export function formatCell(v: unknown): string {
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'number') return formatValue(v);
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}

/** The columns to show for rows: the signature's inputs first, then any other keys in first-seen order. */
export function rowColumns(
  inputs: readonly ColumnSpec[],
  rows: readonly Record<string, unknown>[],
): string[] {
  const cols = inputs.map((c) => c.name);
  const seen = new Set(cols);
  for (const r of rows)
    for (const k of Object.keys(r))
      if (!seen.has(k)) {
        seen.add(k);
        cols.push(k);
      }
  return cols;
}

/** A parameter value for a compact `key=value` tag. */
export function formatParam(v: unknown): string {
  if (typeof v === 'number') return formatValue(v);
  if (typeof v === 'string') return v;
  return JSON.stringify(v);
}
