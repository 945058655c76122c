import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { assertClose, assertInvalid, dataset, reference } from '../../test/fixtures/stats/reference.js';
import { chiSquareHomogeneity, jensenShannon, ks2Samp, psi, wasserstein1 } from './index.js';

/**
 * Statistics and p-values agree with scipy to 1e-9 relative (1e-12 absolute near 0): the same
 * algorithms are used, so only rounding differs (the p-values measured agree to about 1e-12).
 */
const RTOL = 1e-9;
const ATOL = 1e-12;

describe('ks2Samp matches scipy.stats.ks_2samp', () => {
  for (const ref of reference.ks2samp) {
    for (const method of ['asymp', 'exact', 'auto'] as const) {
      it(`${ref.a} vs ${ref.b}, method=${method}`, () => {
        const r = ks2Samp(dataset(ref.a), dataset(ref.b), { method });
        assertClose(r.statistic, ref[method].statistic, RTOL, 'statistic', ATOL);
        assertClose(r.pValue, ref[method].pValue, RTOL, 'p-value', 1e-300);
        assert.equal(r.method, method === 'auto' ? 'exact' : method);
      });
    }
  }

  it('gives D = 0 and p = 1 for identical samples, D = 1 for disjoint ones', () => {
    const a = dataset('normal_300');
    const same = ks2Samp(a, Array.from(a).reverse());
    assert.equal(same.statistic, 0);
    assert.equal(same.pValue, 1);
    const far = ks2Samp([1, 2, 3], [10, 11, 12, 13]);
    assert.equal(far.statistic, 1);
    assert.ok(far.pValue < 0.06 && far.pValue > 0);
  });

  it('uses the asymptotic distribution above 10,000 values under auto', () => {
    const a = new Float64Array(10_001).map((_, i) => i);
    const r = ks2Samp(
      a,
      a.map((v) => v + 100),
    );
    assert.equal(r.method, 'asymp');
    assertClose(r.statistic, 100 / 10_001, 1e-12, 'statistic');
  });

  it('drops NaN before testing', () => {
    const r = ks2Samp([1, Number.NaN, 2, 3], [1, 2, 3]);
    assert.equal(r.statistic, 0);
  });
});

describe('wasserstein1 matches scipy.stats.wasserstein_distance', () => {
  for (const ref of reference.wasserstein) {
    it(`${ref.a} vs ${ref.b}`, () => {
      assertClose(
        wasserstein1(dataset(ref.a), dataset(ref.b)).statistic,
        ref.statistic,
        RTOL,
        'distance',
        ATOL,
      );
    });
  }
  it('is the shift between a sample and its translate', () => {
    assertClose(wasserstein1([0, 1, 5], [2.5, 3.5, 7.5]).statistic, 2.5, 1e-15, 'shift');
  });
});

describe('psi matches the Evidently formula in numpy', () => {
  for (const ref of reference.psi) {
    it(`${ref.expected} vs ${ref.actual}, epsilon ${ref.epsilon}`, () => {
      const r = psi(ref.expected, ref.actual, { epsilon: ref.epsilon });
      assertClose(r.statistic, ref.statistic, RTOL, 'psi');
      assert.equal(r.pValue, undefined);
    });
  }
  it('is 0 for proportional histograms and defaults epsilon to 1e-4', () => {
    assert.equal(psi([1, 2, 0, 3], [2, 4, 0, 6]).statistic, 0);
    const ref = reference.psi.find(
      (c: { epsilon: number; expected: number[] }) => c.epsilon === 1e-4 && c.expected[1] === 0,
    );
    assertClose(psi(ref.expected, ref.actual).statistic, ref.statistic, RTOL, 'default epsilon');
  });
});

describe('jensenShannon matches scipy.spatial.distance.jensenshannon(base=2)', () => {
  for (const ref of reference.jensenShannon) {
    it(`${ref.p} vs ${ref.q}`, () => {
      assertClose(jensenShannon(ref.p, ref.q).statistic, ref.statistic, RTOL, 'distance', ATOL);
    });
  }
  it('is 1 for disjoint supports and 0 for equal proportions', () => {
    assert.equal(jensenShannon([3, 0], [0, 7]).statistic, 1);
    assert.equal(jensenShannon(Float64Array.from([1, 2, 3]), [2, 4, 6]).statistic, 0);
  });
});

describe('chiSquareHomogeneity matches scipy.stats.chi2_contingency(correction=False)', () => {
  for (const ref of reference.chiSquare) {
    it(`${ref.a} vs ${ref.b}`, () => {
      const r = chiSquareHomogeneity(ref.a, ref.b);
      assert.equal(r.dof, ref.dof);
      assertClose(r.statistic, ref.statistic, RTOL, 'statistic', ATOL);
      assertClose(r.pValue, ref.pValue, RTOL, 'p-value');
    });
  }
});

describe('drift statistics refuse bad input', () => {
  it('rejects negative, non-finite or all-zero counts', () => {
    assertInvalid(
      () => psi([1, -2], [1, 2]),
      /expectedCounts\[1\]: expected a finite count >= 0, got the number -2/,
    );
    assertInvalid(() => jensenShannon([1, 2], [1, Number.NaN]), /qCounts\[1\]: expected a finite count >= 0/);
    assertInvalid(
      () => chiSquareHomogeneity([0, 0], [1, 2]),
      /countsA: expected counts with a positive total/,
    );
  });
  it('rejects empty or differently long count vectors', () => {
    assertInvalid(() => psi([], []), /expectedCounts: expected a non-empty array of counts/);
    assertInvalid(
      () => chiSquareHomogeneity([1, 2, 3], [1, 2]),
      /countsB: expected the same length as countsA \(3\), got an array of 2/,
    );
    assertInvalid(() => jensenShannon([1], [1, 2]), /same length/);
  });
  it('rejects a bad epsilon or method', () => {
    assertInvalid(
      () => psi([1], [1], { epsilon: 0 }),
      /options.epsilon: expected a number in \(0, 1\), got the number 0/,
    );
    assertInvalid(
      () => ks2Samp([1], [2], { method: 'fast' as 'auto' }),
      /options.method: expected one of 'auto', 'exact', 'asymp', got the string "fast"/,
    );
  });
  it('rejects empty or all-NaN samples', () => {
    assertInvalid(() => ks2Samp([], [1]), /a: expected a non-empty Float64Array or number\[\]/);
    assertInvalid(() => wasserstein1([1], [Number.NaN]), /b: expected at least one non-NaN value/);
    assertInvalid(
      () => ks2Samp([1], 'abc' as unknown as number[]),
      /b: expected a Float64Array or number\[\]/,
    );
  });
});
