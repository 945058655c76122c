import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SeededRandom } from '../../ml/index.js';
import type { Frame, FramePredictions } from '../check.js';
import { binaryFromScores, contextOf } from '../test-context.js';
import { baselineCheck } from './baseline.js';

const N = 2000;
const rng = new SeededRandom(9);
/** A binary target with 20% positives, and a latent noise per row shared by every model. */
const y = Float64Array.from({ length: N }, () => (rng.uniform() < 0.2 ? 1 : 0));
const noise = Float64Array.from({ length: N }, () => rng.normal());
const test: Frame = { rows: N, columns: { x: noise, y } };

/** A model whose score separates the classes by `signal` (larger: better ROC-AUC). */
function scored(signal: number): () => FramePredictions {
  const preds = binaryFromScores(
    y.map((t, i) => 1 / (1 + Math.exp(-(signal * (2 * t - 1) - 1.4 + noise[i]!)))),
  );
  return () => preds;
}

function ctx(candidate: () => FramePredictions, baseline?: () => FramePredictions, yTrain?: Float64Array) {
  return contextOf({
    task: 'binary',
    target: 'y',
    features: ['x'],
    test,
    yTest: y,
    candidate,
    ...(baseline ? { baseline } : {}),
    ...(yTrain ? { yTrain, train: test } : {}),
  });
}

async function run(c: ReturnType<typeof contextOf>, raw: Record<string, unknown> = {}) {
  return baselineCheck.run(c, baselineCheck.parseParams(raw));
}

describe('baseline check', () => {
  it('passes a useful model against the naive baseline when there is no champion', async () => {
    const r = await run(ctx(scored(1.5)));
    assert.equal(r.status, 'pass');
    assert.ok(r.value! > 0.3, `roc_auc delta ${r.value}`);
    assert.match(r.message, /Better than a naive model: roc_auc 0\.\d+ against 0\.5/);
    assert.match(r.message, /No champion was given/);
    assert.deepEqual(r.tables[0]!.columns, ['metric', 'better', 'candidate', 'naive', 'Δ naive']);
  });

  it('fails a candidate worse than always predicting the majority class', async () => {
    // Right on 60% of rows; always answering "0" is right on ~80%.
    const pred = y.map((t, i) => (i % 5 < 3 ? t : 1 - t));
    const r = await run(
      ctx(() => ({ y: pred })),
      { metric: 'accuracy' },
    );
    assert.equal(r.status, 'fail');
    assert.ok(r.value! < -0.15, `accuracy delta ${r.value}`);
    assert.match(
      r.message,
      /Worse than a naive model: accuracy 0\.6 against 0\.[78]\d* for the naive model \(majority class \/ mean of the test target\)/,
    );
  });

  it('learns the naive model from the training target when given', async () => {
    const yTrain = Float64Array.from({ length: N }, (_, i) => (i % 10 < 9 ? 1 : 0));
    const r = await run(ctx(scored(1.5), undefined, yTrain), { metric: 'accuracy' });
    // The naive model answers the training majority (1), right on only ~20% of test rows.
    assert.match(
      r.message,
      /against 0\.2\d* for the naive model \(majority class \/ mean of the training target\)/,
    );
    assert.equal(r.status, 'pass');
  });

  it('fails a candidate clearly worse than the champion, and reports the prediction shift', async () => {
    const r = await run(ctx(scored(0.7), scored(1.5)));
    assert.equal(r.status, 'fail');
    assert.ok(r.value! < -0.1, `delta ${r.value}`);
    assert.match(r.message, /Worse than the champion candidate@1: roc_auc/);
    assert.deepEqual(r.threshold, { bad: 'below', warn: 0, fail: -0.01 });
    const shift = r.tables[1]!;
    assert.equal(shift.title, 'Predictions: candidate against champion on the same rows');
    const agreement = shift.rows.find((row) => row[0] === 'agreement of predicted classes')![1] as number;
    assert.ok(agreement > 0 && agreement < 1);
    const ks = shift.rows.find((row) => String(row[0]).startsWith('KS statistic'))![1] as number;
    assert.ok(ks > 0.05, `ks ${ks}`);
    assert.deepEqual(r.charts[0]!.labels, ['naive', 'champion', 'candidate']);
    assert.ok(r.charts.some((c) => c.title.includes('candidate and champion')));
  });

  it('passes a candidate as good as the champion, warns on a drop within tolerance', async () => {
    const same = await run(ctx(scored(1.5), scored(1.5)));
    assert.equal(same.status, 'pass');
    assert.equal(same.value, 0);
    assert.equal(same.tables[1]!.rows[0]![1], 1);
    const slight = await run(ctx(scored(1.45), scored(1.5)), { maxDrop: 0.05 });
    assert.equal(slight.status, 'warn');
    assert.ok(slight.value! < 0 && slight.value! > -0.05);
  });

  it('applies the relative tolerance to losses on regression models', async () => {
    const rr = new SeededRandom(12);
    const n = 1000;
    const yr = Float64Array.from({ length: n }, () => 50 + rr.normal() * 10);
    const frame: Frame = { rows: n, columns: { y: yr } };
    const champion = yr.map((t) => t + rr.normal());
    const worse = yr.map((t) => t + rr.normal() * 1.3);
    const c = contextOf({
      task: 'regression',
      target: 'y',
      features: [],
      test: frame,
      yTest: yr,
      candidate: () => ({ y: worse }),
      baseline: () => ({ y: champion }),
    });
    const r = await run(c, { metric: 'rmse' });
    assert.equal(r.status, 'fail');
    assert.equal(r.threshold?.bad, 'above');
    assert.ok(r.value! > 0.2);
    assert.ok(r.tables[1]!.rows.some((row) => row[0] === 'KS statistic of predictions'));
    const loose = await run(c, { metric: 'rmse', maxRelativeDrop: 0.5 });
    assert.equal(loose.status, 'warn');
  });

  it('refuses bad parameters', async () => {
    assert.throws(
      () => baselineCheck.parseParams({ maxDrop: -1 }),
      /baseline: maxDrop must be a number in 0\.\.Infinity or null/,
    );
    assert.throws(() => baselineCheck.parseParams({ champion: 'x' }), /unknown parameter champion/);
    assert.throws(() => baselineCheck.parseParams({ metric: 'speed' }), /metric must be one of/);
    await assert.rejects(run(ctx(scored(1)), { metric: 'r2' }), /metric r2 does not apply to a binary model/);
  });
});
