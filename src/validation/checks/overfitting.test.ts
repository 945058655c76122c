import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SeededRandom } from '../../ml/index.js';
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
