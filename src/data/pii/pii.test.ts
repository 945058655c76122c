import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { describe, it } from 'node:test';
import { isLatheError } from '../../core/index.js';
import {
  hashPii,
  maskPii,
  matchesPii,
  normalizeHeader,
  type PiiColumnInput,
  type PiiKind,
  piiKindsForHeader,
  scanPii,
} from './index.js';

function isInvalidArgument(err: unknown): boolean {
  return isLatheError(err) && err.code === 'INVALID_ARGUMENT';
}

/** A deterministic pseudo-random generator (LCG), so the ID column is the same on every run. */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

describe('headers', () => {
  it('normalises case, separators and accents', () => {
    assert.equal(normalizeHeader(' First_Name '), 'firstname');
    assert.equal(normalizeHeader('Prénom'), 'prenom');
    assert.equal(normalizeHeader('E-Mail'), 'email');
    assert.equal(normalizeHeader('lastName'), 'lastname');
  });

  it('maps headers to kinds', () => {
    const cases: [string, PiiKind[]][] = [
      ['first_name', ['person_name']],
      ['Last-Name', ['person_name']],
      ['FULL NAME', ['person_name']],
      ['Nachname', ['person_name']],
      ['apellido', ['person_name']],
      ['nom', ['person_name']],
      ['email_address', ['email']],
      ['Phone', ['phone']],
      ['SSN', ['national_id']],
      ['ip', ['ip_address']],
      ['IBAN', ['iban']],
      ['credit_card', ['credit_card']],
      ['card_number', ['credit_card']],
      ['product_name', []],
      ['username', []],
      ['filename', []],
      ['ip_country', []],
      ['amount', []],
    ];
    for (const [header, kinds] of cases) assert.deepEqual(piiKindsForHeader(header), kinds, header);
  });
});

describe('scanPii', () => {
  const random = seededRandom(20240607);
  const randomIds = Array.from({ length: 400 }, () => {
    const head = 1 + Math.floor(random() * 9);
    const rest = Array.from({ length: 15 }, () => Math.floor(random() * 10)).join('');
    return `${head}${rest}`;
  });
  const emails = Array.from({ length: 40 }, (_, i) => `user${i}@example.com`);

  it('reports columns whose values or headers say PII, and nothing for 16-digit IDs', () => {
    // Some random 16-digit IDs do pass the issuer and Luhn checks, far fewer than the 10% threshold.
    const cardLike = randomIds.filter((id) => matchesPii('credit_card', id)).length;
    assert.ok(cardLike > 0 && cardLike / randomIds.length < 0.05, `card-like IDs: ${cardLike}`);
    const columns: PiiColumnInput[] = [
      { name: 'id', values: randomIds },
      {
        name: 'order_id',
        values: Array.from({ length: 100 }, (_, i) => String(1000000000000000 + i * 7919)),
      },
      { name: 'contact', values: [...emails.slice(0, 30), null, '', '   ', 'n/a', 'unknown'] },
      { name: 'first_name', values: ['Ada', 'Grace', null] },
      { name: 'SSN', values: ['***-**-1234', '***-**-5678'] },
      { name: 'card_number', values: ['4111 1111 1111 1111', '5500-0000-0000-0004', 'expired'] },
      { name: 'notes', values: ['called 2023-01-15', 'see ticket 4521', 'ok'] },
      { name: 'client ip', values: ['192.168.0.1', '2001:db8::1', '10.0.0.256'] },
      { name: 'ignored', values: [] },
    ];
    assert.deepEqual(scanPii(columns), [
      { column: 'contact', kind: 'email', matches: 30, checked: 32, share: 30 / 32, evidence: ['values'] },
      { column: 'first_name', kind: 'person_name', matches: 0, checked: 2, share: 1, evidence: ['header'] },
      { column: 'SSN', kind: 'national_id', matches: 0, checked: 2, share: 0, evidence: ['header'] },
      {
        column: 'card_number',
        kind: 'credit_card',
        matches: 2,
        checked: 3,
        share: 2 / 3,
        evidence: ['values', 'header'],
      },
      {
        column: 'client ip',
        kind: 'ip_address',
        matches: 2,
        checked: 3,
        share: 2 / 3,
        evidence: ['values', 'header'],
      },
    ]);
  });

  it('keeps a kind below minShare out unless the threshold is lowered', () => {
    const values = [...emails.slice(0, 2), ...Array.from({ length: 38 }, (_, i) => `comment ${i}`)];
    const columns = [{ name: 'comments', values }];
    assert.deepEqual(scanPii(columns), []);
    assert.deepEqual(scanPii(columns, { minShare: 0.05 }), [
      { column: 'comments', kind: 'email', matches: 2, checked: 40, share: 0.05, evidence: ['values'] },
    ]);
  });

  it('orders findings by column, then share descending', () => {
    const mixed = [
      ...emails.slice(0, 6),
      '+44 20 7946 0958',
      '(555) 123-4567',
      '06 12 34 56 78',
      '192.168.1.20',
    ];
    const findings = scanPii([
      { name: 'a', values: ['10.0.0.1'] },
      { name: 'b', values: mixed },
    ]);
    assert.deepEqual(
      findings.map((f) => [f.column, f.kind, f.share]),
      [
        ['a', 'ip_address', 1],
        ['b', 'email', 0.6],
        ['b', 'phone', 0.3],
        ['b', 'ip_address', 0.1],
      ],
    );
  });

  it('never carries the values', () => {
    const values = ['jane@example.com', '4111 1111 1111 1111', 'GB82 WEST 1234 5698 7654 32', '078-05-1120'];
    const findings = scanPii(values.map((v, i) => ({ name: `c${i}`, values: [v] })));
    assert.equal(findings.length, 4);
    const text = JSON.stringify(findings);
    for (const value of values) assert.ok(!text.includes(value), value);
  });

  it('checks its options and input', () => {
    for (const minShare of [-0.1, 1.5, Number.NaN, '0.2' as unknown as number])
      assert.throws(() => scanPii([], { minShare }), isInvalidArgument);
    assert.throws(() => scanPii([{ name: 'x' } as unknown as PiiColumnInput]), isInvalidArgument);
    assert.throws(() => scanPii('x' as unknown as PiiColumnInput[]), isInvalidArgument);
    assert.deepEqual(scanPii([]), []);
  });
});

describe('hashPii', () => {
  it('is deterministic per salt and distinct across salts and values', () => {
    const a = hashPii('jane@example.com', 'pepper');
    assert.match(a, /^[0-9a-f]{32}$/);
    assert.equal(hashPii('jane@example.com', 'pepper'), a);
    assert.notEqual(hashPii('jane@example.com', 'salt'), a);
    assert.notEqual(hashPii('Jane@example.com', 'pepper'), a);
    assert.notEqual(hashPii('', 'pepper'), a);
  });

  it('is the first 16 bytes of HMAC-SHA-256 keyed by the salt', () => {
    const full = createHmac('sha256', 'pepper').update('078-05-1120').digest('hex');
    assert.equal(hashPii('078-05-1120', 'pepper'), full.slice(0, 32));
    // Moving characters between salt and value changes the hash.
    assert.notEqual(hashPii('bc', 'a'), hashPii('c', 'ab'));
  });

  it('requires a non-empty salt', () => {
    assert.throws(() => hashPii('x', ''), isInvalidArgument);
    assert.throws(() => hashPii('x', undefined as unknown as string), isInvalidArgument);
  });
});

describe('maskPii', () => {
  it('keeps the shape of each kind', () => {
    const cases: [PiiKind, string, string][] = [
      ['email', 'jane.doe@example.com', 'j***@example.com'],
      ['email', ' j@example.com ', 'j***@example.com'],
      ['email', 'not-an-email', 'n***********'],
      ['credit_card', '4111 1111 1111 1234', '**** **** **** 1234'],
      ['credit_card', '5500-0000-0000-0004', '****-****-****-0004'],
      ['credit_card', '378282246310005', '***********0005'],
      ['credit_card', '1234', '****'],
      ['phone', '+44 20 7946 0958', '+** ** **** **58'],
      ['phone', '(555) 123-4567', '(***) ***-**67'],
      ['phone', '12345', '*****'],
      ['iban', 'GB82 WEST 1234 5698 7654 32', 'GB** **** **** **** **54 32'],
      ['iban', 'DE89370400440532013000', 'DE****************3000'],
      ['ip_address', '192.168.1.42', '*.*.*.42'],
      ['ip_address', '2001:db8::8a2e:370:7334', '*:*::*:*:7334'],
      ['ip_address', '::ffff:192.0.2.128', '::*:*.*.*.128'],
      ['ip_address', 'fe80::1%eth0', '*::1'],
      ['national_id', '078-05-1120', '***-**-1120'],
      ['national_id', 'AB123456C', '*****456C'],
      ['national_id', '1 85 05 78 006 084 91', '* ** ** ** *** *84 91'],
      ['person_name', 'Jane Smith', 'J*** S****'],
      ['person_name', 'Zoë', 'Z**'],
      ['secret' as PiiKind, 'secret', 's*****'],
      ['email', '', ''],
    ];
    for (const [kind, value, expected] of cases)
      assert.equal(maskPii(kind, value), expected, `${kind} ${value}`);
  });

  it('is deterministic and rejects non-strings', () => {
    assert.equal(maskPii('phone', '555-123-4567'), maskPii('phone', '555-123-4567'));
    assert.throws(() => maskPii('email', null as unknown as string), isInvalidArgument);
  });
});
