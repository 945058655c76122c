import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LatheError } from '../../core/index.js';
import {
  ExtraTreesClassifier,
  ExtraTreesRegressor,
  type Matrix,
  matrix,
  RandomForestClassifier,
  RandomForestRegressor,
} from '../index.js';
import { growForestTree, treeSeeds } from './forest-fit.js';
import { growTree } from './grow-tree.js';
import { SeededRandom } from '../seeded-random.js';
import { resolveGrowParams, prepareFit } from './options.js';
import { loadFixture } from '../test-fixtures.js';

interface ForestFixture {
  X: number[];
  y: number[];
  rows: number;
  cols: number;
  trainRows: number;
  informative: number[];
  results: Record<
    'randomForest' | 'extraTrees',
    { accuracy?: number; r2?: number; importances: number[]; oobScore: number | null }
  >;
}

function load(name: string): {
  train: Matrix;
  yTrain: Float64Array;
  test: Matrix;
  yTest: Float64Array;
  f: ForestFixture;
} {
  const f = loadFixture(`tree/${name}`) as ForestFixture;
  const X = Float64Array.from(f.X);
  const y = Float64Array.from(f.y);
  const n = f.trainRows;
  return {
    train: matrix(X.slice(0, n * f.cols), n, f.cols),
    yTrain: y.slice(0, n),
    test: matrix(X.slice(n * f.cols), f.rows - n, f.cols),
    yTest: y.slice(n),
    f,
  };
}

function accuracy(p: Float64Array, y: Float64Array): number {
  let c = 0;
  for (let i = 0; i < y.length; i++) if (p[i] === y[i]) c++;
  return c / y.length;
}

function r2(p: Float64Array, y: Float64Array): number {
  const mean = y.reduce((a, b) => a + b) / y.length;
  let res = 0;
  let tot = 0;
  for (let i = 0; i < y.length; i++) {
    res += (p[i]! - y[i]!) ** 2;
    tot += (y[i]! - mean) ** 2;
  }
  return 1 - res / tot;
}

/** The informative features outrank every other one, in ours as in scikit-learn's. */
function assertInformativeFirst(importances: ArrayLike<number>, informative: number[]): void {
  const ranked = Array.from(importances, (v, j) => [v, j] as const).sort((a, b) => b[0] - a[0]);
  const top = ranked.slice(0, informative.length).map(([, j]) => j);
  assert.deepEqual([...top].sort(), [...informative].sort(), `ranking ${ranked.map(([, j]) => j)}`);
  assert.ok(Math.abs(Array.from(importances).reduce((a, b) => a + b) - 1) < 1e-9);
}

describe('forest classifiers agree with scikit-learn', () => {
  const { train, yTrain, test, yTest, f } = load('forest-classification.json');
  it('random forest: held-out accuracy within 2 points, OOB score close, informative features ranked first', () => {
    const model = RandomForestClassifier.fit(train, yTrain, { trees: 100, oobScore: true, seed: 1 });
    const acc = accuracy(model.predict(test), yTest);
    const ref = f.results.randomForest;
    assert.ok(Math.abs(acc - ref.accuracy!) <= 0.02, `accuracy ${acc} vs ${ref.accuracy}`);
    assert.ok(Math.abs(model.oobScore! - ref.oobScore!) <= 0.03, `oob ${model.oobScore} vs ${ref.oobScore}`);
    assertInformativeFirst(model.featureImportances, f.informative);
    assertInformativeFirst(ref.importances, f.informative);
  });
  it('extra trees: held-out accuracy within 2 points, informative features ranked first', () => {
    const model = ExtraTreesClassifier.fit(train, yTrain, { trees: 100, seed: 1 });
    const acc = accuracy(model.predict(test), yTest);
    const ref = f.results.extraTrees;
    assert.ok(Math.abs(acc - ref.accuracy!) <= 0.02, `accuracy ${acc} vs ${ref.accuracy}`);
    assertInformativeFirst(model.featureImportances, f.informative);
  });
  it('predictProba is the mean of the trees, rows sum to 1, predict is its argmax', () => {
    const model = RandomForestClassifier.fit(train, yTrain, { trees: 7, maxDepth: 4, seed: 2 });
    const proba = model.predictProba(test);
    const predicted = model.predict(test);
    for (let r = 0; r < test.rows; r++) {
      const row = Array.from(proba.data.subarray(r * 3, r * 3 + 3));
      assert.ok(Math.abs(row.reduce((a, b) => a + b) - 1) < 1e-12);
      assert.equal(predicted[r], row.indexOf(Math.max(...row)));
    }
  });
  it('is deterministic given the seed; save and load round-trip to identical predictions', () => {
    const options = { trees: 10, maxSamples: 0.5, maxFeatures: 'log2' as const, seed: 5, oobScore: true };
    const a = RandomForestClassifier.fit(train, yTrain, options);
    const b = RandomForestClassifier.fit(train, yTrain, options);
    assert.deepEqual(a.forest, b.forest);
    assert.notDeepEqual(
      RandomForestClassifier.fit(train, yTrain, { ...options, seed: 6 }).forest.feature,
      a.forest.feature,
    );
    const loaded = RandomForestClassifier.load(a.save());
    assert.deepEqual(loaded.predictProba(test), a.predictProba(test));
    assert.equal(loaded.oobScore, a.oobScore);
    const et = ExtraTreesClassifier.fit(train, yTrain, { trees: 5, seed: 1 });
    assert.deepEqual(ExtraTreesClassifier.load(et.save()).predictProba(test), et.predictProba(test));
  });
  it('grows each tree as a pure function of (data, weights, parameters, seed), in any order', () => {
    const model = RandomForestClassifier.fit(train, yTrain, { trees: 4, maxDepth: 5, seed: 9 });
    const params = resolveGrowParams({ maxDepth: 5 }, train.rows, train.cols, true, 'sqrt', 'best');
    const { data, weights } = prepareFit(train, yTrain, true, undefined);
    const seeds = treeSeeds(9, 4);
    for (const t of [3, 1, 0, 2]) {
      const tree = growForestTree(data, weights, params, { bootstrap: true, samples: train.rows }, seeds[t]!);
      const a = model.forest.treeStart[t]!;
      assert.deepEqual(tree.feature, model.forest.feature.slice(a, model.forest.treeStart[t + 1]!));
    }
  });
  it('grows the same tree whichever sort path the split search takes', () => {
    const params = resolveGrowParams({ maxFeatures: 3 }, train.rows, train.cols, true, null, 'best');
    const { data, weights } = prepareFit(train, yTrain, true, undefined);
    const indices = Int32Array.from(weights.keys());
    const grow = (d: typeof data) => growTree(d, indices, weights, train.rows, params, new SeededRandom(4));
    const packed32 = grow(data);
    assert.deepEqual(grow({ ...data, wideKeys: true }), packed32);
    assert.deepEqual(grow({ ...data, ranks: undefined, rankValues: undefined }), packed32);
  });
  it('rejects bad options before fitting', () => {
    const check = (fn: () => unknown, pattern: RegExp) =>
      assert.throws(
        fn,
        (e: unknown) => e instanceof LatheError && e.code === 'INVALID_ARGUMENT' && pattern.test(e.message),
      );
    check(
      () => RandomForestClassifier.fit(train, yTrain, { trees: 0 }),
      /options.trees must be an integer >= 1/,
    );
    check(
      () => RandomForestClassifier.fit(train, yTrain, { nEstimators: 5 } as never),
      /unknown option nEstimators/,
    );
    check(
      () => ExtraTreesClassifier.fit(train, yTrain, { oobScore: true }),
      /oobScore needs options.bootstrap/,
    );
    check(
      () => RandomForestClassifier.fit(train, yTrain, { maxSamples: 5000 }),
      /maxSamples must be an integer 1\.\.1000/,
    );
    check(
      () => RandomForestRegressor.load(RandomForestClassifier.fit(train, yTrain, { trees: 1 }).save()),
      /kind random-forest-regressor/,
    );
  });
});

describe('forest regressors agree with scikit-learn', () => {
  const { train, yTrain, test, yTest, f } = load('forest-regression.json');
  it('random forest: held-out R² within 0.02, OOB R² close, informative features ranked first', () => {
    const model = RandomForestRegressor.fit(train, yTrain, { trees: 100, oobScore: true, seed: 1 });
    const score = r2(model.predict(test), yTest);
    const ref = f.results.randomForest;
    assert.ok(Math.abs(score - ref.r2!) <= 0.02, `R² ${score} vs ${ref.r2}`);
    assert.ok(Math.abs(model.oobScore! - ref.oobScore!) <= 0.03, `oob ${model.oobScore} vs ${ref.oobScore}`);
    assertInformativeFirst(model.featureImportances, f.informative);
  });
  it('extra trees: held-out R² within 0.02, informative features ranked first; round-trips', () => {
    const model = ExtraTreesRegressor.fit(train, yTrain, { trees: 100, seed: 1 });
    const score = r2(model.predict(test), yTest);
    const ref = f.results.extraTrees;
    assert.ok(Math.abs(score - ref.r2!) <= 0.02, `R² ${score} vs ${ref.r2}`);
    assertInformativeFirst(model.featureImportances, f.informative);
    assert.deepEqual(ExtraTreesRegressor.load(model.save()).predict(test), model.predict(test));
  });
});
