/**
 * National identifier detectors. Each checks the shape and every rule the issuer publishes that can be
 * checked offline (reserved ranges, prefixes, check characters), so a column of ordinary codes or integers is
 * not mistaken for identity numbers. Covered:
 * - US Social Security Number: `123-45-6789` or `123 45 6789` (one separator kind, required: a bare 9-digit
 *   integer is not reported); area 000, 666 and 900–999, group 00 and serial 0000 are never issued.
 * - UK National Insurance number: `AB123456C` or `AB 12 34 56 C`; first letter not D F I Q U V, second not
 *   D F I O Q U V, prefixes BG GB KN NK NT TN ZZ are not allocated, suffix A–D.
 * - French NIR (numéro de sécurité sociale): 15 digits, bare or spaced `1 85 05 78 006 084 36`; sex 1 or 2,
 *   month 01–12, 20, 30–42 or 50–99, department digits or 2A/2B (Corsica), key = 97 − (first 13 mod 97).
 * - Spanish DNI `12345678Z` and NIE `X1234567L` (optional dash before the letter), control letter checked.
 * Letters are matched case-insensitively.
 */

const ssnPattern = /^(\d{3})([- ])(\d{2})\2(\d{4})$/;

/** True for a US SSN in dashed or spaced form outside the ranges never issued. */
export function isUsSsn(value: string): boolean {
  const m = ssnPattern.exec(value);
  if (m === null) return false;
  const [, area, , group, serial] = m as unknown as [string, string, string, string, string];
  return area !== '000' && area !== '666' && area[0] !== '9' && group !== '00' && serial !== '0000';
}

const ninoPattern = /^([A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z]) ?(\d{2}) ?(\d{2}) ?(\d{2}) ?([A-D])$/;
const ninoUnallocatedPrefixes = new Set(['BG', 'GB', 'KN', 'NK', 'NT', 'TN', 'ZZ']);

/** True for a UK National Insurance number with an allocatable prefix and an A–D suffix. */
export function isUkNino(value: string): boolean {
  const m = ninoPattern.exec(value.toUpperCase());
  return m !== null && !ninoUnallocatedPrefixes.has(m[1]!);
}

const nirBare = /^([12])(\d{2})(\d{2})(\d{2}|2A|2B)(\d{3})(\d{3})(\d{2})$/;
const nirSpaced = /^([12]) (\d{2}) (\d{2}) (\d{2}|2A|2B) (\d{3}) (\d{3}) (\d{2})$/;

/** True for a French NIR whose two-digit key matches the first 13 characters. */
export function isFrenchNir(value: string): boolean {
  const upper = value.toUpperCase();
  const m = nirBare.exec(upper) ?? nirSpaced.exec(upper);
  if (m === null) return false;
  const [, sex, year, month, department, commune, order, key] = m as unknown as string[];
  const monthNumber = Number(month);
  const monthOk =
    (monthNumber >= 1 && monthNumber <= 12) ||
    monthNumber === 20 ||
    (monthNumber >= 30 && monthNumber <= 42) ||
    monthNumber >= 50;
  if (!monthOk) return false;
  // Corsica: 2A counts as 19 and 2B as 18 when the key is computed.
  const departmentDigits = department === '2A' ? '19' : department === '2B' ? '18' : department;
  const body = Number(`${sex}${year}${month}${departmentDigits}${commune}${order}`);
  const expected = 97 - (body % 97);
  return Number(key) === expected;
}

const dniLetters = 'TRWAGMYFPDXBNJZSQVHLCKE';
const dniPattern = /^(\d{8})-?([A-Z])$/;
const niePattern = /^([XYZ])-?(\d{7})-?([A-Z])$/;

/** True for a Spanish DNI or NIE whose control letter matches its number. */
export function isSpanishDniOrNie(value: string): boolean {
  const upper = value.toUpperCase();
  const dni = dniPattern.exec(upper);
  if (dni !== null) return dniLetters[Number(dni[1]) % 23] === dni[2];
  const nie = niePattern.exec(upper);
  if (nie === null) return false;
  const lead = String('XYZ'.indexOf(nie[1]!));
  return dniLetters[Number(`${lead}${nie[2]}`) % 23] === nie[3];
}

/** True when `value` (already trimmed) is one of the national identifiers above. */
export function isNationalId(value: string): boolean {
  if (value.length > 24) return false;
  return isUsSsn(value) || isUkNino(value) || isFrenchNir(value) || isSpanishDniOrNie(value);
}
