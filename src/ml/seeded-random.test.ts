import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LatheError } from '../core/index.js';
import { SeededRandom } from './index.js';

const draws = (random: SeededRandom, n: number) => Array.from({ length: n }, () => random.nextUint32());

describe('SeededRandom', () => {
  it('repeats the same sequence for the same seed and differs across seeds', () => {
    assert.deepEqual(draws(new SeededRandom(5), 100), draws(new SeededRandom(5), 100));
    assert.deepEqual(draws(new SeededRandom(), 10), draws(new SeededRandom(0), 10));
    const seeds = [0, 1, -1, 2 ** 32, 2 ** 40 + 1, Number.MAX_SAFE_INTEGER];
    const firsts = new Set(seeds.map((s) => draws(new SeededRandom(s), 4).join(',')));
    assert.equal(firsts.size, seeds.length);
  });

  it('draws uniform values in [0, 1) and integers in [0, n)', () => {
    const random = new SeededRandom(11);
    const buckets = new Array(10).fill(0);
    for (let i = 0; i < 100_000; i++) {
      const u = random.uniform();
      assert.ok(u >= 0 && u < 1);
      buckets[Math.floor(u * 10)]++;
    }
    for (const b of buckets) assert.ok(Math.abs(b - 10_000) < 500, `bucket count ${b}`);
    const seen = new Set<number>();
    for (let i = 0; i < 1000; i++) {
      const k = random.int(7);
      assert.ok(Number.isInteger(k) && k >= 0 && k < 7);
      seen.add(k);
    }
    assert.equal(seen.size, 7);
  });

  it('draws standard normal values', () => {
    const random = new SeededRandom(3);
    const n = 100_000;
    let sum = 0;
    let sumSq = 0;
    for (let i = 0; i < n; i++) {
      const z = random.normal();
      sum += z;
      sumSq += z * z;
    }
    const mean = sum / n;
    assert.ok(Math.abs(mean) < 0.02, `mean ${mean}`);
    assert.ok(Math.abs(sumSq / n - mean * mean - 1) < 0.02, `variance ${sumSq / n}`);
  });

  it('rejects a seed that is not a safe integer', () => {
    for (const seed of [0.5, Number.NaN, 2 ** 60]) {
      assert.throws(
        () => new SeededRandom(seed),
        (err: unknown) => {
          assert.ok(err instanceof LatheError);
          assert.equal(err.code, 'INVALID_ARGUMENT');
          assert.match(err.message, /seed must be a safe integer/);
          return true;
        },
      );
    }
  });
});
