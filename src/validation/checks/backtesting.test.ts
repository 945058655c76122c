import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SeededRandom } from '../../ml/seeded-random.js';
import type { Frame } from '../check.js';
import { binaryFromScores, contextOf } from '../test-context.js';
import { backtestingCheck } from './backtesting.js';

/** 1,000 days of rows; the label follows x, and after day 800 (when `drift`) it stops following it. */
function data(drift: boolean) {
  const random = new SeededRandom(3);
  const n = 1000;
  const x = Float64Array.from({ length: n }, () => random.normal());
  const y = Float64Array.from(x, (v, i) =>
    drift && i >= 800 ? (random.uniform() < 0.5 ? 1 : 0) : v + 0.3 * random.normal() > 0 ? 1 : 0,
  );
  // Days in shuffled order: the check must sort by time, not trust row order.
  const day = Array.from({ length: n }, (_, i) =>
    new Date(Date.UTC(2024, 0, 1) + i * 86_400_000).toISOString(),
  );
  const perm = Array.from({ length: n }, (_, i) => i).sort(() => random.uniform() - 0.5);
  const test: Frame = {
    rows: n,
    columns: {
      x: Float64Array.from(perm, (i) => x[i]!),
      day: perm.map((i) => day[i]),
      y: Float64Array.from(perm, (i) => y[i]!),
    },
  };
  return contextOf({
    task: 'binary',
    classes: [0, 1],
    target: 'y',
    features: ['x'],
    test,
    yTest: test.columns['y'] as Float64Array,
    candidate: (f) =>
      binaryFromScores(Array.from(f.columns['x'] as Float64Array, (v) => 1 / (1 + Math.exp(-3 * v)))),
  });
}

describe('backtesting check', () => {
  it('passes a model that holds up over time, with a metric per window', async () => {
    const r = await backtestingCheck.run(data(false), backtestingCheck.parseParams({ timeColumn: 'day' }));
    assert.equal(r.status, 'pass', r.message);
    assert.equal(r.tables[0]!.rows.length, 5);
    assert.equal(r.tables[0]!.rows[0]![1], '2024-01-01');
    assert.equal(r.charts[0]!.series[0]!.values.length, 5);
  });

  it('uses accuracy for a classifier without probabilities, in every window', async () => {
    const ctx = data(false);
    const labelsOnly = { ...ctx, candidate: { ...ctx.candidate, test: { y: ctx.candidate.test.y } } };
    const r = await backtestingCheck.run(labelsOnly, backtestingCheck.parseParams({ timeColumn: 'day' }));
    assert.equal(r.status, 'pass', r.message);
    assert.match(r.message, /^accuracy per window/);
  });

  it('fails when the latest window is clearly worse (the label stops following the feature)', async () => {
    const r = await backtestingCheck.run(data(true), backtestingCheck.parseParams({ timeColumn: 'day' }));
    assert.equal(r.status, 'fail', r.message);
    assert.ok(r.value! > 0.2, `degradation ${r.value}`);
    assert.match(r.message, /the latest window is 0\.\d+ worse than the earlier ones/);
  });

  it('needs a time column that exists', async () => {
    assert.throws(() => backtestingCheck.parseParams({}), /timeColumn is required/);
    assert.throws(
      () => backtestingCheck.parseParams({ timeColumn: 'day', windows: 1 }),
      /windows must be a number in 2\.\.100/,
    );
    await assert.rejects(
      backtestingCheck.run(data(false), backtestingCheck.parseParams({ timeColumn: 'when' })),
      /timeColumn when is not a column of the test set; its columns are x, day, y/,
    );
  });
});
