/**
 * Payment-card and IBAN detectors. Both demand a valid checksum and a known structure, so random integers
 * and product codes pass only by rare accident.
 */

interface Issuer {
  readonly lengths: readonly number[];
  readonly prefix: (digits: string) => boolean;
}

function prefixIn(digits: string, size: number, low: number, high: number): boolean {
  const n = Number(digits.slice(0, size));
  return n >= low && n <= high;
}

const range = (low: number, high: number): number[] =>
  Array.from({ length: high - low + 1 }, (_, i) => low + i);

/** Issuer prefixes (IIN ranges) and the card lengths each issues. */
const issuers: readonly Issuer[] = [
  // Visa
  { lengths: [13, 16, 19], prefix: (d) => d[0] === '4' },
  // Mastercard
  { lengths: [16], prefix: (d) => prefixIn(d, 2, 51, 55) || prefixIn(d, 4, 2221, 2720) },
  // American Express
  { lengths: [15], prefix: (d) => d.startsWith('34') || d.startsWith('37') },
  // Discover
  {
    lengths: range(16, 19),
    prefix: (d) => d.startsWith('6011') || d.startsWith('65') || prefixIn(d, 3, 644, 649),
  },
  // JCB
  { lengths: range(16, 19), prefix: (d) => prefixIn(d, 4, 3528, 3589) },
  // Diners Club
  {
    lengths: range(14, 19),
    prefix: (d) => prefixIn(d, 3, 300, 305) || d.startsWith('36') || d.startsWith('38'),
  },
];

/** True when the digit string passes the Luhn (mod 10) check. */
export function luhnValid(digits: string): boolean {
  let sum = 0;
  let double = false;
  for (let i = digits.length - 1; i >= 0; i--) {
    let d = digits.charCodeAt(i) - 48;
    if (double) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    double = !double;
  }
  return sum % 10 === 0;
}

const cardGrouped = /^\d{4}([ -])\d{3,6}(?:\1\d{3,6}){0,3}$/;
const cardCompact = /^\d{13,19}$/;

/**
 * True for a payment card number: 13–19 digits, either contiguous or in groups (first of 4 digits, the rest
 * of 3–6) split by one kind of separator (single spaces or single dashes); a known issuer prefix with a length
 * that issuer uses; and a valid Luhn check digit.
 */
export function isCreditCard(value: string): boolean {
  if (value.length > 23) return false;
  let digits: string;
  if (cardCompact.test(value)) digits = value;
  else if (cardGrouped.test(value)) digits = value.replace(/[ -]/g, '');
  else return false;
  if (digits.length < 13 || digits.length > 19) return false;
  return issuers.some((i) => i.prefix(digits) && i.lengths.includes(digits.length)) && luhnValid(digits);
}

/**
 * IBAN lengths by country from the SWIFT IBAN registry: every SEPA country plus the other registered
 * countries this table is sure of. Codes absent here are accepted with any length from 15 to 34.
 */
// biome-ignore format: a table reads better in rows
const ibanLengths: Readonly<Record<string, number>> = {
  AD: 24, AE: 23, AL: 28, AT: 20, AZ: 28, BA: 20, BE: 16, BG: 22, BH: 22, BR: 29, BY: 28, CH: 21,
  CR: 22, CY: 28, CZ: 24, DE: 22, DK: 18, DO: 28, EE: 20, EG: 29, ES: 24, FI: 18, FO: 18, FR: 27,
  GB: 22, GE: 22, GI: 23, GL: 18, GR: 27, GT: 28, HR: 21, HU: 28, IE: 22, IL: 23, IQ: 23, IS: 26,
  IT: 27, JO: 30, KW: 30, KZ: 20, LB: 28, LC: 32, LI: 21, LT: 20, LU: 20, LV: 21, LY: 25, MC: 27,
  MD: 24, ME: 22, MK: 19, MR: 27, MT: 31, MU: 30, NL: 18, NO: 15, PK: 24, PL: 28, PS: 29, PT: 25,
  QA: 29, RO: 24, RS: 22, SA: 24, SC: 31, SE: 24, SI: 19, SK: 24, SM: 27, ST: 25, SV: 28, TL: 23,
  TN: 24, TR: 26, UA: 29, VA: 22, VG: 24, XK: 20,
};

const ibanCompact = /^[A-Z]{2}\d{2}[A-Z0-9]{11,30}$/;
const ibanPrinted = /^[A-Z]{2}\d{2}(?: [A-Z0-9]{4})*(?: [A-Z0-9]{1,4})$/;

/** The ISO 7064 mod-97-10 remainder of an IBAN (1 when valid). */
function ibanRemainder(iban: string): number {
  const rearranged = iban.slice(4) + iban.slice(0, 4);
  let remainder = 0;
  for (const ch of rearranged) {
    const code = ch.charCodeAt(0);
    // Digits count as themselves, letters A–Z as 10–35.
    const n = code <= 57 ? code - 48 : code - 55;
    remainder = (n > 9 ? remainder * 100 + n : remainder * 10 + n) % 97;
  }
  return remainder;
}

/**
 * True for an IBAN (letters in any case): compact (`DE89370400440532013000`) or printed in groups of four
 * (`GB82 WEST 1234 5698 7654 32`); check digits 02–98 with a valid ISO 13616 mod-97 checksum; and the
 * registered length for its country when the table knows it (15–34 otherwise).
 */
export function isIban(value: string): boolean {
  if (value.length > 42) return false;
  const upper = value.toUpperCase();
  let iban: string;
  if (ibanCompact.test(upper)) iban = upper;
  else if (ibanPrinted.test(upper)) iban = upper.replaceAll(' ', '');
  else return false;
  const expectedLength = ibanLengths[iban.slice(0, 2)];
  if (expectedLength !== undefined ? iban.length !== expectedLength : iban.length < 15 || iban.length > 34)
    return false;
  const check = Number(iban.slice(2, 4));
  return check >= 2 && check <= 98 && ibanRemainder(iban) === 1;
}
