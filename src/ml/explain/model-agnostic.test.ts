import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { modelFamily } from '../families.js';
import type { FittedModel } from '../family.js';
import type { Matrix } from '../matrix.js';
import { SeededRandom } from '../seeded-random.js';
import { assertInvalid } from '../test-fixtures.js';
import { bruteForceShapley } from './brute-force.js';
import { kernelShap } from './kernel-shap.js';
import { modelShap } from './model-shap.js';
import { coalitionValues, modelOutput } from './model-output.js';
import { permutationShap } from './permutation-shap.js';
import type { ShapValues } from './shap-values.js';

function randomMatrix(rows: number, cols: number, seed: number): Matrix {
  const rng = new SeededRandom(seed);
  const data = new Float64Array(rows * cols);
  for (let i = 0; i < data.length; i++) data[i] = rng.normal() * (1 + (i % cols)) + (i % cols);
  return { data, rows, cols };
}

/** A regression model ŷ = x·coef + intercept (family name unknown to the registry: no NaN). */
export function linearModel(coef: number[], intercept: number): FittedModel {
  return {
    family: 'test-linear',
    task: 'regression',
    cols: coef.length,
    predict(X) {
      const out = new Float64Array(X.rows);
      for (let r = 0; r < X.rows; r++) {
        let s = intercept;
        for (let j = 0; j < X.cols; j++) s += coef[j]! * X.data[r * X.cols + j]!;
        out[r] = s;
      }
      return out;
    },
    save: () => ({ kind: 'test', version: 1, meta: {}, arrays: {} }),
  };
}

function assertAdditive(model: FittedModel, X: Matrix, shap: ShapValues, tol = 1e-10): void {
  const out = modelOutput(model, X);
  const f = out.f(X);
  for (let r = 0; r < X.rows; r++)
    for (let o = 0; o < shap.outputs; o++) {
      let s = shap.expected[o]!;
      for (let j = 0; j < shap.cols; j++) s += shap.values[(r * shap.outputs + o) * shap.cols + j]!;
      assert.ok(
        Math.abs(s - f[r * shap.outputs + o]!) < tol,
        `row ${r} output ${o}: ${s} vs ${f[r * shap.outputs + o]}`,
      );
    }
}

/** Exact Shapley values of the interventional value function, by enumerating subsets. */
function bruteForce(model: FittedModel, X: Matrix, background: Matrix): Float64Array[] {
  const out = modelOutput(model, background);
  const M = X.cols;
  return Array.from({ length: X.rows }, (_, r) =>
    bruteForceShapley(M, out.outputs, (mask) => {
      const m = new Uint8Array(M);
      for (let j = 0; j < M; j++) m[j] = (mask >> j) & 1;
      return coalitionValues(out, X.data, r * M, background, m, 1);
    }),
  );
}

describe('permutationShap and kernelShap', () => {
  const coef = [1.5, -2, 0.25, 3, 0];
  const model = linearModel(coef, 0.7);
  const background = randomMatrix(40, 5, 1);
  const X = randomMatrix(6, 5, 2);
  const means = coef.map((_, j) => {
    let s = 0;
    for (let b = 0; b < background.rows; b++) s += background.data[b * 5 + j]!;
    return s / background.rows;
  });

  for (const [name, explain] of [
    [
      'permutationShap',
      (m: FittedModel, x: Matrix, bg: Matrix) => permutationShap(m, x, bg, { permutations: 3 }),
    ],
    ['kernelShap (exact)', (m: FittedModel, x: Matrix, bg: Matrix) => kernelShap(m, x, bg)],
    [
      'kernelShap (sampled)',
      (m: FittedModel, x: Matrix, bg: Matrix) => kernelShap(m, x, bg, { exactUpTo: 2, samples: 64 }),
    ],
  ] as const) {
    it(`${name}: a linear model gets coef_j · (x_j − mean_bg_j)`, () => {
      const shap = explain(model, X, background);
      assert.equal(shap.space, 'value');
      for (let r = 0; r < X.rows; r++)
        for (let j = 0; j < 5; j++) {
          const want = coef[j]! * (X.data[r * 5 + j]! - means[j]!);
          assert.ok(Math.abs(shap.values[r * 5 + j]! - want) < 1e-9, `row ${r} feature ${j}`);
        }
      assertAdditive(model, X, shap);
    });
  }

  it('kernelShap samples coalitions above exactUpTo and stays exact on a linear model (12 features)', () => {
    const c12 = Array.from({ length: 12 }, (_, j) => (j % 3) - 1 + j / 10);
    const m12 = linearModel(c12, -1);
    const bg12 = randomMatrix(10, 12, 6);
    const X12 = randomMatrix(3, 12, 7);
    const shap = kernelShap(m12, X12, bg12, { seed: 5 });
    for (let r = 0; r < 3; r++)
      for (let j = 0; j < 12; j++) {
        let mean = 0;
        for (let b = 0; b < 10; b++) mean += bg12.data[b * 12 + j]! / 10;
        const want = c12[j]! * (X12.data[r * 12 + j]! - mean);
        assert.ok(Math.abs(shap.values[r * 12 + j]! - want) < 1e-8, `row ${r} feature ${j}`);
      }
    assertAdditive(m12, X12, shap);
  });

  const Xf = randomMatrix(200, 4, 3);
  const yc = new Float64Array(200);
  for (let r = 0; r < 200; r++)
    yc[r] = Xf.data[r * 4]! * Xf.data[r * 4 + 1]! > 0.5 ? 1 : Xf.data[r * 4 + 2]! > 2 ? 2 : 0;
  const forest = modelFamily('rf').fit(
    Xf,
    yc,
    { trees: 5, maxDepth: 4, seed: 1 },
    { task: 'multiclass', classes: 3 },
  );
  const bg = randomMatrix(15, 4, 4);
  const Xt = randomMatrix(4, 4, 5);

  it('kernelShap with every coalition equals the subset enumeration on a non-linear model', () => {
    const shap = kernelShap({ ...forest, treeEnsemble: undefined } as FittedModel, Xt, bg);
    assert.equal(shap.space, 'probability');
    assert.equal(shap.outputs, 3);
    const want = bruteForce(forest, Xt, bg);
    for (let r = 0; r < Xt.rows; r++)
      for (let i = 0; i < 12; i++) assert.ok(Math.abs(shap.values[r * 12 + i]! - want[r]![i]!) < 1e-9);
    assertAdditive(forest, Xt, shap);
  });

  it('permutationShap is additive and near the exact values with enough permutations', () => {
    const shap = permutationShap(forest, Xt, bg, { permutations: 30, seed: 3 });
    assertAdditive(forest, Xt, shap);
    const want = bruteForce(forest, Xt, bg);
    for (let r = 0; r < Xt.rows; r++)
      for (let i = 0; i < 12; i++) assert.ok(Math.abs(shap.values[r * 12 + i]! - want[r]![i]!) < 0.05);
    // Same seed, same values.
    assert.deepEqual(permutationShap(forest, Xt, bg, { permutations: 30, seed: 3 }).values, shap.values);
  });

  it('explains a fitted multiclass logistic regression additively in probability space', () => {
    const logistic = modelFamily('logistic').fit(Xf, yc, {}, { task: 'multiclass', classes: 3 });
    const Xs = randomMatrix(12, 4, 8);
    assertAdditive(logistic, Xs, kernelShap(logistic, Xs, bg, { exactUpTo: 3, samples: 200 }));
    assertAdditive(logistic, Xs, modelShap(logistic, Xs, bg));
  });

  it('modelShap uses TreeSHAP for tree models', () => {
    const shap = modelShap(forest, Xt);
    assert.equal(shap.space, 'raw');
    assertAdditive(forest, Xt, shap, 1e-12);
  });

  it('rejects bad input naming what was expected', () => {
    assertInvalid(
      () => permutationShap(model, randomMatrix(2, 4, 1), background),
      /X must have 5 columns .*; got 4/,
    );
    assertInvalid(() => kernelShap(model, X, randomMatrix(3, 6, 1)), /background must have 5 columns/);
    assertInvalid(
      () => kernelShap(model, X, { data: new Float64Array(0), rows: 0, cols: 5 }),
      /background must hold at least 1 row .*got 0 rows/,
    );
    const withNaN = randomMatrix(2, 5, 1);
    withNaN.data[7] = Number.NaN;
    assertInvalid(
      () => permutationShap(model, withNaN, background),
      /cannot take missing values.*NaN at row 1, column 2/,
    );
    assertInvalid(() => modelShap(model, X), /needs a background sample/);
    assertInvalid(
      () => permutationShap(model, X, background, { permutations: 0 }),
      /permutations must be an integer in 1/,
    );
    assertInvalid(() => kernelShap(model, X, background, { sample: 3 } as never), /unknown option "sample"/);
  });
});
