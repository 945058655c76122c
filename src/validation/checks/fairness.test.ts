import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SeededRandom } from '../../ml/index.js';
import type { Frame } from '../check.js';
import { contextOf } from '../test-context.js';
import { fairnessCheck } from './fairness.js';

/** 2 × 500 rows, groups a and b; the model predicts positive at `rateA` and `rateB`. */
function fixture(rateA: number, rateB: number) {
  const rng = new SeededRandom(3);
  const n = 1000;
  const group = Array.from({ length: n }, (_, i) => (i % 2 ? 'b' : 'a'));
  const x = Float64Array.from({ length: n }, (_, i) => (Math.floor(i / 2) + 0.5) / (n / 2));
  const y = Float64Array.from({ length: n }, () => (rng.uniform() < 0.5 ? 1 : 0));
  const test: Frame = { rows: n, columns: { x, group, label: y } };
  // The prediction: positive when x is below the group's rate (independent of the label).
  const candidate = (f: Frame) => {
    const xs = f.columns.x as Float64Array;
    const gs = f.columns.group as string[];
    const yp = Float64Array.from(xs, (v, i) => (v < (gs[i] === 'a' ? rateA : rateB) ? 1 : 0));
    return { y: yp };
  };
  return contextOf({
    task: 'binary',
    classes: [0, 1],
    target: 'label',
    features: ['x'],
    test,
    yTest: y,
    candidate,
  });
}

describe('fairness check', () => {
  it('fails a model that favours one group (0.8 vs 0.3) and names both groups', async () => {
    const ctx = fixture(0.8, 0.3);
    const r = await fairnessCheck.run(ctx, fairnessCheck.parseParams({ attribute: 'group' }));
    assert.equal(r.status, 'fail');
    assert.ok(r.value !== null && r.value > 0.37 && r.value < 0.38, String(r.value));
    assert.match(r.message, /Group b .* against .* for a: disparate impact ratio 0\.375/);
    const metrics = r.tables[0]!;
    const dpd = metrics.rows.find((row) => row[0] === 'demographic parity difference')![1] as number;
    assert.ok(dpd > 0.4 && dpd < 0.6, String(dpd));
    assert.deepEqual(
      r.tables[1]!.rows.map((row) => row[0]),
      ['a', 'b'],
    );
    assert.deepEqual(r.charts[0]!.labels, ['a', 'b']);
  });

  it('passes a model with equal positive rates', async () => {
    const ctx = fixture(0.5, 0.5);
    const r = await fairnessCheck.run(ctx, fairnessCheck.parseParams({ attribute: 'group' }));
    assert.equal(r.status, 'pass');
    assert.ok(r.value! > 0.9, String(r.value));
  });

  it('takes ratios against the privileged group when named', async () => {
    const ctx = fixture(0.8, 0.3);
    const r = await fairnessCheck.run(
      ctx,
      fairnessCheck.parseParams({ attribute: 'group', privileged: 'a' }),
    );
    assert.equal(r.status, 'fail');
    assert.match(r.tables[0]!.rows[0]![2] as string, /privileged a/);
  });

  it('compares quartile bins of a numeric attribute', async () => {
    const ctx = fixture(0.5, 0.5);
    const age = Float64Array.from({ length: 1000 }, (_, i) => 20 + (i % 40));
    const r = await fairnessCheck.run(
      { ...ctx, test: { ...ctx.test, columns: { ...ctx.test.columns, age } } },
      fairnessCheck.parseParams({ attribute: 'age' }),
    );
    assert.deepEqual(r.charts[0]!.labels!.slice().sort(), ['[20, 30)', '[30, 40)', '[40, 50)', '[50, 59]']);
  });

  it('refuses a protected attribute the test set lacks, listing its columns', async () => {
    const ctx = fixture(0.5, 0.5);
    await assert.rejects(
      fairnessCheck.run(ctx, fairnessCheck.parseParams({ attribute: 'gender' })),
      (err: Error & { code?: string }) =>
        err.code === 'INVALID_ARGUMENT' && /"gender".*columns are x, group, label/.test(err.message),
    );
  });

  it('refuses bad parameters', () => {
    assert.throws(() => fairnessCheck.parseParams({}), /attribute is required/);
    assert.throws(
      () => fairnessCheck.parseParams({ attribute: 'group', colour: 1 }),
      /unknown parameter colour/,
    );
    assert.throws(
      () => fairnessCheck.parseParams({ attribute: 'group', fail: 2 }),
      /fail must be a number in 0\.\.1/,
    );
  });

  it('skips a multiclass model without a favourable class', async () => {
    const ctx = { ...fixture(0.5, 0.5), task: 'multiclass' as const, classes: [0, 1, 2] };
    const r = await fairnessCheck.run(ctx, fairnessCheck.parseParams({ attribute: 'group' }));
    assert.equal(r.status, 'skip');
    const r2 = await fairnessCheck.run(ctx, fairnessCheck.parseParams({ attribute: 'group', positive: 1 }));
    assert.equal(r2.status, 'pass');
  });
});
