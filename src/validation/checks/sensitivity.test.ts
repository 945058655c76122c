import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SeededRandom } from '../../ml/index.js';
import type { Frame, FramePredictions, ValidationTask } from '../check.js';
import { binaryFromScores, contextOf, type FrameModel } from '../test-context.js';
import { sensitivityCheck } from './sensitivity.js';

const FEATURES = ['x1', 'x2', 'x3', 'city'];

/** Rows with x1 in two well-separated clusters (±2), x2 and x3 standard normal, a string city. */
function frame(n: number, seed: number): Frame {
  const rng = new SeededRandom(seed);
  const x1 = new Float64Array(n);
  const x2 = new Float64Array(n);
  const x3 = new Float64Array(n);
  const city: unknown[] = [];
  for (let i = 0; i < n; i++) {
    x1[i] = (rng.int(2) ? 2 : -2) + 0.3 * rng.normal();
    x2[i] = rng.normal();
    x3[i] = rng.normal();
    city.push(['Paris', 'Lyon'][rng.int(2)]);
  }
  return { rows: n, columns: { x1, x2, x3, city, y: new Float64Array(n) } };
}

const col = (f: Frame, name: string) => f.columns[name] as Float64Array;

/** Depends wildly on x3: the label alternates every 0.02 of x3. */
const wild: FrameModel = (f) =>
  binaryFromScores(col(f, 'x3').map((v) => (Math.floor(v * 50) % 2 === 0 ? 0.9 : 0.1)));
/** Smooth in x1, whose clusters sit far from the boundary. */
const smooth: FrameModel = (f) => binaryFromScores(col(f, 'x1').map((v) => 1 / (1 + Math.exp(-3 * v))));
const linear: FrameModel = (f): FramePredictions => ({
  y: col(f, 'x1').map((v, i) => v + col(f, 'x2')[i]!),
});

async function run(model: FrameModel, task: ValidationTask = 'binary', raw = {}, sampleSize = 10_000) {
  const test = frame(1500, 3);
  const ctx = contextOf({
    task,
    ...(task === 'binary' ? { classes: [0, 1] } : {}),
    target: 'y',
    features: FEATURES,
    test,
    yTest: col(test, 'y'),
    candidate: model,
    sampleSize,
  });
  return sensitivityCheck.run(ctx, sensitivityCheck.parseParams(raw));
}

describe('sensitivity check', () => {
  it('keeps whole-number columns whole, so a model reading integers does not refuse the noise', async () => {
    const test = frame(800, 5);
    const rng = new SeededRandom(8);
    const visits = Float64Array.from({ length: test.rows }, () => rng.int(40));
    test.columns.visits = visits;
    // As signature enforcement does for an integer column: fractions are refused.
    const counts: FrameModel = (f) => {
      const v = col(f, 'visits');
      if (v.some((x) => !Number.isInteger(x))) throw new Error('visits expects an integer');
      return binaryFromScores(v.map((x) => (x > 20 ? 0.8 : 0.2)));
    };
    const ctx = contextOf({
      task: 'binary',
      classes: [0, 1],
      target: 'y',
      features: ['x1', 'visits'],
      test,
      yTest: col(test, 'y'),
      candidate: counts,
    });
    const r = await sensitivityCheck.run(ctx, sensitivityCheck.parseParams({}));
    assert.notEqual(r.status, 'error', r.message);
    const visitsRow = r.tables[0]!.rows.find((row) => row[0] === 'visits')!;
    assert.equal(visitsRow[5], '', 'no extreme value refused');
  });

  it('flags a model that depends wildly on one feature, that feature first', async () => {
    const r = await run(wild);
    assert.equal(r.status, 'fail', r.message);
    assert.ok(r.value! > 0.3, `value ${r.value}`);
    const table = r.tables[0]!;
    assert.equal(table.rows[0]![0], 'x3');
    assert.ok((table.rows[0]![2] as number) > 0.3);
    assert.equal(table.rows[1]![2], 0);
    assert.match(r.message, /labels flipped/);
    assert.match(r.message, /Most sensitive: x3 \(/);
    assert.equal(r.charts[0]!.labels![0], 'x3');
  });

  it('passes a smooth classifier', async () => {
    const r = await run(smooth);
    assert.equal(r.status, 'pass', r.message);
    assert.ok(r.value! < 0.01, `value ${r.value}`);
    // Extreme values of x1 do move it: percentiles sit in either cluster.
    const x1 = r.tables[0]!.rows.find((row) => row[0] === 'x1')!;
    assert.ok((x1[3] as number) > 0.3);
  });

  it('passes a smooth regression model', async () => {
    const r = await run(linear, 'regression');
    assert.equal(r.status, 'pass', r.message);
    assert.ok(r.value! < 0.05, `value ${r.value}`);
    assert.match(r.message, /predictions moved by more than 0\.25 × max\(\|prediction\|, /);
    assert.deepEqual(r.tables[0]!.rows.map((row) => row[0]).sort(), ['x1', 'x2', 'x3']);
  });

  it('flags a regression model that depends wildly on one feature', async () => {
    const r = await run((f) => ({ y: col(f, 'x3').map((v) => 5 * Math.sin(50 * v)) }), 'regression');
    assert.equal(r.status, 'fail', r.message);
    assert.equal(r.tables[0]!.rows[0]![0], 'x3');
  });

  it('a tighter tolerance counts smaller moves', async () => {
    const r = await run(linear, 'regression', { tolerance: 0.01, fail: 0.5 });
    assert.equal(r.status, 'fail', r.message);
  });

  it('samples beyond sampleSize and says so', async () => {
    const r = await run(smooth, 'binary', {}, 400);
    assert.deepEqual(r.sample, { rows: 400, of: 1500 });
  });

  it('skips a model without numeric inputs', async () => {
    const test = frame(50, 1);
    const ctx = contextOf({
      task: 'binary',
      target: 'y',
      features: ['city'],
      test,
      yTest: col(test, 'y'),
      candidate: smooth,
    });
    const r = await sensitivityCheck.run(ctx, sensitivityCheck.parseParams({}));
    assert.equal(r.status, 'skip');
    assert.match(r.message, /no numeric input/);
  });

  it('refuses bad parameters, naming them', () => {
    assert.throws(() => sensitivityCheck.parseParams({ noise: 1 }), /unknown parameter noise/);
    assert.throws(() => sensitivityCheck.parseParams({ scale: -1 }), /scale must be a number/);
    assert.throws(() => sensitivityCheck.parseParams({ warn: 0.5, fail: 0.2 }), /warn must be <= fail/);
  });
});
