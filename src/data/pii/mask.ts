/**
 * Masking PII values keeping their shape. Pure (no Node-only imports), so the transform row path can
 * use it in browsers and services; `redact.ts` re-exports it beside `hashPii`.
 */
import { describeValue, LatheError } from '../../core/errors.js';
import type { PiiKind } from './detectors.js';

function requireString(value: unknown, what: string): asserts value is string {
  if (typeof value !== 'string')
    throw new LatheError('INVALID_ARGUMENT', `Expected ${what} to be a string, got ${describeValue(value)}.`);
}

const isDigit = (ch: string): boolean => ch >= '0' && ch <= '9';
const isAlphanumeric = (ch: string): boolean => /^[\p{L}\p{N}]$/u.test(ch);

/**
 * Replaces the characters `counts` selects by `*`, keeping the last `keep` of them (none when fewer than
 * `minimum` are present) and every other character in place.
 */
function maskTail(value: string, counts: (ch: string) => boolean, keep: number, minimum: number): string {
  const chars = Array.from(value);
  const total = chars.filter(counts).length;
  const kept = total >= minimum ? keep : 0;
  let seen = 0;
  return chars
    .map((ch) => {
      if (!counts(ch)) return ch;
      seen++;
      return seen > total - kept ? ch : '*';
    })
    .join('');
}

/** All but the first character (code point) replaced by `*`, one star per character. */
function maskAllButFirst(value: string): string {
  const chars = Array.from(value);
  return chars.map((ch, i) => (i === 0 ? ch : '*')).join('');
}

function maskEmail(value: string): string {
  const at = value.lastIndexOf('@');
  if (at <= 0 || at === value.length - 1) return maskAllButFirst(value);
  return `${Array.from(value)[0]}***${value.slice(at)}`;
}

function maskIban(value: string): string {
  const chars = Array.from(value);
  const country = chars.slice(0, 2).join('');
  if (!/^[A-Za-z]{2}$/.test(country)) return maskTail(value, isAlphanumeric, 4, 10);
  return country + maskTail(chars.slice(2).join(''), isAlphanumeric, 4, 8);
}

const octets = /^\d{1,3}\.\d{1,3}\.\d{1,3}\.(\d{1,3})$/;

function maskIp(value: string): string {
  const v4 = octets.exec(value);
  if (v4 !== null) return `*.*.*.${v4[1]}`;
  if (!value.includes(':')) return maskAllButFirst(value);
  const zone = value.indexOf('%');
  const address = zone === -1 ? value : value.slice(0, zone);
  const segments = address.split(':');
  const last = segments.length - 1;
  return segments
    .map((segment, i) => {
      if (segment === '') return '';
      if (i < last) return '*';
      const embedded = octets.exec(segment);
      return embedded === null ? segment : `*.*.*.${embedded[1]}`;
    })
    .join(':');
}

function maskPersonName(value: string): string {
  let atWordStart = true;
  return Array.from(value)
    .map((ch) => {
      if (/\s/u.test(ch)) {
        atWordStart = true;
        return ch;
      }
      const out = atWordStart ? ch : '*';
      atWordStart = false;
      return out;
    })
    .join('');
}

/**
 * Masks a value (trimmed first) keeping its shape, so a masked column can still be shown and eyeballed:
 * - email: first character of the local part, `***`, then `@domain` → `j***@example.com`;
 * - credit_card: every digit but the last 4 → `**** **** **** 1111` (all digits when fewer than 8);
 * - phone: every digit but the last 2, `+`, parentheses and separators kept → `+** ** **** **58`
 *   (all digits when fewer than 6);
 * - iban: country code and last 4 characters kept, spaces kept → `GB** **** **** **** **54 32`;
 * - ip_address: only the last IPv4 octet or IPv6 group kept → `*.*.*.42`, `*:*::*:*:7334` (`::` kept,
 *   zone suffix dropped);
 * - national_id: every letter and digit but the last 4, separators kept → `***-**-6789`, `*****456C`
 *   (all when fewer than 8);
 * - person_name: first character of each word → `J*** S****`;
 * - any other kind: all but the first character → `s*****`.
 * Stars stand one for one for the characters they hide, except in the email local part (always `***`).
 * @throws LatheError INVALID_ARGUMENT when the value is not a string.
 */
export function maskPii(kind: PiiKind, value: string): string {
  requireString(value, 'the value to mask');
  const v = value.trim();
  if (v.length === 0) return v;
  switch (kind) {
    case 'email':
      return maskEmail(v);
    case 'credit_card':
      return maskTail(v, isDigit, 4, 8);
    case 'phone':
      return maskTail(v, isDigit, 2, 6);
    case 'iban':
      return maskIban(v);
    case 'ip_address':
      return maskIp(v);
    case 'national_id':
      return maskTail(v, isAlphanumeric, 4, 8);
    case 'person_name':
      return maskPersonName(v);
    default:
      return maskAllButFirst(v);
  }
}
