import {
  blobValue,
  type DuckDBDateValue,
  type DuckDBDecimalValue,
  type DuckDBTimestampMillisecondsValue,
  type DuckDBTimestampNanosecondsValue,
  type DuckDBTimestampSecondsValue,
  type DuckDBTimestampValue,
  DuckDBTypeId,
  type DuckDBValue,
  type DuckDBValueConverter,
  type JS,
  JSDuckDBValueConverter,
  listValue,
  timestampTZValue,
} from '@duckdb/node-api';
import { describeValue, LatheError } from '../../core/index.js';

/** Query parameters: positional (`?`, `$1`) as an array, or named (`$name`) as an object. */
export type QueryParams = readonly unknown[] | Record<string, unknown>;

const MAX_DATE_MILLIS = 8_640_000_000_000_000n;

function floorDiv(a: bigint, b: bigint): bigint {
  const q = a / b;
  return a % b !== 0n && a < 0n !== b < 0n ? q - 1n : q;
}

/** A bigint as a number when it fits exactly, otherwise its decimal string. */
function safeInteger(value: bigint): number | string {
  return value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER)
    ? Number(value)
    : value.toString();
}

/**
 * Microseconds since the Unix epoch as an ISO 8601 UTC string, keeping microseconds when present
 * (`2024-01-02T03:04:05.123456Z`); null when outside the JS date range (then the caller falls back).
 */
function isoFromMicros(micros: bigint): string | null {
  const millis = floorDiv(micros, 1000n);
  if (millis > MAX_DATE_MILLIS || millis < -MAX_DATE_MILLIS) return null;
  const iso = new Date(Number(millis)).toISOString();
  const subMillis = micros - millis * 1000n;
  return subMillis === 0n ? iso : `${iso.slice(0, -1)}${subMillis.toString().padStart(3, '0')}Z`;
}

function timestampString(micros: bigint, value: DuckDBValue): string {
  return isoFromMicros(micros) ?? String(value);
}

/**
 * Converts a DuckDB value to plain JS for query results:
 * - BIGINT, UBIGINT, HUGEINT, UHUGEINT, BIGNUM: number when within ±2^53−1, else a decimal string;
 * - DECIMAL: number (double);
 * - TIMESTAMP (any precision) and TIMESTAMPTZ: ISO 8601 UTC string, microsecond precision;
 *   infinities and out-of-range values as DuckDB renders them (e.g. `infinity`);
 * - DATE: `YYYY-MM-DD` (`infinity`/`-infinity` for the infinite dates); TIME, TIMETZ, INTERVAL, BIT: DuckDB's text rendering;
 * - everything else as `@duckdb/node-api`'s JS conversion (BLOB → Uint8Array, LIST → array,
 *   STRUCT → object, MAP → array of `{ key, value }`), recursing with these rules.
 */
export const rowValueConverter: DuckDBValueConverter<unknown> = (value, type, converter) => {
  if (value === null || value === undefined) return null;
  switch (type.typeId) {
    case DuckDBTypeId.BIGINT:
    case DuckDBTypeId.UBIGINT:
    case DuckDBTypeId.HUGEINT:
    case DuckDBTypeId.UHUGEINT:
    case DuckDBTypeId.BIGNUM:
      return typeof value === 'bigint' ? safeInteger(value) : value;
    case DuckDBTypeId.DECIMAL:
      return (value as DuckDBDecimalValue).toDouble();
    case DuckDBTypeId.TIMESTAMP:
    case DuckDBTypeId.TIMESTAMP_TZ:
      return timestampString((value as DuckDBTimestampValue).micros, value);
    case DuckDBTypeId.TIMESTAMP_S:
      return timestampString((value as DuckDBTimestampSecondsValue).seconds * 1_000_000n, value);
    case DuckDBTypeId.TIMESTAMP_MS:
      return timestampString((value as DuckDBTimestampMillisecondsValue).millis * 1000n, value);
    case DuckDBTypeId.TIMESTAMP_NS:
      return timestampString(floorDiv((value as DuckDBTimestampNanosecondsValue).nanos, 1000n), value);
    case DuckDBTypeId.DATE: {
      const date = value as DuckDBDateValue;
      return date.isFinite ? date.toString() : date.days > 0 ? 'infinity' : '-infinity';
    }
    case DuckDBTypeId.TIME:
    case DuckDBTypeId.TIME_NS:
    case DuckDBTypeId.TIME_TZ:
    case DuckDBTypeId.INTERVAL:
    case DuckDBTypeId.BIT:
      return String(value);
    default:
      // The JS converter recurses through `converter`, so nested values follow these rules too.
      return JSDuckDBValueConverter(value, type, converter as DuckDBValueConverter<JS>);
  }
};

function toDuckDBValue(value: unknown, label: string): DuckDBValue {
  if (value === null || value === undefined) return null;
  switch (typeof value) {
    case 'boolean':
    case 'number':
    case 'bigint':
    case 'string':
      return value;
  }
  if (value instanceof Date) {
    const millis = value.getTime();
    if (Number.isNaN(millis)) {
      throw new LatheError(
        'INVALID_ARGUMENT',
        `Expected ${label} to be a valid Date, but got an invalid Date.`,
      );
    }
    return timestampTZValue(BigInt(millis) * 1000n);
  }
  if (value instanceof Uint8Array) return blobValue(value);
  if (Array.isArray(value)) {
    if (value.length === 0) {
      throw new LatheError(
        'INVALID_ARGUMENT',
        `Expected ${label} to be a non-empty array (an empty list has no element type); ` +
          'cast in SQL instead, e.g. []::INTEGER[].',
      );
    }
    return listValue(value.map((item, i) => toDuckDBValue(item, `${label}[${i}]`)));
  }
  throw new LatheError(
    'INVALID_ARGUMENT',
    `Expected ${label} to be null, a boolean, number, bigint, string, Date, Uint8Array or an array of these, ` +
      `but got ${describeValue(value)}.`,
  );
}

/**
 * Converts query parameters to DuckDB values: booleans, numbers, bigints and strings pass
 * through; `null`/`undefined` become NULL; a Date becomes TIMESTAMPTZ; a Uint8Array becomes BLOB;
 * a non-empty array becomes a LIST. Anything else is `INVALID_ARGUMENT`.
 */
export function toDuckDBParams(
  params: QueryParams | undefined,
): DuckDBValue[] | Record<string, DuckDBValue> | undefined {
  if (params === undefined) return undefined;
  if (Array.isArray(params)) return params.map((value, i) => toDuckDBValue(value, `parameter ${i + 1}`));
  const proto: unknown =
    typeof params === 'object' && params !== null ? Object.getPrototypeOf(params) : undefined;
  if (proto !== Object.prototype && proto !== null) {
    throw new LatheError(
      'INVALID_ARGUMENT',
      `Expected query parameters as an array (positional) or a plain object (named), but got ${describeValue(params)}.`,
    );
  }
  const out: Record<string, DuckDBValue> = {};
  for (const [name, value] of Object.entries(params)) out[name] = toDuckDBValue(value, `parameter $${name}`);
  return out;
}
