/**
 * A small Universal Binary JSON (Draft 12) decoder for XGBoost's `.ubj` models: big-endian numbers,
 * strings, arrays and objects, including the optimised containers (`$` type and `#` count) that
 * XGBoost writes for its node arrays.
 */
import { LatheError } from '../../../core/index.js';

/** A decoded UBJSON value. Typed numeric containers come back as typed arrays. */
export type UbjValue =
  | null
  | boolean
  | number
  | string
  | UbjValue[]
  | { [key: string]: UbjValue }
  | Int8Array
  | Uint8Array
  | Int16Array
  | Int32Array
  | Float32Array
  | Float64Array;

/** Containers nest at most this deep (XGBoost models nest about 8 deep). */
const maxDepth = 64;

function bad(message: string, offset: number): LatheError {
  return new LatheError(
    'MODEL_PACKAGE_INVALID',
    `not a readable UBJSON model: ${message} at byte ${offset}`,
    {
      offset,
    },
  );
}

const typedCtors = {
  i: Int8Array,
  U: Uint8Array,
  I: Int16Array,
  l: Int32Array,
  d: Float32Array,
  D: Float64Array,
} as const;

/**
 * Decodes one UBJSON value filling `bytes` exactly.
 * @throws LatheError MODEL_PACKAGE_INVALID for truncated input, unknown markers, bad lengths or
 *   trailing bytes, naming the byte offset.
 */
export function decodeUbjson(bytes: Uint8Array): UbjValue {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const text = new TextDecoder('utf-8', { fatal: true });
  let pos = 0;

  const need = (n: number): void => {
    if (pos + n > bytes.length)
      throw bad(`truncated: ${n} more bytes needed, ${bytes.length - pos} left`, pos);
  };
  const marker = (): string => {
    need(1);
    return String.fromCharCode(bytes[pos++]!);
  };

  const number = (m: string): number => {
    switch (m) {
      case 'i':
        need(1);
        return view.getInt8(pos++);
      case 'U':
        need(1);
        return view.getUint8(pos++);
      case 'I':
        need(2);
        pos += 2;
        return view.getInt16(pos - 2);
      case 'l':
        need(4);
        pos += 4;
        return view.getInt32(pos - 4);
      case 'L':
        need(8);
        pos += 8;
        return Number(view.getBigInt64(pos - 8));
      case 'd':
        need(4);
        pos += 4;
        return view.getFloat32(pos - 4);
      case 'D':
        need(8);
        pos += 8;
        return view.getFloat64(pos - 8);
      default:
        throw bad(`expected a number marker (i U I l L d D); got ${JSON.stringify(m)}`, pos - 1);
    }
  };

  const length = (): number => {
    const at = pos;
    const n = number(marker());
    if (!Number.isSafeInteger(n) || n < 0 || n > bytes.length) throw bad(`bad length ${n}`, at);
    return n;
  };

  const string = (): string => {
    const n = length();
    need(n);
    const s = text.decode(bytes.subarray(pos, pos + n));
    pos += n;
    return s;
  };

  const value = (m: string, depth: number): UbjValue => {
    switch (m) {
      case 'Z':
        return null;
      case 'T':
        return true;
      case 'F':
        return false;
      case 'S':
        return string();
      case 'H': {
        const at = pos;
        const s = string();
        const n = Number(s);
        if (s.trim() === '' || Number.isNaN(n))
          throw bad(`bad high-precision number ${JSON.stringify(s)}`, at);
        return n;
      }
      case 'C':
        need(1);
        return String.fromCharCode(bytes[pos++]!);
      case '[':
        return container(false, depth + 1);
      case '{':
        return container(true, depth + 1);
      default:
        return number(m);
    }
  };

  /** Reads `$type` and `#count` after an opening bracket. */
  const header = (): { type: string | null; count: number | null } => {
    let type: string | null = null;
    let count: number | null = null;
    if (bytes[pos] === 0x24 /* $ */) {
      pos++;
      type = marker();
      if (bytes[pos] !== 0x23 /* # */) throw bad('a typed container ($) must give its count (#)', pos);
    }
    if (bytes[pos] === 0x23 /* # */) {
      pos++;
      count = length();
    }
    return { type, count };
  };

  const container = (isObject: boolean, depth: number): UbjValue => {
    if (depth > maxDepth) throw bad(`containers nest deeper than ${maxDepth}`, pos);
    const start = pos - 1;
    const { type, count } = header();
    if (!isObject && type !== null && count !== null && type in typedCtors) {
      const ctor = typedCtors[type as keyof typeof typedCtors];
      need(count * ctor.BYTES_PER_ELEMENT);
      const out = new ctor(count);
      for (let i = 0; i < count; i++) out[i] = number(type);
      return out;
    }
    if (isObject) {
      const out: { [key: string]: UbjValue } = {};
      for (let i = 0; count === null || i < count; i++) {
        if (count === null) {
          need(1);
          if (bytes[pos] === 0x7d /* } */) {
            pos++;
            return out;
          }
        }
        const key = string();
        // defineProperty: a key named __proto__ stays a plain key.
        Object.defineProperty(out, key, {
          value: value(type ?? marker(), depth),
          enumerable: true,
          writable: true,
          configurable: true,
        });
      }
      return out;
    }
    const out: UbjValue[] = [];
    for (let i = 0; count === null || i < count; i++) {
      let m = type ?? marker();
      if (count === null) {
        while (m === 'N') m = marker();
        if (m === ']') return out;
      }
      out.push(value(m, depth));
      if (out.length > bytes.length) throw bad('container longer than the input', start);
    }
    return out;
  };

  const root = value(marker(), 0);
  if (pos !== bytes.length) throw bad(`${bytes.length - pos} trailing bytes after the value`, pos);
  return root;
}
