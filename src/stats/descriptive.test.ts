import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { assertClose, assertInvalid, dataset, reference } from '../../test/fixtures/stats/reference.js';
import {
  kurtosis,
  max,
  mean,
  min,
  pearsonCorrelation,
  skewness,
  spearmanCorrelation,
  std,
  summarize,
  variance,
} from './index.js';

/** Agreement with pandas: 1e-9 relative; 1e-12 absolute for results at or near zero. */
const RTOL = 1e-9;
const ATOL = 1e-12;

describe('descriptive statistics match pandas', () => {
  for (const ref of reference.descriptive) {
    it(`${ref.data} (${ref.count} values)`, () => {
      const values = dataset(ref.data);
      const d = summarize(values);
      assert.equal(d.count, ref.count);
      assert.equal(d.missing, values.length - ref.count);
      const pairs: [string, number, number][] = [
        ['mean', d.mean, ref.mean],
        ['variance', d.variance, ref.varSample],
        ['std', d.std, ref.stdSample],
        ['min', d.min, ref.min],
        ['max', d.max, ref.max],
        ['skewness', d.skewness, ref.skewness],
        ['kurtosis', d.kurtosis, ref.kurtosis],
        ['mean()', mean(values), ref.mean],
        ['variance()', variance(values), ref.varSample],
        ['variance(ddof=0)', variance(values, { ddof: 0 }), ref.varPopulation],
        ['std()', std(values), ref.stdSample],
        ['std(ddof=0)', std(values, { ddof: 0 }), ref.stdPopulation],
        ['min()', min(values), ref.min],
        ['max()', max(values), ref.max],
        ['skewness()', skewness(values), ref.skewness],
        ['kurtosis()', kurtosis(values), ref.kurtosis],
      ];
      for (const [label, got, want] of pairs) assertClose(got, want, RTOL, `${ref.data} ${label}`, ATOL);
    });
  }

  it('gives the same answers for number[] as for Float64Array', () => {
    const values = dataset('lognormal_2000_ties');
    assert.deepEqual(summarize(Array.from(values)), summarize(values));
  });

  it('skips NaN and reports NaN where too few values remain, as pandas', () => {
    const d = summarize([Number.NaN, 4, Number.NaN]);
    assert.equal(d.count, 1);
    assert.equal(d.missing, 2);
    assert.equal(d.mean, 4);
    assert.ok(Number.isNaN(d.variance));
    assert.ok(Number.isNaN(d.skewness));
    assert.equal(variance([4], { ddof: 0 }), 0);
    const allMissing = summarize([Number.NaN, Number.NaN]);
    assert.equal(allMissing.count, 0);
    assert.ok(Number.isNaN(allMissing.mean) && Number.isNaN(allMissing.min) && Number.isNaN(allMissing.max));
  });

  it('keeps infinities as values', () => {
    assert.equal(mean([1, Number.POSITIVE_INFINITY]), Number.POSITIVE_INFINITY);
    assert.equal(min([3, Number.NEGATIVE_INFINITY, Number.NaN]), Number.NEGATIVE_INFINITY);
  });

  it('is accurate on large offsets (two-pass variance, compensated mean)', () => {
    const values = new Float64Array(10_000);
    for (let i = 0; i < values.length; i++) values[i] = 1e9 + (i % 2 === 0 ? 1 : -1);
    assert.equal(mean(values), 1e9);
    assertClose(variance(values, { ddof: 0 }), 1, 1e-12, 'variance');
  });
});

describe('correlations match pandas', () => {
  for (const ref of reference.correlations) {
    it(`${ref.x} ~ ${ref.y}`, () => {
      const x = dataset(ref.x);
      const y = dataset(ref.y);
      assertClose(pearsonCorrelation(x, y), ref.pearson, RTOL, 'pearson', ATOL);
      assertClose(spearmanCorrelation(x, y), ref.spearman, RTOL, 'spearman', ATOL);
    });
  }

  it('ranks large inputs (radix path) with ties as a naive ranking does', () => {
    const n = 20_000;
    const x = new Float64Array(n);
    const y = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      x[i] = ((i * 7919) % 101) - 50; // many ties, negative values
      y[i] = i % 3 === 0 ? -0 : ((i * 104729) % 997) / 10; // -0 and +0 mixed
    }
    /** Average ranks by a comparator sort: the textbook definition. */
    const naiveRanks = (v: Float64Array) => {
      const order = Array.from(v.keys()).sort((a, b) => v[a]! - v[b]!);
      const ranks = new Float64Array(v.length);
      for (let i = 0; i < order.length; ) {
        let j = i;
        while (j + 1 < order.length && v[order[j + 1]!] === v[order[i]!]) j++;
        for (let k = i; k <= j; k++) ranks[order[k]!] = (i + j) / 2 + 1;
        i = j + 1;
      }
      return ranks;
    };
    const rho = spearmanCorrelation(x, y);
    assertClose(rho, pearsonCorrelation(naiveRanks(x), naiveRanks(y)), 1e-12, 'naive', 1e-15);
    // Monotone transforms do not change Spearman's rho.
    const x3 = x.map((v) => v * v * v);
    const y3 = y.map((v) => Math.exp(v / 100));
    assertClose(spearmanCorrelation(x3, y3), rho, 1e-12, 'transformed', 1e-15);
    assertClose(spearmanCorrelation(x, x), 1, 1e-15, 'self');
    assertClose(
      spearmanCorrelation(
        x,
        x.map((v) => -v),
      ),
      -1,
      1e-15,
      'negated',
    );
  });

  it('is NaN for fewer than two complete pairs or a constant column', () => {
    assert.ok(Number.isNaN(pearsonCorrelation([1, Number.NaN], [Number.NaN, 2])));
    assert.ok(Number.isNaN(pearsonCorrelation([1, 1, 1], [1, 2, 3])));
    assert.ok(Number.isNaN(spearmanCorrelation([5, 5, 5], [1, 2, 3])));
  });
});

describe('descriptive statistics refuse bad input', () => {
  it('rejects empty columns', () => {
    assertInvalid(
      () => mean([]),
      /values: expected a non-empty Float64Array or number\[\], got an array of 0/,
    );
    assertInvalid(() => summarize(new Float64Array(0)), /non-empty.*got a Float64Array of 0/);
  });
  it('rejects non-numeric values and non-arrays', () => {
    assertInvalid(
      () => variance([1, '2' as unknown as number]),
      /values\[1\]: expected a number.*got the string "2"/,
    );
    assertInvalid(
      () => skewness(null as unknown as number[]),
      /values: expected a Float64Array or number\[\], got null/,
    );
    assertInvalid(() => kurtosis(new Int32Array(3) as unknown as number[]), /got a Int32Array/);
  });
  it('rejects columns of different lengths', () => {
    assertInvalid(
      () => pearsonCorrelation([1, 2, 3], [1, 2]),
      /y: expected the same length as x \(3\), got an array of 2/,
    );
    assertInvalid(() => spearmanCorrelation([1, 2], [1, 2, 3]), /same length/);
  });
  it('rejects a bad ddof', () => {
    assertInvalid(() => variance([1, 2], { ddof: -1 }), /options.ddof: expected an integer >= 0/);
    assertInvalid(() => std([1, 2], { ddof: 0.5 }), /ddof/);
  });
});
