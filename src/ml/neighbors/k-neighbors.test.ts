import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  KNeighborsClassifier,
  KNeighborsRegressor,
  type Matrix,
  matrixFromRows,
  SeededRandom,
} from '../index.js';
import { assertInvalid, loadFixture, mat } from '../test-fixtures.js';

interface Case {
  k: number;
  weights: 'uniform' | 'distance';
  metric: 'euclidean' | 'manhattan' | 'minkowski';
  p: number;
  predict: number[];
  proba: number[];
  regress: number[];
  neighbors: number[];
  distances: number[];
}
const fixture = loadFixture('simple/neighbors.json') as {
  cols: number;
  classes: number;
  X: number[];
  y: number[];
  yr: number[];
  Xt: number[];
  cases: Case[];
};

const X = mat(fixture.X, fixture.cols);
const Xt = mat(fixture.Xt, fixture.cols);
const y = Float64Array.from(fixture.y);
const yr = Float64Array.from(fixture.yr);

function assertClose(
  actual: ArrayLike<number>,
  expected: ArrayLike<number>,
  tol: number,
  what: string,
): void {
  assert.equal(actual.length, expected.length, `${what}: length`);
  for (let i = 0; i < expected.length; i++) {
    const diff = Math.abs(actual[i]! - expected[i]!);
    assert.ok(diff <= tol, `${what}[${i}]: ${actual[i]} vs ${expected[i]} (diff ${diff})`);
  }
}

describe('k-nearest neighbours against scikit-learn 1.2.1', () => {
  for (const c of fixture.cases) {
    for (const algorithm of ['brute', 'kd-tree'] as const) {
      it(`k=${c.k} ${c.weights} ${c.metric} p=${c.p} (${algorithm})`, () => {
        const options = { k: c.k, weights: c.weights, metric: c.metric, p: c.p, algorithm };
        const clf = KNeighborsClassifier.fit(X, y, options);
        const found = clf.kNeighbors(Xt);
        assert.deepEqual(Array.from(found.indices), c.neighbors);
        assertClose(found.distances, c.distances, 1e-12, 'distances');
        assert.deepEqual(Array.from(clf.predict(Xt)), c.predict);
        const proba = clf.predictProba(Xt);
        assert.equal(proba.cols, fixture.classes);
        // uniform probabilities are counts / k and equal exactly; 1/distance weights agree to rounding
        assertClose(proba.data, c.proba, c.weights === 'uniform' ? 0 : 1e-12, 'proba');
        const reg = KNeighborsRegressor.fit(X, yr, options);
        assertClose(reg.predict(Xt), c.regress, 1e-12, 'regression');
      });
    }
  }
});

describe('k-nearest neighbours behaviour', () => {
  it('breaks distance ties by the lower training index and votes ties by the lower class', () => {
    const train = matrixFromRows([[1], [-1], [2], [-2]]);
    const clf = KNeighborsClassifier.fit(train, Float64Array.from([1, 0, 1, 0]), { k: 2 });
    const found = clf.kNeighbors(matrixFromRows([[0]]));
    assert.deepEqual(Array.from(found.indices), [0, 1]);
    assert.deepEqual(Array.from(clf.predict(matrixFromRows([[0]]))), [0]);
    assert.deepEqual(Array.from(clf.predictProba(matrixFromRows([[0]])).data), [0.5, 0.5]);
  });

  it('gives rows at distance 0 all the weight with distance weights', () => {
    const train = matrixFromRows([
      [0, 0],
      [1, 0],
      [0, 1],
    ]);
    const clf = KNeighborsClassifier.fit(train, Float64Array.from([0, 1, 1]), { k: 3, weights: 'distance' });
    assert.deepEqual(Array.from(clf.predictProba(matrixFromRows([[0, 0]])).data), [1, 0]);
    const reg = KNeighborsRegressor.fit(train, Float64Array.from([5, 1, 3]), { k: 3, weights: 'distance' });
    assert.deepEqual(
      Array.from(
        reg.predict(
          matrixFromRows([
            [0, 0],
            [1, 0],
          ]),
        ),
      ),
      [5, 1],
    );
  });

  it('finds the same neighbours with the KD-tree and brute force on larger data', () => {
    const random = new SeededRandom(3);
    const rows = 2000;
    const cols = 4;
    const data = Float64Array.from({ length: rows * cols }, () => Math.round(random.normal() * 4) / 4);
    const train: Matrix = { data, rows, cols };
    const query: Matrix = { data: data.subarray(0, 200 * cols).map((v) => v + 0.125), rows: 200, cols };
    const yy = Float64Array.from({ length: rows }, (_, i) => i % 3);
    for (const metric of ['euclidean', 'manhattan', 'minkowski'] as const) {
      const brute = KNeighborsClassifier.fit(train, yy, { k: 7, metric, p: 3, algorithm: 'brute' });
      const tree = KNeighborsClassifier.fit(train, yy, { k: 7, metric, p: 3, algorithm: 'kd-tree' });
      const a = brute.kNeighbors(query);
      const b = tree.kNeighbors(query);
      assert.deepEqual(Array.from(b.indices), Array.from(a.indices), metric);
      assert.deepEqual(Array.from(b.distances), Array.from(a.distances), metric);
    }
  });

  it('round-trips through save and load with identical predictions', () => {
    const clf = KNeighborsClassifier.fit(X, y, { k: 5, weights: 'distance', metric: 'manhattan' });
    const clf2 = KNeighborsClassifier.load(clf.save());
    assert.deepEqual(clf2.predictProba(Xt), clf.predictProba(Xt));
    assert.equal(clf2.classes, clf.classes);
    const reg = KNeighborsRegressor.fit(X, yr, { k: 3, metric: 'minkowski', p: 1.5 });
    const saved = reg.save();
    assert.equal(saved.kind, 'knn-regressor');
    assert.deepEqual(KNeighborsRegressor.load(saved).predict(Xt), reg.predict(Xt));
    assertInvalid(() => KNeighborsRegressor.load(clf.save()), /knn-regressor/);
  });

  it('rejects bad options and bad data with clear errors', () => {
    const small = matrixFromRows([[0], [1], [2]]);
    const labels = Float64Array.from([0, 1, 1]);
    assertInvalid(
      () => KNeighborsClassifier.fit(small, labels, { k: 4 }),
      /options\.k must be at most .*\(3\); got 4/,
    );
    assertInvalid(
      () => KNeighborsClassifier.fit(small, labels, { k: 0 }),
      /options\.k must be an integer >= 1/,
    );
    assertInvalid(
      () => KNeighborsRegressor.fit(small, labels, { k: 1, p: 0.5, metric: 'minkowski' }),
      /options\.p/,
    );
    assertInvalid(
      () => KNeighborsClassifier.fit(small, labels, { k: 1, metric: 'cosine' as 'euclidean' }),
      /options\.metric must be one of euclidean, manhattan, minkowski/,
    );
    assertInvalid(() => KNeighborsClassifier.fit(small, labels, { kk: 1 } as never), /unknown option "kk"/);
    assertInvalid(
      () =>
        KNeighborsClassifier.fit(matrixFromRows([[0], [Number.NaN]]), Float64Array.from([0, 1]), { k: 1 }),
      /row 1, column 0/,
    );
    assertInvalid(
      () => KNeighborsClassifier.fit(small, Float64Array.from([0, 0.5, 1]), { k: 1 }),
      /class indices.*row 1/,
    );
    const clf = KNeighborsClassifier.fit(small, labels, { k: 1 });
    assertInvalid(() => clf.predict(matrixFromRows([[0, 1]])), /1 columns/);
    assertInvalid(() => clf.predict(matrixFromRows([[Number.POSITIVE_INFINITY]])), /row 0, column 0/);
  });
});
