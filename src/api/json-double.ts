/**
 * A double as JSON carries it: a number, or for the values JSON has no literal for, the strings
 * protobuf JSON (and so MLflow) writes.
 */
export type JsonDouble = number | 'NaN' | 'Infinity' | '-Infinity';

/** `v` for a JSON body: NaN and ±Infinity as the strings "NaN", "Infinity", "-Infinity". */
export function jsonDouble(v: number): JsonDouble {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Number.POSITIVE_INFINITY) return 'Infinity';
  if (v === Number.NEGATIVE_INFINITY) return '-Infinity';
  return v;
}

/**
 * Reads a double from JSON: a number, "NaN", "Infinity", "-Infinity", or a string holding a finite
 * number (as protobuf JSON allows); undefined for anything else.
 */
export function toDouble(v: JsonDouble): number;
export function toDouble(v: unknown): number | undefined;
export function toDouble(v: unknown): number | undefined {
  if (typeof v === 'number') return v;
  if (v === 'NaN') return Number.NaN;
  if (v === 'Infinity') return Number.POSITIVE_INFINITY;
  if (v === '-Infinity') return Number.NEGATIVE_INFINITY;
  if (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v))) return Number(v);
  return undefined;
}
