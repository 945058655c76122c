import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LatheError } from '../../core/index.js';
import { type Fold, groupKFold, holdOut, kFold, stratifiedKFold, timeSeriesSplit } from './index.js';
import { loadFixture } from '../test-fixtures.js';

interface JsonFold {
  train: number[];
  test: number[];
}
const fx = loadFixture('cv/splits.json') as {
  kfold: { n: number; k: number; folds: JsonFold[]; shuffled_sizes: number[] }[];
  stratified: {
    y: (number | string)[];
    k: number;
    folds: JsonFold[];
    shuffled_class_counts: number[][];
    classes: (number | string)[];
  }[];
  group: { groups: (number | string)[]; k: number; folds: JsonFold[] }[];
  timeseries: {
    n: number;
    opts: { n_splits?: number; gap?: number; test_size?: number; max_train_size?: number };
    folds: JsonFold[];
  }[];
  holdout: {
    n: number;
    testSize: number | null;
    trainSize: number | null;
    train: number;
    test: number;
    stratify?: number[];
    testClassCounts?: number[];
    trainClassCounts?: number[];
  }[];
};

function asArrays(folds: Fold[]): JsonFold[] {
  return folds.map((f) => ({ train: Array.from(f.train), test: Array.from(f.test) }));
}

function assertPartition(folds: Fold[], n: number): void {
  const seen = new Int32Array(n);
  for (const f of folds) {
    assert.equal(f.train.length + f.test.length, n);
    for (const i of f.test) seen[i]!++;
    const inTest = new Set(f.test);
    for (const i of f.train) assert.ok(!inTest.has(i));
  }
  assert.ok(
    seen.every((c) => c === 1),
    'every row is tested exactly once',
  );
}

function isInvalid(fn: () => unknown, pattern: RegExp): void {
  assert.throws(
    fn,
    (e: unknown) => e instanceof LatheError && e.code === 'INVALID_ARGUMENT' && pattern.test(e.message),
  );
}

describe('kFold', () => {
  it('matches scikit-learn KFold folds exactly, and shuffled fold sizes', () => {
    for (const c of fx.kfold) {
      assert.deepEqual(asArrays(kFold(c.n, { k: c.k })), c.folds);
      const shuffled = kFold(c.n, { k: c.k, shuffle: true, seed: 3 });
      assert.deepEqual(
        shuffled.map((f) => f.test.length),
        c.shuffled_sizes,
      );
      assertPartition(shuffled, c.n);
    }
  });
  it('is deterministic per seed and differs across seeds', () => {
    const a = asArrays(kFold(50, { k: 5, shuffle: true, seed: 1 }));
    assert.deepEqual(asArrays(kFold(50, { k: 5, shuffle: true, seed: 1 })), a);
    assert.notDeepEqual(asArrays(kFold(50, { k: 5, shuffle: true, seed: 2 })), a);
  });
  it('rejects k < 2, k > n and unknown options', () => {
    isInvalid(() => kFold(10, { k: 1 }), /options\.k must be an integer >= 2; got the number 1/);
    isInvalid(() => kFold(3, { k: 4 }), /greater than the number of rows \(3\)/);
    isInvalid(() => kFold(10, { folds: 3 } as never), /unknown option folds/);
  });
});

describe('stratifiedKFold', () => {
  it('matches scikit-learn StratifiedKFold folds exactly, and shuffled class counts per fold', () => {
    for (const c of fx.stratified) {
      assert.deepEqual(asArrays(stratifiedKFold(c.y, { k: c.k })), c.folds);
      const shuffled = stratifiedKFold(c.y, { k: c.k, shuffle: true, seed: 5 });
      assertPartition(shuffled, c.y.length);
      const counts = shuffled.map((f) =>
        c.classes.map((cl) => Array.from(f.test).filter((i) => c.y[i] === cl).length),
      );
      assert.deepEqual(counts, c.shuffled_class_counts);
    }
  });
  it('warns when the least populated class has fewer than k members, errors when all do', () => {
    const warnings: string[] = [];
    stratifiedKFold([0, 0, 0, 0, 1, 1], { k: 3, onWarning: (m) => warnings.push(m) });
    assert.match(warnings[0] ?? '', /only 2 members, which is less than k=3/);
    isInvalid(() => stratifiedKFold([0, 0, 1, 1, 2, 2], { k: 3 }), /number of members in each class/);
    isInvalid(() => stratifiedKFold([0, Number.NaN, 1], { k: 2 }), /y\[1\] is NaN/);
  });
});

describe('groupKFold', () => {
  it('matches scikit-learn GroupKFold folds exactly', () => {
    for (const c of fx.group) {
      const folds = groupKFold(c.groups, { k: c.k });
      assert.deepEqual(asArrays(folds), c.folds);
      assertPartition(folds, c.groups.length);
    }
  });
  it('never splits a group and rejects fewer groups than folds', () => {
    const g = [1, 1, 2, 2, 2, 3, 4, 4];
    for (const f of groupKFold(g, { k: 3 })) {
      const testGroups = new Set(Array.from(f.test, (i) => g[i]));
      for (const i of f.train) assert.ok(!testGroups.has(g[i]!));
    }
    isInvalid(() => groupKFold([1, 1, 2], { k: 3 }), /greater than the number of groups \(2\)/);
  });
});

describe('timeSeriesSplit', () => {
  it('matches scikit-learn TimeSeriesSplit (expanding, sliding, gap, test size)', () => {
    for (const c of fx.timeseries) {
      const folds = timeSeriesSplit(c.n, {
        k: c.opts.n_splits ?? 5,
        ...(c.opts.gap === undefined ? {} : { gap: c.opts.gap }),
        ...(c.opts.test_size === undefined ? {} : { testSize: c.opts.test_size }),
        ...(c.opts.max_train_size === undefined ? {} : { maxTrainSize: c.opts.max_train_size }),
      });
      assert.deepEqual(asArrays(folds), c.folds);
    }
  });
  it('rejects too many splits for the rows, test size and gap', () => {
    isInvalid(() => timeSeriesSplit(5, { k: 5 }), /cannot be greater than the number of rows/);
    isInvalid(() => timeSeriesSplit(10, { k: 3, testSize: 4 }), /too many splits/);
    isInvalid(() => timeSeriesSplit(10, { gap: -1 }), /options\.gap must be an integer >= 0/);
  });
});

describe('holdOut', () => {
  it('gives scikit-learn train_test_split sizes and stratified class counts', () => {
    for (const c of fx.holdout) {
      const split = holdOut(c.n, {
        ...(c.testSize === null ? {} : { testSize: c.testSize }),
        ...(c.trainSize === null ? {} : { trainSize: c.trainSize }),
        ...(c.stratify ? { stratify: c.stratify } : {}),
        seed: 11,
      });
      assert.equal(split.train.length, c.train);
      assert.equal(split.test.length, c.test);
      const inTrain = new Set(split.train);
      for (const i of split.test) assert.ok(!inTrain.has(i));
      if (c.stratify) {
        const y = c.stratify;
        const count = (idx: Int32Array) =>
          [0, 1, 2].map((cl) => Array.from(idx).filter((i) => y[i] === cl).length);
        assert.deepEqual(count(split.test), c.testClassCounts);
        assert.deepEqual(count(split.train), c.trainClassCounts);
      }
    }
  });
  it('without shuffling takes the first rows for training', () => {
    const s = holdOut(8, { testSize: 0.25, shuffle: false });
    assert.deepEqual(Array.from(s.train), [0, 1, 2, 3, 4, 5]);
    assert.deepEqual(Array.from(s.test), [6, 7]);
  });
  it('rejects bad sizes and single-member classes', () => {
    isInvalid(() => holdOut(10, { testSize: 1.5 }), /options\.testSize must be a share/);
    isInvalid(() => holdOut(10, { testSize: 0.5, trainSize: 0.8 }), /sum to at most 10/);
    isInvalid(() => holdOut(4, { stratify: [0, 0, 0, 1] }), /only 1 member/);
  });
});
