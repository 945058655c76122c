/**
 * Value semantics of the row path, written to match DuckDB's on the batch path: casts, number
 * formatting, datetimes, string case mapping, LIKE, rounding. Pure: no Node-only imports.
 *
 * Inside a recipe values are JS primitives: integers and doubles as numbers, text as strings,
 * booleans, null; a DATE as `YYYY-MM-DD`, a TIMESTAMP (UTC) as `YYYY-MM-DD HH:MM:SS.ffffff`
 * (six fraction digits, so strings compare in time order). `toOutput` turns a value into the form
 * DuckDB query results take (`2024-03-01T10:00:00.000Z` for timestamps).
 */
import type { CastType, ValueKind } from './recipe-types.js';

/** The value kind of a DuckDB type name. */
export function kindOfType(type: string): ValueKind {
  const t = type.toUpperCase();
  if (t === 'BIGINT') return 'integer';
  if (t === 'DOUBLE') return 'double';
  if (t === 'VARCHAR') return 'string';
  if (t === 'BOOLEAN') return 'boolean';
  if (t === 'DATE') return 'date';
  if (t === 'TIMESTAMP') return 'timestamp';
  return 'other';
}

/** The DuckDB type of a kind (`other` has none of its own). */
export const typeOfKind: Record<Exclude<ValueKind, 'other'>, string> = {
  integer: 'BIGINT',
  double: 'DOUBLE',
  string: 'VARCHAR',
  boolean: 'BOOLEAN',
  date: 'DATE',
  timestamp: 'TIMESTAMP',
};

export const isNumericKind = (k: ValueKind | 'null'): boolean => k === 'integer' || k === 'double';

/** A double result as DuckDB keeps it: NaN and infinities become NULL. */
export const finite = (x: number): number | null => (Number.isFinite(x) ? x : null);

/** C's `round`: halves away from zero. */
export function roundHalfAway(x: number): number {
  return x < 0 ? -Math.round(-x) : Math.round(x);
}

/** C's `nearbyint` in the default mode: halves to even. */
export function roundHalfEven(x: number): number {
  const f = Math.floor(x);
  const d = x - f;
  if (d < 0.5) return f;
  if (d > 0.5) return f + 1;
  return f % 2 === 0 ? f : f + 1;
}

/** DuckDB's `round(double, precision)`. */
export function roundTo(x: number, precision: number): number {
  if (precision < 0) {
    const m = 10 ** -precision;
    const r = roundHalfAway(x / m) * m;
    return Number.isFinite(r) ? r : 0;
  }
  const m = 10 ** precision;
  const r = roundHalfAway(x * m) / m;
  return Number.isFinite(r) ? r : x;
}

const int64Min = -(2 ** 63);
const int64Max = 2 ** 63;

/** An integer as DuckDB answers a BIGINT: a number when safe, else its decimal string. */
function bigintValue(n: bigint | number): number | string | null {
  const b = typeof n === 'bigint' ? n : BigInt(n);
  if (b < -(2n ** 63n) || b >= 2n ** 63n) return null;
  return b >= BigInt(Number.MIN_SAFE_INTEGER) && b <= BigInt(Number.MAX_SAFE_INTEGER)
    ? Number(b)
    : b.toString();
}

/** A double as DuckDB writes it as text (the shortest round-trip digits, Python's `repr` layout). */
export function formatDouble(x: number): string {
  if (Number.isNaN(x)) return 'nan';
  if (x === Number.POSITIVE_INFINITY) return 'inf';
  if (x === Number.NEGATIVE_INFINITY) return '-inf';
  if (x === 0) return Object.is(x, -0) ? '-0.0' : '0.0';
  const [mantissa, exp] = x.toExponential().split('e') as [string, string];
  const e = Number(exp);
  const negative = mantissa.startsWith('-');
  const digits = mantissa.replace('-', '').replace('.', '');
  const sign = negative ? '-' : '';
  if (e < -4 || e >= 16) {
    const m = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
    return `${sign}${m}e${e < 0 ? '-' : '+'}${String(Math.abs(e)).padStart(2, '0')}`;
  }
  if (e < 0) return `${sign}0.${'0'.repeat(-e - 1)}${digits}`;
  const int = digits.slice(0, e + 1).padEnd(e + 1, '0');
  const frac = digits.slice(e + 1);
  return `${sign}${int}.${frac || '0'}`;
}

const daysInMonth = (y: number, m: number) =>
  m === 2 ? (y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0) ? 29 : 28) : [4, 6, 9, 11].includes(m) ? 30 : 31;

/** Text a date cast accepts (the SQL side gates with the same pattern). */
export const datePattern = '[0-9]{4}-[0-9]{2}-[0-9]{2}';
/** Text a timestamp cast accepts: a date, then optionally a time to the minute, second or microsecond, then optionally `Z`. */
export const timestampPattern = `${datePattern}([ T]([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9]([.][0-9]{1,6})?)?)?Z?`;
const dateRe = new RegExp(`^${datePattern}$`);
const timestampRe = new RegExp(`^${timestampPattern}$`);

function validDate(s: string): boolean {
  const y = Number(s.slice(0, 4));
  const m = Number(s.slice(5, 7));
  const d = Number(s.slice(8, 10));
  return y >= 1 && m >= 1 && m <= 12 && d >= 1 && d <= daysInMonth(y, m);
}

/** `YYYY-MM-DD` text as a date value, or null when it is not one. */
export function parseDate(s: string): string | null {
  return dateRe.test(s) && validDate(s) ? s : null;
}

/** Timestamp text (see `timestampPattern`) as a timestamp value, or null when it is not one. */
export function parseTimestamp(s: string): string | null {
  if (!timestampRe.test(s) || !validDate(s)) return null;
  const body = s.endsWith('Z') ? s.slice(0, -1) : s;
  const time = body.length > 10 ? body.slice(11) : '00:00';
  const [hm, frac = ''] = time.split('.') as [string, string?];
  const hms = hm.length === 5 ? `${hm}:00` : hm;
  return `${body.slice(0, 10)} ${hms}.${frac.padEnd(6, '0')}`;
}

/** A timestamp value from an ISO string as DuckDB answers it (`2024-03-01T10:00:00.000Z`) or a Date. */
export function timestampFromInput(v: unknown): string | null {
  if (v instanceof Date) return Number.isNaN(v.getTime()) ? null : parseTimestamp(v.toISOString());
  if (typeof v !== 'string') return null;
  return parseTimestamp(v.trim());
}

/** A timestamp or date value in the form DuckDB query results take. */
export function toOutput(kind: ValueKind, v: unknown): unknown {
  if (v === null || v === undefined) return null;
  if (kind === 'timestamp') {
    const s = v as string;
    const micros = s.slice(23, 26);
    return `${s.slice(0, 10)}T${s.slice(11, 23)}${micros === '000' ? '' : micros}Z`;
  }
  return v;
}

/** The parts of a date or timestamp value (UTC). */
export function datetimeParts(v: string): {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  weekday: number;
  dayofyear: number;
  quarter: number;
} {
  const year = Number(v.slice(0, 4));
  const month = Number(v.slice(5, 7));
  const day = Number(v.slice(8, 10));
  const d = new Date(0);
  d.setUTCFullYear(year, month - 1, day);
  const start = new Date(0);
  start.setUTCFullYear(year, 0, 1);
  return {
    year,
    month,
    day,
    hour: v.length > 10 ? Number(v.slice(11, 13)) : 0,
    minute: v.length > 10 ? Number(v.slice(14, 16)) : 0,
    second: v.length > 10 ? Number(v.slice(17, 19)) : 0,
    weekday: d.getUTCDay() === 0 ? 7 : d.getUTCDay(),
    dayofyear: Math.round((d.getTime() - start.getTime()) / 86_400_000) + 1,
    quarter: Math.floor((month - 1) / 3) + 1,
  };
}

/** Text an integer cast accepts. */
export const integerTextPattern = ' *[+-]?[0-9]+ *';
/** Text a double cast accepts. */
export const doubleTextPattern = ' *[+-]?([0-9]+([.][0-9]*)?|[.][0-9]+)([eE][+-]?[0-9]+)? *';
const integerTextRe = new RegExp(`^${integerTextPattern}$`);
const doubleTextRe = new RegExp(`^${doubleTextPattern}$`);
export const trueWords = ['true', 't', 'yes', 'y', '1'];
export const falseWords = ['false', 'f', 'no', 'n', '0'];

/**
 * `cast` of one value, as the SQL of `castSql` does it: text that does not read as the target
 * type is NULL; doubles to integers round half to even; out-of-range integers are NULL.
 */
export function castValue(v: unknown, from: ValueKind, to: CastType): unknown {
  if (v === null || v === undefined) return null;
  switch (to) {
    case 'BIGINT':
      if (from === 'integer') return v;
      if (from === 'double') {
        const x = v as number;
        if (!Number.isFinite(x)) return null;
        const r = roundHalfEven(x);
        return r < int64Min || r >= int64Max ? null : bigintValue(BigInt(r));
      }
      if (from === 'boolean') return v ? 1 : 0;
      if (from === 'string')
        return integerTextRe.test(v as string) ? bigintValue(BigInt((v as string).trim())) : null;
      return null;
    case 'DOUBLE':
      if (from === 'integer') return typeof v === 'string' ? Number(v) : v;
      if (from === 'double') return v;
      if (from === 'boolean') return v ? 1 : 0;
      if (from === 'string')
        return doubleTextRe.test(v as string) ? finite(Number((v as string).trim())) : null;
      return null;
    case 'BOOLEAN':
      if (from === 'boolean') return v;
      if (from === 'integer' || from === 'double') return Number(v) !== 0;
      if (from === 'string') {
        const w = (v as string).toLowerCase();
        return trueWords.includes(w) ? true : falseWords.includes(w) ? false : null;
      }
      return null;
    case 'VARCHAR':
      if (from === 'string') return v;
      if (from === 'integer') return String(v);
      if (from === 'double') return formatDouble(v as number);
      if (from === 'boolean') return v ? 'true' : 'false';
      if (from === 'date') return v;
      if (from === 'timestamp') {
        const s = v as string;
        const frac = s.slice(20).replace(/0+$/, '');
        return frac ? `${s.slice(0, 19)}.${frac}` : s.slice(0, 19);
      }
      return null;
    case 'DATE':
      if (from === 'date') return v;
      if (from === 'timestamp') return (v as string).slice(0, 10);
      if (from === 'string') return parseDate(v as string);
      return null;
    case 'TIMESTAMP':
      if (from === 'timestamp') return v;
      if (from === 'date') return `${v} 00:00:00.000000`;
      if (from === 'string') return parseTimestamp(v as string);
      return null;
  }
}

/** Which casts a recipe allows, by source kind. */
export function castAllowed(from: ValueKind, to: CastType): boolean {
  if (from === 'other') return false;
  if (from === 'string' || to === 'VARCHAR') return true;
  const numeric = from === 'integer' || from === 'double' || from === 'boolean';
  if (to === 'BIGINT' || to === 'DOUBLE' || to === 'BOOLEAN') return numeric;
  return from === 'date' || from === 'timestamp';
}

/** Compares code points (the order of UTF-8 bytes, which DuckDB uses), not UTF-16 units. */
function compareStrings(a: string, b: string): number {
  if (a === b) return 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.codePointAt(i)!;
    const y = b.codePointAt(i)!;
    if (x !== y) return x < y ? -1 : 1;
    if (x > 0xffff) i++;
  }
  return a.length < b.length ? -1 : 1;
}

/** Orders two non-null values of one kind (date and timestamp values compare with each other). */
export function compareValues(a: unknown, b: unknown): number {
  if (typeof a === 'string' && typeof b === 'string') {
    return compareStrings(a, b);
  }
  const x = Number(a);
  const y = Number(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

/** A date value widened to a timestamp value (for comparing the two). */
export const dateToTimestamp = (d: string) => `${d} 00:00:00.000000`;

const special: Record<string, [string, string]> = {
  // [upper, lower] where DuckDB's single-character mapping differs from the one JS derives.
  ß: ['ẞ', 'ß'],
  İ: ['İ', 'i'],
  '\uFEFF': ['', ''],
};
for (const [from, to] of [
  [0x1f80, 0x1f88],
  [0x1f90, 0x1f98],
  [0x1fa0, 0x1fa8],
] as const)
  for (let i = 0; i < 8; i++)
    special[String.fromCodePoint(from + i)] = [String.fromCodePoint(to + i), String.fromCodePoint(from + i)];
for (const [from, to] of [
  [0x1fb3, 0x1fbc],
  [0x1fc3, 0x1fcc],
  [0x1ff3, 0x1ffc],
] as const)
  special[String.fromCodePoint(from)] = [String.fromCodePoint(to), String.fromCodePoint(from)];

// Case pairs added in Unicode 16 (2024), which DuckDB 1.5's tables do not have: left as they are.
for (const [from, to] of [
  [0x19b, 0x19b],
  [0x264, 0x264],
  [0x1c89, 0x1c8a],
  [0xa7cb, 0xa7cf],
  [0xa7d2, 0xa7d5],
  [0xa7da, 0xa7dc],
  [0x10d50, 0x10d85],
  [0x16ea0, 0x16edf],
] as const)
  for (let cp = from; cp <= to; cp++)
    special[String.fromCodePoint(cp)] ??= [String.fromCodePoint(cp), String.fromCodePoint(cp)];

function mapCase(s: string, upper: boolean): string {
  let out = '';
  for (const ch of s) {
    const sp = special[ch];
    if (sp) {
      out += upper ? sp[0] : sp[1];
      continue;
    }
    const m = upper ? ch.toUpperCase() : ch.toLowerCase();
    // DuckDB maps one character to one character; a mapping to several keeps the character.
    out += [...m].length === 1 ? m : ch;
  }
  return out;
}

/** DuckDB's `upper`: character by character. */
export const upperText = (s: string) => mapCase(s, true);
/** DuckDB's `lower`: character by character. */
export const lowerText = (s: string) => mapCase(s, false);
/** DuckDB's `trim`: spaces (U+0020) only. */
export const trimText = (s: string) => s.replace(/^ +| +$/g, '');
/** DuckDB's `length`: code points. */
export function textLength(s: string): number {
  let n = 0;
  for (const _ of s) n++;
  return n;
}

const likeCache = new Map<string, RegExp>();

/** SQL LIKE as DuckDB does it: `%` any run, `_` one character, case-sensitive, no escape character. */
export function likeMatch(s: string, pattern: string): boolean {
  let re = likeCache.get(pattern);
  if (!re) {
    let src = '';
    for (const ch of pattern) {
      if (ch === '%') src += '[\\s\\S]*';
      else if (ch === '_') src += '[\\s\\S]';
      else src += ch.replace(/[\\^$.*+?()[\]{}|/]/g, '\\$&');
    }
    re = new RegExp(`^${src}$`, 'u');
    if (likeCache.size > 1000) likeCache.clear();
    likeCache.set(pattern, re);
  }
  return re.test(s);
}

/**
 * The type a recipe reads a stored column as: integers as BIGINT, FLOAT/DECIMAL as DOUBLE,
 * timestamps of any precision or zone as TIMESTAMP (UTC); other types unchanged.
 */
export function normalizedType(type: string): string {
  const t = type.toUpperCase();
  if (/^(TINYINT|SMALLINT|INTEGER|INT|BIGINT|UTINYINT|USMALLINT|UINTEGER)$/.test(t)) return 'BIGINT';
  if (t === 'FLOAT' || t === 'REAL' || t === 'DOUBLE' || t.startsWith('DECIMAL')) return 'DOUBLE';
  if (t.startsWith('TIMESTAMP')) return 'TIMESTAMP';
  return type;
}

/** Column name → kind, for checking expressions. */
export function kindsOf(columns: readonly { name: string; type: string }[]): Map<string, ValueKind> {
  return new Map(columns.map((c) => [c.name, kindOfType(c.type)]));
}
