import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { FitContext } from '../family.js';
import type { Matrix } from '../matrix.js';
import { SeededRandom } from '../seeded-random.js';
import { assertInvalid } from '../test-fixtures.js';
import { GradientBoosting } from './gradient-boosting.js';

function data(rows = 60, cols = 3): { X: Matrix; y: Float64Array } {
  const random = new SeededRandom(1);
  const X = { data: Float64Array.from({ length: rows * cols }, () => random.normal()), rows, cols };
  const y = Float64Array.from({ length: rows }, (_, i) => (X.data[i * cols]! > 0 ? 1 : 0));
  return { X, y };
}

const binary: FitContext = { task: 'binary', classes: 2 };

describe('GradientBoosting input checks', () => {
  it('refuses unknown options and out-of-range values, naming the option and the valid range', () => {
    const { X, y } = data();
    assertInvalid(
      () => GradientBoosting.fit(X, y, { depth: 3 }, binary),
      /unknown option "depth"; valid options are rounds, learningRate/,
    );
    assertInvalid(
      () => GradientBoosting.fit(X, y, { maxDepth: 0 }, binary),
      /maxDepth must be an integer in 1\.\.64; got the number 0/,
    );
    assertInvalid(
      () => GradientBoosting.fit(X, y, { learningRate: 0 }, binary),
      /learningRate must be a finite number > 0 and <= 1/,
    );
    assertInvalid(
      () => GradientBoosting.fit(X, y, { maxBins: 300 }, binary),
      /maxBins must be an integer in 2\.\.256; got the number 300/,
    );
    assertInvalid(
      () => GradientBoosting.fit(X, y, { subsample: 1.5 }, binary),
      /subsample must be a finite number > 0 and <= 1/,
    );
    assertInvalid(
      () => GradientBoosting.fit(X, y, { lambda: -1 }, binary),
      /lambda must be a finite number >= 0/,
    );
    assertInvalid(
      () => GradientBoosting.fit(X, y, { maxDepth: null }, binary),
      /maxDepth may be null .* only with maxLeaves/,
    );
    assertInvalid(
      () => GradientBoosting.fit(X, y, { monotone: [1, 0] }, binary),
      /monotone must hold one value per feature \(3\); got 2/,
    );
    assertInvalid(
      () => GradientBoosting.fit(X, y, { monotone: '1,2,0' }, binary),
      /monotone values must be -1, 0 or 1; got 2/,
    );
    assertInvalid(
      () => GradientBoosting.fit(X, y, { categoricalFeatures: [5] }, binary),
      /categoricalFeatures must hold column indices 0\.\.2; got 5/,
    );
    assertInvalid(
      () => GradientBoosting.fit(X, y, { loss: 'absolute_error' }, binary),
      /loss applies to regression only/,
    );
    assertInvalid(
      () => GradientBoosting.fit(X, y, { loss: 'poisson' }, { task: 'regression', classes: 0 }),
      /loss must be one of squared_error, absolute_error, huber/,
    );
    assertInvalid(
      () => GradientBoosting.fit(X, y, { threads: 0 }, binary),
      /threads must be an integer in 1\.\.64/,
    );
  });

  it('refuses infinite features and NaN/Inf targets naming the row and column; NaN features are missing values', () => {
    const { X, y } = data();
    const bad = { ...X, data: Float64Array.from(X.data) };
    bad.data[7 * 3 + 2] = Number.POSITIVE_INFINITY;
    assertInvalid(
      () => GradientBoosting.fit(bad, y, {}, binary),
      /X must hold finite numbers or NaN \(missing\); got Infinity at row 7, column 2/,
    );
    const yNaN = Float64Array.from(y);
    yNaN[4] = Number.NaN;
    assertInvalid(
      () => GradientBoosting.fit(X, yNaN, {}, binary),
      /y must hold finite numbers; got NaN at row 4/,
    );
    assertInvalid(
      () =>
        GradientBoosting.fit(
          X,
          Float64Array.from(y, (v, i) => (i === 3 ? 2 : v)),
          {},
          binary,
        ),
      /y must hold class indices 0\.\.1; got 2 at row 3/,
    );
    assertInvalid(
      () => GradientBoosting.fit(X, new Float64Array(60), {}, binary),
      /at least 2 classes; got only class 0/,
    );
    const missing = { ...X, data: Float64Array.from(X.data) };
    missing.data[5] = Number.NaN;
    assert.doesNotThrow(() => GradientBoosting.fit(missing, y, { rounds: 2 }, binary));
    const codes = { ...X, data: Float64Array.from(X.data, (v) => Math.abs(Math.round(v * 3))) };
    codes.data[9 * 3] = 1.5;
    assertInvalid(
      () => GradientBoosting.fit(codes, y, { categoricalFeatures: [0] }, binary),
      /categorical feature column 0 must hold integer codes 0\.\.254 \(or NaN\); got 1\.5 at row 9/,
    );
  });

  it('checks the validation set, sample weights and prediction inputs', () => {
    const { X, y } = data();
    const V = data(10, 2);
    assertInvalid(
      () => GradientBoosting.fit(X, y, {}, { ...binary, validation: { X: V.X, y: V.y } }),
      /validation: X must have 3 columns \(as when fitted\); got 2/,
    );
    assertInvalid(
      () => GradientBoosting.fit(X, y, {}, { ...binary, sampleWeight: new Float64Array(60).fill(-1) }),
      /sampleWeight must be finite and >= 0; got -1 at row 0/,
    );
    const m = GradientBoosting.fit(X, y, { rounds: 2 }, binary);
    assertInvalid(() => m.predict(V.X), /predict: X must have 3 columns \(as when fitted\); got 2/);
  });
});
