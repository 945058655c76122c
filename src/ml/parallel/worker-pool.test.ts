import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { isLatheError } from '../../core/index.js';
import { toShared } from './shared.js';
import { taskModuleUrl } from '../../core/index.js';
import { sharedWorkerPool, WorkerPool } from './worker-pool.js';

const tasks = taskModuleUrl(import.meta.url, './test-tasks');

describe('WorkerPool', () => {
  const pool = new WorkerPool(2);
  after(() => pool.close());

  it('runs tasks on shared data and returns their results in order', async () => {
    const data = toShared(Float64Array.from({ length: 1000 }, (_, i) => i));
    const parts = await Promise.all(
      [0, 250, 500, 750].map((from) => pool.run<number>(tasks, 'sumRange', { data, from, to: from + 250 })),
    );
    assert.deepEqual(parts, [31125, 93625, 156125, 218625]);
  });

  it('shares memory with the tasks instead of copying it', async () => {
    const data = toShared(new Int32Array(4));
    const back = await pool.run<Int32Array>(tasks, 'writeShared', { data, index: 2, value: 7 });
    assert.equal(data[2], 7);
    assert.deepEqual([...back], [7, 7]);
  });

  it('starts every thread on warmUp', async () => {
    const fresh = new WorkerPool(2);
    await fresh.warmUp();
    const counter = toShared(new Int32Array(2));
    const met = await Promise.all(
      [0, 1].map(() => fresh.run<boolean>(tasks, 'rendezvous', { counter, count: 2 })),
    );
    assert.deepEqual(met, [true, true]);
    await fresh.close();
  });

  it('runs tasks concurrently, one per thread', async () => {
    const counter = toShared(new Int32Array(2));
    const met = await Promise.all(
      [0, 1].map(() => pool.run<boolean>(tasks, 'rendezvous', { counter, count: 2 })),
    );
    assert.deepEqual(met, [true, true]);
  });

  it("reports a task's error as the caller's error, keeping a LatheError's code", async () => {
    await assert.rejects(pool.run(tasks, 'failLathe', { field: 'alpha' }), (err: unknown) => {
      assert.ok(isLatheError(err));
      assert.equal(err.code, 'INVALID_ARGUMENT');
      assert.equal(err.message, 'bad alpha');
      assert.deepEqual(err.details, { field: 'alpha' });
      return true;
    });
    await assert.rejects(pool.run(tasks, 'failAsync'), { name: 'TypeError', message: 'async failure' });
    await assert.rejects(pool.run(tasks, 'noSuchTask'), /noSuchTask is not a function/);
    // the pool still works after errors
    assert.equal(await pool.run(tasks, 'sumRange', { data: Float64Array.of(1, 2), from: 0, to: 2 }), 3);
  });

  it('rejects the task of a crashed worker and replaces the worker', async () => {
    await assert.rejects(pool.run(tasks, 'crash'), /exited with code 3/);
    assert.equal(await pool.run(tasks, 'sumRange', { data: Float64Array.of(4, 5), from: 0, to: 2 }), 9);
  });

  it('rejects arguments that cannot be cloned', async () => {
    await assert.rejects(pool.run(tasks, 'sumRange', { f: () => 1 }), /could not be cloned/);
  });

  it('refuses a bad thread count and tasks after close', async () => {
    assert.throws(() => new WorkerPool(0), /threads must be an integer >= 1; got 0/);
    const p = new WorkerPool(1);
    await p.close();
    await assert.rejects(p.run(tasks, 'sumRange', {}), /closed/);
  });

  it('lets an unclosed shared pool end with the process (idle threads are unref-ed)', async () => {
    const shared = sharedWorkerPool(1);
    assert.equal(sharedWorkerPool(1), shared);
    assert.equal(await shared.run(tasks, 'sumRange', { data: Float64Array.of(1), from: 0, to: 1 }), 1);
  });
});
