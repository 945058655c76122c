import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { FitProgress } from '../family.js';
import type { Matrix } from '../matrix.js';
import { logLoss, meanAbsoluteError, rocAuc } from '../metrics/index.js';
import { SeededRandom } from '../seeded-random.js';
import { rawTreeOutputs } from '../tree-ensemble.js';
import { GradientBoosting } from './gradient-boosting.js';
import { fastExp } from './objective.js';

/** Rows × cols of N(0, 1) values from `seed`. */
function normal(rows: number, cols: number, seed: number): Matrix {
  const random = new SeededRandom(seed);
  return { data: Float64Array.from({ length: rows * cols }, () => random.normal()), rows, cols };
}

function proba1(m: GradientBoosting, X: Matrix): Float64Array {
  const p = m.predictProba(X);
  return Float64Array.from({ length: X.rows }, (_, i) => p.data[2 * i + 1]!);
}

/** A noisy binary task on `X` (first three columns matter). */
function binaryLabels(X: Matrix, seed: number): Float64Array {
  const random = new SeededRandom(seed);
  return Float64Array.from({ length: X.rows }, (_, i) => {
    const x = X.data.subarray(i * X.cols, (i + 1) * X.cols);
    const logit = 2 * Math.sin(x[0]!) + x[1]! * x[2]!;
    return random.uniform() < 1 / (1 + Math.exp(-logit)) ? 1 : 0;
  });
}

describe('GradientBoosting', () => {
  it("the gradients' exp agrees with Math.exp to 1e-14 relative, and at its edges", () => {
    const rng = new SeededRandom(5);
    let worst = 0;
    for (let i = 0; i < 200_000; i++) {
      const x = (rng.uniform() - 0.5) * (i % 2 ? 60 : 1398);
      worst = Math.max(worst, Math.abs(fastExp(x) - Math.exp(x)) / Math.exp(x));
    }
    assert.ok(worst < 1e-14, `worst relative error ${worst}`);
    for (const x of [0, -0, 1, -1, Math.LN2 / 2, -Math.LN2 / 2, 699.99, -699.99])
      assert.ok(Math.abs(fastExp(x) / Math.exp(x) - 1) < 1e-14, `at ${x}`);
    assert.equal(fastExp(0), 1);
    for (const x of [700, -700, 709.5, -745.2, -800, 800, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY])
      assert.equal(fastExp(x), Math.exp(x), `at ${x}`);
    assert.ok(Number.isNaN(fastExp(Number.NaN)));
  });

  it('early stopping keeps the best round and reports the validation metric every round', () => {
    const X = normal(600, 5, 1);
    const y = binaryLabels(X, 2);
    const V = normal(400, 5, 3);
    const yv = binaryLabels(V, 4);
    const progress: FitProgress[] = [];
    const m = GradientBoosting.fit(
      X,
      y,
      { rounds: 300, learningRate: 0.5, maxDepth: 6, minChildWeight: 0, earlyStoppingRounds: 10 },
      { task: 'binary', classes: 2, validation: { X: V, y: yv }, onProgress: (p) => progress.push(p) },
    );
    const h = m.history;
    const best = h.indexOf(Math.min(...h));
    assert.ok(h.length < 300, 'stopped early');
    assert.equal(h.length, best + 1 + 10);
    assert.equal(m.iterations, best + 1);
    assert.equal(m.trees.treeClass.length, best + 1);
    assert.equal(progress.length, h.length);
    assert.deepEqual(
      progress.map((p) => p.metrics!['logloss']),
      h,
    );
    assert.ok(Math.abs(logLoss(yv, m.predictProba(V)) - h[best]!) < 1e-9);
  });

  it('shouldStop ends the fit after the current round', () => {
    let rounds = 0;
    const X = normal(200, 3, 5);
    const m = GradientBoosting.fit(
      X,
      binaryLabels(X, 6),
      { rounds: 50 },
      {
        task: 'binary',
        classes: 2,
        onProgress: () => rounds++,
        shouldStop: () => rounds >= 3,
      },
    );
    assert.equal(m.iterations, 3);
  });

  it('learns where missing values go', () => {
    // NaN in x0 means "positive"; among observed values, x0 > 0 means positive.
    const X = normal(1000, 2, 7);
    const y = new Float64Array(1000);
    for (let i = 0; i < 1000; i++) {
      if (i % 5 === 0) X.data[2 * i] = Number.NaN;
      y[i] = i % 5 === 0 || X.data[2 * i]! > 0 ? 1 : 0;
    }
    const m = GradientBoosting.fit(X, y, { rounds: 20, maxDepth: 2 }, { task: 'binary', classes: 2 });
    const probe = { data: Float64Array.of(Number.NaN, 0, -1, 0, 1, 0), rows: 3, cols: 2 };
    const p = proba1(m, probe);
    assert.ok(p[0]! > 0.8 && p[2]! > 0.8 && p[1]! < 0.2, `p = ${Array.from(p)}`);
    const root = m.treeEnsemble();
    assert.equal(root.feature[0], 0);
    // Positives sit right of the root split (x0 > threshold), so missing values were sent right.
    assert.equal(root.missingLeft[0], 0);
  });

  it('native categorical splits beat the same codes read as ordinals', () => {
    const random = new SeededRandom(9);
    const good = new Set([1, 4, 6, 9, 13, 14, 17]);
    const make = (rows: number) => {
      const X = { data: new Float64Array(rows * 2), rows, cols: 2 };
      const y = new Float64Array(rows);
      for (let i = 0; i < rows; i++) {
        const c = random.int(20);
        X.data[2 * i] = c;
        X.data[2 * i + 1] = random.normal();
        y[i] = random.uniform() < (good.has(c) ? 0.85 : 0.15) ? 1 : 0;
      }
      return { X, y };
    };
    const tr = make(2000);
    const te = make(1000);
    const opts = { rounds: 3, maxDepth: 1, learningRate: 0.5 };
    const ordinal = GradientBoosting.fit(tr.X, tr.y, opts, { task: 'binary', classes: 2 });
    const cat = GradientBoosting.fit(
      tr.X,
      tr.y,
      { ...opts, categoricalFeatures: [0] },
      { task: 'binary', classes: 2 },
    );
    const aucOrdinal = rocAuc(te.y, proba1(ordinal, te.X));
    const aucCat = rocAuc(te.y, proba1(cat, te.X));
    assert.ok(aucCat > aucOrdinal + 0.05, `categorical ${aucCat} vs ordinal ${aucOrdinal}`);
    assert.ok(aucCat > 0.8);
    const ens = cat.treeEnsemble();
    assert.equal(ens.categorical![0], 1);
    const raw = rawTreeOutputs(ens, te.X.data, te.X.rows);
    const mine = cat.predictRaw(te.X);
    for (let i = 0; i < raw.length; i++) assert.ok(Math.abs(raw[i]! - mine[i]!) < 1e-9);
    // An unseen category goes right, as the TreeEnsemble contract says.
    assert.doesNotThrow(() => cat.predict({ data: Float64Array.of(300, 0), rows: 1, cols: 2 }));
  });

  it('monotone constraints give monotone predictions', () => {
    const random = new SeededRandom(11);
    const rows = 1500;
    const X = { data: new Float64Array(rows * 2), rows, cols: 2 };
    const y = new Float64Array(rows);
    for (let i = 0; i < rows; i++) {
      const a = random.uniform() * 4 - 2;
      const b = random.normal();
      X.data[2 * i] = a;
      X.data[2 * i + 1] = b;
      y[i] = a + Math.sin(4 * a) + 0.5 * b + random.normal() * 0.3;
    }
    const m = GradientBoosting.fit(
      X,
      y,
      { rounds: 60, maxDepth: 4, monotone: [1, 0] },
      { task: 'regression', classes: 0 },
    );
    const free = GradientBoosting.fit(X, y, { rounds: 60, maxDepth: 4 }, { task: 'regression', classes: 0 });
    const grid = { data: new Float64Array(400 * 2), rows: 400, cols: 2 };
    let freeDrops = 0;
    for (const b of [-1, 0, 1.5]) {
      for (let i = 0; i < 400; i++) {
        grid.data[2 * i] = -2 + i / 100;
        grid.data[2 * i + 1] = b;
      }
      const p = m.predict(grid);
      for (let i = 1; i < 400; i++) assert.ok(p[i]! >= p[i - 1]!, `not monotone at ${i}`);
      const q = free.predict(grid);
      for (let i = 1; i < 400; i++) if (q[i]! < q[i - 1]!) freeDrops++;
    }
    assert.ok(freeDrops > 0, 'the unconstrained model follows the sine');
  });

  it('regression losses: absolute error resists outliers, huber fits, base scores are optimal constants', () => {
    const X = normal(800, 3, 13);
    const random = new SeededRandom(14);
    const y = Float64Array.from({ length: 800 }, (_, i) => {
      const v = 2 * X.data[3 * i]! + random.normal() * 0.2;
      return i % 10 === 0 ? v + 50 : v;
    });
    const clean = Float64Array.from({ length: 800 }, (_, i) => 2 * X.data[3 * i]!);
    const ctx = { task: 'regression' as const, classes: 0 };
    const sq = GradientBoosting.fit(X, y, { rounds: 50, maxDepth: 3 }, ctx);
    const abs = GradientBoosting.fit(X, y, { rounds: 50, maxDepth: 3, loss: 'absolute_error' }, ctx);
    const hub = GradientBoosting.fit(X, y, { rounds: 50, maxDepth: 3, loss: 'huber', huberDelta: 1 }, ctx);
    const maeSq = meanAbsoluteError(clean, sq.predict(X));
    const maeAbs = meanAbsoluteError(clean, abs.predict(X));
    const maeHub = meanAbsoluteError(clean, hub.predict(X));
    assert.ok(maeAbs < maeSq / 2, `absolute ${maeAbs} vs squared ${maeSq}`);
    assert.ok(maeHub < maeSq, `huber ${maeHub} vs squared ${maeSq}`);
    const sorted = Float64Array.from(y).sort();
    assert.equal(abs.base[0], (sorted[399]! + sorted[400]!) / 2);
    assert.ok(Math.abs(sq.base[0]! - y.reduce((a, b) => a + b, 0) / 800) < 1e-12);
  });

  it('sample weights: weight 2 equals a duplicated row (pre-binned data)', () => {
    const random = new SeededRandom(15);
    const rows = 300;
    const X = { data: Float64Array.from({ length: rows * 3 }, () => random.int(6)), rows, cols: 3 };
    const y = Float64Array.from(
      { length: rows },
      (_, i) => X.data[3 * i]! + (random.uniform() < 0.5 ? 1 : 0),
    );
    const w = Float64Array.from({ length: rows }, (_, i) => (i < 100 ? 2 : 1));
    const dup = {
      data: Float64Array.from([...X.data, ...X.data.subarray(0, 300)]),
      rows: rows + 100,
      cols: 3,
    };
    const ydup = Float64Array.from([...y, ...y.subarray(0, 100)]);
    const ctx = { task: 'regression' as const, classes: 0 };
    // Exact sums: quantized gradients round a doubled row once and its duplicate twice.
    const options = { rounds: 10, quantizedGradients: false };
    const a = GradientBoosting.fit(X, y, options, { ...ctx, sampleWeight: w });
    const b = GradientBoosting.fit(dup, ydup, options, ctx);
    const pa = a.predict(X);
    const pb = b.predict(X);
    for (let i = 0; i < rows; i++) assert.ok(Math.abs(pa[i]! - pb[i]!) < 1e-9);
  });

  it('multiclass with subsampling and leaf-wise growth: TreeEnsemble raw outputs equal the predictor, save/load round trip', () => {
    const X = normal(900, 4, 17);
    for (let i = 0; i < 900; i += 7) X.data[i * 4 + 1] = Number.NaN;
    const y = Float64Array.from({ length: 900 }, (_, i) => {
      const s = X.data[4 * i]! + (X.data[4 * i + 2]! > 0.5 ? 1 : 0);
      return s < -0.5 ? 0 : s < 0.7 ? 1 : 2;
    });
    const m = GradientBoosting.fit(
      X,
      y,
      { rounds: 15, maxLeaves: 12, subsample: 0.8, colsampleByTree: 0.75, alpha: 0.5, gamma: 0.1, seed: 3 },
      { task: 'multiclass', classes: 3 },
    );
    assert.equal(m.trees.treeClass.length, 45);
    for (let t = 0; t < 45; t++) {
      const leaves = m.trees.feature
        .subarray(m.trees.treeStart[t]!, m.trees.treeStart[t + 1]!)
        .filter((f) => f < 0).length;
      assert.ok(leaves <= 12);
    }
    const ens = m.treeEnsemble();
    assert.equal(ens.link, 'softmax');
    const raw = rawTreeOutputs(ens, X.data, X.rows);
    const mine = m.predictRaw(X);
    for (let i = 0; i < raw.length; i++) assert.ok(Math.abs(raw[i]! - mine[i]!) < 1e-9);
    const back = GradientBoosting.load(m.save());
    assert.deepEqual(back.predictProba(X).data, m.predictProba(X).data);
    assert.deepEqual(back.featureImportances('split'), m.featureImportances('split'));
    const gain = m.featureImportances('gain');
    assert.ok(Math.abs(gain.reduce((a, b) => a + b, 0) - 1) < 1e-12);
    assert.equal(gain.indexOf(Math.max(...gain)), 0);
  });

  it('a split on missingness alone (threshold +Infinity) predicts as the trees say, on the fast walk too', () => {
    // Feature 0 tells the class only by being missing; feature 1 is noise.
    const rows = 400;
    const X = normal(rows, 2, 23);
    const y = new Float64Array(rows);
    for (let i = 0; i < rows; i++) {
      const missing = i % 3 === 0;
      X.data[2 * i] = missing ? Number.NaN : 1 + (i % 5);
      y[i] = missing ? 1 : 0;
    }
    const m = GradientBoosting.fit(
      X,
      y,
      { rounds: 12, maxDepth: 2, learningRate: 0.3 },
      { task: 'binary', classes: 2 },
    );
    const splits = Array.from(
      m.trees.feature,
      (f, g) => [f, m.trees.threshold[g]!, m.trees.missingLeft[g]!] as const,
    );
    assert.ok(
      splits.some(([f, t, left]) => f === 0 && t === Number.POSITIVE_INFINITY && left === 0),
      'a split sends every value left and NaN right',
    );
    const raw = rawTreeOutputs(m.treeEnsemble(), X.data, X.rows);
    assert.deepEqual(Array.from(m.predictRaw(X)), Array.from(raw));
    const p = m.predictProba(X);
    for (let i = 0; i < rows; i++) assert.equal(p.data[2 * i + 1]! > 0.5, y[i] === 1, `row ${i}`);
  });
});
