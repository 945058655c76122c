import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SeededRandom } from '../../ml/index.js';
import type { Frame, FramePredictions } from '../check.js';
import { binaryFromScores, contextOf } from '../test-context.js';
import { calibrationCheck } from './calibration.js';

/** n rows whose true P(y = 1) is uniform on [0, 1]; the model reports `report(p)`. */
function binary(n: number, report: (p: number) => number, seed = 2) {
  const rng = new SeededRandom(seed);
  const p = Float64Array.from({ length: n }, () => rng.uniform());
  const y = p.map((q) => (rng.uniform() < q ? 1 : 0));
  const test: Frame = { rows: n, columns: { p, y } };
  const preds = binaryFromScores(p.map(report));
  return contextOf({
    task: 'binary',
    classes: ['no', 'yes'],
    target: 'y',
    features: ['p'],
    test,
    yTest: y,
    candidate: () => preds,
  });
}

async function run(ctx: ReturnType<typeof contextOf>, raw: Record<string, unknown> = {}) {
  return calibrationCheck.run(ctx, calibrationCheck.parseParams(raw));
}

describe('calibration check', () => {
  it('passes calibrated probabilities', async () => {
    const r = await run(binary(5000, (p) => p));
    assert.equal(r.status, 'pass');
    assert.ok(r.value! < 0.03, `ece ${r.value}`);
    assert.deepEqual(r.threshold, { bad: 'above', warn: 0.05, fail: 0.1 });
    assert.equal(r.tables[0]!.rows.length, 10);
    const curve = r.charts[0]!;
    assert.equal(curve.title, 'Reliability curve');
    assert.deepEqual(
      curve.series.map((s) => s.name),
      ['model', 'perfectly calibrated'],
    );
    assert.equal(r.charts[1]!.kind, 'histogram');
    assert.equal(
      r.charts[1]!.series[0]!.values.reduce((a, b) => a! + b!, 0),
      5000,
    );
    assert.match(r.message, /on P\(yes\)/);
  });

  it('fails an overconfident model', async () => {
    const r = await run(binary(5000, (p) => (p >= 0.5 ? 0.97 : 0.03)));
    assert.equal(r.status, 'fail');
    assert.ok(r.value! > 0.15, `ece ${r.value}`);
    assert.match(r.message, /over-confident/);
  });

  it('warns on a mild shift and follows given limits', async () => {
    const ctx = binary(5000, (p) => Math.min(1, p * 0.85 + 0.15));
    const r = await run(ctx);
    assert.equal(r.status, 'warn');
    const strict = await run(ctx, { warn: 0.01, fail: 0.02, bins: 5, strategy: 'quantile' });
    assert.equal(strict.status, 'fail');
    assert.equal(strict.tables[0]!.rows.length, 5);
  });

  it('measures multiclass models on the top label', async () => {
    const rng = new SeededRandom(4);
    const n = 3000;
    const y = new Float64Array(n);
    const make = (confidence: number): FramePredictions => {
      const proba = new Float64Array(n * 3);
      const pred = new Float64Array(n);
      for (let i = 0; i < n; i++) {
        const top = i % 3;
        pred[i] = top;
        for (let c = 0; c < 3; c++) proba[i * 3 + c] = c === top ? confidence : (1 - confidence) / 2;
      }
      return { y: pred, proba };
    };
    // The predicted class is right 70% of the time.
    for (let i = 0; i < n; i++) y[i] = rng.uniform() < 0.7 ? i % 3 : (i + 1) % 3;
    const test: Frame = { rows: n, columns: { x: y, y } };
    const ctx = (confidence: number) =>
      contextOf({
        task: 'multiclass',
        target: 'y',
        features: ['x'],
        test,
        yTest: y,
        candidate: () => make(confidence),
      });
    const honest = await run(ctx(0.7));
    assert.equal(honest.status, 'pass');
    assert.match(honest.message, /predicted class/);
    const bold = await run(ctx(0.99));
    assert.equal(bold.status, 'fail');
    assert.ok(Math.abs(bold.value! - 0.29) < 0.03);
  });

  it('skips without probabilities or on regression', async () => {
    const y = Float64Array.of(0, 1, 0, 1);
    const test: Frame = { rows: 4, columns: { y } };
    const noProba = contextOf({
      task: 'binary',
      target: 'y',
      features: [],
      test,
      yTest: y,
      candidate: () => ({ y }),
    });
    const r = await run(noProba);
    assert.equal(r.status, 'skip');
    assert.match(r.message, /gives no class probabilities/);
    const reg = contextOf({
      task: 'regression',
      target: 'y',
      features: [],
      test,
      yTest: y,
      candidate: () => ({ y }),
    });
    assert.equal((await run(reg)).status, 'skip');
  });

  it('refuses bad parameters', () => {
    assert.throws(
      () => calibrationCheck.parseParams({ bins: 1 }),
      /calibration: bins must be a number in 2\.\.100/,
    );
    assert.throws(() => calibrationCheck.parseParams({ bins: 2.5 }), /bins must be an integer/);
    assert.throws(
      () => calibrationCheck.parseParams({ strategy: 'kmeans' }),
      /strategy must be uniform or quantile/,
    );
    assert.throws(
      () => calibrationCheck.parseParams({ warn: 0.2, fail: 0.1 }),
      /warn \(0\.2\) must not be above fail/,
    );
    assert.throws(() => calibrationCheck.parseParams({ ece: 0.1 }), /unknown parameter ece/);
  });
});
