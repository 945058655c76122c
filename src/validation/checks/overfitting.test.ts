import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { modelFamily, SeededRandom } from '../../ml/index.js';
import type { Frame, FramePredictions, ValidationTask } from '../check.js';
import { binaryFromScores, contextOf } from '../test-context.js';
import { overfittingCheck } from './overfitting.js';

function frame(n: number, seed: number, task: ValidationTask): Frame {
  const rng = new SeededRandom(seed);
  const x1 = Float64Array.from({ length: n }, () => rng.normal());
  const x2 = Float64Array.from({ length: n }, () => rng.normal());
  const s = Float64Array.from(x1, (v, i) => 2 * v + x2[i]! + 0.5 * rng.normal());
  const label = task === 'regression' ? s : Float64Array.from(s, (v) => (v > 0 ? 1 : 0));
  return { rows: n, columns: { x1, x2, label } };
}

const key = (f: Frame, i: number) =>
  `${(f.columns.x1 as Float64Array)[i]},${(f.columns.x2 as Float64Array)[i]}`;

/** A context whose candidate is `model`, built from the training frame (for memorising models). */
function context(task: ValidationTask, model: (train: Frame) => (f: Frame) => FramePredictions) {
  const train = frame(600, 1, task);
  const test = frame(400, 2, task);
  return contextOf({
    task,
    ...(task === 'regression' ? {} : { classes: [0, 1] }),
    target: 'label',
    features: ['x1', 'x2'],
    test,
    yTest: test.columns.label as Float64Array,
    train,
    yTrain: train.columns.label as Float64Array,
    candidate: model(train),
  });
}

/** Knows every training row's label by heart; answers a coin toss elsewhere. */
const memoriser = (train: Frame) => {
  const seen = new Map<string, number>();
  const y = train.columns.label as Float64Array;
  for (let i = 0; i < train.rows; i++) seen.set(key(train, i), y[i]!);
  return (f: Frame) => {
    const rng = new SeededRandom(5);
    return binaryFromScores(Array.from({ length: f.rows }, (_, i) => seen.get(key(f, i)) ?? rng.uniform()));
  };
};

/** The true score function: as good on test as on train. */
const honest = () => (f: Frame) => {
  const x1 = f.columns.x1 as Float64Array;
  const x2 = f.columns.x2 as Float64Array;
  return binaryFromScores(Array.from(x1, (v, i) => 1 / (1 + Math.exp(-(4 * v + 2 * x2[i]!)))));
};

/** A native GBDT fitted on the frame's x1, x2 with noisy labels; its trees exposed as a tree model is. */
function gbdtModel(train: Frame, params: Record<string, unknown>): (f: Frame) => FramePredictions {
  const rng = new SeededRandom(9);
  const matrix = (f: Frame) => {
    const x1 = f.columns.x1 as Float64Array;
    const x2 = f.columns.x2 as Float64Array;
    const data = new Float64Array(f.rows * 2);
    for (let i = 0; i < f.rows; i++) {
      data[2 * i] = x1[i]!;
      data[2 * i + 1] = x2[i]!;
    }
    return { data, rows: f.rows, cols: 2 };
  };
  const y = Float64Array.from(train.columns.label as Float64Array, (v) => (rng.uniform() < 0.25 ? 1 - v : v));
  const model = modelFamily('gbdt').fit(
    matrix(train),
    y,
    { seed: 1, ...params },
    { task: 'binary', classes: 2 },
  );
  const fn = (f: Frame): FramePredictions => {
    const p = model.predictProba!(matrix(f));
    return { y: model.predict(matrix(f)), proba: p.data };
  };
  return Object.assign(fn, {
    trees: { ensemble: model.treeEnsemble!(), inputs: (f: Frame) => matrix(f).data },
  });
}

const run = async (ctx: ReturnType<typeof context>, raw: Record<string, unknown> = {}) =>
  overfittingCheck.run(ctx, overfittingCheck.parseParams(raw));

describe('overfitting check', () => {
  it('fails a memorising model', async () => {
    const r = await run(context('binary', memoriser), { learningCurve: false });
    assert.equal(r.status, 'fail');
    assert.ok(r.value! > 0.4, String(r.value));
    assert.match(
      r.message,
      /roc_auc is 1\.0000 on training rows and 0\.\d+ on test rows: gap 0\.\d+ above 0\.1, the model overfits/,
    );
  });

  it('passes a model as good on test as on train, and draws a learning curve', async () => {
    const r = await run(context('binary', honest));
    assert.equal(r.status, 'pass', r.message);
    assert.ok(Math.abs(r.value!) < 0.05);
    const curve = r.tables[1]!;
    assert.deepEqual(
      curve.rows.map((row) => row[0]),
      [60, 150, 300, 600],
    );
    for (const row of curve.rows) assert.ok((row[2] as number) > 0.8, String(row[2]));
    const line = r.charts[1]!;
    assert.equal(line.kind, 'line');
    assert.deepEqual(line.x, [60, 150, 300, 600]);
    assert.deepEqual(
      line.series.map((s) => s.name),
      ['train', 'test'],
    );
    assert.match(r.message, /learning curve/i);
  });

  it('warns on an underfitting model (no better than chance on train and test)', async () => {
    const constant = () => (f: Frame) => binaryFromScores(new Float64Array(f.rows).fill(0.5));
    const r = await run(context('binary', constant), { learningCurve: false });
    assert.equal(r.status, 'warn');
    assert.match(r.message, /worse than the floor 0\.5500: the model underfits/);
  });

  it('uses the relative RMSE gap for regression', async () => {
    const memo = (train: Frame) => {
      const seen = new Map<string, number>();
      const y = train.columns.label as Float64Array;
      for (let i = 0; i < train.rows; i++) seen.set(key(train, i), y[i]!);
      return (f: Frame) => ({ y: Float64Array.from({ length: f.rows }, (_, i) => seen.get(key(f, i)) ?? 0) });
    };
    const r = await run(context('regression', memo), { learningCurve: false });
    assert.equal(r.status, 'fail');
    assert.equal(r.value, 1);
    assert.match(r.measure, /rmse \(relative\)/);
    const good = (f: Frame) => ({
      y: Float64Array.from(
        f.columns.x1 as Float64Array,
        (v, i) => 2 * v + (f.columns.x2 as Float64Array)[i]!,
      ),
    });
    const ok = await run(
      context('regression', () => good),
      { learningCurve: false },
    );
    assert.equal(ok.status, 'pass', ok.message);
  });

  it('finds boosting rounds past the test optimum of a boosted model, and not when there are none', async () => {
    // Noisy labels (25% flipped), deep trees and a high learning rate: test AUC peaks early.
    const boosted = (params: Record<string, unknown>) => (train: Frame) => gbdtModel(train, params);
    const noisy = (task: ValidationTask) => {
      const ctx = context(
        task,
        boosted({ rounds: 150, learningRate: 0.5, maxDepth: 6, minChildWeight: 0.01 }),
      );
      return ctx;
    };
    const over = await run(noisy('binary'), { learningCurve: false });
    const table = over.tables.find((t) => t.title.startsWith('Test roc_auc by boosting round'));
    assert.ok(table, over.message);
    const [bestRound, , lastRound] = table.rows[0] as number[];
    assert.equal(lastRound, 150);
    assert.ok(bestRound! < 100, `best round ${bestRound}`);
    assert.match(over.message, /peaks at boosting round \d+ .* retrain with about \d+ rounds/);
    assert.notEqual(over.status, 'pass');
    assert.ok(over.charts.some((c) => c.xLabel === 'boosting round' && c.x!.length > 10));
    // Without a training set the rounds curve still runs and warns.
    const ctx = noisy('binary');
    const alone = await overfittingCheck.run({ ...ctx, train: undefined }, overfittingCheck.parseParams({}));
    assert.equal(alone.status, 'warn', alone.message);
    assert.match(alone.message, /No training set was given, so no train\/test gap\. Test roc_auc peaks/);
    // A gentle model keeps improving to its last round.
    const gentle = await run(context('binary', boosted({ rounds: 30, learningRate: 0.05, maxDepth: 2 })), {
      learningCurve: false,
    });
    assert.doesNotMatch(gentle.message, /peaks at boosting round/);
    assert.match(gentle.message, /by boosting round: best/);
    // Turned off, no curve.
    const off = await run(noisy('binary'), { learningCurve: false, roundsCurve: false });
    assert.ok(!off.tables.some((t) => t.title.includes('boosting round')));
  });

  it('skips without a training set', async () => {
    const ctx = context('binary', honest);
    const r = await overfittingCheck.run({ ...ctx, train: undefined }, overfittingCheck.parseParams({}));
    assert.equal(r.status, 'skip');
  });

  it('refuses bad parameters', async () => {
    assert.throws(() => overfittingCheck.parseParams({ metric: 'bleu' }), /metric must be one of accuracy/);
    assert.throws(
      () => overfittingCheck.parseParams({ shares: [0, 0.5] }),
      /shares must be a list of shares/,
    );
    assert.throws(
      () => overfittingCheck.parseParams({ learningCurve: 'yes' }),
      /learningCurve must be true or false/,
    );
    assert.throws(() => overfittingCheck.parseParams({ gap: 1 }), /unknown parameter gap/);
    await assert.rejects(
      run(context('binary', honest), { metric: 'rmse' }),
      /metric rmse does not apply to binary/,
    );
  });
});
