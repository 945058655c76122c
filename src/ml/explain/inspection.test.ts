import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { FittedModel } from '../family.js';
import type { Matrix } from '../matrix.js';
import { assertInvalid, loadFixture } from '../test-fixtures.js';
import { partialDependence } from './partial-dependence.js';
import { permutationImportance, permutationImportanceWith } from './permutation-importance.js';
import { shapSummary, waterfall } from './summary.js';
import type { ShapValues } from './shap-values.js';

interface Fixture {
  X: number[];
  Xd: number[];
  rows: number;
  cols: number;
  coef: number[];
  regIntercept: number;
  clfIntercept: number;
  yReg: number[];
  yClf: number[];
  perms: number[][];
  importance: Record<string, { mean: number[]; std: number[] }>;
  pd: Record<
    string,
    { grid: number[]; regAverage: number[]; regIndividual: number[] | null; clfAverage: number[] }
  >;
}

const f = loadFixture<Fixture>('explain/sklearn-inspection.json');
const X: Matrix = { data: Float64Array.from(f.X), rows: f.rows, cols: f.cols };
const Xd: Matrix = { data: Float64Array.from(f.Xd), rows: f.rows, cols: f.cols };

function margin(X: Matrix, r: number, intercept: number): number {
  let s = intercept;
  for (let j = 0; j < X.cols; j++) s += f.coef[j]! * X.data[r * X.cols + j]!;
  return s;
}

/** scikit-learn's LinearRegression and LogisticRegression with the fixture's coefficients. */
const reg: FittedModel = {
  family: 'test-linear',
  task: 'regression',
  cols: f.cols,
  predict: (X) => Float64Array.from({ length: X.rows }, (_, r) => margin(X, r, f.regIntercept)),
  save: () => ({ kind: 'test', version: 1, meta: {}, arrays: {} }),
};
const clf: FittedModel = {
  family: 'test-logistic',
  task: 'binary',
  cols: f.cols,
  predict: (X) => Float64Array.from({ length: X.rows }, (_, r) => (margin(X, r, f.clfIntercept) > 0 ? 1 : 0)),
  predictProba(X) {
    const data = new Float64Array(X.rows * 2);
    for (let r = 0; r < X.rows; r++) {
      const p = 1 / (1 + Math.exp(-margin(X, r, f.clfIntercept)));
      data[2 * r] = 1 - p;
      data[2 * r + 1] = p;
    }
    return { data, rows: X.rows, cols: 2 };
  },
  save: () => ({ kind: 'test', version: 1, meta: {}, arrays: {} }),
};

function close(got: ArrayLike<number>, want: readonly number[], tol: number, what: string): void {
  assert.equal(got.length, want.length, `${what}: length`);
  for (let i = 0; i < want.length; i++)
    assert.ok(
      Math.abs(got[i]! - want[i]!) <= tol * (1 + Math.abs(want[i]!)),
      `${what}[${i}]: ${got[i]} vs ${want[i]}`,
    );
}

describe('permutationImportance', () => {
  const perms = f.perms.map((p) => Int32Array.from(p));
  for (const [metric, model, y] of [
    ['r2', reg, f.yReg],
    ['neg_mean_squared_error', reg, f.yReg],
    ['accuracy', clf, f.yClf],
    ['neg_log_loss', clf, f.yClf],
  ] as const) {
    it(`equals scikit-learn's permutation_importance (${metric}) with the same shuffles`, () => {
      const got = permutationImportanceWith(model, X, Float64Array.from(y), metric, perms);
      close(got.mean, f.importance[metric]!.mean, 1e-10, 'mean');
      close(got.std, f.importance[metric]!.std, 1e-9, 'std');
    });
  }

  it('is deterministic given a seed and finds the useless feature', () => {
    const y = Float64Array.from(f.yReg);
    const a = permutationImportance(reg, X, y, 'r2', { repeats: 3, seed: 7 });
    assert.deepEqual(a, permutationImportance(reg, X, y, 'r2', { repeats: 3, seed: 7 }));
    assert.equal(a.importances.length, 12);
    assert.equal(a.mean[3], 0); // coefficient 0
    assert.ok(a.mean[0]! > a.mean[2]! && a.mean[2]! > 0, 'feature 0 matters most');
  });

  it('rejects bad input', () => {
    const y = Float64Array.from(f.yReg);
    assertInvalid(
      () => permutationImportance(reg, X, y, 'auc'),
      /metric must be a function or one of accuracy/,
    );
    assertInvalid(
      () => permutationImportance(reg, X, y.subarray(1), 'r2'),
      /y must be a Float64Array of 120 values/,
    );
    assertInvalid(
      () => permutationImportance(reg, Xd, y, 'r2', { repeats: 0 }),
      /repeats must be an integer/,
    );
    assertInvalid(() => permutationImportance(reg, X, y, 'neg_log_loss'), /needs class probabilities/);
  });
});

describe('partialDependence', () => {
  for (let feature = 0; feature < f.cols; feature++) {
    it(`equals scikit-learn's brute partial_dependence for feature ${feature}`, () => {
      const want = f.pd[String(feature)]!;
      const r = partialDependence(reg, Xd, feature, { gridResolution: 20, ice: true });
      close(r.grid, want.grid, 1e-12, 'grid');
      close(r.average, want.regAverage, 1e-12, 'average');
      if (want.regIndividual) close(r.individual!, want.regIndividual, 1e-12, 'individual');
      const c = partialDependence(clf, Xd, feature, { gridResolution: 20 });
      assert.equal(c.outputs, 2);
      close(c.average.subarray(c.grid.length), want.clfAverage, 1e-12, 'class 1 average');
      assert.equal(c.individual, undefined);
    });
  }

  it('rejects bad input', () => {
    assertInvalid(
      () => partialDependence(reg, X, 4),
      /feature must be a column index in 0..3; got the number 4/,
    );
    assertInvalid(() => partialDependence(reg, X, 0, { percentiles: [0.9, 0.1] }), /percentiles must be/);
    assertInvalid(
      () => partialDependence(reg, { data: new Float64Array(3), rows: 1, cols: 3 }, 0),
      /4 columns/,
    );
  });
});

describe('shapSummary and waterfall', () => {
  // 5 rows, 1 output, 3 features.
  const shap: ShapValues = {
    rows: 5,
    outputs: 1,
    cols: 3,
    values: Float64Array.of(1, -2, 0, 3, 0.5, 0, -1, 0.5, 0.1, 1, -2, 0, 2, 1, 0),
    expected: Float64Array.of(10),
    space: 'raw',
  };
  const Xs: Matrix = { data: Float64Array.from({ length: 15 }, (_, i) => i), rows: 5, cols: 3 };

  it('orders features by mean |SHAP| and samples rows evenly for the beeswarm', () => {
    const s = shapSummary(shap, Xs, { maxPoints: 2 });
    assert.deepEqual(
      s.importance.map((i) => i.feature),
      [0, 1, 2],
    );
    assert.ok(Math.abs(s.importance[0]!.meanAbs - 1.6) < 1e-12);
    assert.ok(Math.abs(s.importance[1]!.meanAbs - 1.2) < 1e-12);
    assert.deepEqual([...s.rows], [0, 2]);
    assert.deepEqual([...s.points[1]!.x], [1, 7]);
    assert.deepEqual([...s.points[1]!.shap], [-2, 0.5]);
  });

  it('builds a waterfall that sums to the output', () => {
    const w = waterfall(shap, 1, { X: Xs, maxDisplay: 1 });
    assert.equal(w.base, 10);
    assert.deepEqual(w.contributions, [{ feature: 0, value: 3, shap: 3 }]);
    assert.equal(w.rest, 0.5);
    assert.equal(w.restCount, 2);
    assert.equal(w.output, 13.5);
    assertInvalid(() => waterfall(shap, 5), /row must be an integer in 0..4; got the number 5/);
    assertInvalid(() => shapSummary(shap, X), /X must be the 5 × 3 rows that were explained; got 120 × 4/);
  });
});
