import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { kFold, stratifiedKFold } from '../cv/index.js';
import { modelFamily } from '../families.js';
import type { Matrix } from '../matrix.js';
import { rocAuc, rootMeanSquaredError } from '../metrics/index.js';
import { SeededRandom } from '../seeded-random.js';
import { assertInvalid } from '../test-fixtures.js';
import { AshaScheduler, budgetPlan, withBudget } from './asha.js';
import { metricDirection } from './metric-direction.js';
import { runSearch } from './run-search.js';
import { scoreParams, subsampleRows } from './score-params.js';

function dataset(rows: number, regression: boolean): { X: Matrix; y: Float64Array } {
  const rng = new SeededRandom(11);
  const data = new Float64Array(rows * 3);
  const y = new Float64Array(rows);
  for (let r = 0; r < rows; r++) {
    const a = rng.normal();
    const b = rng.normal();
    const c = rng.normal();
    data.set([a, b, c], r * 3);
    const z = 1.5 * a - b + 0.5 * rng.normal();
    y[r] = regression ? z + 0.3 * c * c : z > 0 ? 1 : 0;
  }
  return { X: { data, rows, cols: 3 }, y };
}

function rows(X: Matrix, idx: Int32Array): Matrix {
  const data = new Float64Array(idx.length * X.cols);
  idx.forEach((r, i) => {
    data.set(X.data.subarray(r * X.cols, (r + 1) * X.cols), i * X.cols);
  });
  return { data, rows: idx.length, cols: X.cols };
}
const pick = (v: Float64Array, idx: Int32Array) => Float64Array.from(idx, (r) => v[r]!);

describe('scoreParams', () => {
  it('gives logistic regression’s per-fold ROC AUC, mean and std as computed fold by fold', () => {
    const { X, y } = dataset(120, false);
    const family = modelFamily('logistic');
    const splits = stratifiedKFold(y, { k: 4, shuffle: true, seed: 3 });
    const params = { C: 0.5, penalty: 'l2' };
    const score = scoreParams(family, X, y, params, {
      task: 'binary',
      classes: 2,
      splits,
      metric: 'roc_auc',
    });
    const byHand = splits.map(({ train, test }) => {
      const model = family.fit(rows(X, train), pick(y, train), params, { task: 'binary', classes: 2 });
      const p = model.predictProba!(rows(X, test));
      return rocAuc(
        pick(y, test),
        Float64Array.from({ length: p.rows }, (_, r) => p.data[r * 2 + 1]!),
      );
    });
    assert.deepEqual(score.values, byHand);
    const mean = byHand.reduce((s, v) => s + v, 0) / 4;
    assert.equal(score.mean, mean);
    assert.ok(Math.abs(score.std - Math.sqrt(byHand.reduce((s, v) => s + (v - mean) ** 2, 0) / 4)) < 1e-15);
    assert.ok(score.mean > 0.8);
    assert.equal(score.direction, 'maximize');
    assert.equal(score.fitMs.length, 4);
    assert.ok(score.predictMsPerRow >= 0 && score.fitMs.every((t) => t >= 0));
  });

  it('gives a small random forest’s weighted RMSE as computed fold by fold, also on a share of rows', () => {
    const { X, y } = dataset(90, true);
    const family = modelFamily('rf');
    const splits = kFold(90, { k: 3, shuffle: true, seed: 1 });
    const sampleWeight = Float64Array.from({ length: 90 }, (_, i) => 1 + (i % 3));
    const params = { trees: 5, maxDepth: 4, seed: 2 };
    for (const trainFraction of [1, 0.5]) {
      const score = scoreParams(family, X, y, params, {
        task: 'regression',
        classes: 0,
        splits,
        metric: 'rmse',
        sampleWeight,
        trainFraction,
        seed: 6,
      });
      const byHand = splits.map(({ train: all, test }, f) => {
        const train = subsampleRows(all, trainFraction, 6, f);
        assert.equal(train.length, Math.ceil(60 * trainFraction));
        const model = family.fit(rows(X, train), pick(y, train), params, {
          task: 'regression',
          classes: 0,
          sampleWeight: pick(sampleWeight, train),
        });
        return rootMeanSquaredError(pick(y, test), model.predict(rows(X, test)), {
          sampleWeight: pick(sampleWeight, test),
        });
      });
      assert.deepEqual(score.values, byHand);
      assert.equal(score.mean, byHand.reduce((s, v) => s + v, 0) / 3);
      assert.equal(score.direction, 'minimize');
    }
  });

  it('names the valid metrics of the task and refuses unusable splits', () => {
    const { X, y } = dataset(40, false);
    const family = modelFamily('logistic');
    const base = { task: 'binary' as const, classes: 2, splits: kFold(40, { k: 2 }), metric: 'accuracy' };
    assertInvalid(
      () => scoreParams(family, X, y, {}, { ...base, metric: 'rmse' }),
      /unknown metric the string "rmse" for a binary task; valid metrics are accuracy, balanced_accuracy, precision, recall, f1, roc_auc/,
    );
    assertInvalid(
      () => scoreParams(family, X, y, {}, { ...base, splits: [] }),
      /splits must be a non-empty array/,
    );
    assertInvalid(
      () =>
        scoreParams(
          family,
          X,
          y,
          {},
          { ...base, splits: [{ train: Int32Array.of(0, 1), test: Int32Array.of(40) }] },
        ),
      /splits\[0\]\.test holds row 40; rows are 0\.\.39/,
    );
    assertInvalid(
      () => scoreParams(family, X, y, {}, { ...base, trainFraction: 0 }),
      /trainFraction must be a number in \(0, 1\]/,
    );
    assertInvalid(() => scoreParams(family, X, y, { depth: 3 }, base), /depth/);
    // A test fold of positives only: ROC AUC is undefined there.
    const positives = Int32Array.from({ length: 40 }, (_, i) => i).filter((i) => y[i] === 1);
    const negatives = Int32Array.from({ length: 40 }, (_, i) => i).filter((i) => y[i] === 0);
    const train = Int32Array.from([...negatives, ...positives.subarray(0, 3)]).sort();
    const splits = [{ train, test: positives.subarray(3) }];
    assertInvalid(
      () => scoreParams(family, X, y, {}, { ...base, metric: 'roc_auc', splits }),
      /metric roc_auc has no value on split 0/,
    );
  });

  it('drives an ASHA search over a real family’s space and budget', async () => {
    const { X, y } = dataset(120, false);
    const family = modelFamily('rf');
    const plan = budgetPlan(family, { minBudget: 3, maxBudget: 27 });
    const splits = stratifiedKFold(y, { k: 3, shuffle: true, seed: 0 });
    const budgets: number[] = [];
    const result = await runSearch({
      space: plan.space,
      family,
      sampler: 'tpe',
      seed: 3,
      trials: 12,
      direction: metricDirection('log_loss'),
      scheduler: new AshaScheduler({ ...plan, direction: 'minimize' }),
      objective: async (params, budget) => {
        const p = withBudget({ ...params, seed: 1 }, plan, budget!);
        budgets.push(p.trees as number);
        return scoreParams(family, X, y, p, { task: 'binary', classes: 2, splits, metric: 'log_loss' }).mean;
      },
    });
    assert.deepEqual(
      [...new Set(budgets)].sort((a, b) => a - b),
      [3, 9, 27],
    );
    assert.ok(result.trials.some((t) => t.state === 'pruned'));
    assert.equal(result.best?.budget, 27);
    assert.ok(result.best!.value! < 0.6, `best log loss ${result.best!.value}`);
  });

  it('knows each metric’s direction', () => {
    assert.equal(metricDirection('roc_auc'), 'maximize');
    assert.equal(metricDirection('log_loss'), 'minimize');
    assert.equal(metricDirection('f1_macro'), 'maximize');
    assert.equal(metricDirection('rmse'), 'minimize');
    assert.equal(metricDirection('r2'), 'maximize');
    assertInvalid(
      () => metricDirection('auc'),
      /unknown metric the string "auc"; valid metrics are accuracy/,
    );
  });
});
