import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SeededRandom } from '../../ml/index.js';
import type { Frame } from '../check.js';
import { contextOf } from '../test-context.js';
import { driftCheck } from './drift.js';

const FEATURES = ['age', 'income', 'score', 'tenure', 'city'];

/** A frame of `n` rows; `shift` moves income's mean, `newCity` puts that share of rows in a new city. */
function frame(n: number, seed: number, opts: { shift?: number; newCity?: number } = {}): Frame {
  const rng = new SeededRandom(seed);
  const age = new Float64Array(n);
  const income = new Float64Array(n);
  const score = new Float64Array(n);
  const tenure = new Float64Array(n);
  const city: unknown[] = [];
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    age[i] = 40 + 10 * rng.normal();
    income[i] = 50 + 10 * rng.normal() + 10 * (opts.shift ?? 0);
    score[i] = rng.uniform();
    tenure[i] = Math.floor(rng.uniform() * 10);
    const u = rng.uniform();
    city.push(u < (opts.newCity ?? 0) ? 'Atlantis' : ['Paris', 'Lyon', 'Nice'][rng.int(3)]);
    y[i] = rng.int(2);
  }
  return { rows: n, columns: { age, income, score, tenure, city, y } };
}

function ctxOf(train: Frame | undefined, test: Frame, sampleSize = 10_000) {
  const model = (f: Frame) => ({ y: new Float64Array(f.rows) });
  return contextOf({
    task: 'binary',
    classes: [0, 1],
    target: 'y',
    features: FEATURES,
    test,
    yTest: test.columns['y'] as Float64Array,
    ...(train ? { train, yTrain: train.columns['y'] as Float64Array } : {}),
    candidate: model,
    sampleSize,
  });
}

const run = (train: Frame | undefined, test: Frame, raw: Record<string, unknown> = {}, sampleSize?: number) =>
  driftCheck.run(ctxOf(train, test, sampleSize), driftCheck.parseParams(raw));

describe('drift check', () => {
  it('passes identical distributions', async () => {
    const r = await run(frame(2000, 1), frame(1000, 2));
    assert.equal(r.status, 'pass', r.message);
    assert.equal(r.value, 0);
    assert.match(r.message, /No feature drifted among 5/);
    const table = r.tables[0]!;
    assert.deepEqual(
      table.rows.map((row) => row[7]),
      [false, false, false, false, false],
    );
    assert.equal(r.charts[0]!.labels!.length, 5);
  });

  it('finds a shifted mean in one numeric feature and names it', async () => {
    const r = await run(frame(2000, 1), frame(1000, 2, { shift: 1 }));
    assert.equal(r.status, 'warn', r.message);
    assert.equal(r.value, 0.2);
    assert.match(r.message, /1 of 5 features drifted \(20%\): income \(PSI /);
    const first = r.tables[0]!.rows[0]!;
    assert.equal(first[0], 'income');
    assert.equal(first[1], 'numeric');
    assert.equal(first[7], true);
    assert.ok((first[3] as number) > 0.2);
    const hist = r.charts[1]!;
    assert.equal(hist.kind, 'histogram');
    assert.match(hist.title, /income/);
    assert.deepEqual(
      hist.series.map((s) => s.name),
      ['train', 'test'],
    );
  });

  it('finds a new category and names it', async () => {
    const r = await run(frame(2000, 1), frame(1000, 2, { newCity: 0.25 }));
    assert.equal(r.status, 'warn', r.message);
    const first = r.tables[0]!.rows[0]!;
    assert.deepEqual(first.slice(0, 3), ['city', 'categorical', 'js']);
    assert.equal(first[7], true);
    assert.match(String(first[8]), /new in test: Atlantis/);
    assert.match(r.message, /city \(JS /);
    const bars = r.charts[1]!;
    assert.equal(bars.kind, 'bar');
    assert.ok(bars.labels!.includes('Atlantis'));
  });

  it('reports a change in missingness beside the statistics', async () => {
    const test = frame(1000, 2);
    const income = test.columns['income'] as Float64Array;
    for (let i = 0; i < income.length; i += 3) income[i] = Number.NaN;
    const r = await run(frame(2000, 1), test);
    const row = r.tables[0]!.rows.find((x) => x[0] === 'income')!;
    assert.match(String(row[8]), /missing 0% in train, 33% in test/);
  });

  it('fails when more than maxDrifted of the features drifted', async () => {
    const r = await run(frame(2000, 1), frame(1000, 2, { shift: 1, newCity: 0.3 }));
    assert.equal(r.status, 'fail', r.message);
    assert.equal(r.value, 0.4);
    assert.deepEqual(r.threshold, { bad: 'above', warn: 0, fail: 0.3 });
    const relaxed = await run(frame(2000, 1), frame(1000, 2, { shift: 1, newCity: 0.3 }), {
      maxDrifted: 0.5,
    });
    assert.equal(relaxed.status, 'warn');
  });

  it('samples beyond sampleSize and says so', async () => {
    const r = await run(frame(3000, 1), frame(2000, 2), {}, 500);
    assert.deepEqual(r.sample, { rows: 500, of: 3000 });
    assert.equal(r.status, 'pass', r.message);
  });

  it('skips without a training set or a production sample', async () => {
    const r = await run(undefined, frame(100, 2));
    assert.equal(r.status, 'skip');
    assert.match(r.message, /no training set or production sample/);
  });

  it('compares with a production sample: a shift only production shows is caught and named', async () => {
    const ctx = { ...ctxOf(frame(2000, 1), frame(2000, 2)), production: frame(2000, 3, { shift: 1.5 }) };
    const r = await driftCheck.run(ctx, driftCheck.parseParams({}));
    assert.equal(r.status, 'warn', r.message);
    assert.match(
      r.message,
      /^train vs test: no feature drifted among 5\. train vs production: 1 of 5 features drifted \(20%\): income/,
    );
    assert.deepEqual(
      r.tables.map((t) => t.title),
      [
        'Drift per feature, train vs test (drifted first)',
        'Drift per feature, train vs production (drifted first)',
      ],
    );
    assert.equal(r.value, 0.2);
    assert.ok(
      r.charts.some((c) => c.title === 'Train vs production: income' && c.series[1]!.name === 'production'),
    );
    // Without a training set, the test set is the reference.
    const alone = await driftCheck.run(
      { ...ctxOf(undefined, frame(2000, 2)), production: frame(2000, 3, { newCity: 0.4 }) },
      driftCheck.parseParams({}),
    );
    assert.match(alone.message, /^1 of 5 features drifted .*city/);
    assert.match(alone.measure, /test vs production/);
    // The same production sample as the test data: nothing drifts.
    const same = await driftCheck.run(
      { ...ctxOf(frame(2000, 1), frame(2000, 2)), production: frame(2000, 4) },
      driftCheck.parseParams({}),
    );
    assert.equal(same.status, 'pass', same.message);
  });

  it('refuses bad parameters, naming them', () => {
    assert.throws(() => driftCheck.parseParams({ psiFial: 0.2 }), /unknown parameter psiFial/);
    assert.throws(() => driftCheck.parseParams({ ksPValue: 2 }), /ksPValue must be a number in 0\.\.1/);
    assert.throws(() => driftCheck.parseParams({ bins: 2.5 }), /bins must be an integer/);
    assert.throws(() => driftCheck.parseParams({ psiWarn: 0.5 }), /psiWarn must be <= psiFail/);
    assert.equal(driftCheck.parseParams({}).maxDrifted, 0.3);
  });
});
