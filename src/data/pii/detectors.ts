import { isIP } from 'node:net';
import { describeValue, LatheError } from '../../core/index.js';
import { isCreditCard, isIban } from './financial.js';
import { isNationalId } from './national-id.js';

/** The kinds of personal data the scanner knows. */
export type PiiKind =
  | 'email'
  | 'phone'
  | 'credit_card'
  | 'iban'
  | 'ip_address'
  | 'national_id'
  | 'person_name';

/** Every PII kind, in the order findings for one column are listed when their shares tie. */
export const piiKinds: readonly PiiKind[] = Object.freeze([
  'email',
  'phone',
  'credit_card',
  'iban',
  'ip_address',
  'national_id',
  'person_name',
]);

/** The kinds a single value can be tested for (person_name is recognised by column header only). */
export type PiiValueKind = Exclude<PiiKind, 'person_name'>;

/** The value kinds, in `piiKinds` order. */
export const piiValueKinds: readonly PiiValueKind[] = Object.freeze(
  piiKinds.filter((k): k is PiiValueKind => k !== 'person_name'),
);

const emailPattern =
  /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+(?:[A-Za-z]{2,63}|xn--[A-Za-z0-9-]{1,59})$/;

/**
 * True for `local@domain.tld`: an RFC 5322 dot-atom local part of at most 64 characters (no quoted strings,
 * no comments), a domain of at least two DNS labels whose last is alphabetic or punycode (no IP literals),
 * 254 characters in all at most. ASCII only.
 */
function isEmail(value: string): boolean {
  if (value.length > 254) return false;
  const at = value.lastIndexOf('@');
  return at > 0 && at <= 64 && emailPattern.test(value);
}

const ipv4Pattern = /^(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)$/;

/**
 * True for an IPv4 dotted quad (octets 0–255, no leading zeros) or an IPv6 address in full, compressed or
 * IPv4-embedded form, a zone suffix (`%eth0`) allowed; the unspecified address `::` alone is not reported.
 * No brackets, ports or CIDR suffixes.
 */
function isIpAddress(value: string): boolean {
  if (ipv4Pattern.test(value)) return true;
  return value.length <= 64 && value.includes(':') && value !== '::' && isIP(value) === 6;
}

/** A phone number split into digit groups: `(555) 123-4567` → groups 555, 123, 4567 (555 in parentheses). */
interface PhoneParts {
  readonly plus: boolean;
  readonly groups: readonly string[];
  readonly parenthesised: readonly boolean[];
}

const phoneExtension = /\s*(?:x|ext\.?|extension|#)\s*\d{1,6}$/i;

/**
 * Splits a phone-shaped string into groups: an optional leading `+`, then digit groups, each bare or in
 * parentheses, separated by one space, dot or dash (a parenthesised group may also touch its neighbour).
 * Undefined for anything else.
 */
function splitPhone(text: string): PhoneParts | undefined {
  const groups: string[] = [];
  const parenthesised: boolean[] = [];
  const plus = text.startsWith('+');
  let i = plus ? 1 : 0;
  let separated = true;
  while (i < text.length) {
    const paren = text[i] === '(';
    const start = paren ? i + 1 : i;
    let end = start;
    while (end < text.length && text.charCodeAt(end) >= 48 && text.charCodeAt(end) <= 57) end++;
    if (end === start) return undefined;
    if (paren && text[end] !== ')') return undefined;
    const previousParen = parenthesised.at(-1) === true;
    if (!separated && !paren && !previousParen) return undefined;
    groups.push(text.slice(start, end));
    parenthesised.push(paren);
    i = paren ? end + 1 : end;
    separated = false;
    const ch = text[i];
    if (ch === ' ' || ch === '-' || ch === '.') {
      if (i === text.length - 1) return undefined;
      separated = true;
      i++;
    }
  }
  return groups.length === 0 ? undefined : { plus, groups, parenthesised };
}

const e164 = /^\+[1-9]\d{7,14}$/;

/**
 * True for a phone number written as a phone number, never a bare integer:
 * - E.164 compact form `+442079460958`: `+` and 8–15 digits, the first not 0;
 * - international with separators: `+44 20 7946 0958`, `+1 (555) 123-4567`, `+44 (0)20 7946 0958`
 *   (a country code of 1–3 digits, 8–15 digits without the `(0)` trunk marker);
 * - North American: `(555) 123-4567`, `555-123-4567`, `555.123.4567`, `1-555-123-4567` (area code 2–9);
 * - national with a trunk 0 and separators: `06 12 34 56 78`, `020 7946 0958`, `(030) 12345678`,
 *   9–12 digits, a first group of 2–5 digits (a leading `00` is not taken for a phone).
 * An extension (`x123`, `ext. 123`) may follow. The SSN shape `078-05-1120` is never a phone.
 */
function isPhone(value: string): boolean {
  if (value.length > 40) return false;
  if (e164.test(value)) return true;
  const parts = splitPhone(value.replace(phoneExtension, ''));
  if (parts === undefined || parts.groups.length < 2) return false;
  const { plus, groups, parenthesised } = parts;
  if (groups.some((g) => g.length > 8)) return false;
  if (plus) {
    const country = groups[0]!;
    if (parenthesised[0] || country.length > 3 || country[0] === '0') return false;
    const digits = groups.filter((g, i) => !(parenthesised[i] && g === '0')).join('').length;
    return digits >= 8 && digits <= 15;
  }
  // North American Numbering Plan, optionally after the country code 1.
  const nanp = groups.length === 4 && groups[0] === '1' && !parenthesised[0] ? groups.slice(1) : groups;
  const nanpParens = nanp === groups ? parenthesised : parenthesised.slice(1);
  if (
    nanp.length === 3 &&
    nanp[0]!.length === 3 &&
    nanp[1]!.length === 3 &&
    nanp[2]!.length === 4 &&
    nanp[0]![0] !== '0' &&
    nanp[0]![0] !== '1' &&
    !nanpParens[1] &&
    !nanpParens[2]
  )
    return true;
  // National numbers with a trunk prefix 0.
  const first = groups[0]!;
  if (first[0] !== '0' || first[1] === '0' || first.length < 2 || first.length > 5) return false;
  if (parenthesised.slice(1).some(Boolean)) return false;
  if (groups.length === 3 && first.length === 3 && groups[1]!.length === 2 && groups[2]!.length === 4)
    return false; // the SSN shape
  const digits = groups.join('').length;
  return digits >= 9 && digits <= 12 && groups.slice(1).every((g) => g.length >= 2);
}

const detectors: Readonly<Record<PiiValueKind, (value: string) => boolean>> = {
  email: isEmail,
  phone: isPhone,
  credit_card: isCreditCard,
  iban: isIban,
  ip_address: isIpAddress,
  national_id: isNationalId,
};

/**
 * True when the single value, trimmed, looks like `kind`. Rules per kind are documented on the detectors;
 * each aims at few false positives (a checksum or a separator is required where a bare integer could pass).
 * person_name is recognised by column header only, so it is not accepted here.
 */
export function matchesPii(kind: PiiValueKind, value: string): boolean {
  const detector = Object.hasOwn(detectors, kind) ? detectors[kind] : undefined;
  if (detector === undefined)
    throw new LatheError(
      'INVALID_ARGUMENT',
      `Expected a PII kind with a value detector (${piiValueKinds.join(', ')}), got ${describeValue(kind)}.`,
      { kind: typeof kind === 'string' ? kind : String(kind) },
    );
  if (typeof value !== 'string')
    throw new LatheError('INVALID_ARGUMENT', `Expected a string value to test, got ${describeValue(value)}.`);
  const trimmed = value.trim();
  return trimmed.length > 0 && detector(trimmed);
}
