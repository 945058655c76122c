import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { argsort, averageRanks } from './ranks.js';

/** A deterministic mix of ties, signs, zeros of both signs, infinities and subnormals. */
function awkward(n: number): Float64Array {
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const k = (i * 2654435761) % 1000;
    if (k < 5) out[i] = k % 2 === 0 ? -0 : 0;
    else if (k < 8) out[i] = k % 2 === 0 ? Number.NEGATIVE_INFINITY : Number.POSITIVE_INFINITY;
    else if (k < 10) out[i] = 5e-324 * (k - 8.5) * 2;
    else out[i] = ((k % 97) - 48) * (k % 3 === 0 ? 1e10 : 0.37);
  }
  return out;
}

describe('argsort and averageRanks', () => {
  for (const n of [0, 1, 50, 4095, 4096, 30_000]) {
    it(`sorts ${n} awkward values stably (${n >= 4096 ? 'radix' : 'comparator'} path)`, () => {
      const values = awkward(n);
      const order = argsort(values);
      assert.equal(order.length, n);
      assert.equal(new Set(order).size, n);
      for (let i = 1; i < n; i++) {
        const prev = values[order[i - 1]!]!;
        const cur = values[order[i]!]!;
        assert.ok(prev <= cur, `out of order at ${i}: ${prev} then ${cur}`);
        if (prev === cur) assert.ok(order[i - 1]! < order[i]!, `unstable at ${i}`);
      }
    });
  }

  it('gives tied values the average of their ranks', () => {
    assert.deepEqual(
      Array.from(averageRanks(Float64Array.from([10, 20, 10, -0, 0, 30]))),
      [3.5, 5, 3.5, 1.5, 1.5, 6],
    );
    const big = awkward(10_000);
    const ranks = averageRanks(big);
    // Rank r of v equals (count below v) + (count equal to v + 1) / 2.
    for (const i of [0, 17, 4321, 9999]) {
      let below = 0;
      let equal = 0;
      for (const v of big) {
        if (v < big[i]!) below++;
        else if (v === big[i]) equal++;
      }
      assert.equal(ranks[i], below + (equal + 1) / 2);
    }
  });
});
