import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { quoteLiteral, TableEngine } from '../../storage/tables/index.js';
import { hashPii } from '../pii/index.js';
import { hashPiiPure, hmacPads, sha256, toHex } from './hmac-sha256.js';
import { castTypes } from './recipe-types.js';
import { castSql } from './step-sql.js';
import { castValue, formatDouble, lowerText, timestampFromInput, toOutput, upperText } from './values.js';

describe('row-path values match DuckDB', () => {
  let engine: TableEngine;
  before(async () => {
    engine = await TableEngine.create({ threads: 1 });
  });
  after(() => engine.close());

  it('casts text to every type as the batch SQL does', async () => {
    const texts = [
      '42', ' 42 ', '+7', '-0', '007', '1.5', '2.5', '-2.5', '1e3', '1E-2', '.5', '5.', '0x10', '1_000', '1,5', '',
      'abc', 'inf', 'NaN', '1e400', '9223372036854775807', '9223372036854775808', '\t3',
      'true', 'T', 'YES', 'n', 'no', ' false', 'on', '1', '0',
      '2024-03-01', '2024-02-29', '2023-02-29', '2024-3-1', '2024-03-01 10:00', '2024-03-01T10:00:00',
      '2024-03-01 10:00:00.5', '2024-03-01 10:00:00.123456Z', '2024-03-01 24:00:00', '2024-03-01 10:00:00+02:00', '0001-01-01',
    ]; // biome-ignore format: a list of inputs
    const targets = castTypes.filter((t) => t !== 'VARCHAR');
    const values = texts.map((t, i) => `(${i}, ${quoteLiteral(t)})`).join(', ');
    const cols = targets.map((t) => `${castSql('"s"', 'string', t)} AS "${t}"`).join(', ');
    const rows = await engine.query<Record<string, unknown>>(
      `SELECT i, ${cols} FROM (VALUES ${values}) v(i, s) ORDER BY i`,
    );
    for (const r of rows) {
      const text = texts[r['i'] as number]!;
      for (const t of targets) {
        const kind = t === 'TIMESTAMP' ? 'timestamp' : 'string';
        assert.deepEqual(
          toOutput(kind, castValue(text, 'string', t)),
          r[t],
          `${JSON.stringify(text)} as ${t}`,
        );
      }
    }
  });

  it('casts numbers, booleans and datetimes as the batch SQL does', async () => {
    const doubles = [
      0,
      -0,
      0.5,
      1.5,
      2.5,
      -2.5,
      3.5,
      1e15,
      1e16,
      123456.789,
      1 / 3,
      1e-5,
      0.0001,
      1.5e-7,
      1e19,
      -1e300,
      2 ** 53 + 2,
    ];
    const text = (d: number) => (Object.is(d, -0) ? '-0.0' : String(d));
    const values = doubles.map((d, i) => `(${i}, CAST(${quoteLiteral(text(d))} AS DOUBLE))`).join(', ');
    const rows = await engine.query<Record<string, unknown>>(
      `SELECT i, ${castSql('d', 'double', 'BIGINT')} AS b, ${castSql('d', 'double', 'VARCHAR')} AS v, ${castSql('d', 'double', 'BOOLEAN')} AS t FROM (VALUES ${values}) x(i, d) ORDER BY i`,
    );
    for (const r of rows) {
      const d = doubles[r['i'] as number]!;
      assert.deepEqual(castValue(d, 'double', 'BIGINT'), r['b'], `${d} as BIGINT`);
      assert.equal(formatDouble(d), r['v'], `${d} as VARCHAR`);
      assert.equal(castValue(d, 'double', 'BOOLEAN'), r['t'], `${d} as BOOLEAN`);
    }
    const [x] = await engine.query<Record<string, unknown>>(
      `SELECT ${castSql("TIMESTAMP '2024-03-01 10:00:00.5'", 'timestamp', 'VARCHAR')} AS a, ${castSql("TIMESTAMP '2024-03-01 10:00:00.5'", 'timestamp', 'DATE')} AS b,
        ${castSql("DATE '1969-12-31'", 'date', 'TIMESTAMP')} AS c, ${castSql('TRUE', 'boolean', 'DOUBLE')} AS d, ${castSql('CAST(-3 AS BIGINT)', 'integer', 'VARCHAR')} AS e`,
    );
    const ts = timestampFromInput('2024-03-01T10:00:00.500Z');
    assert.equal(castValue(ts, 'timestamp', 'VARCHAR'), x!['a']);
    assert.equal(castValue(ts, 'timestamp', 'DATE'), x!['b']);
    assert.equal(toOutput('timestamp', castValue('1969-12-31', 'date', 'TIMESTAMP')), x!['c']);
    assert.equal(castValue(true, 'boolean', 'DOUBLE'), x!['d']);
    assert.equal(castValue(-3, 'integer', 'VARCHAR'), x!['e']);
  });

  it("upper() and lower() map characters as DuckDB's do (every script with case; scanned whole once)", async () => {
    const rows = await engine.query<{ cp: number; u: string; l: string }>(
      `SELECT cp::INTEGER AS cp, upper(chr(cp::INTEGER)) AS u, lower(chr(cp::INTEGER)) AS l FROM range(1, 1114112) t(cp) WHERE cp < 12288 OR cp BETWEEN 42560 AND 43007 OR cp BETWEEN 65280 AND 65535 OR cp BETWEEN 66560 AND 68000 OR cp BETWEEN 93760 AND 93951 OR cp BETWEEN 125184 AND 125279`,
    );
    for (const r of rows) {
      const ch = String.fromCodePoint(r.cp);
      assert.equal(upperText(ch), r.u, `upper U+${r.cp.toString(16)}`);
      assert.equal(lowerText(ch), r.l, `lower U+${r.cp.toString(16)}`);
    }
  });

  it('hashes PII with the salt exactly as hashPii does, in SQL and in TypeScript', async () => {
    for (const salt of ['s', 'a salt with ünïcode', 'x'.repeat(100)]) {
      const pads = hmacPads(salt);
      const values = ['alice@example.com', '', '+33 6 12 34 56 78', 'Zoë 😀', 'x'.repeat(200)];
      await engine.query('CREATE OR REPLACE TEMP TABLE k AS SELECT ?::BLOB AS ipad, ?::BLOB AS opad', [
        pads.ipad,
        pads.opad,
      ]);
      for (const v of values) {
        const [r] = await engine.query<{ h: string }>(
          'SELECT left(sha256(k.opad || unhex(sha256(k.ipad || encode(?)))), 32) AS h FROM k',
          [v],
        );
        assert.equal(hashPiiPure(v, pads), hashPii(v, salt));
        assert.equal(r!.h, hashPii(v, salt));
      }
    }
    assert.equal(
      toHex(sha256(new TextEncoder().encode('abc'))),
      'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
    );
  });
});
