import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isLatheError } from '../core/index.js';
import type { BatchPrediction } from '../models/index.js';
import {
  type BatcherTimers,
  concatBatches,
  MicroBatcher,
  type MicroBatcherOptions,
  splitPrediction,
} from './micro-batcher.js';

/** A fake clock and timers: time moves only when a test advances it. */
class FakeTime {
  now = 0;
  private pending: { id: number; due: number; fn: () => void }[] = [];
  private nextId = 1;
  readonly clock = { now: () => this.now };
  readonly timers: BatcherTimers = {
    setTimeout: (fn, ms) => {
      const id = this.nextId++;
      this.pending.push({ id, due: this.now + ms, fn });
      return id;
    },
    clearTimeout: (h) => {
      this.pending = this.pending.filter((t) => t.id !== h);
    },
  };
  get armed(): number {
    return this.pending.length;
  }
  advance(ms: number): void {
    this.now += ms;
    for (;;) {
      this.pending.sort((a, b) => a.due - b.due);
      const t = this.pending[0];
      if (!t || t.due > this.now) return;
      this.pending.shift();
      t.fn();
    }
  }
}

interface Call<I> {
  items: I[];
  resolve: (out: unknown) => void;
  reject: (err: unknown) => void;
}

/** Lets every pending promise callback and microtask run (ordering, not wall-clock time). */
const tick = () => new Promise<void>((r) => setImmediate(r));

function harness<I = string>(options: Partial<MicroBatcherOptions<I, unknown>> = {}) {
  const time = new FakeTime();
  const calls: Call<I>[] = [];
  const batcher = new MicroBatcher<I, unknown>({
    maxBatchSize: 8,
    maxWaitMs: 10,
    run: (items) =>
      new Promise((resolve, reject) =>
        calls.push({ items, resolve: resolve as (o: unknown) => void, reject }),
      ),
    clock: time.clock,
    timers: time.timers,
    ...options,
  });
  /** Answers call `i` with one output per item: the item upper-cased (strings) or doubled. */
  const answer = (i: number) =>
    calls[i]!.resolve(calls[i]!.items.map((x) => (typeof x === 'string' ? x.toUpperCase() : x)));
  return { time, calls, batcher, answer };
}

const settled = <T>(p: Promise<T>) => {
  const state: { value?: T; error?: unknown; done: boolean } = { done: false };
  p.then(
    (value) => Object.assign(state, { value, done: true }),
    (error) => Object.assign(state, { error, done: true }),
  );
  return state;
};

describe('MicroBatcher', () => {
  it('runs items submitted together as one batch, outputs in item order', async () => {
    const { calls, batcher, answer } = harness();
    const outs = ['a', 'b', 'c', 'd', 'e'].map((x) => batcher.submit(x));
    await tick();
    assert.equal(calls.length, 1);
    assert.deepEqual(calls[0]!.items, ['a', 'b', 'c', 'd', 'e']);
    answer(0);
    assert.deepEqual(await Promise.all(outs), ['A', 'B', 'C', 'D', 'E']);
    assert.deepEqual(
      { ...batcher.stats() },
      {
        batches: 1,
        items: 5,
        rows: 5,
        failedBatches: 0,
        lastBatchSize: 5,
        lastBatchItems: 5,
        queueDepth: 0,
        queuedRows: 0,
        inFlight: 0,
      },
    );
  });

  it('runs a lone item at once and queues arrivals until the running batch finishes', async () => {
    const { time, calls, batcher, answer } = harness({ maxWaitMs: 1000 });
    const a = batcher.submit('a');
    await tick();
    assert.equal(calls.length, 1, 'an idle batcher does not wait');
    assert.equal(time.armed, 0);
    const rest = ['b', 'c', 'd'].map((x) => batcher.submit(x));
    await tick();
    assert.equal(calls.length, 1);
    assert.equal(batcher.stats().queueDepth, 3);
    answer(0);
    assert.equal(await a, 'A');
    await tick();
    assert.equal(calls.length, 2);
    assert.deepEqual(calls[1]!.items, ['b', 'c', 'd']);
    answer(1);
    assert.deepEqual(await Promise.all(rest), ['B', 'C', 'D']);
  });

  it('bounds batches by rows; an oversized item runs alone', async () => {
    const { calls, batcher } = harness<number>({ maxBatchSize: 4, maxConcurrency: 1, size: (n) => n });
    const outs = [2, 2, 1, 3, 5, 1].map((n) => batcher.submit(n));
    for (let i = 0; i < 4; i++) {
      await tick();
      calls[i]!.resolve(calls[i]!.items.map((n) => n * 10));
    }
    await tick();
    assert.deepEqual(
      calls.map((c) => c.items),
      [[2, 2], [1, 3], [5], [1]],
    );
    assert.deepEqual(await Promise.all(outs), [20, 20, 10, 30, 50, 10]);
    assert.equal(batcher.stats().lastBatchSize, 1);
    assert.equal(batcher.stats().rows, 14);
  });

  it('forces a concurrent batch after maxWaitMs, or at once for a full batch', async () => {
    const { time, calls, batcher, answer } = harness({ maxBatchSize: 3, maxWaitMs: 10, maxConcurrency: 2 });
    const a = batcher.submit('a');
    await tick();
    const b = batcher.submit('b');
    await tick();
    time.advance(9);
    await tick();
    assert.equal(calls.length, 1, 'b waits for the running batch');
    time.advance(1);
    await tick();
    assert.equal(calls.length, 2, 'after maxWaitMs, b runs beside it');
    assert.deepEqual(calls[1]!.items, ['b']);
    assert.equal(batcher.stats().inFlight, 2);
    // Both slots busy: c waits past maxWaitMs for a slot.
    const c = batcher.submit('c');
    await tick();
    time.advance(100);
    await tick();
    assert.equal(calls.length, 2);
    answer(1);
    await tick();
    assert.equal(calls.length, 3);
    assert.deepEqual(calls[2]!.items, ['c']);
    // A full batch queued behind one running batch starts without waiting.
    answer(2);
    await tick();
    const full = ['d', 'e', 'f'].map((x) => batcher.submit(x));
    await tick();
    assert.equal(calls.length, 4);
    assert.deepEqual(calls[3]!.items, ['d', 'e', 'f']);
    answer(0);
    answer(3);
    assert.deepEqual(await Promise.all([a, b, c, ...full]), ['A', 'B', 'C', 'D', 'E', 'F']);
    assert.equal(time.armed, 0);
  });

  it('rejects only the items of a failed batch', async () => {
    const { calls, batcher, answer } = harness({ maxConcurrency: 1 });
    const first = settled(batcher.submit('a'));
    await tick();
    const second = ['b', 'c'].map((x) => batcher.submit(x));
    const boom = new Error('model crashed');
    calls[0]!.reject(boom);
    await tick();
    assert.equal(first.error, boom);
    answer(1);
    assert.deepEqual(await Promise.all(second), ['B', 'C']);
    assert.equal(batcher.stats().failedBatches, 1);
  });

  it('rejects a batch whose run throws synchronously or answers the wrong number of outputs', async () => {
    const sync = new MicroBatcher<string, string>({
      maxBatchSize: 4,
      maxWaitMs: 0,
      run: () => {
        throw new Error('sync failure');
      },
    });
    await assert.rejects(sync.submit('x'), /sync failure/);
    for (const outputs of [['only one'], 'not an array'] as unknown[]) {
      const b = new MicroBatcher<string, unknown>({
        maxBatchSize: 4,
        maxWaitMs: 0,
        run: async () => outputs as unknown[],
      });
      const results = await Promise.allSettled([b.submit('x'), b.submit('y')]);
      for (const r of results) {
        assert.equal(r.status, 'rejected');
        const err = (r as PromiseRejectedResult).reason;
        assert.ok(isLatheError(err));
        assert.equal(err.code, 'INTERNAL');
        assert.match(err.message, /for a batch of 2 requests; expected one output per request/);
      }
    }
  });

  it('reports each batch to onBatch with queue and compute seconds; a throwing hook is ignored', async () => {
    const seen: [number, number[], number][] = [];
    const { time, calls, batcher, answer } = harness<number>({
      maxConcurrency: 1,
      size: (n) => n,
      onBatch: (size, queueSeconds, computeSeconds) => {
        seen.push([size, queueSeconds, computeSeconds]);
        throw new Error('broken metrics');
      },
    });
    const a = batcher.submit(1);
    await tick();
    time.advance(5);
    const b = batcher.submit(2);
    const c = batcher.submit(3);
    time.advance(20);
    answer(0);
    await tick();
    time.advance(7);
    answer(1);
    assert.deepEqual(await Promise.all([a, b, c]), [1, 2, 3]);
    assert.deepEqual(seen, [
      [1, [0], 0.025],
      [5, [0.02, 0.02], 0.007],
    ]);
    assert.equal(calls.length, 2);
  });

  it('close rejects queued items, lets running ones finish and refuses new ones', async () => {
    const { calls, batcher, answer } = harness({ maxConcurrency: 1 });
    const running = batcher.submit('a');
    await tick();
    const queued = settled(batcher.submit('b'));
    const closed = settled(batcher.close());
    await tick();
    assert.ok(isLatheError(queued.error));
    assert.equal(queued.error.code, 'UNAVAILABLE');
    assert.match(queued.error.message, /unloaded before this request ran/);
    assert.equal(closed.done, false, 'close waits for the batch in flight');
    answer(0);
    assert.equal(await running, 'A');
    await tick();
    assert.equal(closed.done, true);
    await assert.rejects(batcher.submit('c'), { code: 'UNAVAILABLE' });
    assert.equal(calls.length, 1);
  });

  it('drain runs every queued item before resolving', async () => {
    const { batcher, answer } = harness({ maxBatchSize: 2, maxConcurrency: 1 });
    const outs = ['a', 'b', 'c', 'd', 'e'].map((x) => batcher.submit(x));
    const drained = settled(batcher.drain());
    for (let i = 0; i < 3; i++) {
      await tick();
      assert.equal(drained.done, false);
      answer(i);
    }
    assert.deepEqual(await Promise.all(outs), ['A', 'B', 'C', 'D', 'E']);
    await tick();
    assert.equal(drained.done, true);
    await assert.rejects(batcher.submit('f'), { code: 'UNAVAILABLE' });
  });

  it('settles every item under irregular arrivals (no item waits forever)', async () => {
    let seed = 12345;
    const rnd = () => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return seed / 4294967296;
    };
    const time = new FakeTime();
    const sizes: number[] = [];
    const batcher = new MicroBatcher<number, number>({
      maxBatchSize: 16,
      maxWaitMs: 3,
      maxConcurrency: 2,
      size: () => 1 + Math.floor(rnd() * 4),
      run: async (items) => {
        await tick();
        return items.map((n) => -n);
      },
      onBatch: (size) => sizes.push(size),
      clock: time.clock,
      timers: time.timers,
    });
    const outs: Promise<number>[] = [];
    for (let i = 0; i < 400; i++) {
      outs.push(batcher.submit(i));
      if (rnd() < 0.3) await tick();
      if (rnd() < 0.2) time.advance(2);
    }
    for (let i = 0; i < 20; i++) {
      time.advance(5);
      await tick();
    }
    const values = await Promise.all(outs);
    assert.deepEqual(
      values,
      outs.map((_, i) => -i),
    );
    assert.ok(sizes.every((s) => s <= 16));
    assert.ok(sizes.length < 400, 'some items shared a batch');
    assert.equal(batcher.stats().items, 400);
  });

  it('refuses bad options and bad item sizes', async () => {
    const run = async (items: string[]) => items;
    assert.throws(() => new MicroBatcher({ maxBatchSize: 0, maxWaitMs: 1, run }), {
      code: 'INVALID_ARGUMENT',
      message: /maxBatchSize must be a positive integer; got the number 0/,
    });
    assert.throws(() => new MicroBatcher({ maxBatchSize: 1, maxWaitMs: -1, run }), /maxWaitMs/);
    assert.throws(() => new MicroBatcher({ maxBatchSize: 1, maxWaitMs: 1, maxConcurrency: 1.5, run }), {
      message: /maxConcurrency/,
    });
    const b = new MicroBatcher({ maxBatchSize: 2, maxWaitMs: 1, run, size: () => Number.NaN });
    await assert.rejects(b.submit('x'), { code: 'INVALID_ARGUMENT', message: /row count/ });
  });
});

describe('concatBatches and splitPrediction', () => {
  it('merges requests of different row counts and columns into one batch', () => {
    const merged = concatBatches([
      { rows: 2, columns: { a: new Float64Array([1, 2]), b: ['x', 'y'] } },
      { rows: 1, columns: { a: new Float64Array([3]), c: [true] } },
      { rows: 0, columns: {} },
    ]);
    assert.equal(merged.rows, 3);
    assert.deepEqual(Object.keys(merged.columns), ['a', 'b', 'c']);
    assert.deepEqual(merged.columns['a'], new Float64Array([1, 2, 3]));
    assert.deepEqual(merged.columns['b'], ['x', 'y', undefined]);
    assert.deepEqual(merged.columns['c'], [undefined, undefined, true]);
    assert.deepEqual(concatBatches([]), { rows: 0, columns: {} });
  });

  it('splits a prediction back per request, probabilities row-major', () => {
    const pred: BatchPrediction = {
      rows: 3,
      predictions: ['no', 'yes', 'no'],
      probabilities: new Float64Array([0.9, 0.1, 0.2, 0.8, 0.7, 0.3]),
      classes: ['no', 'yes'],
      warnings: ['column z ignored'],
    };
    const [first, second, empty] = splitPrediction(pred, [2, 1, 0]);
    assert.deepEqual(first, {
      rows: 2,
      predictions: ['no', 'yes'],
      probabilities: new Float64Array([0.9, 0.1, 0.2, 0.8]),
      classes: ['no', 'yes'],
      warnings: ['column z ignored'],
    });
    assert.deepEqual(second!.probabilities, new Float64Array([0.7, 0.3]));
    assert.deepEqual(second!.warnings, ['column z ignored']);
    assert.equal(empty!.rows, 0);
    const values = splitPrediction(
      { rows: 2, predictions: new Float64Array([1.5, 2.5]), warnings: [] },
      [1, 1],
    );
    assert.deepEqual(
      values.map((p) => p.predictions),
      [new Float64Array([1.5]), new Float64Array([2.5])],
    );
    assert.throws(() => splitPrediction(pred, [1, 1]), { code: 'INTERNAL', message: /parts of 1, 1 rows/ });
  });
});
