import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SeededRandom } from '../seeded-random.js';
import { binData, binOf } from './binning.js';

describe('gbdt binning', () => {
  for (const [name, distinct] of [
    ['many distinct values', 0],
    ['few distinct values', 9],
  ] as const)
    it(`bins every row as the bounds say (${name}, NaN in the missing bin)`, () => {
      const random = new SeededRandom(9);
      const rows = 5_000;
      const cols = 2;
      const data = Float64Array.from({ length: rows * cols }, (_, i) => {
        if (random.uniform() < 0.05) return Number.NaN;
        const v = distinct ? random.int(distinct) - 4 : random.normal();
        return i % cols === 0 ? v : -v * 1e6;
      });
      data[0] = -0;
      data[2] = 0;
      for (const maxBins of [256, 16]) {
        const binned = binData({ data, rows, cols }, maxBins, rows, [], 0, false);
        for (let f = 0; f < cols; f++) {
          const upper = binned.upper[f]!;
          assert.ok(upper.length <= Math.min(maxBins, 255));
          for (let r = 0; r < rows; r++) {
            const v = data[r * cols + f]!;
            const want = Number.isNaN(v) ? binned.nBins[f]! : binOf(upper, v);
            assert.equal(binned.colBins[f * rows + r], want, `row ${r}, feature ${f}: ${v}`);
          }
        }
        // The same bounds as when they come from a sample that is every row.
        const sampled = binData({ data, rows, cols }, maxBins, rows - 1, [], 0, false);
        if (distinct) assert.deepEqual(sampled.upper, binned.upper);
      }
    });
});
