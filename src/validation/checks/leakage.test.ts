import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SeededRandom } from '../../ml/index.js';
import type { Frame, ValidationTask } from '../check.js';
import { contextOf } from '../test-context.js';
import { leakageCheck } from './leakage.js';

const COLORS = ['red', 'green', 'blue'];

/** A clean frame: two noisy numeric features, a weak category, a shuffled integer id, a label. */
function frame(n: number, seed: number, task: ValidationTask = 'binary'): Frame {
  const rng = new SeededRandom(seed);
  const x1 = Float64Array.from({ length: n }, () => rng.normal());
  const x2 = Float64Array.from({ length: n }, () => rng.normal());
  const score = Float64Array.from(x1, (v, i) => v + 0.5 * x2[i]! + rng.normal());
  const label = task === 'regression' ? score : Float64Array.from(score, (s) => (s > 0 ? 1 : 0));
  const color = Array.from({ length: n }, () => COLORS[rng.int(3)]!);
  const id = Float64Array.from({ length: n }, (_, i) => seed * 100_000 + i);
  for (let i = n - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    [id[i], id[j]] = [id[j]!, id[i]!];
  }
  // An integer amount, distinct per row and predictive, yet no identifier.
  const balance = Float64Array.from(x1, (v) => Math.round(v * 1e6) + 5e6);
  return { rows: n, columns: { x1, x2, color, id, balance, label } };
}

function context(test: Frame, train: Frame, features: string[], task: ValidationTask = 'binary') {
  return contextOf({
    task,
    ...(task === 'regression' ? {} : { classes: [0, 1] }),
    target: 'label',
    features,
    test,
    yTest: test.columns.label as Float64Array,
    train,
    yTrain: train.columns.label as Float64Array,
    candidate: (f) => ({ y: new Float64Array(f.rows) }),
  });
}

const run = async (ctx: ReturnType<typeof context>, raw: Record<string, unknown> = {}) =>
  leakageCheck.run(ctx, leakageCheck.parseParams(raw));

const BASE = ['x1', 'x2', 'color', 'id', 'balance'];

describe('leakage check', () => {
  it('passes a clean train/test pair', async () => {
    const r = await run(context(frame(600, 1), frame(800, 2), BASE));
    assert.equal(r.status, 'pass', r.message);
    assert.equal(r.value, 0);
    assert.match(
      r.message,
      /No leak found: the strongest single feature, x1, reaches ROC-AUC 0\.\d+; 0\.0% of test rows/,
    );
    assert.match(r.message, /Time travel not checked: no labelTime/);
    assert.equal(r.tables[1]!.rows.length, 5);
    const balance = r.tables[1]!.rows.find((row) => row[0] === 'balance')!;
    assert.equal(balance[5], false);
  });

  it('catches a feature equal to the label plus tiny noise and names it', async () => {
    const withLeak = (f: Frame, seed: number): Frame => {
      const rng = new SeededRandom(seed);
      const y = f.columns.label as Float64Array;
      return {
        ...f,
        columns: { ...f.columns, refund_flag: Float64Array.from(y, (v) => v + 0.01 * rng.normal()) },
      };
    };
    const r = await run(
      context(withLeak(frame(600, 1), 5), withLeak(frame(800, 2), 6), [...BASE, 'refund_flag']),
    );
    assert.equal(r.status, 'fail');
    assert.equal(r.value, 1);
    assert.deepEqual(r.tables[0]!.rows[0]!.slice(0, 2), ['single-feature power', 'refund_flag']);
    assert.match(r.message, /single-feature power in refund_flag \(ROC-AUC 1\.000/);
  });

  it('catches a categorical copy of the label learned on training rows', async () => {
    const withCat = (f: Frame): Frame => {
      const y = f.columns.label as Float64Array;
      return { ...f, columns: { ...f.columns, status: Array.from(y, (v) => (v ? 'churned' : 'active')) } };
    };
    const r = await run(context(withCat(frame(600, 1)), withCat(frame(800, 2)), [...BASE, 'status']));
    assert.equal(r.status, 'fail');
    assert.deepEqual(r.tables[0]!.rows[0]!.slice(0, 2), ['single-feature power', 'status']);
  });

  it('catches test rows duplicated from the training set', async () => {
    const train = frame(800, 2);
    const test = frame(600, 1);
    const cols = test.columns as Record<string, Float64Array | unknown[]>;
    for (let i = 0; i < 60; i++)
      for (const c of [...BASE, 'label']) (cols[c] as unknown[])[i] = (train.columns[c] as unknown[])[i * 3];
    const r = await run(context(test, train, BASE));
    assert.equal(r.status, 'fail');
    const row = r.tables[0]!.rows.find((x) => x[0] === 'train/test overlap')!;
    assert.equal(row[2], 0.1);
    assert.match(r.message, /60 of 600 test rows have the feature values of a training row/);
  });

  it('catches an identifier sorted by label', async () => {
    const withId = (f: Frame): Frame => {
      const y = f.columns.label as Float64Array;
      const order = Array.from(y, (_, i) => i).sort((a, b) => y[a]! - y[b]! || a - b);
      const ids = new Array<string>(f.rows);
      order.forEach((r, k) => {
        ids[r] = `cust-${k + 1}`;
      });
      return { ...f, columns: { ...f.columns, customer_id: ids } };
    };
    const r = await run(context(withId(frame(600, 1)), withId(frame(800, 2)), [...BASE, 'customer_id']));
    assert.equal(r.status, 'fail');
    assert.deepEqual(r.tables[0]!.rows[0]!.slice(0, 2), ['identifier predicts label', 'customer_id']);
  });

  it('catches an unnamed row number sorted by label', async () => {
    const withSeq = (f: Frame): Frame => {
      const y = f.columns.label as Float64Array;
      const order = Array.from(y, (_, i) => i).sort((a, b) => y[a]! - y[b]! || a - b);
      const seq = new Float64Array(f.rows);
      order.forEach((r, k) => {
        seq[r] = 1000 + k;
      });
      return { ...f, columns: { ...f.columns, seq } };
    };
    const r = await run(context(withSeq(frame(600, 1)), withSeq(frame(800, 2)), [...BASE, 'seq']));
    assert.equal(r.status, 'fail');
    assert.deepEqual(r.tables[0]!.rows[0]!.slice(0, 2), ['identifier predicts label', 'seq']);
  });

  it('catches a leaked feature of a multiclass target', async () => {
    const three = (f: Frame, seed: number): Frame => {
      const rng = new SeededRandom(seed);
      const x1 = f.columns.x1 as Float64Array;
      const label = Float64Array.from(x1, (v) => (v < -0.5 ? 0 : v < 0.5 ? 1 : 2));
      const leak = Float64Array.from(label, (v) => v + 0.01 * rng.normal());
      return { ...f, columns: { ...f.columns, label, leak } };
    };
    const ctx = (features: string[]) => ({
      ...context(three(frame(600, 1), 3), three(frame(800, 2), 4), features),
      task: 'multiclass' as const,
      classes: [0, 1, 2],
    });
    const r = await run(ctx([...BASE, 'leak']));
    assert.equal(r.status, 'fail');
    assert.match(r.message, /single-feature power in leak \(balanced accuracy 1\.000/);
  });

  it('catches feature timestamps after the label time', async () => {
    const withTimes = (f: Frame, late: number): Frame => {
      const day = 86_400_000;
      const labelAt = Array.from({ length: f.rows }, (_, i) =>
        new Date(Date.UTC(2024, 0, 1) + i * day).toISOString(),
      );
      const lastLogin = labelAt.map((t, i) =>
        new Date(Date.parse(t) + (i < late ? day : -day)).toISOString(),
      );
      return { ...f, columns: { ...f.columns, label_at: labelAt, last_login: lastLogin } };
    };
    const leaky = context(withTimes(frame(600, 1), 30), withTimes(frame(800, 2), 40), [
      ...BASE,
      'last_login',
    ]);
    const r = await run(leaky, { labelTime: 'label_at' });
    assert.equal(r.status, 'fail');
    const row = r.tables[0]!.rows.find((x) => x[0] === 'time travel')!;
    assert.equal(row[1], 'last_login');
    assert.equal(row[2], 0.05);
    const clean = context(withTimes(frame(600, 1), 0), withTimes(frame(800, 2), 0), [...BASE, 'last_login']);
    assert.equal((await run(clean, { labelTime: 'label_at' })).status, 'pass');
  });

  it('handles regression: passes clean data and catches a leaked copy of the target', async () => {
    const clean = await run(
      context(frame(600, 1, 'regression'), frame(800, 2, 'regression'), BASE, 'regression'),
    );
    assert.equal(clean.status, 'pass', clean.message);
    const leak = (f: Frame): Frame => ({
      ...f,
      columns: { ...f.columns, y_copy: Float64Array.from(f.columns.label as Float64Array, (v) => 2 * v + 1) },
    });
    const r = await run(
      context(
        leak(frame(600, 1, 'regression')),
        leak(frame(800, 2, 'regression')),
        [...BASE, 'y_copy'],
        'regression',
      ),
    );
    assert.equal(r.status, 'fail');
    assert.match(r.message, /y_copy \(\|Spearman ρ\| 1\.000/);
  });

  it('says which parts did not run without a training set', async () => {
    const test = frame(600, 1);
    const ctx = { ...context(test, frame(800, 2), BASE), train: undefined, yTrain: undefined };
    const r = await run(ctx);
    assert.equal(r.status, 'pass');
    assert.match(
      r.message,
      /1 categorical feature\(s\) not scored alone: no training set; train\/test overlap not checked/,
    );
  });

  it('refuses bad parameters and unknown columns', async () => {
    assert.throws(() => leakageCheck.parseParams({ maxPower: 2 }), /maxPower must be a number in 0\.\.1/);
    assert.throws(() => leakageCheck.parseParams({ cutoff: 1 }), /unknown parameter cutoff/);
    assert.throws(() => leakageCheck.parseParams({ timeColumns: 'a' }), /timeColumns must be a list/);
    await assert.rejects(
      run(context(frame(50, 1), frame(50, 2), BASE), { labelTime: 'when' }),
      /labelTime "when" is not a column of the test set; its columns are x1, x2, color, id, balance, label/,
    );
  });
});
