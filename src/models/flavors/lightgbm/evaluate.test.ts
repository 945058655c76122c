/**
 * LightGBM's decision rules (tree.h NumericalDecision / CategoricalDecision) and objective
 * transforms, on hand-written models whose answers follow from those rules.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { rawTreeOutputs } from '../../../ml/index.js';
import { predictScores, rawScores } from './evaluate.js';
import { lightgbmEnsemble } from './lgb-ensemble.js';
import { parseModelText } from './model-text.js';
import { catStump, leafTree, modelText, stump } from './test-models.js';

const NaN_ = Number.NaN;

/** Predictions of a one-feature model for each value. */
function predict1(text: string, values: number[]): number[] {
  const m = parseModelText(text);
  const cols = m.featureNames.length;
  const x = new Float64Array(values.length * cols);
  values.forEach((v, i) => {
    x[i * cols] = v;
  });
  return Array.from(predictScores(m, x, values.length));
}

describe('numeric splits', () => {
  it('send x <= threshold left, in double precision', () => {
    const t = modelText([stump(0, 0.30000000000000004, 2, -1, 1)]);
    assert.deepEqual(predict1(t, [0.1, 0.30000000000000004, 0.3000000000000001, 5]), [-1, -1, 1, 1]);
  });

  it('without missing handling, read NaN as 0 whatever the default side', () => {
    for (const dt of [0, 2]) {
      assert.deepEqual(predict1(modelText([stump(0, 0.5, dt, -1, 1)]), [NaN_, 0]), [-1, -1]);
      assert.deepEqual(predict1(modelText([stump(0, -0.5, dt, -1, 1)]), [NaN_, 0]), [1, 1]);
    }
  });

  it('with missing type NaN, send NaN to the default side and compare zero as a number', () => {
    // 8: NaN, default right; 10: NaN, default left.
    assert.deepEqual(predict1(modelText([stump(0, 0.5, 8, -1, 1)]), [NaN_, 0, 1]), [1, -1, 1]);
    assert.deepEqual(predict1(modelText([stump(0, -0.5, 10, -1, 1)]), [NaN_, 0, -1]), [-1, 1, -1]);
  });

  it('with missing type Zero, send 0, NaN and |x| <= 1e-35 to the default side', () => {
    // 4: Zero, default right; 6: Zero, default left.
    const right = modelText([stump(0, 0.5, 4, -1, 1)]);
    assert.deepEqual(predict1(right, [0, NaN_, 1e-36, -1e-36, 1e-34, 0.6]), [1, 1, 1, 1, -1, 1]);
    const left = modelText([stump(0, -0.5, 6, -1, 1)]);
    assert.deepEqual(predict1(left, [0, NaN_, -1e-36, -0.4, -0.6]), [-1, -1, -1, 1, -1]);
  });
});

describe('categorical splits', () => {
  it('send categories in the bitset left, truncating fractions; negatives, NaN and codes past the bitset right', () => {
    // 11 = 0b1011: categories 0, 1 and 3.
    const t = modelText([catStump(0, [11], -1, 1)]);
    assert.deepEqual(
      predict1(t, [0, 1, 2, 3, 3.7, -0.5, -1, NaN_, 4, 32, 1e12, Number.POSITIVE_INFINITY]),
      [-1, -1, 1, -1, -1, -1, 1, 1, 1, 1, 1, 1],
    );
  });

  it('read bitsets of several words', () => {
    const t = modelText([catStump(0, [0, 1, 2147483648], -1, 1)]);
    assert.deepEqual(predict1(t, [0, 31, 32, 33, 95, 96]), [1, 1, -1, 1, -1, 1]);
  });

  it('send NaN right even when the split records NaN as its missing type', () => {
    assert.deepEqual(predict1(modelText([catStump(0, [1], -1, 1, 9)]), [NaN_, 0]), [1, -1]);
  });
});

describe('ensembles and objectives', () => {
  it('sums trees in order, with one-leaf trees', () => {
    const t = modelText([stump(0, 0, 2, -1, 1), leafTree(0.5), stump(1, 0, 2, 10, 20)]);
    const m = parseModelText(t);
    assert.deepEqual(Array.from(rawScores(m, Float64Array.from([-1, 1, 1, -1]), 2)), [
      -1 + 0.5 + 20,
      1 + 0.5 + 10,
    ]);
  });

  it('transforms raw scores as each objective does', () => {
    const one = (objective: string, raw: number) =>
      predict1(modelText([leafTree(raw)], { objective }), [0])[0]!;
    assert.equal(one('poisson', 0.5), Math.exp(0.5));
    assert.equal(one('gamma', -2), Math.exp(-2));
    assert.equal(one('tweedie', 1), Math.exp(1));
    assert.equal(one('regression sqrt', -3), -9);
    assert.equal(one('regression_l1', -3), -3);
    assert.equal(one('huber', 2), 2);
    assert.equal(one('binary sigmoid:2', 0.25), 1 / (1 + Math.exp(-0.5)));
    assert.equal(one('cross_entropy', 1), 1 / (1 + Math.exp(-1)));
    assert.equal(one('cross_entropy_lambda', 1), Math.log1p(Math.exp(1)));
    assert.equal(one('lambdarank', 1.5), 1.5);
  });

  it('multiclass: one tree per class and round, softmax or one-vs-all sigmoids', () => {
    const trees = [leafTree(1), leafTree(2), leafTree(0), leafTree(0.5), leafTree(0), leafTree(-1)];
    const opts = { numClass: 3, treesPerIteration: 3 };
    const soft = parseModelText(modelText(trees, { ...opts, objective: 'multiclass num_class:3' }));
    const raw = Array.from(rawScores(soft, new Float64Array(2), 1));
    assert.deepEqual(raw, [1.5, 2, -1]);
    const e = raw.map((v) => Math.exp(v - 2));
    const sum = e.reduce((a, b) => a + b);
    assert.deepEqual(
      Array.from(predictScores(soft, new Float64Array(2), 1)).map((v) => v.toFixed(15)),
      e.map((v) => (v / sum).toFixed(15)),
    );
    const ova = parseModelText(
      modelText(trees, { ...opts, objective: 'multiclassova num_class:3 sigmoid:1' }),
    );
    assert.deepEqual(
      Array.from(predictScores(ova, new Float64Array(2), 1)),
      raw.map((v) => 1 / (1 + Math.exp(-v))),
    );
  });

  it('random forests average their rounds, then transform (v3+) or not (LightGBM 2.x files)', () => {
    const trees = [leafTree(1), leafTree(3)];
    const v4 = parseModelText(modelText(trees, { objective: 'binary sigmoid:1', averageOutput: true }));
    assert.deepEqual(Array.from(predictScores(v4, new Float64Array(2), 1)), [1 / (1 + Math.exp(-2))]);
    const v2 = parseModelText(
      modelText(trees, { objective: 'binary sigmoid:1', averageOutput: true, version: 'v2' }),
    );
    assert.deepEqual(Array.from(predictScores(v2, new Float64Array(2), 1)), [2]);
  });
});

describe('as a TreeEnsemble', () => {
  it('walks to the same leaves as LightGBM for NaN, zeros and categories', () => {
    const trees = [
      stump(0, 0.5, 0, -1, 1),
      stump(0, -0.5, 2, -2, 2),
      stump(1, 1, 8, -3, 3),
      stump(1, 1, 10, -4, 4),
      stump(0, 0.5, 6, -5, 5),
      catStump(1, [11], -6, 6),
      leafTree(0.125),
    ];
    const m = parseModelText(modelText(trees));
    // Feature 1 feeds a categorical split too: integer codes (LightGBM truncates fractions there).
    const a = [NaN_, 0, 1e-36, 0.25, 0.3, -0.7, 1, 3, 5];
    const b = [NaN_, 0, -1, 1, 2, 3, 5, 40];
    const x = Float64Array.from(a.flatMap((u) => b.flatMap((v) => [u, v])));
    const rows = x.length / 2;
    assert.deepEqual(
      Array.from(rawTreeOutputs(lightgbmEnsemble(m), x, rows)),
      Array.from(rawScores(m, x, rows)),
    );
  });

  it('refuses a zero-as-missing split it cannot express', () => {
    const m = parseModelText(modelText([stump(0, 0.5, 4, -1, 1)]));
    assert.throws(() => lightgbmEnsemble(m), /cannot express/);
  });
});
