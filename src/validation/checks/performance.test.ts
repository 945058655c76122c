import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { LatheError } from '../../core/index.js';
import { SeededRandom } from '../../ml/index.js';
import type { Frame, FramePredictions } from '../check.js';
import { binaryFromScores, contextOf } from '../test-context.js';
import { performanceCheck } from './performance.js';

/** n rows with a feature x, a binary target, and scores separating the classes by `signal`. */
function binaryData(n: number, signal: number, seed = 1) {
  const rng = new SeededRandom(seed);
  const y = Float64Array.from({ length: n }, () => (rng.uniform() < 0.4 ? 1 : 0));
  const x = Float64Array.from({ length: n }, (_, i) => i);
  const scores = Float64Array.from(y, (t) => 1 / (1 + Math.exp(-(signal * (2 * t - 1) + rng.normal()))));
  const test: Frame = { rows: n, columns: { x, y } };
  return { y, test, preds: binaryFromScores(scores) };
}

function run(ctx: ReturnType<typeof contextOf>, raw: Record<string, unknown> = {}) {
  return performanceCheck.run(ctx, performanceCheck.parseParams(raw));
}

describe('performance check', () => {
  it('passes a binary model that separates the classes, with all metrics and ROC/PR charts', async () => {
    const { y, test, preds } = binaryData(1000, 2);
    const ctx = contextOf({
      task: 'binary',
      target: 'y',
      features: ['x'],
      test,
      yTest: y,
      candidate: () => preds,
    });
    const r = await run(ctx);
    assert.equal(r.status, 'pass');
    assert.ok(r.value! > 0.9, `roc_auc ${r.value}`);
    assert.deepEqual(r.threshold, { bad: 'below', fail: 0.55, warn: 0.65 });
    const names = r.tables[0]!.rows.map((row) => row[0]);
    for (const m of [
      'accuracy',
      'balanced_accuracy',
      'precision',
      'recall',
      'f1',
      'roc_auc',
      'average_precision',
      'log_loss',
      'brier_score',
    ])
      assert.ok(names.includes(m), m);
    const titles = r.charts.map((c) => c.title);
    assert.ok(titles.includes('ROC curve') && titles.includes('Precision–recall curve'));
    assert.ok(titles.some((t) => t.startsWith('Confusion matrix')));
    assert.match(r.message, /roc_auc is 0\.9\d* on 1000 test rows/);
  });

  it('fails a binary model no better than chance', async () => {
    const { y, test, preds } = binaryData(1000, 0);
    const ctx = contextOf({
      task: 'binary',
      target: 'y',
      features: ['x'],
      test,
      yTest: y,
      candidate: () => preds,
    });
    const r = await run(ctx);
    assert.equal(r.status, 'fail');
    assert.ok(Math.abs(r.value! - 0.5) < 0.06);
    assert.match(r.message, /fails below 0\.55/);
  });

  it('compares a named metric with given limits', async () => {
    const { y, test, preds } = binaryData(1000, 2);
    const ctx = contextOf({
      task: 'binary',
      target: 'y',
      features: ['x'],
      test,
      yTest: y,
      candidate: () => preds,
    });
    const r = await run(ctx, { metric: 'accuracy', warn: 0.999, fail: 0.99 });
    assert.equal(r.status, 'fail');
    assert.equal(r.measure, 'accuracy on the test set');
    const loss = await run(ctx, { metric: 'log_loss', warn: 0.01 });
    assert.equal(loss.status, 'warn');
    assert.equal(loss.threshold?.bad, 'above');
  });

  it('passes a good regression model on r2 and charts its residuals; fails one that predicts noise', async () => {
    const rng = new SeededRandom(3);
    const n = 800;
    const x = Float64Array.from({ length: n }, () => rng.uniform() * 10);
    const y = x.map((v) => 3 * v + rng.normal());
    const test: Frame = { rows: n, columns: { x, y } };
    const good = (f: Frame): FramePredictions => ({ y: (f.columns.x as Float64Array).map((v) => 3 * v) });
    const r = await run(
      contextOf({ task: 'regression', target: 'y', features: ['x'], test, yTest: y, candidate: good }),
    );
    assert.equal(r.status, 'pass');
    assert.ok(r.value! > 0.95);
    assert.equal(r.charts[0]!.title, 'Residuals (actual − predicted)');
    const noise = () => ({ y: Float64Array.from({ length: n }, () => 15 + rng.normal() * 8) });
    const bad = await run(
      contextOf({ task: 'regression', target: 'y', features: ['x'], test, yTest: y, candidate: noise }),
    );
    assert.equal(bad.status, 'fail');
    assert.ok(bad.value! < 0.1);
  });

  it('measures multiclass accuracy against the majority class', async () => {
    const rng = new SeededRandom(5);
    const n = 900;
    const y = Float64Array.from({ length: n }, (_, i) => i % 3);
    const test: Frame = { rows: n, columns: { x: Float64Array.from(y), y } };
    const model = (): FramePredictions => {
      const pred = y.map((t) => (rng.uniform() < 0.85 ? t : (t + 1) % 3));
      const proba = new Float64Array(n * 3);
      pred.forEach((p, i) => {
        for (let c = 0; c < 3; c++) proba[i * 3 + c] = c === p ? 0.8 : 0.1;
      });
      return { y: pred, proba };
    };
    const ctx = contextOf({
      task: 'multiclass',
      classes: ['a', 'b', 'c'],
      target: 'y',
      features: ['x'],
      test,
      yTest: y,
      candidate: model,
    });
    const r = await run(ctx);
    assert.equal(r.status, 'pass');
    assert.ok(Math.abs(r.value! - 0.85) < 0.04);
    assert.ok(r.tables[0]!.rows.some((row) => row[0] === 'roc_auc_ovr'));
    const cm = r.charts.find((c) => c.title.startsWith('Confusion matrix'))!;
    assert.deepEqual(cm.labels, ['a', 'b', 'c']);
    assert.equal(cm.series.length, 3);
  });

  it('refuses bad parameters, naming them', async () => {
    assert.throws(
      () => performanceCheck.parseParams({ limit: 1 }),
      (e: LatheError) => /unknown parameter limit/.test(e.message),
    );
    assert.throws(
      () => performanceCheck.parseParams({ metric: 'auc' }),
      (e: LatheError) => e.code === 'INVALID_ARGUMENT' && /metric must be one of/.test(e.message),
    );
    assert.throws(() => performanceCheck.parseParams({ warn: 'high' }), /warn must be a number/);
    const { y, test, preds } = binaryData(100, 1);
    const ctx = contextOf({
      task: 'binary',
      target: 'y',
      features: ['x'],
      test,
      yTest: y,
      candidate: () => preds,
    });
    await assert.rejects(run(ctx, { metric: 'rmse' }), /metric rmse does not apply to a binary model/);
    await assert.rejects(run(ctx, { warn: 0.5, fail: 0.7 }), /warn \(0\.5\) must be at least fail/);
  });
});
