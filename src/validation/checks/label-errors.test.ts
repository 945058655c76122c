import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SeededRandom } from '../../ml/index.js';
import type { Frame } from '../check.js';
import { contextOf } from '../test-context.js';
import { labelErrorsCheck } from './label-errors.js';

/** Separable blobs (one per class, 6 sd from the centre), every (1/flip)-th row of a class given another class. */
function fixture(n: number, k: number, flip: number, sampleSize = 10_000) {
  const rng = new SeededRandom(11);
  const a = new Float64Array(n);
  const b = new Float64Array(n);
  const y = new Float64Array(n);
  const flipped = new Set<number>();
  for (let i = 0; i < n; i++) {
    const c = i % k;
    a[i] = 6 * Math.cos((2 * Math.PI * c) / k) + rng.normal();
    b[i] = 6 * Math.sin((2 * Math.PI * c) / k) + rng.normal();
    y[i] = c;
    if (flip > 0 && Math.floor(i / k) % Math.round(1 / flip) === 3) {
      y[i] = (c + 1 + rng.int(k - 1)) % k;
      flipped.add(i);
    }
  }
  const train: Frame = { rows: n, columns: { a, b, note: Array.from({ length: n }, () => 'x'), label: y } };
  const classes = k === 2 ? ['no', 'yes'] : Array.from({ length: k }, (_, c) => `c${c}`);
  const ctx = contextOf({
    task: k === 2 ? 'binary' : 'multiclass',
    classes,
    target: 'label',
    features: ['a', 'b', 'note'],
    test: train,
    yTest: y,
    train,
    yTrain: y,
    candidate: (f) => ({ y: new Float64Array(f.rows) }),
    sampleSize,
  });
  return { ctx, flipped };
}

describe('label-errors check', () => {
  it('finds 10% flipped labels on separable data, most of them at the top of the list', async () => {
    const { ctx, flipped } = fixture(600, 2, 0.1);
    const r = await labelErrorsCheck.run(ctx, labelErrorsCheck.parseParams({}));
    assert.equal(r.status, 'fail');
    assert.ok(r.value! > 0.08 && r.value! < 0.12, String(r.value));
    const list = r.tables[0]!.rows;
    const top = list.slice(0, flipped.size);
    const hits = top.filter((row) => flipped.has(row[0] as number)).length;
    assert.ok(hits >= 0.8 * flipped.size, `${hits} of ${flipped.size}`);
    const first = list[0]!;
    assert.notEqual(first[1], first[2]);
    assert.ok(['no', 'yes'].includes(first[1] as string));
    assert.match(r.message, /training rows \(\d+\.\d%\) look mislabeled/);
  });

  it('passes clean labels', async () => {
    const { ctx } = fixture(600, 2, 0);
    const r = await labelErrorsCheck.run(ctx, labelErrorsCheck.parseParams({}));
    assert.equal(r.status, 'pass', r.message);
    assert.ok(r.value! < 0.02);
  });

  it('works on multiclass labels and on a sample', async () => {
    const { ctx, flipped } = fixture(900, 3, 0.1, 450);
    const r = await labelErrorsCheck.run(ctx, labelErrorsCheck.parseParams({ folds: 3, maxRows: 20 }));
    assert.equal(r.status, 'fail');
    assert.deepEqual(r.sample, { rows: 450, of: 900 });
    assert.equal(r.tables[0]!.rows.length, 20);
    const hits = r.tables[0]!.rows.filter((row) => flipped.has(row[0] as number)).length;
    assert.ok(hits >= 16, String(hits));
    assert.deepEqual(r.tables[1]!.columns, ['given label', 'c0', 'c1', 'c2', 'threshold']);
  });

  it('skips without a training set', async () => {
    const { ctx } = fixture(100, 2, 0);
    const r = await labelErrorsCheck.run({ ...ctx, train: undefined }, labelErrorsCheck.parseParams({}));
    assert.equal(r.status, 'skip');
    assert.match(r.message, /No training set/);
  });

  it('refuses bad parameters', () => {
    assert.throws(() => labelErrorsCheck.parseParams({ folds: 1 }), /folds must be a number in 2\.\.20/);
    assert.throws(() => labelErrorsCheck.parseParams({ folds: 2.5 }), /folds must be an integer/);
    assert.throws(
      () => labelErrorsCheck.parseParams({ model: 'magic' }),
      /model unknown model "magic"; valid models/,
    );
    assert.throws(() => labelErrorsCheck.parseParams({ k: 3 }), /unknown parameter k/);
    assert.throws(() => labelErrorsCheck.parseParams({ model: 'linear' }), /linear does not classify/);
  });
});
