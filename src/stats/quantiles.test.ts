import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { assertClose, assertInvalid, dataset, reference } from '../../test/fixtures/stats/reference.js';
import { median, quantile, sortedValues } from './index.js';

/** Same interpolation formula as numpy: agreement to 1e-12 relative (1e-15 absolute near 0). */
const RTOL = 1e-12;

describe('quantile matches numpy.nanquantile (linear, type 7)', () => {
  for (const ref of reference.quantiles) {
    it(ref.data, () => {
      const values = dataset(ref.data);
      const got = quantile(values, ref.q as number[]);
      assert.equal(got.length, ref.q.length);
      got.forEach((v, i) => {
        assertClose(v, ref.expected[i], RTOL, `${ref.data} q=${ref.q[i]}`, 1e-15);
      });
      // one q at a time, and from a pre-sorted copy, give the same numbers
      const sorted = sortedValues(values);
      ref.q.forEach((q: number, i: number) => {
        assert.equal(quantile(values, q), got[i]);
        assert.equal(quantile(sorted, q, { sorted: true }), got[i]);
      });
    });
  }

  it('interpolates between neighbours and ignores NaN', () => {
    assert.equal(quantile([10, Number.NaN, 0, 20], 0.25), 5);
    assert.equal(median([3, 1, 2, 100]), 2.5);
    assert.deepEqual(quantile([1, 2], []), []);
  });

  it('accepts sorted input with NaN at the end and does not modify the input', () => {
    const values = Float64Array.from([5, 1, Number.NaN, 3]);
    assert.equal(quantile(values, 0.5), 3);
    assert.deepEqual(Array.from(values), [5, 1, Number.NaN, 3]);
    assert.equal(quantile([1, 3, 5, Number.NaN], 1, { sorted: true }), 5);
  });

  it('returns NaN for an all-NaN column and handles infinities', () => {
    assert.ok(Number.isNaN(quantile([Number.NaN], 0.5)));
    assert.equal(quantile([1, Number.POSITIVE_INFINITY], 1), Number.POSITIVE_INFINITY);
    assert.equal(quantile([1, Number.POSITIVE_INFINITY], 0), 1);
    assert.equal(quantile([1, Number.POSITIVE_INFINITY], 0.5), Number.POSITIVE_INFINITY);
  });
});

describe('quantile refuses bad input', () => {
  it('rejects an empty column', () => {
    assertInvalid(() => quantile([], 0.5), /values: expected a non-empty/);
  });
  it('rejects q outside [0, 1] or not a number', () => {
    assertInvalid(() => quantile([1, 2], 1.5), /q: expected a quantile between 0 and 1, got the number 1.5/);
    assertInvalid(() => quantile([1, 2], [0.5, Number.NaN]), /q\[1\]: expected a quantile between 0 and 1/);
  });
  it('rejects an unsorted input promised sorted', () => {
    assertInvalid(() => quantile([1, 3, 2], 0.5, { sorted: true }), /sorted ascending.*2 after 3 at index 2/);
    assertInvalid(() => quantile([1, Number.NaN, 2], 0.5, { sorted: true }), /sorted ascending/);
  });
});
