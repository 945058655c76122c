import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { InferenceQueue, type InferenceQueueOptions, type QueueTimers } from './inference-queue.js';

/** Fake timers: they fire only when a test advances time. */
class FakeTimers implements QueueTimers {
  now = 0;
  private pending: { id: number; due: number; fn: () => void }[] = [];
  private nextId = 1;
  setTimeout = (fn: () => void, ms: number) => {
    const id = this.nextId++;
    this.pending.push({ id, due: this.now + ms, fn });
    return id;
  };
  clearTimeout = (h: unknown) => {
    this.pending = this.pending.filter((t) => t.id !== h);
  };
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

const tick = () => new Promise<void>((r) => setImmediate(r));

/** A queue whose flushes wait until the test answers them. */
function harness(
  options: Partial<InferenceQueueOptions<number>> & Pick<InferenceQueueOptions<number>, 'policy'>,
) {
  const timers = new FakeTimers();
  const calls: { records: number[]; resolve: () => void; reject: (e: unknown) => void }[] = [];
  let active = 0;
  let maxActive = 0;
  const queue = new InferenceQueue<number>({
    capacity: 3,
    batchSize: 2,
    flushIntervalMs: 1000,
    timers,
    flush: (records) => {
      active++;
      maxActive = Math.max(maxActive, active);
      return new Promise<void>((resolve, reject) => {
        calls.push({
          records: [...records],
          resolve: () => {
            active--;
            resolve();
          },
          reject: (e) => {
            active--;
            reject(e);
          },
        });
      });
    },
    ...options,
  });
  return { queue, calls, timers, maxActive: () => maxActive };
}

describe('InferenceQueue', () => {
  it('drop policy: never waits, drops and counts when full', async () => {
    const { queue, calls, timers, maxActive } = harness({ policy: 'drop' });
    const answers = [1, 2, 3, 4, 5, 6, 7].map((r) => queue.offer(r));
    // 1 and 2 went to the first flush at once; 3, 4, 5 fill the queue; 6 and 7 are dropped.
    assert.deepEqual(answers, [true, true, true, true, true, false, false]);
    assert.deepEqual(
      calls.map((c) => c.records),
      [[1, 2]],
    );
    assert.deepEqual(queue.stats(), {
      queued: 3,
      offered: 7,
      written: 0,
      dropped: 2,
      failed: 0,
      waiting: 0,
      capacity: 3,
    });
    calls[0]!.resolve();
    await tick();
    assert.deepEqual(calls[1]!.records, [3, 4]);
    calls[1]!.resolve();
    await tick();
    assert.equal(calls.length, 2, 'a partial batch waits for the interval');
    timers.advance(999);
    await tick();
    assert.equal(calls.length, 2);
    timers.advance(1);
    await tick();
    assert.deepEqual(calls[2]!.records, [5]);
    calls[2]!.resolve();
    await tick();
    assert.equal(queue.stats().written, 5);
    assert.equal(maxActive(), 1, 'flushes never overlap');
  });

  it('block policy: waits for room, keeping offer order', async () => {
    const { queue, calls } = harness({ policy: 'block', capacity: 2 });
    assert.equal(queue.offer(1), true);
    assert.equal(queue.offer(2), true); // batch [1, 2] is flushing
    assert.equal(queue.offer(3), true);
    assert.equal(queue.offer(4), true);
    const order: number[] = [];
    const five = queue.offer(5);
    const six = queue.offer(6);
    assert.ok(five instanceof Promise && six instanceof Promise);
    five.then(() => order.push(5));
    six.then(() => order.push(6));
    await tick();
    assert.deepEqual(order, [], 'no room yet');
    assert.equal(queue.stats().waiting, 2);
    calls[0]!.resolve();
    await tick();
    assert.deepEqual(order, [5, 6]);
    assert.deepEqual(calls[1]!.records, [3, 4]);
    calls[1]!.resolve();
    await tick();
    assert.deepEqual(calls[2]!.records, [5, 6]);
    calls[2]!.resolve();
    await tick();
    assert.deepEqual(queue.stats(), {
      queued: 0,
      offered: 6,
      written: 6,
      dropped: 0,
      failed: 0,
      waiting: 0,
      capacity: 2,
    });
  });

  it('delivers records in order, one flush at a time', async () => {
    const written: number[] = [];
    let active = 0;
    const queue = new InferenceQueue<number>({
      capacity: 5,
      policy: 'block',
      batchSize: 3,
      flush: async (records) => {
        assert.equal(active++, 0, 'two flushes at once');
        await tick();
        written.push(...records);
        active--;
      },
    });
    for (let i = 0; i < 100; i++) await queue.offer(i);
    await queue.close();
    assert.deepEqual(
      written,
      Array.from({ length: 100 }, (_, i) => i),
    );
    assert.equal(queue.stats().written, 100);
  });

  it('retries a failing flush with backoff, then counts its records as failed', async () => {
    const attempts: number[][] = [];
    const failures: [unknown, number][] = [];
    let failuresLeft = 2;
    const timers = new FakeTimers();
    const queue = new InferenceQueue<number>({
      capacity: 10,
      policy: 'drop',
      batchSize: 2,
      retries: 2,
      retryBackoffMs: 50,
      timers,
      onFailure: (err, n) => {
        failures.push([err, n]);
        throw new Error('a broken logger must not stop the drain');
      },
      flush: async (records) => {
        attempts.push([...records]);
        if (records[0] === 3) throw new Error('disk full');
        if (failuresLeft-- > 0) throw new Error('transient');
      },
    });
    queue.offer(1);
    queue.offer(2);
    await tick();
    assert.equal(attempts.length, 1);
    timers.advance(49);
    await tick();
    assert.equal(attempts.length, 1, 'waits out the backoff');
    timers.advance(1);
    await tick();
    assert.equal(attempts.length, 2);
    timers.advance(100); // the second backoff doubles
    await tick();
    assert.equal(attempts.length, 3);
    assert.equal(queue.stats().written, 2);
    queue.offer(3);
    queue.offer(4);
    for (let i = 0; i < 3; i++) {
      timers.advance(1000);
      await tick();
    }
    assert.equal(attempts.length, 6, 'one try and two retries');
    assert.equal(failures.length, 1);
    assert.match(String(failures[0]![0]), /disk full/);
    assert.equal(failures[0]![1], 2);
    // The queue goes on after a failure.
    queue.offer(5);
    const closing = queue.close();
    await closing;
    assert.deepEqual(queue.stats(), {
      queued: 0,
      offered: 5,
      written: 3,
      dropped: 0,
      failed: 2,
      waiting: 0,
      capacity: 10,
    });
  });

  it('close drains what is queued and refuses what comes after', async () => {
    const written: number[][] = [];
    const queue = new InferenceQueue<number>({
      capacity: 100,
      policy: 'block',
      batchSize: 4,
      flushIntervalMs: 3_600_000,
      timers: new FakeTimers(),
      flush: async (records) => {
        written.push([...records]);
      },
    });
    for (let i = 0; i < 6; i++) await queue.offer(i);
    await tick();
    assert.deepEqual(written, [[0, 1, 2, 3]]);
    await queue.close();
    assert.deepEqual(written, [
      [0, 1, 2, 3],
      [4, 5],
    ]);
    await assert.rejects(async () => queue.offer(9), { code: 'UNAVAILABLE' });
    const dropping = new InferenceQueue<number>({ capacity: 1, policy: 'drop', flush: async () => {} });
    await dropping.close();
    assert.equal(dropping.offer(1), false);
    assert.equal(dropping.stats().dropped, 1);
    assert.equal(queue.stats().dropped, 1);
  });

  it('drain flushes a partial batch now without closing', async () => {
    const written: number[] = [];
    const queue = new InferenceQueue<number>({
      capacity: 100,
      policy: 'drop',
      batchSize: 50,
      timers: new FakeTimers(),
      flush: async (records) => {
        written.push(...records);
      },
    });
    queue.offer(1);
    queue.offer(2);
    await queue.drain();
    assert.deepEqual(written, [1, 2]);
    assert.equal(queue.offer(3), true);
    await queue.drain();
    assert.deepEqual(written, [1, 2, 3]);
    await queue.drain(); // nothing queued: resolves at once
  });

  it('refuses bad options', () => {
    const flush = async () => {};
    assert.throws(() => new InferenceQueue({ capacity: 0, policy: 'drop', flush }), {
      code: 'INVALID_ARGUMENT',
      message: /capacity must be an integer >= 1; got the number 0/,
    });
    assert.throws(() => new InferenceQueue({ capacity: 1, policy: 'wait' as 'drop', flush }), {
      message: /policy must be 'drop' or 'block'; got the string "wait"/,
    });
    assert.throws(
      () => new InferenceQueue({ capacity: 1, policy: 'drop', flush, batchSize: 0 }),
      /batchSize/,
    );
  });
});
