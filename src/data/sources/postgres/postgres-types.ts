/**
 * PostgreSQL result types (by type OID) to DuckDB column types, and PostgreSQL's text output to
 * JSON values DuckDB reads back exactly. The session runs with `TimeZone = UTC`,
 * `DateStyle = ISO` and `bytea_output = hex`, which this conversion relies on.
 */

/** How a value of a column is written to the JSON Lines file. */
export type ValueKind = 'integer' | 'float' | 'boolean' | 'date' | 'timestamp' | 'string' | 'json' | 'array';

export interface ColumnKind {
  /** The DuckDB type the column is read as. */
  type: string;
  kind: ValueKind;
  /** For arrays: how each element is written. */
  element?: ValueKind;
}

/** Built-in scalar types by OID (pg_type.oid; stable across PostgreSQL versions). */
const scalarKinds: Record<number, ColumnKind> = {
  16: { type: 'BOOLEAN', kind: 'boolean' }, // bool
  21: { type: 'SMALLINT', kind: 'integer' }, // int2
  23: { type: 'INTEGER', kind: 'integer' }, // int4
  20: { type: 'BIGINT', kind: 'integer' }, // int8
  26: { type: 'BIGINT', kind: 'integer' }, // oid
  700: { type: 'REAL', kind: 'float' }, // float4
  701: { type: 'DOUBLE', kind: 'float' }, // float8
  // numeric has up to 1000 digits: read as DOUBLE (about 15 significant digits).
  1700: { type: 'DOUBLE', kind: 'float' },
  1082: { type: 'DATE', kind: 'date' },
  1114: { type: 'TIMESTAMP', kind: 'timestamp' },
  // timestamptz: the instant, as a UTC TIMESTAMP (the session's TimeZone is UTC).
  1184: { type: 'TIMESTAMP', kind: 'timestamp' },
  114: { type: 'VARCHAR', kind: 'json' }, // json
  3802: { type: 'VARCHAR', kind: 'json' }, // jsonb
};

/** Element kinds of arrays: only these are turned into JSON arrays; other arrays keep their text. */
const elementKinds: Partial<Record<ValueKind, true>> = {
  integer: true,
  float: true,
  boolean: true,
  date: true,
  timestamp: true,
  string: true,
  json: true,
};

/** What pg_type says about an OID not in the built-in list. */
export interface PgTypeInfo {
  oid: number;
  /** pg_type.typcategory: `A` for arrays. */
  category: string;
  /** pg_type.typelem: the element type of an array. */
  element: number;
  /** pg_type.typbasetype: the base type of a domain (0 otherwise). */
  base: number;
}

/**
 * The DuckDB type and JSON writing of a PostgreSQL type: integers, floats, booleans, dates and
 * timestamps keep their kind; `numeric` becomes DOUBLE; `timestamptz` a UTC TIMESTAMP; `json`,
 * `jsonb`, `uuid`, text types and every other type VARCHAR (their PostgreSQL text); arrays
 * VARCHAR holding a JSON array. `lookup` describes OIDs that are not built in (domains, arrays,
 * enums, extension types).
 */
export function columnKind(oid: number, lookup: ReadonlyMap<number, PgTypeInfo> = new Map()): ColumnKind {
  const scalar = scalarKinds[oid];
  if (scalar) return scalar;
  const info = lookup.get(oid);
  if (info?.base) return columnKind(info.base, lookup);
  if (info?.category === 'A' && info.element) {
    const element = columnKind(info.element, lookup);
    if (element.kind !== 'array' && elementKinds[element.kind])
      return { type: 'VARCHAR', kind: 'array', element: element.kind };
  }
  return { type: 'VARCHAR', kind: 'string' };
}

/** OIDs among `oids` that need a pg_type lookup. */
export function unknownOids(oids: readonly number[]): number[] {
  return [...new Set(oids.filter((o) => !scalarKinds[o]))];
}

const nonFinite: Record<string, string> = {
  NaN: '"NaN"',
  Infinity: '"Infinity"',
  '-Infinity': '"-Infinity"',
};

/** One value in PostgreSQL's text output as JSON text; `null` for SQL NULL. */
export function jsonValue(text: string | null, c: ColumnKind): string {
  if (text === null) return 'null';
  switch (c.kind) {
    case 'integer':
      return text;
    case 'float':
      return nonFinite[text] ?? text;
    case 'boolean':
      return text === 't' ? 'true' : 'false';
    case 'date':
    case 'timestamp':
      return JSON.stringify(dateTime(text));
    case 'array':
      return JSON.stringify(JSON.stringify(parseArray(text, c.element ?? 'string')));
    default:
      return JSON.stringify(text);
  }
}

/** `0044-03-15 10:00:00 BC` (PostgreSQL) → `0044-03-15 (BC) 10:00:00` (DuckDB). */
function dateTime(text: string): string {
  if (!text.endsWith(' BC')) return text;
  const body = text.slice(0, -3);
  const space = body.indexOf(' ');
  return space < 0 ? `${body} (BC)` : `${body.slice(0, space)} (BC)${body.slice(space)}`;
}

type JsonValue = null | boolean | number | string | JsonValue[] | { [k: string]: JsonValue };

/**
 * Parses PostgreSQL's array text (`{1,2,NULL}`, `{{"a b",c},{d,e}}`, `[0:1]={x,y}`) into nested
 * JS arrays, each element written as its kind says (numbers, booleans, parsed JSON, or text).
 */
export function parseArray(text: string, element: ValueKind): JsonValue[] {
  let i = text.startsWith('[') ? text.indexOf('=') + 1 : 0;
  const toValue = (raw: string, quoted: boolean): JsonValue => {
    if (!quoted && raw.toUpperCase() === 'NULL') return null;
    switch (element) {
      case 'integer':
      case 'float': {
        const n = Number(raw);
        return Number.isFinite(n) ? n : raw;
      }
      case 'boolean':
        return raw === 't';
      case 'json':
        try {
          return JSON.parse(raw) as JsonValue;
        } catch {
          return raw;
        }
      case 'date':
      case 'timestamp':
        return dateTime(raw);
      default:
        return raw;
    }
  };
  const parseLevel = (): JsonValue[] => {
    const out: JsonValue[] = [];
    i++; // past '{'
    while (i < text.length) {
      const ch = text[i]!;
      if (ch === '}') {
        i++;
        return out;
      }
      if (ch === ',' || ch === ' ') i++;
      else if (ch === '{') out.push(parseLevel());
      else if (ch === '"') {
        let s = '';
        i++;
        while (i < text.length && text[i] !== '"') {
          if (text[i] === '\\') i++;
          s += text[i++] ?? '';
        }
        i++;
        out.push(toValue(s, true));
      } else {
        let j = i;
        while (j < text.length && text[j] !== ',' && text[j] !== '}') j++;
        out.push(toValue(text.slice(i, j).trim(), false));
        i = j;
      }
    }
    return out;
  };
  return text[i] === '{' ? parseLevel() : [];
}
