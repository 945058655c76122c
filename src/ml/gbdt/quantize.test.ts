import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { rocAuc } from '../metrics/index.js';
import { SeededRandom } from '../seeded-random.js';
import { GradientBoosting } from './gradient-boosting.js';
import type { GrownTree } from './grow.js';
import { buildHistogram, unpack } from './histogram.js';
import { rowShare } from './hist-worker-protocol.js';
import {
  combineLeafSums,
  gradientBits,
  indexLeaves,
  LEAF_BLOCKS,
  leafBlockSums,
  leafRanges,
  packRows,
  QUANT_CHUNK,
  quantizeGradients,
  renewLeaves,
} from './quantize.js';
import { leafWeight, type SplitParams } from './split.js';

/** The integer gradient and hessian a packed value holds. */
function parts(v: number, shift: number): [number, number] {
  const g = Math.floor(v / 2 ** shift);
  return [g, v - g * 2 ** shift];
}

describe('quantized gradients', () => {
  it('uses as many bits as the row count allows, and none past 2^24 rows', () => {
    assert.equal(gradientBits(1_000), 16);
    assert.equal(gradientBits(200_000), 8);
    assert.equal(gradientBits(1_000_000), 6);
    assert.equal(gradientBits(2 ** 24 - 1), 2);
    assert.equal(gradientBits(2 ** 24), 0);
  });

  it('packs integers within the bit budget on power-of-two steps, and sums decode exactly', () => {
    const random = new SeededRandom(3);
    const n = 5_000;
    const grad = new Float64Array(2 * n);
    for (let r = 0; r < n; r++) {
      grad[2 * r] = random.normal() * 0.7;
      grad[2 * r + 1] = random.uniform() * 0.25;
    }
    const bits = gradientBits(n);
    const q = quantizeGradients(grad, n, new Float64Array(n), bits, 11);
    assert.ok(Number.isInteger(Math.log2(q.gScale)), 'the gradient step is a power of two');
    assert.ok(Number.isInteger(Math.log2(q.hScale)), 'the hessian step is a power of two');
    const top = 2 ** bits - 1;
    let gSum = 0;
    let hSum = 0;
    let packedSum = 0;
    for (let r = 0; r < n; r++) {
      const [g, h] = parts(q.packed[r]!, q.shift);
      assert.ok(Math.abs(g) <= top && h >= 0 && h <= top, `row ${r}: ${g}, ${h} within ${bits} bits`);
      // Rounded down or up: never more than one step away from the exact value.
      assert.ok(Math.abs(g * q.gScale - grad[2 * r]!) < q.gScale);
      assert.ok(Math.abs(h * q.hScale - grad[2 * r + 1]!) < q.hScale);
      gSum += g;
      hSum += h;
      packedSum += q.packed[r]!;
    }
    const { G, H } = unpack(packedSum, q);
    assert.equal(G, gSum * q.gScale);
    assert.equal(H, hSum * q.hScale);
  });

  it('keeps the largest possible sums exact (below 2^53)', () => {
    const n = 200_000;
    const bits = gradientBits(n);
    for (const sign of [1, -1]) {
      const grad = new Float64Array(2 * n);
      for (let r = 0; r < n; r++) {
        grad[2 * r] = sign;
        grad[2 * r + 1] = 1;
      }
      const q = quantizeGradients(grad, n, new Float64Array(n), bits, 0);
      let sum = 0;
      for (let r = 0; r < n; r++) sum += q.packed[r]!;
      assert.ok(Math.abs(sum) < 2 ** 53);
      const { G, H } = unpack(sum, q);
      assert.equal(G, sign * n, 'every row at the top of the range');
      assert.equal(H, n);
    }
  });

  it('rounds without bias, the same way for the same seed', () => {
    const n = 100_000;
    const grad = new Float64Array(2 * n);
    for (let r = 0; r < n; r++) {
      grad[2 * r] = r === 0 ? 1 : 0.1234;
      grad[2 * r + 1] = r === 0 ? 1 : 0.0031;
    }
    const q = quantizeGradients(grad, n, new Float64Array(n), gradientBits(n), 5);
    let g = 0;
    let h = 0;
    for (let r = 1; r < n; r++) {
      const [gi, hi] = parts(q.packed[r]!, q.shift);
      g += gi * q.gScale;
      h += hi * q.hScale;
    }
    // 0.1234 and 0.0031 fall between steps of 1/128: the mean of the rounded values is still them.
    assert.ok(Math.abs(g / (n - 1) - 0.1234) < 0.0005, `mean gradient ${g / (n - 1)}`);
    assert.ok(Math.abs(h / (n - 1) - 0.0031) < 0.0005, `mean hessian ${h / (n - 1)}`);
    const again = quantizeGradients(grad, n, new Float64Array(n), gradientBits(n), 5);
    assert.deepEqual(again.packed, q.packed);
    const other = quantizeGradients(grad, n, new Float64Array(n), gradientBits(n), 6);
    assert.notDeepEqual(other.packed, q.packed);
  });

  it('builds packed histograms equal to plain sums, over any feature range and column parity', () => {
    const random = new SeededRandom(12);
    for (const cols of [6, 7]) {
      const rows = 3_000;
      const offset = Int32Array.from({ length: cols + 1 }, (_, f) => f * 10);
      const slot = Uint16Array.from({ length: rows * cols }, (_, i) => (i % cols) * 10 + random.int(10));
      const packed = Float64Array.from(
        { length: rows },
        () => (random.int(511) - 255) * 2 ** 20 + random.int(256),
      );
      const picked = Int32Array.from(
        Array.from({ length: rows }, (_, r) => r).filter(() => random.uniform() < 0.4),
      );
      const features = Int32Array.from({ length: cols }, (_, f) => f);
      for (const [a, b] of [
        [0, cols],
        [1, cols],
        [1, 4],
        [2, 3],
      ] as const) {
        const hist = new Float64Array(2 * offset[cols]!).fill(7);
        buildHistogram(slot, cols, offset, packed, picked, 0, picked.length, features, a, b, hist, 1);
        const want = new Float64Array(offset[cols]!);
        for (const r of picked) for (let f = a; f < b; f++) want[slot[r * cols + f]!]! += packed[r]!;
        for (let f = a; f < b; f++)
          for (let s = offset[f]!; s < offset[f + 1]!; s++)
            assert.equal(hist[s], want[s], `${cols} columns, features ${a}..${b}, slot ${s}`);
      }
    }
  });

  it('packs the same values whatever chunk-aligned shares of the rows the threads take', () => {
    const random = new SeededRandom(2);
    const n = 3 * QUANT_CHUNK + 123;
    const grad = Float64Array.from({ length: 2 * n }, (_, i) => (i % 2 ? random.uniform() : random.normal()));
    const whole = quantizeGradients(grad, n, new Float64Array(n), gradientBits(n), 9);
    for (const threads of [2, 3, 5]) {
      const packed = new Float64Array(n);
      for (let t = 0; t < threads; t++) {
        const [r0, r1] = rowShare(n, t, threads);
        assert.equal(r0 % QUANT_CHUNK, 0, 'shares start on a chunk');
        packRows(grad, r0, r1, packed, whole, 9);
      }
      assert.deepEqual(packed, whole.packed, `${threads} threads`);
    }
  });

  it('recomputes leaf values and covers from the exact gradients', () => {
    // A root split in two leaves: rows 0..2 left, 3..4 right (positions in `rows`).
    const rows = Int32Array.of(4, 0, 2, 1, 3);
    const grad = Float64Array.of(0.5, 0.25, -0.25, 0.125, 0.75, 0.2, -0.5, 0.1, 0.3, 0.3);
    const tree: GrownTree = {
      feature: Int32Array.of(0, -1, -1),
      bin: Int32Array.of(3, -1, -1),
      missingLeft: new Uint8Array(3),
      catBits: [null, null, null],
      left: Int32Array.of(1, -1, -1),
      right: Int32Array.of(2, -1, -1),
      weight: new Float64Array(3),
      cover: new Float64Array(3),
      lower: Float64Array.of(-Infinity, -Infinity, -0.1),
      upper: Float64Array.of(Infinity, Infinity, Infinity),
      gain: Float64Array.of(1, 0, 0),
      start: Int32Array.of(0, 0, 3),
      end: Int32Array.of(5, 3, 5),
    };
    const p: SplitParams = {
      lambda: 1,
      alpha: 0,
      minChildWeight: 1,
      maxCatThreshold: 32,
      catSmooth: 10,
      monotone: new Int8Array(0),
    };
    const ranges = new Int32Array(4);
    assert.equal(leafRanges(tree, ranges), 2);
    const G = new Float64Array(2);
    const H = new Float64Array(2);
    const leafOf = new Int32Array(5);
    indexLeaves(ranges, 0, 2, rows, leafOf);
    assert.deepEqual([...leafOf], [0, 1, 0, 1, 0]);
    const partial = new Float64Array(2 * LEAF_BLOCKS * 3);
    leafBlockSums(leafOf, grad, 5, 0, LEAF_BLOCKS, 3, partial);
    combineLeafSums(partial, 2, G, H);
    renewLeaves(tree, G, H, p);
    const sums = (rs: number[]): [number, number] => [
      rs.reduce((g, r) => g + grad[2 * r]!, 0),
      rs.reduce((h, r) => h + grad[2 * r + 1]!, 0),
    ];
    const [gl, hl] = sums([0, 2, 4]);
    const [gr, hr] = sums([1, 3]);
    assert.equal(tree.weight[1], leafWeight(gl, hl, p, -Infinity, Infinity));
    assert.equal(
      tree.weight[2],
      Math.max(leafWeight(gr, hr, p, -Infinity, Infinity), -0.1),
      'within its bounds',
    );
    assert.equal(tree.cover[1], hl);
    assert.equal(tree.cover[2], hr);
    assert.equal(tree.cover[0], hl + hr);
    assert.equal(tree.weight[0], leafWeight(gl + gr, hl + hr, p, -Infinity, Infinity));
  });

  it('trains models as good as exact sums, deterministic for a seed', () => {
    const random = new SeededRandom(8);
    const rows = 20_000;
    const cols = 8;
    const X = { data: new Float64Array(rows * cols), rows, cols };
    for (let i = 0; i < X.data.length; i++) X.data[i] = random.normal();
    const y = Float64Array.from({ length: rows }, (_, r) => {
      const x = X.data.subarray(r * cols, (r + 1) * cols);
      return x[0]! * x[1]! + Math.sin(2 * x[2]!) - 0.5 * x[3]! + random.normal() * 0.5 > 0 ? 1 : 0;
    });
    const train = { data: X.data.subarray(0, 15_000 * cols), rows: 15_000, cols };
    const test = { data: X.data.subarray(15_000 * cols), rows: 5_000, cols };
    const auc = (quantizedGradients: boolean) => {
      const m = GradientBoosting.fit(
        train,
        y.subarray(0, 15_000),
        { rounds: 60, maxDepth: 5, quantizedGradients },
        { task: 'binary', classes: 2 },
      );
      const p = m.predictProba(test);
      return {
        auc: rocAuc(
          y.subarray(15_000),
          Float64Array.from({ length: test.rows }, (_, i) => p.data[2 * i + 1]!),
        ),
        saved: m.save(),
      };
    };
    const exact = auc(false);
    const quantized = auc(true);
    assert.ok(exact.auc > 0.85, `the task is learnable (${exact.auc})`);
    assert.ok(quantized.auc > exact.auc - 0.003, `AUC ${quantized.auc} vs ${exact.auc}`);
    assert.deepEqual(auc(true).saved, quantized.saved);
  });

  it('refuses a quantizedGradients option that is not a boolean', () => {
    const X = { data: Float64Array.of(1, 2, 3, 4), rows: 4, cols: 1 };
    assert.throws(
      () =>
        GradientBoosting.fit(X, Float64Array.of(0, 1, 0, 1), { quantizedGradients: 'yes' } as never, {
          task: 'binary',
          classes: 2,
        }),
      /quantizedGradients must be true or false; got the string "yes"/,
    );
  });
});
