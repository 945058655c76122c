import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SeededRandom } from '../../ml/index.js';
import type { Frame, FramePredictions } from '../check.js';
import { contextOf } from '../test-context.js';
import { slicesCheck } from './slices.js';

const REGIONS = ['north', 'south', 'east', 'west'];

/**
 * n rows with a categorical `region` and a numeric `x`; the classifier is right with probability
 * `hit(region, x)` per row.
 */
function classified(n: number, hit: (region: string, x: number) => number, seed = 7) {
  const rng = new SeededRandom(seed);
  const region = Array.from({ length: n }, (_, i) => REGIONS[i % 4]!);
  const x = Float64Array.from({ length: n }, () => rng.uniform());
  const y = Float64Array.from({ length: n }, () => (rng.uniform() < 0.5 ? 1 : 0));
  const pred = y.map((t, i) => (rng.uniform() < hit(region[i]!, x[i]!) ? t : 1 - t));
  const test: Frame = { rows: n, columns: { region, x, y } };
  return { y, test, preds: { y: pred } as FramePredictions };
}

function context(data: ReturnType<typeof classified>, sampleSize?: number) {
  return contextOf({
    task: 'binary',
    target: 'y',
    features: ['region', 'x'],
    test: data.test,
    yTest: data.y,
    candidate: () => data.preds,
    ...(sampleSize ? { sampleSize } : {}),
  });
}

async function run(ctx: ReturnType<typeof contextOf>, raw: Record<string, unknown> = {}) {
  return slicesCheck.run(ctx, slicesCheck.parseParams(raw));
}

describe('slices check', () => {
  it('ranks a planted weak slice first and fails', async () => {
    const data = classified(2000, (region) => (region === 'east' ? 0.6 : 0.95));
    const r = await run(context(data));
    assert.equal(r.status, 'fail');
    const table = r.tables[0]!;
    assert.deepEqual(table.columns, ['slice', 'rows', 'accuracy', 'gap', 'weighted gap']);
    assert.equal(table.rows[0]![0], 'region = east');
    assert.equal(table.rows[0]![1], 500);
    assert.ok(r.value! > 0.2, `gap ${r.value}`);
    assert.match(r.message, /Weakest slice by size-weighted gap: region = east \(500 rows, 25%\)/);
    assert.equal(r.charts[0]!.labels![0], 'region = east');
    // Numeric bins of x are sliced too.
    assert.ok(table.rows.some((row) => String(row[0]).includes('≤ x <')));
  });

  it('passes when errors are spread evenly', async () => {
    const data = classified(2000, () => 0.9);
    const r = await run(context(data));
    assert.equal(r.status, 'pass');
    assert.ok(r.value! < 0.05, `gap ${r.value}`);
    assert.deepEqual(r.threshold, { bad: 'above', warn: 0.05, fail: 0.1 });
  });

  it('weighs gaps by size: a large slice a little worse ranks above a small one much worse', async () => {
    // east: 25% of rows, 20 points worse; x ≥ 0.98 (~2%): 40 points worse.
    const data = classified(4000, (region, x) => (x >= 0.98 ? 0.5 : region === 'east' ? 0.7 : 0.9));
    const r = await run(context(data), {
      minSize: 20,
      bins: 2,
      slices: [
        { name: 'tail', column: 'x', op: '>=', value: 0.98 },
        { name: 'nowhere', column: 'region', op: 'in', value: ['mars', 'venus'] },
      ],
    });
    const names = r.tables[0]!.rows.map((row) => row[0]);
    assert.equal(names[0], 'region = east');
    assert.ok(names.includes('tail'));
    assert.match(r.message, /Largest gap: tail/);
    assert.match(r.message, /User-defined slices matching no row: nowhere\./);
    assert.equal(r.status, 'fail');
  });

  it('measures regression slices by mean absolute error, relative to overall', async () => {
    const rng = new SeededRandom(11);
    const n = 1200;
    const region = Array.from({ length: n }, (_, i) => REGIONS[i % 4]!);
    const y = Float64Array.from({ length: n }, () => rng.normal() * 10);
    const pred = y.map((t, i) => t + rng.normal() * (region[i] === 'west' ? 4 : 1));
    const test: Frame = { rows: n, columns: { region, y } };
    const ctx = contextOf({
      task: 'regression',
      target: 'y',
      features: ['region'],
      test,
      yTest: y,
      candidate: () => ({ y: pred }),
    });
    const r = await run(ctx);
    assert.equal(r.status, 'fail');
    assert.equal(r.tables[0]!.rows[0]![0], 'region = west');
    assert.deepEqual(r.tables[0]!.columns, ['slice', 'rows', 'mae', 'relative gap', 'weighted gap']);
    assert.match(r.measure, /relative mae/);
    const even = y.map((t) => t + rng.normal());
    const ok = await run(
      contextOf({
        task: 'regression',
        target: 'y',
        features: ['region'],
        test,
        yTest: y,
        candidate: () => ({ y: even }),
      }),
    );
    assert.equal(ok.status, 'pass');
  });

  it('samples beyond the sample size and says so', async () => {
    const data = classified(3000, (region) => (region === 'east' ? 0.6 : 0.95));
    const r = await run(context(data, 1000));
    assert.deepEqual(r.sample, { rows: 1000, of: 3000 });
    assert.equal(r.tables[0]!.rows[0]![0], 'region = east');
  });

  it('refuses bad parameters and filters on missing columns', async () => {
    assert.throws(() => slicesCheck.parseParams({ bins: 1 }), /slices: bins must be an integer in 2\.\.50/);
    assert.throws(() => slicesCheck.parseParams({ minsize: 3 }), /unknown parameter minsize/);
    assert.throws(
      () => slicesCheck.parseParams({ slices: [{ name: 'a', column: 'x', op: 'like', value: 1 }] }),
      /slices entry 0: op must be one of =, !=, <, <=, >, >=, in/,
    );
    assert.throws(
      () => slicesCheck.parseParams({ slices: [{ column: 'x', op: '<', value: 'a' }] }),
      /must be a number for op </,
    );
    assert.throws(
      () => slicesCheck.parseParams({ slices: [{ column: 'x', op: 'in', value: [] }] }),
      /non-empty list/,
    );
    const data = classified(200, () => 0.9);
    await assert.rejects(
      run(context(data), { slices: [{ name: 'z', column: 'zone', op: '=', value: 'a' }] }),
      /column zone, which the test set does not have; columns: region, x, y/,
    );
  });
});
