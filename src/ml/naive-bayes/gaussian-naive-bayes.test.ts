import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { GaussianNaiveBayes, matrixFromRows } from '../index.js';
import { assertInvalid, loadFixture, mat } from '../test-fixtures.js';

interface Case {
  name: string;
  priors: number[] | null;
  varSmoothing: number;
  weighted: boolean;
  theta: number[];
  var: number[];
  classPrior: number[];
  classCount: number[];
  epsilon: number;
  predict: number[];
  proba: number[];
  logProba: number[];
}
const fixture = loadFixture('simple/naive-bayes.json') as {
  cols: number;
  classes: number;
  X: number[];
  y: number[];
  w: number[];
  Xt: number[];
  cases: Case[];
};
const X = mat(fixture.X, fixture.cols);
const Xt = mat(fixture.Xt, fixture.cols);
const y = Float64Array.from(fixture.y);
const w = Float64Array.from(fixture.w);

/** Largest |a − b| / max(1, |b|). */
function maxRelDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  assert.equal(a.length, b.length);
  let worst = 0;
  for (let i = 0; i < b.length; i++)
    worst = Math.max(worst, Math.abs(a[i]! - b[i]!) / Math.max(1, Math.abs(b[i]!)));
  return worst;
}

describe('GaussianNaiveBayes against scikit-learn 1.2.1', () => {
  for (const c of fixture.cases) {
    it(c.name, () => {
      const options = { varSmoothing: c.varSmoothing, ...(c.priors ? { priors: c.priors } : {}) };
      const nb = GaussianNaiveBayes.fit(X, y, options, c.weighted ? { sampleWeight: w } : {});
      assert.ok(maxRelDiff(nb.theta, c.theta) <= 1e-12, 'theta');
      assert.ok(maxRelDiff(nb.variance, c.var) <= 1e-12, 'var');
      assert.ok(maxRelDiff(nb.classPrior, c.classPrior) <= 1e-12, 'priors');
      assert.ok(maxRelDiff(nb.classCount, c.classCount) <= 1e-12, 'counts');
      assert.ok(Math.abs(nb.epsilon - c.epsilon) <= 1e-12 * c.epsilon, 'epsilon');
      assert.ok(maxRelDiff(nb.predictProba(Xt).data, c.proba) <= 1e-9, 'proba');
      assert.ok(maxRelDiff(nb.predictLogProba(Xt).data, c.logProba) <= 1e-9, 'log proba');
      assert.deepEqual(Array.from(nb.predict(Xt)), c.predict);
    });
  }
});

describe('GaussianNaiveBayes behaviour', () => {
  it('keeps a class with a constant feature usable through the smoothing term', () => {
    const nb = GaussianNaiveBayes.fit(X, y);
    // class 1 has feature 2 fixed at 3.25: its variance is exactly epsilon
    assert.equal(nb.variance[1 * fixture.cols + 2], nb.epsilon);
    const p = nb.predictProba(Xt);
    for (const v of p.data) assert.ok(Number.isFinite(v));
  });

  it('gives probabilities that sum to 1 even far from every class (log-sum-exp)', () => {
    const nb = GaussianNaiveBayes.fit(X, y);
    const far = nb.predictProba(matrixFromRows([[1e4, -1e4, 1e4, 1e4]]));
    const sum = far.data.reduce((a, b) => a + b, 0);
    assert.ok(Math.abs(sum - 1) < 1e-12, `sum ${sum}`);
  });

  it('round-trips through save and load with identical predictions', () => {
    const nb = GaussianNaiveBayes.fit(X, y, { priors: [0.2, 0.3, 0.5] }, { sampleWeight: w });
    const loaded = GaussianNaiveBayes.load(nb.save());
    assert.deepEqual(loaded.predictProba(Xt), nb.predictProba(Xt));
    assert.deepEqual(loaded.predict(Xt), nb.predict(Xt));
  });

  it('rejects bad options and bad data with clear errors', () => {
    const small = matrixFromRows([[0], [1], [2], [3]]);
    const labels = Float64Array.from([0, 0, 1, 1]);
    assertInvalid(
      () => GaussianNaiveBayes.fit(small, labels, { priors: [0.5] }),
      /one prior per class \(2\)/,
    );
    assertInvalid(() => GaussianNaiveBayes.fit(small, labels, { priors: [0.5, 0.6] }), /sum to 1; got 1\.1/);
    assertInvalid(() => GaussianNaiveBayes.fit(small, labels, { priors: [1.5, -0.5] }), /priors\[1\]/);
    assertInvalid(() => GaussianNaiveBayes.fit(small, labels, { varSmoothing: -1 }), /options\.varSmoothing/);
    assertInvalid(
      () => GaussianNaiveBayes.fit(small, labels, { alpha: 1 } as never),
      /unknown option "alpha"/,
    );
    assertInvalid(
      () => GaussianNaiveBayes.fit(small, Float64Array.from([0, 0, 2, 2])),
      /class 1 has no rows/,
    );
    assertInvalid(
      () => GaussianNaiveBayes.fit(matrixFromRows([[0], [1], [Number.NaN], [3]]), labels),
      /row 2, column 0/,
    );
    assertInvalid(
      () => GaussianNaiveBayes.fit(matrixFromRows([[1], [1], [1], [1]]), labels),
      /every column is constant/,
    );
    assertInvalid(
      () => GaussianNaiveBayes.fit(small, labels, {}, { sampleWeight: Float64Array.from([1, 1, -1, 1]) }),
      /sampleWeight.*row 2/,
    );
    assertInvalid(() => GaussianNaiveBayes.fit(small, labels).predict(matrixFromRows([[1, 2]])), /1 columns/);
  });
});
