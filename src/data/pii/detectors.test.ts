import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isLatheError } from '../../core/index.js';
import { matchesPii, type PiiValueKind, piiKinds } from './index.js';

function expectMatches(kind: PiiValueKind, values: readonly string[], expected: boolean): void {
  for (const value of values)
    assert.equal(
      matchesPii(kind, value),
      expected,
      `${kind}: ${JSON.stringify(value)} should be ${expected}`,
    );
}

function isInvalidArgument(err: unknown): boolean {
  return isLatheError(err) && err.code === 'INVALID_ARGUMENT';
}

/** The ISO 13616 check digits for a country code and BBAN, to build checksum-valid test IBANs. */
function ibanWithCheckDigits(country: string, bban: string): string {
  const numeric = (bban + country + '00').replace(/[A-Z]/g, (ch) => String(ch.charCodeAt(0) - 55));
  const remainder = Number(BigInt(numeric) % 97n);
  return country + String(98 - remainder).padStart(2, '0') + bban;
}

describe('piiKinds', () => {
  it('lists every kind once', () => {
    assert.deepEqual(
      [...piiKinds].sort(),
      ['credit_card', 'email', 'iban', 'ip_address', 'national_id', 'person_name', 'phone'].sort(),
    );
  });
});

describe('matchesPii', () => {
  it('recognises practical email addresses', () => {
    expectMatches(
      'email',
      [
        'jane.doe@example.com',
        'j@example.co.uk',
        'first+tag@sub.domain.org',
        "o'brien@example.ie",
        'user_name-1@my-company.io',
        '  padded@example.com  ',
        'x@xn--bcher-kva.example',
        'UPPER@EXAMPLE.COM',
      ],
      true,
    );
    expectMatches(
      'email',
      [
        'plainaddress',
        '@example.com',
        'jane@',
        'jane@example',
        'jane@@example.com',
        'jane..doe@example.com',
        '.jane@example.com',
        'jane.@example.com',
        'jane@-example.com',
        'jane@example-.com',
        'jane@example.c',
        'jane@example.123',
        'jane doe@example.com',
        'jane@[192.168.0.1]',
        '"quoted"@example.com',
        `${'a'.repeat(65)}@example.com`,
        'mailto:jane@example.com',
        '',
      ],
      false,
    );
  });

  it('recognises Luhn-valid card numbers of known issuers', () => {
    expectMatches(
      'credit_card',
      [
        '4111 1111 1111 1111',
        '4111111111111111',
        '4012888888881881',
        '4222222222222',
        '5500-0000-0000-0004',
        '5555555555554444',
        '2223003122003222',
        '378282246310005',
        '3782 822463 10005',
        '371449635398431',
        '6011111111111117',
        '6011000990139424',
        '3530111333300000',
        '30569309025904',
        '38520000023237',
      ],
      true,
    );
  });

  it('rejects bad checksums, unknown issuers, wrong lengths and odd grouping', () => {
    expectMatches(
      'credit_card',
      [
        '4111 1111 1111 1112',
        '4111111111111112',
        '5500-0000-0000-0005',
        '378282246310006',
        '1234567812345670', // Luhn-valid, no issuer starts with 1
        '0000000000000000',
        '9111111111111119',
        '37828224631000', // Amex prefix, 14 digits
        '5105105105105100000', // Mastercard prefix, 19 digits
        '4111-1111 1111-1111', // mixed separators
        '4111  1111 1111 1111', // double space
        '41111 1111 1111 111',
        '4111 1111 1111 1',
        '4111.1111.1111.1111',
        '411111111111', // too short
        'card 4111111111111111',
      ],
      false,
    );
  });

  it('recognises IBANs with a valid checksum and country length', () => {
    expectMatches(
      'iban',
      [
        'GB82 WEST 1234 5698 7654 32',
        'GB82WEST12345698765432',
        'gb82west12345698765432',
        'DE89370400440532013000',
        'DE89 3704 0044 0532 0130 00',
        'FR1420041010050500013M02606',
        'NL91ABNA0417164300',
        'BE68539007547034',
        'ES9121000418450200051332',
        'IT60X0542811101000000123456',
        'CH9300762011623852957',
        'NO9386011117947',
        'AT611904300234573201',
        'PL61109010140000071219812874',
      ],
      true,
    );
  });

  it('rejects corrupted IBANs', () => {
    const wrongLengthForDe = ibanWithCheckDigits('DE', '3704004405320130001'); // 23 characters, DE has 22
    assert.equal(wrongLengthForDe.length, 23);
    expectMatches(
      'iban',
      [
        'GB82 WEST 1234 5698 7654 33', // last digit changed
        'GB28 WEST 1234 5698 7654 32', // check digits swapped
        'DE89370400440532013001',
        'FR1420041010050500013M02607',
        'GB82WEST1234569876543', // one character short
        wrongLengthForDe,
        'GB82 WES T123 4569 8765 432', // not grouped by four
        'GB82-WEST-1234-5698-7654-32',
        '8289WEST12345698765432',
        'DE89',
        '',
      ],
      false,
    );
  });

  it('accepts unknown countries by checksum with a length of 15 to 34', () => {
    const unknown = ibanWithCheckDigits('ZZ', 'ABC12345678901');
    assert.equal(matchesPii('iban', unknown), true);
    assert.equal(matchesPii('iban', ibanWithCheckDigits('ZZ', 'A'.repeat(31))), false);
  });

  it('recognises IPv4 and IPv6 addresses', () => {
    expectMatches(
      'ip_address',
      [
        '192.168.0.1',
        '0.0.0.0',
        '255.255.255.255',
        '10.0.0.42',
        ' 8.8.8.8 ',
        '::1',
        '2001:db8::8a2e:370:7334',
        '2001:0db8:0000:0000:0000:ff00:0042:8329',
        'fe80::1%eth0',
        '::ffff:192.0.2.128',
        'FE80::ABCD',
      ],
      true,
    );
    expectMatches(
      'ip_address',
      [
        '256.1.1.1',
        '1.256.1.1',
        '01.2.3.4',
        '1.2.3.04',
        '1.2.3',
        '1.2.3.4.5',
        '1.2.3.4/24',
        '1.2.3.4:80',
        '::',
        '2001:db8:::1',
        '1::2::3',
        '[::1]',
        'g::1',
        '12:30',
        '1.5',
      ],
      false,
    );
  });

  it('recognises written phone numbers but not bare integers', () => {
    expectMatches(
      'phone',
      [
        '(555) 123-4567',
        '(555)123-4567',
        '555-123-4567',
        '555.123.4567',
        '555 123 4567',
        '1-555-123-4567',
        '555-123-4567 x89',
        '555-123-4567 ext. 12',
        '+44 20 7946 0958',
        '+44 (0)20 7946 0958',
        '+442079460958',
        '+14155552671',
        '+1 (555) 123-4567',
        '+33 6 12 34 56 78',
        '+49 30 12345678',
        '06 12 34 56 78',
        '06-12345678',
        '020 7946 0958',
        '(030) 12345678',
        '0151 12345678',
      ],
      true,
    );
    expectMatches(
      'phone',
      [
        '5551234567',
        '12345678',
        '0612345678',
        '+1555',
        '+0123456789',
        '+0 123 456 789',
        '555-1234',
        '2023-01-15',
        '15.01.2023',
        '01/15/2023',
        '01-15-2023',
        '078-05-1120', // the SSN shape
        '192.168.1.1',
        '3.14159265',
        '1 234 567 890',
        '123 456 789',
        '155-123-4567', // a North American area code cannot start with 1 ...
        '0044 20 7946 0958', // ... and a leading 00 is not taken
        '4111 1111 1111 1111',
        '555--123-4567',
        '555-123-4567-',
        'call 555-123-4567',
      ],
      false,
    );
  });

  it('recognises US SSNs outside the ranges never issued', () => {
    expectMatches('national_id', ['078-05-1120', '123-45-6789', '123 45 6789', '665-01-0001'], true);
    expectMatches(
      'national_id',
      [
        '000-12-3456',
        '666-12-3456',
        '900-12-3456',
        '999-99-9999',
        '123-00-4567',
        '123-45-0000',
        '123456789',
        '123-45 6789',
        '123-45-678',
        '1234-56-789',
      ],
      false,
    );
  });

  it('recognises UK National Insurance numbers with valid prefixes', () => {
    expectMatches('national_id', ['AB123456C', 'AB 12 34 56 C', 'ab123456c', 'CE123456D', 'ZY123456A'], true);
    expectMatches(
      'national_id',
      [
        'DA123456C', // D is never a first letter
        'QQ123456C', // Q neither
        'AO123456C', // O is never a second letter
        'BG123456C', // unallocated prefixes
        'GB123456A',
        'NK123456A',
        'TN123456A',
        'ZZ123456A',
        'AB123456E', // suffix A–D only
        'AB12345C',
        'AB1234567C',
      ],
      false,
    );
  });

  it('recognises French NIRs and Spanish DNI/NIE by their check characters', () => {
    expectMatches(
      'national_id',
      [
        '1 85 05 78 006 084 91',
        '185057800608491',
        '2 69 01 49 588 157 16',
        '1 85 05 2A 006 084 35',
        '12345678Z',
        '12345678-z',
        'X1234567L',
        'X-1234567-L',
        'Y7654321G',
      ],
      true,
    );
    expectMatches(
      'national_id',
      [
        '1 85 05 78 006 084 92', // wrong key
        '185057800608492',
        '3 85 05 78 006 084 91', // sex digit
        '1 85 13 78 006 084 91', // month 13
        '12345678A',
        'X1234567A',
        'W1234567L',
        '1234567Z',
      ],
      false,
    );
  });

  it('refuses person_name and unknown kinds', () => {
    assert.throws(() => matchesPii('person_name' as PiiValueKind, 'Jane'), isInvalidArgument);
    assert.throws(() => matchesPii('postcode' as PiiValueKind, 'SW1A 1AA'), isInvalidArgument);
    assert.throws(() => matchesPii('email', 42 as unknown as string), isInvalidArgument);
  });
});
