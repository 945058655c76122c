import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isLatheError } from '../core/index.js';
import { SeededRandom } from '../ml/index.js';
import { ks2Samp, wasserstein1 } from './drift.js';
import { ksWassersteinSorted, SortWorkspace, sortFinite } from './sorted-drift.js';

/** The bits of a Float64Array, so -0 and +0 (and NaN payloads) compare as different. */
const bits = (x: Float64Array) => Array.from(new Uint32Array(x.slice().buffer));

function sample(seed: number, n: number, draw: (r: SeededRandom) => number): Float64Array {
  const r = new SeededRandom(seed);
  return Float64Array.from({ length: n }, () => draw(r));
}

/** Both kernels give exactly ks2Samp's result and wasserstein1's statistic. */
function assertSameAsUnsorted(a: Float64Array, b: Float64Array) {
  const got = ksWassersteinSorted(sortFinite(a), sortFinite(b));
  assert.deepEqual(got.ks, ks2Samp(a, b));
  assert.equal(got.wasserstein, wasserstein1(a, b).statistic);
}

describe('sortFinite', () => {
  const special = [0, -0, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, Number.NaN, 5e-324, -5e-324];
  for (const n of [0, 1, 7, 1000, 25_000, 200_000]) {
    it(`equals a native sort without NaN, bit for bit (${n} values with ±0, ±Infinity, subnormals, NaN)`, () => {
      const x = sample(n, n, (r) => (r.uniform() < 0.5 ? r.normal() * 1e3 : r.int(20) - 10));
      for (let i = 0; i < Math.min(n, 70); i++) x[(i * 7919) % n] = special[i % special.length]!;
      const expected = x.filter((v) => !Number.isNaN(v)).sort();
      const got = sortFinite(x);
      assert.equal(got.length, expected.length);
      assert.deepEqual(bits(got), bits(expected));
    });
  }

  it('puts -0 before +0 and keeps the input unchanged', () => {
    const x = Float64Array.from({ length: 30_000 }, (_, i) => (i % 2 === 0 ? 0 : -0));
    const before = bits(x);
    const got = sortFinite(x);
    assert.ok(Object.is(got[0], -0) && Object.is(got[14_999], -0) && Object.is(got[15_000], 0));
    assert.deepEqual(bits(x), before);
  });

  it('gives the same result with a reused workspace, for large then smaller inputs', () => {
    const workspace = new SortWorkspace();
    for (const n of [60_000, 30_000, 45_000]) {
      const x = sample(n, n, (r) => (r.uniform() < 0.01 ? Number.NaN : r.normal()));
      assert.deepEqual(bits(sortFinite(x, workspace)), bits(sortFinite(x)));
    }
  });

  it('accepts number[] and drops every NaN', () => {
    assert.deepEqual(Array.from(sortFinite([3, Number.NaN, -1, 2])), [-1, 2, 3]);
    assert.equal(sortFinite(new Float64Array(50_000).fill(Number.NaN)).length, 0);
  });

  it('refuses non-numeric input with INVALID_ARGUMENT', () => {
    assert.throws(
      () => sortFinite('abc' as unknown as number[]),
      (e: unknown) => isLatheError(e) && e.code === 'INVALID_ARGUMENT' && /values: expected/.test(e.message),
    );
  });
});

describe('ksWassersteinSorted equals ks2Samp and wasserstein1', () => {
  it('on random continuous samples (exact and asymptotic p-values)', () => {
    assertSameAsUnsorted(
      sample(1, 500, (r) => r.normal()),
      sample(2, 800, (r) => r.normal() + 0.1),
    );
    assertSameAsUnsorted(
      sample(3, 30_000, (r) => r.normal()),
      sample(4, 50_000, (r) => r.normal() * 1.1),
    );
    assert.equal(
      ksWassersteinSorted(
        sortFinite(sample(3, 30_000, (r) => r.normal())),
        sortFinite(sample(4, 9, (r) => r.normal())),
      ).ks.method,
      'asymp',
    );
  });

  it('on heavily tied and integer samples', () => {
    assertSameAsUnsorted(
      sample(5, 2000, (r) => r.int(5)),
      sample(6, 3000, (r) => r.int(6)),
    );
    assertSameAsUnsorted(
      sample(7, 40_000, (r) => r.int(100) - 50),
      sample(8, 40_000, (r) => r.int(100) - 48),
    );
    assertSameAsUnsorted(Float64Array.of(1, 1, 1), Float64Array.of(1, 1));
  });

  it('on tiny samples, ±0 and infinities', () => {
    assertSameAsUnsorted(Float64Array.of(1), Float64Array.of(2));
    assertSameAsUnsorted(Float64Array.of(0), Float64Array.of(-0, 1));
    assertSameAsUnsorted(Float64Array.of(2, 1), Float64Array.of(1, 3, 2));
    assertSameAsUnsorted(Float64Array.of(-1, 0, Number.POSITIVE_INFINITY), Float64Array.of(-1, 0.5, 2));
    assertSameAsUnsorted(Float64Array.of(Number.NEGATIVE_INFINITY, 0), Float64Array.of(1, Number.NaN));
  });

  it('gives D = 0 and W = 0 for equal samples, D = 1 for disjoint ones', () => {
    const a = sortFinite(sample(9, 100, (r) => r.normal()));
    assert.deepEqual([ksWassersteinSorted(a, a).ks.statistic, ksWassersteinSorted(a, a).wasserstein], [0, 0]);
    const far = ksWassersteinSorted(Float64Array.of(1, 2), Float64Array.of(10, 11));
    assert.equal(far.ks.statistic, 1);
    assert.equal(far.wasserstein, 9);
  });

  it('refuses empty samples and other types with INVALID_ARGUMENT', () => {
    const invalidArg = (e: unknown) => isLatheError(e) && e.code === 'INVALID_ARGUMENT';
    assert.throws(() => ksWassersteinSorted(new Float64Array(0), Float64Array.of(1)), invalidArg);
    assert.throws(() => ksWassersteinSorted(Float64Array.of(1), [1] as unknown as Float64Array), invalidArg);
  });
});
