import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { isLatheError } from '../core/index.js';
import { SeededRandom } from '../ml/index.js';
import { WorkerPool } from '../ml/index.js';
import { histogram, histogramEdges, ks2Samp, wasserstein1 } from '../stats/index.js';
import { NUMERIC_DRIFT_WORKER_MIN, numericDriftMany } from './numeric-drift.js';
import { countedBins, numericDriftPair, sortedBins } from './numeric-drift-tasks.js';

function sample(seed: number, n: number, draw: (r: SeededRandom) => number): Float64Array {
  const r = new SeededRandom(seed);
  return Float64Array.from({ length: n }, () => draw(r));
}

const invalidNaming = (what: RegExp) => (e: unknown) =>
  isLatheError(e) && e.code === 'INVALID_ARGUMENT' && what.test(e.message);

describe('numericDriftMany', () => {
  const pool = new WorkerPool(2);
  after(() => pool.close());
  const big = NUMERIC_DRIFT_WORKER_MIN;

  it('equals ks2Samp and wasserstein1 per pair, in order, on workers and on the calling thread', async () => {
    const pairs = [
      { a: sample(1, big, (r) => r.normal()), b: sample(2, big / 2, (r) => r.normal() + 0.05) },
      { a: sample(3, 300, (r) => r.int(7)), b: sample(4, 500, (r) => r.int(8)) },
      { a: sample(5, big / 2, (r) => r.int(50)), b: sample(6, big, (r) => r.int(50) + 1) },
      { a: Float64Array.of(1, Number.NaN, 3), b: Float64Array.of(2) },
      { a: sample(7, 2000, (r) => r.uniform()), b: sample(8, big, (r) => r.uniform() * 1.2) },
    ];
    const before = pairs.map((p) => [p.a.slice(), p.b.slice()]);
    const got = await numericDriftMany(pairs, pool);
    assert.equal(got.length, pairs.length);
    pairs.forEach(({ a, b }, i) => {
      assert.deepEqual(got[i]!.ks, ks2Samp(a, b), `pair ${i} ks`);
      assert.equal(got[i]!.wasserstein, wasserstein1(a, b).statistic, `pair ${i} wasserstein`);
      assert.deepEqual([a, b], before[i], `pair ${i} unchanged`);
    });
    assert.equal(got[0]!.ks.method, 'asymp');
    assert.equal(got[1]!.ks.method, 'exact');
  });

  it('uses the shared pool when none is given', async () => {
    const a = sample(10, big, (r) => r.normal());
    const b = sample(11, 50, (r) => r.normal());
    const [large, small] = await numericDriftMany([
      { a, b: a },
      { a: b, b },
    ]);
    assert.deepEqual(large, {
      ks: { statistic: 0, pValue: 1, method: 'asymp' },
      wasserstein: 0,
      bins: null,
      sample: { a: big, b: big },
    });
    assert.deepEqual(small!.ks, ks2Samp(b, b));
  });

  it('counts both sides on the edges as histogram() does, and samples KS and Wasserstein evenly', async () => {
    const a = sample(12, big, (r) => r.normal());
    const b = sample(13, big, (r) => r.normal() + 0.5);
    b[7] = Number.POSITIVE_INFINITY;
    b[8] = Number.NaN;
    const edges = histogramEdges(-2, 2, 10);
    const [full, sampled] = await numericDriftMany(
      [
        { a, b, edges },
        { a, b, edges, sampleSize: 1000 },
      ],
      pool,
    );
    for (const [got, values] of [
      [full!.bins!.a, a],
      [full!.bins!.b, b],
    ] as const) {
      const want = histogram(values, edges);
      assert.deepEqual(got.counts, want.counts);
      assert.equal(got.below, [...values].filter((x) => x < -2).length);
      assert.equal(got.above, [...values].filter((x) => x > 2).length);
    }
    assert.deepEqual(full!.ks, ks2Samp(a, b));
    assert.deepEqual(sampled!.bins, full!.bins, 'bins always count every value');
    assert.deepEqual(sampled!.sample, { a: 1000, b: 1000 });
    const every = (x: Float64Array) =>
      Float64Array.from({ length: 1000 }, (_, i) => x[Math.floor((i * x.length) / 1000)]!);
    assert.deepEqual(sampled!.ks, ks2Samp(every(a), every(b)));
  });

  it('returns an empty list for no pairs', async () => {
    assert.deepEqual(await numericDriftMany([], pool), []);
  });

  it('rejects an all-NaN sample, on a worker or not, naming the pair and side', async () => {
    const ok = sample(9, big, (r) => r.normal());
    await assert.rejects(
      numericDriftMany(
        [
          { a: ok, b: ok },
          { a: ok, b: new Float64Array(big).fill(Number.NaN) },
        ],
        pool,
      ),
      invalidNaming(/^pairs\[1\]\.b: expected at least one non-NaN value/),
    );
    await assert.rejects(
      numericDriftMany(
        [
          { a: ok, b: ok },
          { a: Float64Array.of(Number.NaN), b: Float64Array.of(1) },
        ],
        pool,
      ),
      invalidNaming(/^pairs\[1\]\.a: expected at least one non-NaN value/),
    );
  });

  it('rejects input that is not a list of non-empty Float64Array pairs', async () => {
    await assert.rejects(numericDriftMany('x' as never, pool), invalidNaming(/^pairs: expected an array/));
    await assert.rejects(
      numericDriftMany([{ a: Float64Array.of(1), b: [1, 2] as unknown as Float64Array }], pool),
      invalidNaming(/^pairs\[0\]\.b: expected a non-empty Float64Array .*got object/),
    );
    await assert.rejects(
      numericDriftMany([{ a: new Float64Array(0), b: Float64Array.of(1) }], pool),
      invalidNaming(/^pairs\[0\]\.a: .*got an empty Float64Array/),
    );
    await assert.rejects(
      numericDriftMany([null as never], pool),
      invalidNaming(/^pairs\[0\]\.a: .*got nothing/),
    );
  });
});

describe('countedBins counts unsorted values as sortedBins counts sorted ones', () => {
  it('agrees on edges, ends, infinities and missing values', () => {
    const edges = [-2, -1, 0, 0.5, 1, 3];
    const values = Float64Array.from([
      -2,
      -1,
      0,
      0.5,
      1,
      3,
      -3,
      4,
      Number.NEGATIVE_INFINITY,
      Number.POSITIVE_INFINITY,
      Number.NaN,
      2.999,
      -1.5,
      0.25,
      0.75,
      Number.NaN,
      3,
      -2,
    ]);
    const sorted = Float64Array.from([...values].filter((v) => !Number.isNaN(v))).sort();
    const expected = sortedBins(sorted, edges);
    assert.deepEqual(countedBins(values, edges), expected);
    assert.deepEqual(expected, { counts: [5, 1, 2, 2, 6], below: 2, above: 2 });
  });
  it('gives the same drift sampled or not for the bins (sampling only thins KS and Wasserstein)', () => {
    const rnd = new SeededRandom(3);
    const a = Float64Array.from({ length: 50_000 }, () => rnd.normal());
    const b = Float64Array.from({ length: 50_000 }, () => rnd.normal() + 0.2);
    const edges = [-4, -2, -1, 0, 1, 2, 4];
    const whole = numericDriftPair({ a, b, index: 0, edges });
    const sampled = numericDriftPair({ a, b, index: 0, edges, sampleSize: 5_000 });
    assert.deepEqual(sampled.bins, whole.bins);
    assert.deepEqual(sampled.sample, { a: 5_000, b: 5_000 });
    assert.ok(Math.abs(sampled.ks.statistic - whole.ks.statistic) < 0.03);
  });
});
