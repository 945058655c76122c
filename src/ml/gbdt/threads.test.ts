import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Task } from '../family.js';
import { SeededRandom } from '../seeded-random.js';
import { GradientBoosting } from './gradient-boosting.js';
import { featureRun } from './level.js';

describe('GradientBoosting on worker threads', () => {
  it('cuts the split search into contiguous runs of features with about as many bins each', () => {
    // Features 0..5 with 256, 256, 10, 10, 256, 2 slots; the search list skips feature 3.
    const offset = Int32Array.of(0, 256, 512, 522, 532, 788, 790);
    const features = Int32Array.of(0, 1, 2, 4, 5);
    assert.deepEqual(featureRun(features, offset, 0, 1), [0, 5]);
    const two = [featureRun(features, offset, 0, 2), featureRun(features, offset, 1, 2)];
    assert.deepEqual(two, [
      [0, 2],
      [2, 5],
    ]);
    const three = [0, 1, 2].map((p) => featureRun(features, offset, p, 3));
    // 256, 266 and 258 slots.
    assert.deepEqual(three, [
      [0, 1],
      [1, 3],
      [3, 5],
    ]);
    // More threads than features: some runs are empty, all of them still cover the list in order.
    const many = [0, 1, 2, 3, 4, 5, 6, 7].map((p) => featureRun(features, offset, p, 8));
    assert.equal(many[0]![0], 0);
    assert.equal(many[7]![1], 5);
    for (let p = 1; p < 8; p++) assert.equal(many[p]![0], many[p - 1]![1]);
  });

  const random = new SeededRandom(21);
  const rows = 4000;
  const cols = 7;
  const X = { data: new Float64Array(rows * cols), rows, cols };
  for (let i = 0; i < rows * cols; i++)
    X.data[i] = i % cols === 6 ? random.int(12) : random.uniform() < 0.03 ? Number.NaN : random.normal();
  const score = (i: number) =>
    (X.data[i * cols]! || 0) * 2 - (X.data[i * cols + 6]! % 3) + (X.data[i * cols + 2]! || 0);
  const cases: [Task, number, Float64Array][] = [
    ['binary', 2, Float64Array.from({ length: rows }, (_, i) => (score(i) > 0 ? 1 : 0))],
    [
      'multiclass',
      3,
      Float64Array.from({ length: rows }, (_, i) => (score(i) < -1 ? 0 : score(i) < 1 ? 1 : 2)),
    ],
    ['regression', 0, Float64Array.from({ length: rows }, (_, i) => score(i))],
  ];
  for (const [task, classes, y] of cases)
    for (const quantizedGradients of [true, false])
      it(`threads 2 and 3 fit the same ${task} model as threads 1 (${quantizedGradients ? 'quantized' : 'exact'} gradients, depth-wise and leaf-wise)`, () => {
        for (const growth of [{ maxDepth: 5 }, { maxLeaves: 12 }]) {
          const options = {
            rounds: 8,
            ...growth,
            colsampleByTree: 0.9,
            subsample: 0.9,
            categoricalFeatures: [6],
            quantizedGradients,
          };
          const one = GradientBoosting.fit(X, y, { ...options, threads: 1 }, { task, classes });
          for (const threads of [2, 3]) {
            const many = GradientBoosting.fit(X, y, { ...options, threads }, { task, classes });
            assert.deepEqual(many.save(), one.save());
          }
        }
      });

  it('threads 2 and 3 fit the same model when levels are large enough to partition in parallel', () => {
    const n = 24_000;
    const big = { data: new Float64Array(n * 3), rows: n, cols: 3 };
    for (let i = 0; i < n * 3; i++) big.data[i] = random.uniform() < 0.02 ? Number.NaN : random.normal();
    const y = Float64Array.from(
      { length: n },
      (_, i) => (big.data[3 * i]! || 0) - (big.data[3 * i + 1]! || 0),
    );
    const options = { rounds: 3, maxDepth: 4, maxBins: 32 };
    const one = GradientBoosting.fit(big, y, { ...options, threads: 1 }, { task: 'regression', classes: 0 });
    for (const threads of [2, 3]) {
      // A level's rows are cut evenly among the threads, so the first levels' nodes come in pieces.
      const many = GradientBoosting.fit(big, y, { ...options, threads }, { task: 'regression', classes: 0 });
      assert.deepEqual(many.save(), one.save(), `threads ${threads}`);
    }
  });

  it('predicts large batches on the threads with the same sums as one thread', () => {
    const n = 40_003;
    const cols = 5;
    const big = { data: new Float64Array(n * cols), rows: n, cols };
    for (let i = 0; i < big.data.length; i++)
      big.data[i] = random.uniform() < 0.05 ? Number.NaN : random.normal();
    const y3 = Float64Array.from({ length: n }, (_, i) => {
      const v = (big.data[i * cols]! || 0) + (big.data[i * cols + 1]! || 0);
      return v < -0.5 ? 0 : v < 0.5 ? 1 : 2;
    });
    for (const [task, classes, y] of [
      ['multiclass', 3, y3],
      ['binary', 2, y3.map((v) => (v === 2 ? 1 : 0))],
    ] as const) {
      const model = GradientBoosting.fit(big, y, { rounds: 12, maxDepth: 4, threads: 2 }, { task, classes });
      assert.equal(model.threads, 2, 'the fit threads predict');
      const many = model.predictRaw(big);
      model.threads = 1;
      const one = model.predictRaw(big);
      assert.deepEqual(many, one);
      model.threads = 3;
      assert.deepEqual(
        model.predictRaw({ ...big, data: big.data.slice(0, 20_001 * cols), rows: 20_001 }),
        one.slice(0, 20_001 * (task === 'multiclass' ? 3 : 1)),
      );
      assert.equal(GradientBoosting.load(model.save()).threads, 1, 'a loaded model predicts on one thread');
    }
  });
});
