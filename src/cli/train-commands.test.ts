import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Job } from '../sdk/index.js';
import { duration, progressLine } from './job-follow.js';
import { collectParam, columnList, durationSeconds } from './train-commands.js';

describe('training command line parsing', () => {
  it('--param reads JSON values when they parse, else strings', () => {
    let p = collectParam('trees=300');
    for (const v of ['learningRate=0.05', 'bootstrap=false', 'maxDepth=null', 'criterion=entropy'])
      p = collectParam(v, p);
    p = collectParam('monotone=[1,0,-1]', p);
    p = collectParam('weird={"a":1}', p);
    p = collectParam('sep=a=b', p);
    assert.deepEqual(p, {
      trees: 300,
      learningRate: 0.05,
      bootstrap: false,
      maxDepth: null,
      criterion: 'entropy',
      monotone: [1, 0, -1],
      weird: '{"a":1}',
      sep: 'a=b',
    });
    assert.throws(() => collectParam('depth'), /expected name=value, got "depth"/);
    assert.throws(() => collectParam('=3'), /expected name=value/);
  });

  it('reads durations with s/m/h suffixes and column lists', () => {
    assert.equal(durationSeconds('600'), 600);
    assert.equal(durationSeconds('90s'), 90);
    assert.equal(durationSeconds('10m'), 600);
    assert.equal(durationSeconds('1.5h'), 5400);
    assert.throws(() => durationSeconds('10 minutes'), /expected a duration like 90s, 10m or 2h/);
    assert.throws(() => durationSeconds('0s'), /expected a duration of at least 1s/);
    assert.throws(() => durationSeconds('0.2s'), /expected a duration of at least 1s/);
    assert.deepEqual(columnList('a, b,c'), ['a', 'b', 'c']);
    assert.throws(() => columnList('a,,b'), /expected names separated by commas/);
  });

  it('draws a progress line: phase, bar, done/total, metrics, ETA', () => {
    const job = {
      status: 'running',
      progress: {
        phase: 'fitting',
        done: 50,
        total: 200,
        metrics: { auc: 0.81234 },
        etaSeconds: 95,
        updatedAt: '',
      },
    } as unknown as Job;
    assert.equal(progressLine(job, 8), 'fitting  [##......] 50/200  auc 0.8123  ETA 1m35s');
    assert.equal(
      progressLine({
        status: 'running',
        progress: { phase: 'loading', message: 'reading churn@1', updatedAt: '' },
      } as unknown as Job),
      'loading  reading churn@1',
    );
    assert.equal(progressLine({ status: 'queued', progress: null } as unknown as Job), 'queued');
    assert.deepEqual(
      [duration(0.234), duration(4.25), duration(42), duration(3725)],
      ['0.23s', '4.3s', '42s', '1h02m'],
    );
  });
});
