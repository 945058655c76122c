import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SeededRandom } from '../../ml/seeded-random.js';
import type { Frame, FramePredictions } from '../check.js';
import { binaryFromScores, contextOf } from '../test-context.js';
import { importanceCheck } from './importance.js';

const random = new SeededRandom(5);
const n = 1500;
const cols = { a: new Float64Array(n), b: new Float64Array(n), c: new Float64Array(n) };
for (let i = 0; i < n; i++) for (const k of ['a', 'b', 'c'] as const) cols[k][i] = random.normal();
const y = Float64Array.from({ length: n }, (_, i) =>
  cols.a[i]! + 0.5 * cols.b[i]! + 0.2 * random.normal() > 0 ? 1 : 0,
);
const test: Frame = { rows: n, columns: { ...cols, y } };
const sigmoid = (v: number) => 1 / (1 + Math.exp(-v));
const model =
  (wa: number, wb: number, wc: number) =>
  (f: Frame): FramePredictions => {
    const [a, b, c] = (['a', 'b', 'c'] as const).map((k) => f.columns[k] as Float64Array);
    return binaryFromScores(
      Array.from({ length: f.rows }, (_, i) => sigmoid(3 * (wa * a![i]! + wb * b![i]! + wc * c![i]!))),
    );
  };
const base = {
  task: 'binary' as const,
  classes: [0, 1],
  target: 'y',
  features: ['a', 'b', 'c'],
  test,
  yTest: y,
};

describe('feature importance check', () => {
  it('ranks features by permutation importance and warns about a feature the model does not use', async () => {
    const r = await importanceCheck.run(
      contextOf({ ...base, candidate: model(1, 0.5, 0) }),
      importanceCheck.parseParams({ rows: 1000 }),
    );
    assert.equal(r.status, 'warn');
    assert.equal(r.value, 1);
    assert.deepEqual(
      r.tables[0]!.rows.map((row) => row[0]),
      ['a', 'b', 'c'],
    );
    assert.match(r.message, /unused by the candidate: c/);
    assert.deepEqual(r.sample, { rows: 1000, of: 1500 });
  });

  it('passes a candidate that uses the features as the champion does', async () => {
    const r = await importanceCheck.run(
      contextOf({ ...base, candidate: model(1, 0.5, 0.1), baseline: model(1.1, 0.45, 0.1) }),
      importanceCheck.parseParams({}),
    );
    assert.equal(r.status, 'pass', r.message);
    assert.ok(r.value! < 0.1);
  });

  it('fails when the importance moved to another feature than the champion relied on', async () => {
    const r = await importanceCheck.run(
      contextOf({ ...base, candidate: model(0, 1, 0), baseline: model(1, 0.5, 0) }),
      importanceCheck.parseParams({}),
    );
    assert.equal(r.status, 'fail', r.message);
    assert.match(r.message, /rose: b; vanished: a; unused by the candidate: a, c/);
    assert.equal(r.charts[0]!.series.length, 2);
  });

  it('refuses bad parameters', () => {
    assert.throws(
      () => importanceCheck.parseParams({ repeats: 0 }),
      /importance: repeats must be a number in 1\.\.50; got 0/,
    );
  });
});
