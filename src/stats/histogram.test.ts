import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { assertInvalid, dataset, reference } from '../../test/fixtures/stats/reference.js';
import {
  alignCategories,
  binWithSketch,
  categoricalCounts,
  type HistogramSketch,
  histogram,
  histogramEdges,
  histogramSketch,
} from './index.js';

describe('histograms match numpy', () => {
  for (const ref of reference.histograms.filter((h: { clamped?: boolean }) => !h.clamped)) {
    it(`${ref.data}, ${ref.bins} bins`, () => {
      const edges = histogramEdges(ref.min, ref.max, ref.bins);
      // numpy's linspace arithmetic is reproduced, so the edges are bit-identical
      assert.deepEqual(edges, ref.edges);
      const values = dataset(ref.data);
      const h = histogram(values, edges);
      assert.deepEqual(h.counts, ref.counts);
      assert.equal(h.missing, ref.missing);
      assert.equal(h.total, values.length);
      assert.deepEqual(histogramSketch(values, ref.bins), h);
    });
  }

  it('bins later data on a stored sketch, clamping out-of-range values into the end bins', () => {
    const ref = reference.histograms.find((h: { clamped?: boolean }) => h.clamped);
    const stored: HistogramSketch = JSON.parse(
      JSON.stringify(histogramSketch(dataset('normal_2000_nan'), 20)),
    );
    assert.deepEqual(stored.edges, ref.edges);
    const later = dataset(ref.data);
    const binned = binWithSketch(later, stored);
    assert.deepEqual(binned.counts, ref.counts);
    assert.deepEqual(binned.edges, stored.edges);
    assert.equal(
      binned.counts.reduce((a, b) => a + b, 0),
      later.length,
    );
  });

  it('puts edge values, infinities and NaN where documented', () => {
    const h = histogram(
      [0, 1, 2, 3, -5, 9, Number.NEGATIVE_INFINITY, Number.POSITIVE_INFINITY, Number.NaN],
      [0, 1, 2, 3],
    );
    // [0,1) [1,2) [2,3]: 3 is in the last bin; -5 and -inf clamp low; 9 and +inf clamp high
    assert.deepEqual(h.counts, [3, 1, 4]);
    assert.equal(h.missing, 1);
    assert.equal(h.total, 9);
  });

  it('widens a zero-width range by 0.5 each side and defaults to [0, 1] without finite values', () => {
    assert.deepEqual(histogramEdges(4, 4, 2), [3.5, 4, 4.5]);
    const empty = histogramSketch([Number.NaN, Number.POSITIVE_INFINITY], 2);
    assert.deepEqual(empty.edges, [0, 0.5, 1]);
    assert.deepEqual(empty.counts, [0, 1]);
    assert.equal(empty.missing, 1);
  });
});

describe('histograms refuse bad input', () => {
  it('rejects bad ranges and bin counts', () => {
    assertInvalid(() => histogramEdges(2, 1, 3), /max: expected a number >= min \(2\), got the number 1/);
    assertInvalid(() => histogramEdges(0, Number.POSITIVE_INFINITY, 3), /max: expected a finite number/);
    assertInvalid(() => histogramEdges(0, 1, 0), /bins: expected a positive integer, got the number 0/);
    assertInvalid(() => histogramSketch([1, 2], 2.5), /bins: expected a positive integer/);
  });
  it('rejects edges that are too few, not finite or not increasing', () => {
    assertInvalid(() => histogram([1], [0]), /edges: expected at least 2 bin edges/);
    assertInvalid(
      () => histogram([1], [0, 1, 1]),
      /edges\[2\]: expected an edge greater than the one before \(1\)/,
    );
    assertInvalid(() => histogram([1], [0, Number.NaN]), /edges\[1\]: expected a finite number/);
    assertInvalid(() => binWithSketch([1], {} as HistogramSketch), /edges: expected an array/);
  });
  it('rejects non-numeric values', () => {
    assertInvalid(() => histogram(['a'] as unknown as number[], [0, 1]), /values\[0\]: expected a number/);
  });
});

describe('categoricalCounts', () => {
  it('counts categories by descending count, ties in first-seen order, null as missing', () => {
    const c = categoricalCounts(['b', 'a', null, 'c', 'a', undefined, 'b', 'a', '__proto__']);
    assert.deepEqual(
      [...c.counts],
      [
        ['a', 3],
        ['b', 2],
        ['c', 1],
        ['__proto__', 1],
      ],
    );
    assert.equal(c.missing, 2);
    assert.equal(c.total, 9);
  });

  it('aligns two tables on the union of categories, reference order first', () => {
    const ref = categoricalCounts(['x', 'y', 'y', 'z']);
    const cur = categoricalCounts(['y', 'w', 'w', null]);
    assert.deepEqual(alignCategories(ref, cur), {
      categories: ['y', 'x', 'z', 'w'],
      reference: [2, 1, 1, 0],
      current: [1, 0, 0, 2],
    });
  });

  it('rejects values that are not strings or null', () => {
    assertInvalid(
      () => categoricalCounts(['a', 3 as unknown as string]),
      /values\[1\]: expected a string or null, got the number 3/,
    );
    assertInvalid(
      () => categoricalCounts('abc' as unknown as string[]),
      /values: expected an array of strings/,
    );
    assertInvalid(
      () => alignCategories({} as never, categoricalCounts([])),
      /reference: expected CategoricalCounts with a counts Map/,
    );
  });
});
