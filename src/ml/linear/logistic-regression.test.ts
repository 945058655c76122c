import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LatheError } from '../../core/index.js';
import { matrix, matrixFromRows } from '../matrix.js';
import { LogisticRegression } from './index.js';
import { loadFixture } from '../test-fixtures.js';

interface ClfModel {
  opts: { C: number; fitIntercept?: boolean; penalty?: 'l1' | 'l2' };
  k: number;
  weighted: boolean;
  penalty: 'l1' | 'l2';
  coef: number[];
  intercept: number[];
  refinedCoef: number[];
  refinedIntercept: number[];
  objective: number;
  proba: number[][];
  pred: number[];
}
const fx = loadFixture('linear/linear.json') as {
  classification: {
    X: number[];
    rows: number;
    cols: number;
    y2: number[];
    y3: number[];
    sw: number[];
    Xtest: number[];
    models: ClfModel[];
  };
};
const D = fx.classification;
const X = matrix(Float64Array.from(D.X), D.rows, D.cols);
const y2 = Float64Array.from(D.y2);
const y3 = Float64Array.from(D.y3);
const sw = Float64Array.from(D.sw);
const Xt = matrix(Float64Array.from(D.Xtest), D.Xtest.length / D.cols, D.cols);

function relErr(a: ArrayLike<number>, b: ArrayLike<number>, floor = 1e-3): number {
  let worst = 0;
  for (let i = 0; i < b.length; i++)
    worst = Math.max(worst, Math.abs(a[i]! - b[i]!) / Math.max(Math.abs(b[i]!), floor));
  return worst;
}

/** C · Σ w_i logloss_i + penalty, the objective both implementations minimise. */
function objective(
  m: LogisticRegression,
  y: Float64Array,
  w: Float64Array | undefined,
  C: number,
  l1: boolean,
): number {
  const p = m.predictProba(X);
  let loss = 0;
  for (let i = 0; i < X.rows; i++) loss -= (w?.[i] ?? 1) * Math.log(p.data[i * p.cols + y[i]!]!);
  let pen = 0;
  for (const c of m.coef) pen += l1 ? Math.abs(c) : 0.5 * c * c;
  return C * loss + pen;
}

describe('LogisticRegression agrees with scikit-learn', () => {
  for (const f of D.models) {
    const label = `${f.penalty} k=${f.k} ${JSON.stringify(f.opts)}${f.weighted ? ' weighted' : ''}`;
    it(label, () => {
      const y = f.k === 2 ? y2 : y3;
      const extra = f.weighted ? { sampleWeight: sw } : undefined;
      const m = LogisticRegression.fit(X, y, { ...f.opts, tol: 1e-10, ftol: 0, maxIter: 10000 }, extra);
      assert.ok(m.converged);
      if (f.penalty === 'l2') {
        // The optimum (scikit-learn's answer refined by scipy BFGS at gtol 1e-12): 1e-6 relative.
        assert.ok(relErr(m.coef, f.refinedCoef) < 1e-6, `coef ${m.coef} vs ${f.refinedCoef}`);
        assert.ok(relErr(m.intercept.slice(0, f.refinedIntercept.length), f.refinedIntercept) < 1e-6);
        // scikit-learn itself stops on scipy's ftol, so its raw answer is only within ~5e-4
        // (relative) of the optimum; so is ours with the same stopping rule (default ftol).
        assert.ok(relErr(m.coef, f.coef) < 1e-3);
        const same = LogisticRegression.fit(X, y, { ...f.opts, tol: 1e-12, maxIter: 100000 }, extra);
        assert.ok(relErr(same.coef, f.coef) < 1e-3, `same-rule coef ${same.coef} vs ${f.coef}`);
      } else {
        // saga at tol 1e-12: coefficients within 1e-6 relative, same zeros, and our objective
        // no worse than scikit-learn's.
        assert.ok(relErr(m.coef, f.coef) < 1e-6, `coef ${m.coef} vs ${f.coef}`);
        assert.ok(relErr(m.intercept, f.intercept) < 1e-6);
        for (let j = 0; j < f.coef.length; j++)
          assert.equal(m.coef[j] === 0, f.coef[j] === 0, `zero pattern at ${j}`);
        const ours = objective(m, y, extra?.sampleWeight, f.opts.C, true);
        assert.ok(ours <= f.objective * (1 + 1e-10), `objective ${ours} vs ${f.objective}`);
      }
      const proba = m.predictProba(Xt);
      // scikit-learn probabilities come from its raw (ftol-stopped) coefficients: 1e-3 absolute.
      assert.ok(relErr(proba.data, f.proba.flat(), 1) < 1e-3);
      assert.deepEqual(Array.from(m.predict(Xt)), f.pred);
    });
  }
});

describe('LogisticRegression', () => {
  it('minimises the documented objective (gradient zero at the fit)', () => {
    const C = 0.7;
    const m = LogisticRegression.fit(X, y3, { C, tol: 1e-10, ftol: 0, maxIter: 5000 });
    const base = objective(m, y3, undefined, C, false);
    // Perturbing any coefficient increases the objective.
    for (let j = 0; j < m.coef.length; j++) {
      for (const h of [1e-4, -1e-4]) {
        const coef = Float64Array.from(m.coef);
        coef[j]! += h;
        const saved = m.save();
        const moved = LogisticRegression.load({ ...saved, arrays: { ...saved.arrays, coef } });
        assert.ok(objective(moved, y3, undefined, C, false) > base);
      }
    }
    let sum = 0;
    for (const b of m.intercept) sum += b;
    assert.ok(Math.abs(sum) < 1e-12, 'multinomial intercepts are centred');
  });
  it('round-trips through save/load with identical predictions, and default options converge', () => {
    for (const y of [y2, y3]) {
      const m = LogisticRegression.fit(X, y);
      assert.ok(m.converged);
      const back = LogisticRegression.load(m.save());
      assert.deepEqual(back.predictProba(Xt), m.predictProba(Xt));
      assert.deepEqual(back.predict(Xt), m.predict(Xt));
    }
  });
  it('gives AIC and BIC from the log-likelihood (statsmodels parameter counts)', () => {
    const m = LogisticRegression.fit(X, y2, { penalty: 'none', tol: 1e-10, ftol: 0, maxIter: 1000 });
    const ic = m.informationCriteria(X, y2);
    assert.equal(ic.k, 4);
    const ll =
      -objective(m, y2, undefined, 1, true) + Array.from(m.coef).reduce((a, c) => a + Math.abs(c), 0);
    assert.ok(Math.abs(ic.logLikelihood - ll) < 1e-9);
    assert.ok(Math.abs(ic.aic - (-2 * ll + 8)) < 1e-9);
    assert.ok(Math.abs(ic.bic - (-2 * ll + 4 * Math.log(X.rows))) < 1e-9);
    assert.equal(LogisticRegression.fit(X, y3).informationCriteria(X, y3).k, 2 * 4);
  });
  it('rejects bad input before fitting', () => {
    const bad = (fn: () => unknown, re: RegExp) =>
      assert.throws(
        fn,
        (e: unknown) => e instanceof LatheError && e.code === 'INVALID_ARGUMENT' && re.test(e.message),
      );
    bad(
      () => LogisticRegression.fit(X, y2, { C: 0 }),
      /options\.C must be a finite number > 0; got the number 0/,
    );
    bad(() => LogisticRegression.fit(X, y2, { penalty: 'l3' as never }), /options\.penalty must be/);
    bad(() => LogisticRegression.fit(X, y2, { solver: 'lbfgs' } as never), /unknown option solver/);
    bad(() => LogisticRegression.fit(X, new Float64Array(D.rows)), /at least 2 classes/);
    bad(
      () =>
        LogisticRegression.fit(
          X,
          y2.map((v) => v + 0.5),
        ),
      /class indices 0\.\.k-1; got \d\.5 at row 0/,
    );
    bad(
      () =>
        LogisticRegression.fit(matrixFromRows([[1], [Number.POSITIVE_INFINITY]]), Float64Array.from([0, 1])),
      /row 1, column 0/,
    );
    bad(() => LogisticRegression.fit(X, y2).predict(matrixFromRows([[1, 2]])), /must have 3 columns/);
  });
});
