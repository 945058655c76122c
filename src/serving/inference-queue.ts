/**
 * The bounded hand-off of prediction records to the inference log: a request offers its records
 * and goes on; a background drain writes them in batches, one flush at a time, in offer order.
 * When the queue is full the policy decides, visibly: `drop` (counted) or `block` (the caller
 * waits for room). No I/O of its own: the sink is the `flush` function.
 */
import { describeValue, LatheError } from '../core/index.js';

/** Timers the queue uses for its flush interval and retry backoff (tests pass fake ones). */
export interface QueueTimers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

/** What to do with a record offered to a full queue. */
export type QueueFullPolicy = 'drop' | 'block';

/** How a queue is built. */
export interface InferenceQueueOptions<T> {
  /** Most records held (`>= 1`), not counting callers blocked in `offer`. */
  capacity: number;
  policy: QueueFullPolicy;
  /** Writes records, in order; the queue never calls it while a previous call is pending. */
  flush: (records: T[]) => Promise<void>;
  /** Most records per flush (default 512). A full batch is flushed at once. */
  batchSize?: number;
  /**
   * Milliseconds a partial batch may wait before it is flushed (default 1000): a record reaches
   * the sink within about this delay plus the flush time, even under light traffic.
   */
  flushIntervalMs?: number;
  /** Further attempts after a failed flush (default 3), waiting `retryBackoffMs`, doubled each time. */
  retries?: number;
  /** First retry delay in milliseconds (default 100). */
  retryBackoffMs?: number;
  /** Called once per batch given up after its retries (for a log line); errors it throws are ignored. */
  onFailure?: (error: unknown, records: number) => void;
  timers?: QueueTimers;
}

/** Counters of a queue. Every offered record ends up written, dropped or failed. */
export interface InferenceQueueStats {
  /** Records held, not yet given to `flush`. */
  queued: number;
  /** Records offered (also those dropped or refused). */
  offered: number;
  /** Records a flush accepted. */
  written: number;
  /** Records dropped: the queue was full under the `drop` policy, or closed. */
  dropped: number;
  /** Records whose flush failed after every retry. */
  failed: number;
  /** Callers blocked in `offer` under the `block` policy. */
  waiting: number;
  capacity: number;
}

interface Waiter<T> {
  record: T;
  resolve: () => void;
}

const defaultTimers: QueueTimers = {
  setTimeout: (fn, ms) => {
    const t = setTimeout(fn, ms);
    t.unref?.(); // a pending log flush alone does not keep the process alive; close() drains
    return t;
  },
  clearTimeout: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
};

function invalid(message: string): LatheError {
  return new LatheError('INVALID_ARGUMENT', message, {});
}

function integerOption(name: string, v: unknown, min: number): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min)
    throw invalid(`inference queue ${name} must be an integer >= ${min}; got ${describeValue(v)}`);
  return v;
}

/**
 * A bounded, non-blocking queue in front of a slow writer. Records reach `flush` in offer order
 * (blocked callers keep their place); flushes are sequential; failures are counted, never thrown.
 */
export class InferenceQueue<T> {
  readonly capacity: number;
  readonly policy: QueueFullPolicy;
  private readonly flushFn: (records: T[]) => Promise<void>;
  private readonly batchSize: number;
  private readonly intervalMs: number;
  private readonly retries: number;
  private readonly backoffMs: number;
  private readonly onFailure: InferenceQueueOptions<T>['onFailure'];
  private readonly timers: QueueTimers;

  private queue: T[] = [];
  private waiters: Waiter<T>[] = [];
  private flushing = false;
  private due = false;
  private forceAll = 0;
  private closed = false;
  private timer: unknown;
  private idle: (() => void)[] = [];
  private counts = { offered: 0, written: 0, dropped: 0, failed: 0 };

  /** @throws LatheError INVALID_ARGUMENT on bad options. */
  constructor(options: InferenceQueueOptions<T>) {
    this.capacity = integerOption('capacity', options?.capacity, 1);
    if (options.policy !== 'drop' && options.policy !== 'block')
      throw invalid(`inference queue policy must be 'drop' or 'block'; got ${describeValue(options.policy)}`);
    this.policy = options.policy;
    if (typeof options.flush !== 'function') throw invalid('inference queue flush must be a function');
    this.flushFn = options.flush;
    this.batchSize = integerOption('batchSize', options.batchSize ?? 512, 1);
    const interval = options.flushIntervalMs ?? 1000;
    if (typeof interval !== 'number' || !Number.isFinite(interval) || interval < 0)
      throw invalid(
        `inference queue flushIntervalMs must be milliseconds >= 0; got ${describeValue(interval)}`,
      );
    this.intervalMs = interval;
    this.retries = integerOption('retries', options.retries ?? 3, 0);
    const backoff = options.retryBackoffMs ?? 100;
    if (typeof backoff !== 'number' || !Number.isFinite(backoff) || backoff < 0)
      throw invalid(
        `inference queue retryBackoffMs must be milliseconds >= 0; got ${describeValue(backoff)}`,
      );
    this.backoffMs = backoff;
    this.onFailure = options.onFailure;
    this.timers = options.timers ?? defaultTimers;
  }

  /**
   * Hands one record to the log.
   * - `drop`: never waits. Answers `true` when queued, `false` when the queue was full (or closed)
   *   and the record was dropped and counted.
   * - `block`: answers `true` when queued at once, else a promise that resolves once the record is
   *   queued; callers `await` the answer (`await q.offer(r)` fits both cases). After `close()` the
   *   promise rejects with LatheError UNAVAILABLE and the record is counted as dropped.
   */
  offer(record: T): boolean | Promise<void> {
    this.counts.offered++;
    if (this.closed) {
      this.counts.dropped++;
      if (this.policy === 'drop') return false;
      return Promise.reject(
        new LatheError(
          'UNAVAILABLE',
          'the inference log is closed; the prediction record was not logged',
          {},
        ),
      );
    }
    if (this.queue.length < this.capacity && this.waiters.length === 0) {
      this.queue.push(record);
      this.kick();
      return true;
    }
    if (this.policy === 'drop') {
      this.counts.dropped++;
      return false;
    }
    return new Promise<void>((resolve) => {
      this.waiters.push({ record, resolve });
      this.kick();
    });
  }

  /** Counters, for metrics. */
  stats(): InferenceQueueStats {
    return {
      ...this.counts,
      queued: this.queue.length,
      waiting: this.waiters.length,
      capacity: this.capacity,
    };
  }

  /**
   * Flushes everything queued now (and every blocked record), without waiting for the interval;
   * resolves when those records were written or counted as failed.
   */
  drain(): Promise<void> {
    this.forceAll++;
    const done = this.whenIdle();
    this.kick();
    return done.finally(() => {
      this.forceAll--;
    });
  }

  /** Refuses new records, then drains what is queued (see `drain`). Never rejects. */
  close(): Promise<void> {
    this.closed = true;
    return this.drain();
  }

  private whenIdle(): Promise<void> {
    if (!this.flushing && this.queue.length === 0 && this.waiters.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.idle.push(resolve));
  }

  /** Moves blocked callers' records into freed room, in order. */
  private admit(): void {
    while (this.waiters.length > 0 && this.queue.length < this.capacity) {
      const w = this.waiters.shift()!;
      this.queue.push(w.record);
      w.resolve();
    }
  }

  private ready(): boolean {
    return this.queue.length >= this.batchSize || this.due || this.forceAll > 0;
  }

  /** Starts the drain when a batch is ready, else arms the interval timer for a partial one. */
  private kick(): void {
    if (this.flushing) return;
    if (this.queue.length === 0) {
      this.clearTimer();
      this.due = false;
      const idle = this.idle;
      this.idle = [];
      for (const resolve of idle) resolve();
      return;
    }
    if (this.ready()) {
      this.clearTimer();
      this.flushing = true;
      void this.drainLoop();
      return;
    }
    if (this.timer === undefined)
      this.timer = this.timers.setTimeout(() => {
        this.timer = undefined;
        this.due = true;
        this.kick();
      }, this.intervalMs);
  }

  private clearTimer(): void {
    if (this.timer === undefined) return;
    this.timers.clearTimeout(this.timer);
    this.timer = undefined;
  }

  private async drainLoop(): Promise<void> {
    try {
      while (this.queue.length > 0 && this.ready()) {
        // An interval tick flushes one partial batch; later records wait for the next tick.
        this.due = false;
        const batch = this.queue.splice(0, this.batchSize);
        this.admit();
        await this.write(batch);
      }
    } finally {
      this.flushing = false;
      this.kick();
    }
  }

  /** One batch: flush, retried with doubling backoff; never throws. */
  private async write(batch: T[]): Promise<void> {
    let error: unknown;
    for (let attempt = 0; attempt <= this.retries; attempt++) {
      if (attempt > 0) await this.sleep(this.backoffMs * 2 ** (attempt - 1));
      try {
        await this.flushFn(batch);
        this.counts.written += batch.length;
        return;
      } catch (err) {
        error = err;
      }
    }
    this.counts.failed += batch.length;
    try {
      this.onFailure?.(error, batch.length);
    } catch {
      // reporting a failure must not stop the drain
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      this.timers.setTimeout(resolve, ms);
    });
  }
}
