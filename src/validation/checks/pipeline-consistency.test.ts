import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Frame } from '../check.js';
import { binaryFromScores, contextOf } from '../test-context.js';
import { pipelineConsistencyCheck } from './pipeline-consistency.js';

const n = 300;
const x = Float64Array.from({ length: n }, (_, i) => Math.sin(i) * 3);
const test: Frame = { rows: n, columns: { x, y: Float64Array.from(x, (v) => (v > 0 ? 1 : 0)) } };
const yTest = Float64Array.from(x, (v) => (v > 0 ? 1 : 0));
const base = { task: 'binary' as const, classes: [0, 1], target: 'y', features: ['x'], test, yTest };

describe('pipeline consistency check', () => {
  it('passes when a row alone gets what it got in the batch', async () => {
    const ctx = contextOf({
      ...base,
      candidate: (f) =>
        binaryFromScores(Array.from(f.columns['x'] as Float64Array, (v) => 1 / (1 + Math.exp(-v)))),
    });
    const r = await pipelineConsistencyCheck.run(ctx, pipelineConsistencyCheck.parseParams({ rows: 50 }));
    assert.equal(r.status, 'pass');
    assert.equal(r.value, 0);
    assert.deepEqual(r.sample, { rows: 50, of: 300 });
    assert.match(r.message, /all 50 rows predicted one at a time equal the batch predictions/);
  });

  it('fails when preprocessing depends on the batch (scaling by the batch mean), listing the rows', async () => {
    // Standardises with the statistics of whatever batch it is given: a one-row batch is all zeros.
    const batchDependent = (f: Frame) => {
      const v = f.columns['x'] as Float64Array;
      const mean = v.reduce((s, a) => s + a, 0) / v.length;
      return binaryFromScores(Array.from(v, (a) => 1 / (1 + Math.exp(-(a - mean)))));
    };
    const ctx = contextOf({ ...base, candidate: batchDependent });
    const r = await pipelineConsistencyCheck.run(ctx, pipelineConsistencyCheck.parseParams({}));
    assert.equal(r.status, 'fail');
    assert.ok(r.value! > 0.9, `share ${r.value}`);
    assert.equal(r.tables[0]!.columns[0], 'row');
    assert.match(r.message, /rows predicted one at a time differ from the batch predictions/);
  });

  it('refuses bad parameters', () => {
    assert.throws(
      () => pipelineConsistencyCheck.parseParams({ rows: 0 }),
      /pipeline-consistency: rows must be a number in 1\.\.100000; got 0/,
    );
    assert.throws(
      () => pipelineConsistencyCheck.parseParams({ size: 3 }),
      /unknown parameter size; valid parameters: rows, tolerance/,
    );
  });
});
