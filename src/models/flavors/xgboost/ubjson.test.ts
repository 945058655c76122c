import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LatheError } from '../../../core/index.js';
import { decodeUbjson } from './ubjson.js';

const bytes = (...parts: (string | number[])[]): Uint8Array =>
  Uint8Array.from(parts.flatMap((p) => (typeof p === 'string' ? [...p].map((c) => c.charCodeAt(0)) : p)));

const refused = (b: Uint8Array, pattern: RegExp) =>
  assert.throws(
    () => decodeUbjson(b),
    (err: unknown) => {
      assert.ok(err instanceof LatheError && err.code === 'MODEL_PACKAGE_INVALID', String(err));
      assert.match(err.message, pattern);
      return true;
    },
  );

describe('UBJSON decoder', () => {
  it('reads scalars, strings, and unsized and counted containers', () => {
    assert.equal(decodeUbjson(bytes('Z')), null);
    assert.equal(decodeUbjson(bytes('T')), true);
    assert.equal(decodeUbjson(bytes('i', [0xfe])), -2);
    assert.equal(decodeUbjson(bytes('U', [200])), 200);
    assert.equal(decodeUbjson(bytes('I', [0x01, 0x00])), 256);
    assert.equal(decodeUbjson(bytes('l', [0xff, 0xff, 0xff, 0xff])), -1);
    assert.equal(decodeUbjson(bytes('L', [0, 0, 0, 0, 0, 0, 0x01, 0x00])), 256);
    assert.equal(decodeUbjson(bytes('d', [0x3f, 0xc0, 0, 0])), 1.5);
    assert.equal(decodeUbjson(bytes('D', [0x40, 0x09, 0x21, 0xfb, 0x54, 0x44, 0x2d, 0x18])), Math.PI);
    assert.equal(decodeUbjson(bytes('S', 'U', [3], 'abc')), 'abc');
    assert.equal(decodeUbjson(bytes('H', 'U', [4], '1e-3')), 0.001);
    assert.deepEqual(decodeUbjson(bytes('[', 'i', [1], 'N', 'S', 'i', [1], 'x', ']')), [1, 'x']);
    assert.deepEqual(
      decodeUbjson(
        bytes('{', 'i', [1], 'a', 'T', 'L', [0, 0, 0, 0, 0, 0, 0, 1], 'b', '[', '#', 'i', [2], 'Z', 'F', '}'),
      ),
      {
        a: true,
        b: [null, false],
      },
    );
    assert.deepEqual(decodeUbjson(bytes('{', '#', 'i', [1], 'i', [1], 'k', 'i', [7])), { k: 7 });
  });

  it('answers typed numeric containers as typed arrays', () => {
    const f = decodeUbjson(bytes('[', '$', 'd', '#', 'i', [2], [0x3f, 0x80, 0, 0], [0xc0, 0, 0, 0]));
    assert.ok(f instanceof Float32Array);
    assert.deepEqual(Array.from(f as Float32Array), [1, -2]);
    const l = decodeUbjson(bytes('[', '$', 'l', '#', 'i', [1], [0, 0, 0, 5]));
    assert.ok(l instanceof Int32Array);
    assert.deepEqual(Array.from(l as Int32Array), [5]);
    assert.deepEqual(decodeUbjson(bytes('[', '$', 'L', '#', 'i', [1], [0, 0, 0, 0, 0, 0, 0, 9])), [9]);
  });

  it('keeps a key named __proto__ as a plain key', () => {
    const o = decodeUbjson(bytes('{', 'i', [9], '__proto__', 'i', [1], '}')) as Record<string, unknown>;
    assert.equal(Object.getPrototypeOf(o), Object.prototype);
    assert.equal(Object.getOwnPropertyDescriptor(o, '__proto__')?.value, 1);
  });

  it('refuses truncated input, unknown markers, bad lengths and trailing bytes, naming the offset', () => {
    refused(bytes('S', 'U', [5], 'ab'), /truncated.*at byte 3/);
    refused(bytes('{', 'i', [1], 'a'), /truncated/);
    refused(bytes('[', '$', 'd', '#', 'L', [0, 0, 0, 0, 0x7f, 0, 0, 0]), /bad length/);
    refused(bytes('Q'), /expected a number marker.*"Q"/);
    refused(bytes('T', 'T'), /1 trailing bytes/);
    refused(bytes('[', '$', 'd', 'd'), /must give its count/);
    refused(new Uint8Array(200).fill(0x5b), /nest deeper than 64/);
  });
});
