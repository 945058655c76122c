import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Task } from '../family.js';
import type { Matrix } from '../matrix.js';
import { logLoss, rocAuc, rootMeanSquaredError } from '../metrics/index.js';
import { loadFixture } from '../test-fixtures.js';
import { GradientBoosting } from './gradient-boosting.js';

interface DumpNode {
  nodeid: number;
  split?: string;
  split_condition?: number;
  gain?: number;
  cover: number;
  leaf?: number;
  children?: DumpNode[];
}

interface SingleTree {
  X: number[];
  rows: number;
  cols: number;
  cases: { task: Task; y: number[]; margin: number[]; tree: DumpNode; margin30: number[] }[];
}

interface Agreement {
  X: (number | null)[];
  rows: number;
  cols: number;
  train: number;
  binary: number[];
  regression: number[];
  multiclass: number[];
  params: Record<string, number>;
  xgbAuc: number;
  xgbRmse: number;
  xgbMlogloss: number;
}

describe('gbdt agrees with XGBoost 1.7 hist', () => {
  const single = loadFixture<SingleTree>('gbdt/single-tree.json');
  const X: Matrix = { data: Float64Array.from(single.X), rows: single.rows, cols: single.cols };
  for (const c of single.cases) {
    it(`one depth-2 ${c.task} tree on pre-binned features: same splits, gains, covers and leaf values`, () => {
      const y = Float64Array.from(c.y);
      const m = GradientBoosting.fit(
        X,
        y,
        // Exact gradient sums: XGBoost's algorithm to the last split (quantized ones are tested below).
        { rounds: 1, maxDepth: 2, learningRate: 1, lambda: 1, minChildWeight: 1, quantizedGradients: false },
        { task: c.task, classes: c.task === 'binary' ? 2 : 0 },
      );
      const raw = m.predictRaw(X);
      for (let i = 0; i < X.rows; i++) assert.ok(Math.abs(raw[i]! - c.margin[i]!) < 1e-5, `row ${i}`);
      // Breadth-first walk of XGBoost's dump against Lathe's breadth-first nodes.
      const t = m.trees;
      const queue: DumpNode[] = [c.tree];
      for (let g = 0; g < queue.length; g++) {
        const node = queue[g]!;
        assert.ok(Math.abs(t.cover[g]! - node.cover) < 1e-4 * Math.max(1, node.cover), `cover of node ${g}`);
        if (node.children) {
          assert.equal(`f${t.feature[g]}`, node.split);
          // XGBoost sends x < split_condition left; Lathe x <= threshold (halfway between bins).
          assert.equal(t.threshold[g], node.split_condition! - 0.5);
          assert.ok(Math.abs(t.gain[g]! - node.gain!) < 1e-4 * node.gain!, `gain of node ${g}`);
          queue.push(...node.children);
        } else {
          assert.equal(t.feature[g], -1);
          assert.ok(Math.abs(t.value[g]! - node.leaf!) < 1e-6, `leaf ${g}`);
        }
      }
      assert.equal(queue.length, t.feature.length);
    });

    it(`30 ${c.task} rounds of depth 4 on pre-binned features: XGBoost's margins`, () => {
      const m = GradientBoosting.fit(
        X,
        Float64Array.from(c.y),
        { rounds: 30, maxDepth: 4, learningRate: 0.3, quantizedGradients: false },
        { task: c.task, classes: c.task === 'binary' ? 2 : 0 },
      );
      const raw = m.predictRaw(X);
      for (let i = 0; i < X.rows; i++) assert.ok(Math.abs(raw[i]! - c.margin30[i]!) < 1e-5, `row ${i}`);
    });
  }

  const a = loadFixture<Agreement>('gbdt/agreement.json');
  const all = Float64Array.from(a.X, (v) => (v === null ? Number.NaN : v));
  const train: Matrix = { data: all.subarray(0, a.train * a.cols), rows: a.train, cols: a.cols };
  const test: Matrix = { data: all.subarray(a.train * a.cols), rows: a.rows - a.train, cols: a.cols };
  const split = (v: number[]) => [
    Float64Array.from(v.slice(0, a.train)),
    Float64Array.from(v.slice(a.train)),
  ];

  it('binary: test AUC within 0.01 of XGBoost with the same hyperparameters', () => {
    const [ytr, yte] = split(a.binary);
    const m = GradientBoosting.fit(train, ytr!, a.params, { task: 'binary', classes: 2 });
    const p = m.predictProba(test);
    const p1 = Float64Array.from({ length: test.rows }, (_, i) => p.data[2 * i + 1]!);
    const auc = rocAuc(yte!, p1);
    assert.ok(Math.abs(auc - a.xgbAuc) < 0.01, `AUC ${auc} vs XGBoost ${a.xgbAuc}`);
  });

  it('regression: test RMSE within 3% of XGBoost', () => {
    const [ytr, yte] = split(a.regression);
    const m = GradientBoosting.fit(train, ytr!, a.params, { task: 'regression', classes: 0 });
    const rmse = rootMeanSquaredError(yte!, m.predict(test));
    assert.ok(Math.abs(rmse / a.xgbRmse - 1) < 0.03, `RMSE ${rmse} vs XGBoost ${a.xgbRmse}`);
  });

  it('multiclass: test log-loss within 0.03 of XGBoost softprob', () => {
    const [ytr, yte] = split(a.multiclass);
    const m = GradientBoosting.fit(train, ytr!, a.params, { task: 'multiclass', classes: 3 });
    const ll = logLoss(yte!, m.predictProba(test));
    assert.ok(Math.abs(ll - a.xgbMlogloss) < 0.03, `log-loss ${ll} vs XGBoost ${a.xgbMlogloss}`);
  });
});
