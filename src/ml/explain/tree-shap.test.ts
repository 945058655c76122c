import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MODEL_FAMILIES, modelFamily } from '../families.js';
import type { Matrix } from '../matrix.js';
import { SeededRandom } from '../seeded-random.js';
import { assertInvalid, loadFixture } from '../test-fixtures.js';
import { rawTreeOutputs, type TreeEnsemble } from '../tree-ensemble.js';
import { bruteForceShapley, treeConditionalExpectation } from './brute-force.js';
import type { ShapValues } from './shap-values.js';
import { treeShap } from './tree-shap.js';
import { type XgbDumpNode, xgboostDumpToEnsemble } from './xgboost-dump.js';

/** A hand-written node: a leaf (`v`) or a split on `f` (numeric `t` or categorical `cats`). */
type Node =
  | { c: number; v: number | number[] }
  | { c: number; f: number; t?: number; cats?: number[]; ml?: boolean; l: Node; r: Node };

/** Builds a TreeEnsemble from hand-written trees (pre-order, children relative to the tree). */
function build(trees: Node[], opts: Partial<TreeEnsemble> & { outputs: number; cols: number }): TreeEnsemble {
  const feature: number[] = [];
  const threshold: number[] = [];
  const left: number[] = [];
  const right: number[] = [];
  const ml: number[] = [];
  const cover: number[] = [];
  const value: number[] = [];
  const categorical: number[] = [];
  const catStart: number[] = [];
  const catBits: number[] = [];
  const treeStart = [0];
  for (const root of trees) {
    const start = feature.length;
    const add = (n: Node): number => {
      const g = feature.length;
      feature.push(-1);
      threshold.push(0);
      left.push(0);
      right.push(0);
      ml.push('ml' in n && n.ml ? 1 : 0);
      cover.push(n.c);
      categorical.push('cats' in n && n.cats ? 1 : 0);
      catStart.push(catBits.length);
      if ('cats' in n && n.cats) {
        const words = Math.floor(Math.max(...n.cats) / 32) + 1;
        const bits = new Array<number>(words).fill(0);
        for (const c of n.cats) bits[c >> 5]! |= 1 << (c & 31);
        catBits.push(...bits.map((b) => b >>> 0));
      }
      const v = 'v' in n ? (typeof n.v === 'number' ? [n.v] : n.v) : [];
      for (let k = 0; k < opts.outputs; k++) value.push(v[k] ?? 0);
      if ('v' in n) return g;
      feature[g] = n.f;
      threshold[g] = n.t ?? 0;
      left[g] = add(n.l) - start;
      right[g] = add(n.r) - start;
      return g;
    };
    add(root);
    treeStart.push(feature.length);
  }
  catStart.push(catBits.length);
  return {
    treeStart: Int32Array.from(treeStart),
    feature: Int32Array.from(feature),
    threshold: Float64Array.from(threshold),
    left: Int32Array.from(left),
    right: Int32Array.from(right),
    missingLeft: Uint8Array.from(ml),
    categorical: Uint8Array.from(categorical),
    catStart: Int32Array.from(catStart),
    catBits: Uint32Array.from(catBits),
    cover: Float64Array.from(cover),
    value: Float64Array.from(value),
    scale: 1,
    base: new Float64Array(opts.outputs),
    link: 'identity',
    ...opts,
  };
}

/** Asserts Σ values + expected = raw outputs for every row and output. */
function assertAdditive(ens: TreeEnsemble, X: Matrix, shap: ShapValues, tol: number): void {
  const raw = rawTreeOutputs(ens, X.data, X.rows);
  for (let r = 0; r < X.rows; r++)
    for (let o = 0; o < shap.outputs; o++) {
      let s = shap.expected[o]!;
      for (let j = 0; j < shap.cols; j++) s += shap.values[(r * shap.outputs + o) * shap.cols + j]!;
      const want = raw[r * shap.outputs + o]!;
      assert.ok(Math.abs(s - want) <= tol * (1 + Math.abs(want)), `row ${r} output ${o}: ${s} vs ${want}`);
    }
}

const METHODS = ['recursive', 'table'] as const;

/** TreeSHAP by both methods, asserting they agree to 1e-12. */
function shapBoth(ens: TreeEnsemble, X: Matrix): ShapValues {
  const [a, b] = METHODS.map((method) => treeShap(ens, X, { method }));
  for (let i = 0; i < a!.values.length; i++)
    assert.ok(Math.abs(a!.values[i]! - b!.values[i]!) < 1e-12, `recursive vs table at ${i}`);
  assert.deepEqual(a!.expected, b!.expected);
  return a!;
}

/** Asserts TreeSHAP equals the subset enumeration of TreeSHAP's value function, row by row. */
function assertBruteForce(ens: TreeEnsemble, X: Matrix, shap: ShapValues): void {
  const m = X.cols;
  for (let r = 0; r < X.rows; r++) {
    const want = bruteForceShapley(m, ens.outputs, (mask) =>
      treeConditionalExpectation(ens, X.data, r * m, mask),
    );
    const empty = treeConditionalExpectation(ens, X.data, r * m, 0);
    for (let o = 0; o < ens.outputs; o++) {
      assert.ok(Math.abs(shap.expected[o]! - empty[o]!) < 1e-9, `expected value of output ${o}`);
      for (let j = 0; j < m; j++) {
        const got = shap.values[(r * ens.outputs + o) * m + j]!;
        assert.ok(
          Math.abs(got - want[o * m + j]!) < 1e-9,
          `row ${r} output ${o} feature ${j}: ${got} vs ${want[o * m + j]}`,
        );
      }
    }
  }
}

function randomMatrix(rows: number, cols: number, seed: number, nanShare = 0): Matrix {
  const rng = new SeededRandom(seed);
  const data = new Float64Array(rows * cols);
  for (let i = 0; i < data.length; i++) data[i] = rng.uniform() < nanShare ? Number.NaN : rng.normal();
  return { data, rows, cols };
}

describe('treeShap on hand-built ensembles', () => {
  // Feature 2 is categorical (codes 0..40: two bitset words); NaN goes where missingLeft says;
  // tree 0 splits twice on feature 0 (exercises unwinding); covers need not add up exactly.
  const trees: Node[] = [
    {
      c: 10,
      f: 0,
      t: 0.5,
      ml: true,
      l: {
        c: 6,
        f: 2,
        cats: [1, 3, 35],
        l: { c: 2, v: 1.5 },
        r: { c: 4, f: 0, t: -0.5, l: { c: 1, v: -2 }, r: { c: 3, v: 0.25 } },
      },
      r: { c: 4, f: 1, t: 0, l: { c: 3, v: 3 }, r: { c: 1.5, v: -1 } },
    },
    {
      c: 8,
      f: 1,
      t: 1,
      l: { c: 5, f: 3, t: 0.2, ml: true, l: { c: 2, v: 0.7 }, r: { c: 3, v: -0.4 } },
      r: { c: 3, v: 2 },
    },
    { c: 5, v: 0.9 },
    {
      c: 9,
      f: 2,
      cats: [0, 2, 33, 40],
      ml: true,
      l: { c: 4, v: -0.3 },
      r: { c: 5, f: 0, t: 0, l: { c: 2, v: 1 }, r: { c: 3, v: 0 } },
    },
    // A leaf no training row reached (cover 0), below a second split on feature 1.
    {
      c: 3,
      f: 1,
      t: 0.5,
      l: { c: 0, v: 5 },
      r: {
        c: 3,
        f: 3,
        t: 0,
        l: { c: 1, v: 1 },
        r: { c: 2, f: 1, t: 2, l: { c: 0, v: 7 }, r: { c: 2, v: -1 } },
      },
    },
  ];
  const rows = [
    [0.3, -1, 1, 0.1],
    [0.3, -1, 35, 0.1],
    [Number.NaN, 2, 3, Number.NaN],
    [-1, Number.NaN, 40, 0.5],
    [2, 0.5, Number.NaN, -3],
    [-0.7, 3, 64, 1],
    [0.6, 0, -1, 0.2],
    [0.1, 0.9, 2.5, Number.NaN],
  ];
  const X: Matrix = { data: Float64Array.from(rows.flat()), rows: rows.length, cols: 4 };

  it('is additive and exact for one output with a base, scale and NaN/categorical splits', () => {
    const ens = build(trees, { outputs: 1, cols: 4, base: Float64Array.of(0.4), scale: 0.5 });
    const shap = shapBoth(ens, X);
    assert.equal(shap.space, 'raw');
    assert.equal(shap.values.length, rows.length * 4);
    assertAdditive(ens, X, shap, 1e-12);
    assertBruteForce(ens, X, shap);
  });

  it('routes multiclass trees by treeOutput and explains each class', () => {
    const ens = build(trees, {
      outputs: 3,
      cols: 4,
      treeOutput: Int32Array.of(0, 1, 2, 0, 2),
      base: Float64Array.of(0.1, -0.2, 0.3),
      link: 'softmax',
    });
    const shap = shapBoth(ens, X);
    assertAdditive(ens, X, shap, 1e-12);
    assertBruteForce(ens, X, shap);
    // Class 1 only has tree 1, which never reads features 0 and 2.
    for (let r = 0; r < X.rows; r++) {
      assert.equal(shap.values[(r * 3 + 1) * 4 + 0], 0);
      assert.equal(shap.values[(r * 3 + 1) * 4 + 2], 0);
    }
  });

  it('explains vector leaves (treeOutput −1) output by output', () => {
    const vec: Node[] = [
      {
        c: 4,
        f: 0,
        t: 0,
        l: { c: 1, v: [1, 0] },
        r: { c: 3, f: 1, t: 0, l: { c: 1, v: [0.5, 0.5] }, r: { c: 2, v: [0, 1] } },
      },
    ];
    const ens = build(vec, { outputs: 2, cols: 4 });
    const shap = shapBoth(ens, X);
    assertAdditive(ens, X, shap, 1e-12);
    assertBruteForce(ens, X, shap);
  });
});

describe('treeShap on CART trees and forests', () => {
  const X = randomMatrix(150, 5, 3);
  const yReg = new Float64Array(150);
  const yClf = new Float64Array(150);
  for (let r = 0; r < 150; r++) {
    const x = X.data.subarray(r * 5, r * 5 + 5);
    yReg[r] = 2 * x[0]! - x[1]! * x[2]! + 0.1 * x[4]!;
    yClf[r] = x[0]! + x[3]! > 0.5 ? 2 : x[1]! > 0 ? 1 : 0;
  }
  const cases = [
    ['decision-tree', 'regression', yReg, { maxDepth: 4 }],
    ['decision-tree', 'multiclass', yClf, { maxDepth: 4 }],
    ['rf', 'regression', yReg, { trees: 4, maxDepth: 3, seed: 1 }],
    ['rf', 'multiclass', yClf, { trees: 4, maxDepth: 3, seed: 2 }],
    ['extra-trees', 'regression', yReg, { trees: 3, maxDepth: 3, seed: 3 }],
  ] as const;
  for (const [family, task, y, params] of cases) {
    it(`${family} ${task}: additive, equal to subset enumeration, and raw output = prediction`, () => {
      const model = modelFamily(family).fit(X, y, params, { task, classes: task === 'regression' ? 0 : 3 });
      const ens = model.treeEnsemble!();
      const Xt = randomMatrix(12, 5, 9);
      const shap = shapBoth(ens, Xt);
      assertAdditive(ens, Xt, shap, 1e-12);
      assertBruteForce(ens, Xt, shap);
      const pred = task === 'regression' ? model.predict(Xt) : model.predictProba!(Xt).data;
      const raw = rawTreeOutputs(ens, Xt.data, Xt.rows);
      for (let i = 0; i < raw.length; i++) assert.ok(Math.abs(raw[i]! - pred[i]!) < 1e-12);
    });
  }

  it('stays additive on deep forests (200 rows, unlimited depth)', () => {
    const model = modelFamily('rf').fit(X, yClf, { trees: 10, seed: 4 }, { task: 'multiclass', classes: 3 });
    const ens = model.treeEnsemble!();
    const Xt = randomMatrix(50, 5, 11);
    assertAdditive(ens, Xt, shapBoth(ens, Xt), 1e-10);
  });
});

interface XgbFixture {
  objective: string;
  classes: number;
  baseScore: number;
  cols: number;
  trees: XgbDumpNode[];
  X: (number | null)[];
  rows: number;
  contribs: number[];
  margin: number[];
}

describe('treeShap agrees with XGBoost pred_contribs', () => {
  for (const name of ['xgboost-binary.json', 'xgboost-multiclass.json']) {
    it(name, () => {
      const f = loadFixture<XgbFixture>(`explain/${name}`);
      const ens = xgboostDumpToEnsemble(f.trees, f.cols, f.classes, f.baseScore, f.objective);
      const X: Matrix = { data: Float64Array.from(f.X, (v) => v ?? Number.NaN), rows: f.rows, cols: f.cols };
      const raw = rawTreeOutputs(ens, X.data, X.rows);
      for (let i = 0; i < raw.length; i++)
        assert.ok(Math.abs(raw[i]! - f.margin[i]!) < 1e-5, `margin ${i}: ${raw[i]} vs ${f.margin[i]}`);
      const shap = shapBoth(ens, X);
      assertAdditive(ens, X, shap, 1e-12);
      // XGBoost: rows × outputs × (cols + 1), the bias last.
      const K = shap.outputs;
      for (let r = 0; r < f.rows; r++)
        for (let o = 0; o < K; o++)
          for (let j = 0; j <= f.cols; j++) {
            const want = f.contribs[(r * K + o) * (f.cols + 1) + j]!;
            const got = j < f.cols ? shap.values[(r * K + o) * f.cols + j]! : shap.expected[o]!;
            assert.ok(Math.abs(got - want) < 1e-5, `row ${r} output ${o} feature ${j}: ${got} vs ${want}`);
          }
    });
  }
});

describe('treeShap bad input', () => {
  const ens = build([{ c: 2, f: 0, t: 0, l: { c: 1, v: 1 }, r: { c: 1, v: 2 } }], { outputs: 1, cols: 2 });
  it('names the expected column count', () => {
    assertInvalid(() => treeShap(ens, randomMatrix(3, 3, 1)), /X must have 2 columns .*; got 3/);
  });
  it('rejects infinite values, naming row and column', () => {
    const X: Matrix = { data: Float64Array.of(0, 1, Number.POSITIVE_INFINITY, 0), rows: 2, cols: 2 };
    assertInvalid(() => treeShap(ens, X), /numbers or NaN.*got Infinity at row 1, column 0/);
  });
  it('rejects malformed ensembles', () => {
    assertInvalid(
      () => treeShap({ ...ens, cover: new Float64Array(1) }, randomMatrix(1, 2, 1)),
      /cover must hold 3 values/,
    );
    assertInvalid(
      () => treeShap({ ...ens, left: Int32Array.of(0, 0, 0) }, randomMatrix(1, 2, 1)),
      /children/,
    );
    const noBits = { ...ens, categorical: new Uint8Array(3), catStart: undefined, catBits: undefined };
    assertInvalid(() => treeShap(noBits, randomMatrix(1, 2, 1)), /categorical splits need catStart/);
    assertInvalid(
      () => treeShap({ ...ens, cover: Float64Array.of(2, -1, 1) }, randomMatrix(1, 2, 1)),
      /cover must hold finite values >= 0; got -1 at node 1/,
    );
    assertInvalid(
      () => treeShap(ens, randomMatrix(1, 2, 1), { method: 'fast' } as never),
      /method must be one of/,
    );
  });
});

describe('treeShap on gradient-boosted models', () => {
  const gbdt = MODEL_FAMILIES.find((f) => f.name === 'gbdt');
  const skip = gbdt ? false : 'the gbdt family is not registered yet';
  for (const [task, classes] of [
    ['binary', 2],
    ['multiclass', 3],
    ['regression', 0],
  ] as const) {
    it(`gbdt ${task} with NaN: additive and equal to subset enumeration`, { skip }, () => {
      const X = randomMatrix(300, 4, 21, 0.1);
      const y = new Float64Array(300);
      for (let r = 0; r < 300; r++) {
        const v = (j: number, missing: number) =>
          Number.isNaN(X.data[r * 4 + j]!) ? missing : X.data[r * 4 + j]!;
        const s = v(0, 1) + v(1, -1) * v(2, 0.5);
        y[r] =
          task === 'regression' ? s : task === 'binary' ? (s > 0 ? 1 : 0) : s > 0.5 ? 2 : s > -0.5 ? 1 : 0;
      }
      const model = gbdt!.fit(X, y, { rounds: 8, maxDepth: 3 }, { task, classes });
      const ens = model.treeEnsemble!();
      const Xt = randomMatrix(10, 4, 22, 0.2);
      const shap = shapBoth(ens, Xt);
      assertAdditive(ens, Xt, shap, 1e-12);
      assertBruteForce(ens, Xt, shap);
    });
  }
});
