import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isLatheError } from '../../core/index.js';
import { modelFamily } from '../families.js';
import { type Matrix, matrix } from '../matrix.js';
import { SeededRandom } from '../seeded-random.js';
import { ExtraTreesClassifier, ExtraTreesRegressor } from './extra-trees.js';
import { RandomForestClassifier, RandomForestRegressor } from './random-forest.js';

/** 600 rows × 6 columns, a 3-class label and a noisy regression target. */
function data(): { X: Matrix; yClass: Float64Array; yValue: Float64Array; weights: Float64Array } {
  const random = new SeededRandom(11);
  const rows = 600;
  const cols = 6;
  const X = new Float64Array(rows * cols);
  const yClass = new Float64Array(rows);
  const yValue = new Float64Array(rows);
  const weights = new Float64Array(rows);
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < cols; j++) X[i * cols + j] = Math.round(random.uniform() * 40) / 10;
    const s = X[i * cols]! * X[i * cols + 1]! - X[i * cols + 2]! + random.uniform();
    yClass[i] = s < 0 ? 0 : s < 4 ? 1 : 2;
    yValue[i] = s + X[i * cols + 3]!;
    weights[i] = 0.5 + random.uniform();
  }
  return { X: matrix(X, rows, cols), yClass, yValue, weights };
}

describe('forests on worker threads (options.threads, fitAsync)', () => {
  const { X, yClass, yValue, weights } = data();

  it('grows the same random forest classifier on 1 and 2 threads (trees, OOB score, predictions)', async () => {
    const options = { trees: 12, oobScore: true, seed: 3 };
    const sync = RandomForestClassifier.fit(X, yClass, options);
    const one = await RandomForestClassifier.fitAsync(X, yClass, { ...options, threads: 1 });
    const two = await RandomForestClassifier.fitAsync(X, yClass, { ...options, threads: 2 });
    assert.ok(two instanceof RandomForestClassifier);
    assert.deepEqual(two.forest, sync.forest);
    assert.deepEqual(one.forest, sync.forest);
    assert.equal(two.oobScore, sync.oobScore);
    assert.deepEqual(two.predictProba(X), sync.predictProba(X));
    assert.deepEqual(two.featureImportances, sync.featureImportances);
  });

  it('grows the same extra trees and weighted regressors on 1 and 2 threads', async () => {
    const extra = { sampleWeight: weights };
    for (const cls of [RandomForestRegressor, ExtraTreesRegressor] as const) {
      const options = { trees: 8, maxDepth: 6, seed: 4 };
      const sync = cls.fit(X, yValue, options, extra);
      const two = await cls.fitAsync(X, yValue, { ...options, threads: 2 }, extra);
      assert.deepEqual(two.forest, sync.forest);
      assert.deepEqual(two.predict(X), sync.predict(X));
    }
    const et = await ExtraTreesClassifier.fitAsync(X, yClass, { trees: 6, seed: 2, threads: 2 });
    assert.deepEqual(et.forest, ExtraTreesClassifier.fit(X, yClass, { trees: 6, seed: 2 }).forest);
  });

  it('the rf and extra-trees families fit asynchronously on threads to the same model as fit', async () => {
    for (const name of ['rf', 'extra-trees']) {
      const family = modelFamily(name);
      const context = { task: 'multiclass' as const, classes: 3 };
      const params = { trees: 4, seed: 2, threads: 2 };
      const a = await family.fitAsync!(X, yClass, params, context);
      const b = family.fit(X, yClass, params, context);
      assert.deepEqual(a.predictProba!(X), b.predictProba!(X));
      assert.ok('threads' in family.params);
    }
  });

  it('fit accepts threads and grows on the calling thread; the saved model round-trips', () => {
    const model = RandomForestClassifier.fit(X, yClass, { trees: 3, seed: 1, threads: 2 });
    assert.equal(model.treeCount, 3);
    assert.deepEqual(RandomForestClassifier.load(model.save()).predict(X), model.predict(X));
  });

  it('rejects a bad thread count and bad input before any thread starts', async () => {
    const invalid = (pattern: RegExp) => (err: unknown) =>
      isLatheError(err) && err.code === 'INVALID_ARGUMENT' && pattern.test(err.message);
    await assert.rejects(
      RandomForestClassifier.fitAsync(X, yClass, { threads: 0 }),
      invalid(/options.threads must be an integer 1..256; got 0/),
    );
    assert.throws(
      () => RandomForestClassifier.fit(X, yClass, { threads: 1.5 }),
      invalid(/options.threads must be an integer 1..256; got 1.5/),
    );
    const bad = Float64Array.from(yClass);
    bad[7] = 0.5;
    await assert.rejects(
      RandomForestClassifier.fitAsync(X, bad, { threads: 2 }),
      invalid(/y must hold class indices 0..k-1; got 0.5 at row 7/),
    );
  });
});

describe('forest progress and stop', () => {
  const { X, yClass } = data();

  it('reports each tree and stops between trees with what it grew (one thread and two)', async () => {
    const seen: number[] = [];
    let stop = false;
    const one = RandomForestClassifier.fit(
      X,
      yClass,
      { trees: 20 },
      {
        onTree: (done, total) => {
          seen.push(done);
          assert.equal(total, 20);
          stop = done >= 3;
        },
        shouldStop: () => stop,
      },
    );
    assert.deepEqual(seen, [1, 2, 3]);
    assert.equal(one.treeCount, 3);
    // The three trees are the first three of the full forest: same predictions as trees: 3.
    const three = RandomForestClassifier.fit(X, yClass, { trees: 3 });
    assert.deepEqual(one.predictProba(X).data, three.predictProba(X).data);

    let waves = 0;
    const two = await RandomForestClassifier.fitAsync(
      X,
      yClass,
      { trees: 40, threads: 2 },
      {
        onTree: () => {
          waves++;
        },
        shouldStop: () => waves >= 1,
      },
    );
    assert.equal(two.treeCount, 8, 'one wave of 4 trees per thread');
  });

  it('the rf family reports progress and stops through its context', () => {
    let calls = 0;
    const model = modelFamily('rf').fit(
      X,
      yClass,
      { trees: 30 },
      {
        task: 'multiclass',
        classes: 3,
        onProgress: () => {
          calls++;
        },
        shouldStop: () => calls >= 5,
      },
    );
    assert.equal(calls, 5);
    assert.equal(model.save().arrays['treeStart']!.length, 6);
  });
});
