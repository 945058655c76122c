/**
 * Adaptive micro-batching for one model: requests that arrive together are evaluated as one
 * batch, latency first. An idle batcher runs what it is given at once (after the current
 * synchronous section, so items submitted together join); while a batch runs, new items queue and
 * go as the next batch when it finishes. No I/O: time and timers are injected.
 */
import { describeValue, LatheError } from '../core/index.js';
import type { BatchPrediction, InputBatch } from '../models/index.js';

/** Timers the batcher uses (tests pass fake ones). Delays are milliseconds. */
export interface BatcherTimers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

/** How a batcher is built. */
export interface MicroBatcherOptions<I, O> {
  /** Most rows in one batch (`>= 1`). An item larger than this runs alone, as a batch of its own. */
  maxBatchSize: number;
  /**
   * Most milliseconds an item waits in the queue for a running batch to finish before a
   * concurrent batch is forced (when `maxConcurrency` allows one; see `maxConcurrency`).
   */
  maxWaitMs: number;
  /** Evaluates a batch: answers one output per item, in item order. */
  run: (items: I[]) => Promise<O[]>;
  /** Rows per item (default 1); a non-negative integer. */
  size?: (item: I) => number;
  /**
   * Most batches in flight at once (default 2). A second batch starts while one runs only when a
   * full batch (`maxBatchSize` rows) is queued or the oldest queued item has waited `maxWaitMs`.
   * When all slots are busy, items wait for the first slot to free: `maxWaitMs` bounds the wait for
   * a batch to form, not for a running model to answer (callers keep a request timeout for that).
   */
  maxConcurrency?: number;
  /**
   * Called after every batch settles (also when it failed): its size in rows, each item's seconds
   * in the queue (in item order) and the seconds `run` took. Errors it throws are ignored, so
   * metrics never fail a request.
   */
  onBatch?: (size: number, queueSeconds: number[], computeSeconds: number) => void;
  /** Source of time in milliseconds (default `performance.now`). */
  clock?: { now(): number };
  /** Timers for `maxWaitMs` (default the global ones). */
  timers?: BatcherTimers;
  /**
   * How an idle batcher defers the start of a batch so that items submitted together join it
   * (default `queueMicrotask`). A server whose `run` computes on the main thread may pass
   * `setImmediate`, so requests parsed in one event-loop turn share a batch.
   */
  schedule?: (fn: () => void) => void;
}

/** Counters of a batcher. */
export interface MicroBatcherStats {
  /** Batches started (finished or in flight). */
  batches: number;
  /** Items and rows sent to `run`. */
  items: number;
  rows: number;
  /** Batches whose `run` failed or answered the wrong number of outputs. */
  failedBatches: number;
  /** Size of the most recently started batch, in rows and in items (0 before the first). */
  lastBatchSize: number;
  lastBatchItems: number;
  /** Items and rows waiting in the queue. */
  queueDepth: number;
  queuedRows: number;
  /** Batches in flight. */
  inFlight: number;
}

interface Pending<I, O> {
  item: I;
  rows: number;
  enqueuedAt: number;
  resolve: (out: O) => void;
  reject: (err: unknown) => void;
}

const defaultClock = { now: () => performance.now() };
const defaultTimers: BatcherTimers = {
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
};

function invalid(message: string): LatheError {
  return new LatheError('INVALID_ARGUMENT', message, {});
}

function positiveInteger(name: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1)
    throw invalid(`micro-batcher ${name} must be a positive integer; got ${describeValue(v)}`);
  return v;
}

/**
 * Groups concurrent submissions into batches for one model. Outputs reach each item's promise in
 * the order `run` answers them; a failed batch rejects only its own items.
 */
export class MicroBatcher<I, O> {
  private readonly maxBatchSize: number;
  private readonly maxWaitMs: number;
  private readonly maxConcurrency: number;
  private readonly runFn: (items: I[]) => Promise<O[]>;
  private readonly sizeOf: ((item: I) => number) | undefined;
  private readonly onBatch: MicroBatcherOptions<I, O>['onBatch'];
  private readonly clock: { now(): number };
  private readonly timers: BatcherTimers;
  private readonly schedule: (fn: () => void) => void;

  private queue: Pending<I, O>[] = [];
  private head = 0;
  private queuedRows = 0;
  private inFlight = 0;
  private scheduled = false;
  private timer: unknown;
  private timerDue = Number.POSITIVE_INFINITY;
  private closed = false;
  private idleWaiters: (() => void)[] = [];
  private counts = { batches: 0, items: 0, rows: 0, failedBatches: 0, lastBatchSize: 0, lastBatchItems: 0 };

  /** @throws LatheError INVALID_ARGUMENT on bad options. */
  constructor(options: MicroBatcherOptions<I, O>) {
    this.maxBatchSize = positiveInteger('maxBatchSize', options?.maxBatchSize);
    const wait = options.maxWaitMs;
    if (typeof wait !== 'number' || !Number.isFinite(wait) || wait < 0)
      throw invalid(
        `micro-batcher maxWaitMs must be a number of milliseconds >= 0; got ${describeValue(wait)}`,
      );
    this.maxWaitMs = wait;
    this.maxConcurrency = positiveInteger('maxConcurrency', options.maxConcurrency ?? 2);
    if (typeof options.run !== 'function') throw invalid('micro-batcher run must be a function');
    this.runFn = options.run;
    this.sizeOf = options.size;
    this.onBatch = options.onBatch;
    this.clock = options.clock ?? defaultClock;
    this.timers = options.timers ?? defaultTimers;
    this.schedule = options.schedule ?? queueMicrotask;
  }

  /**
   * Queues one item; answers its output once its batch ran.
   * Rejects with the batch's error when `run` failed, LatheError INTERNAL when `run` answered the
   * wrong number of outputs, UNAVAILABLE when the batcher is closed (or closes before the item
   * ran), INVALID_ARGUMENT when `size` answers something other than a non-negative integer.
   */
  submit(item: I): Promise<O> {
    if (this.closed)
      return Promise.reject(
        new LatheError('UNAVAILABLE', 'the model is being unloaded and accepts no more requests; retry', {}),
      );
    let rows = 1;
    if (this.sizeOf) {
      try {
        rows = this.sizeOf(item);
      } catch (err) {
        return Promise.reject(err);
      }
      if (typeof rows !== 'number' || !Number.isInteger(rows) || rows < 0)
        return Promise.reject(
          invalid(`micro-batcher size() must answer a row count; got ${describeValue(rows)}`),
        );
    }
    return new Promise<O>((resolve, reject) => {
      this.queue.push({ item, rows, enqueuedAt: this.clock.now(), resolve, reject });
      this.queuedRows += rows;
      this.requestDispatch();
    });
  }

  /** Counters and queue depth, for metrics. */
  stats(): MicroBatcherStats {
    return {
      ...this.counts,
      queueDepth: this.queue.length - this.head,
      queuedRows: this.queuedRows,
      inFlight: this.inFlight,
    };
  }

  /**
   * Refuses new items and runs every queued one (without waiting for `maxWaitMs`); resolves when
   * nothing is queued or in flight. For a hot swap: the old model finishes its work.
   */
  drain(): Promise<void> {
    this.closed = true;
    this.dispatch();
    return this.whenIdle();
  }

  /**
   * Refuses new items and rejects every queued item with LatheError UNAVAILABLE; batches in flight
   * finish. Resolves when none is in flight.
   */
  close(): Promise<void> {
    this.closed = true;
    const err = new LatheError('UNAVAILABLE', 'the model was unloaded before this request ran; retry', {});
    const dropped = this.queue.slice(this.head);
    this.queue = [];
    this.head = 0;
    this.queuedRows = 0;
    this.clearTimer();
    for (const p of dropped) p.reject(err);
    return this.whenIdle();
  }

  private whenIdle(): Promise<void> {
    if (this.inFlight === 0 && this.queue.length === this.head) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private requestDispatch(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    this.schedule(() => {
      this.scheduled = false;
      this.dispatch();
    });
  }

  /** Starts every batch the rules allow, then arms the `maxWaitMs` timer for the oldest item. */
  private dispatch(): void {
    while (this.queue.length > this.head && this.inFlight < this.maxConcurrency) {
      if (this.inFlight > 0 && !this.closed) {
        const waited = this.clock.now() - this.queue[this.head]!.enqueuedAt;
        if (waited < this.maxWaitMs && this.queuedRows < this.maxBatchSize) break;
      }
      this.startBatch();
    }
    if (this.queue.length === this.head) {
      this.queue = [];
      this.head = 0;
    } else if (this.head > 1024 && this.head * 2 > this.queue.length) {
      // under sustained load the queue may never empty: drop the references to items gone
      this.queue = this.queue.slice(this.head);
      this.head = 0;
    }
    this.armTimer();
    if (this.inFlight === 0 && this.queue.length === 0) this.notifyIdle();
  }

  private armTimer(): void {
    const waiting = this.queue.length > this.head;
    if (!waiting || this.inFlight >= this.maxConcurrency) {
      this.clearTimer();
      return;
    }
    const due = this.queue[this.head]!.enqueuedAt + this.maxWaitMs;
    if (this.timer !== undefined && due === this.timerDue) return;
    this.clearTimer();
    this.timerDue = due;
    this.timer = this.timers.setTimeout(
      () => {
        this.timer = undefined;
        this.timerDue = Number.POSITIVE_INFINITY;
        this.dispatch();
      },
      Math.max(0, due - this.clock.now()),
    );
  }

  private clearTimer(): void {
    if (this.timer === undefined) return;
    this.timers.clearTimeout(this.timer);
    this.timer = undefined;
    this.timerDue = Number.POSITIVE_INFINITY;
  }

  private startBatch(): void {
    const batch: Pending<I, O>[] = [];
    let rows = 0;
    while (this.queue.length > this.head) {
      const next = this.queue[this.head]!;
      if (batch.length > 0 && rows + next.rows > this.maxBatchSize) break;
      batch.push(next);
      rows += next.rows;
      this.head++;
    }
    this.queuedRows -= rows;
    this.inFlight++;
    const c = this.counts;
    c.batches++;
    c.items += batch.length;
    c.rows += rows;
    c.lastBatchSize = rows;
    c.lastBatchItems = batch.length;
    const started = this.clock.now();
    const queueSeconds = batch.map((p) => (started - p.enqueuedAt) / 1000);
    let result: Promise<O[]>;
    try {
      result = Promise.resolve(this.runFn(batch.map((p) => p.item)));
    } catch (err) {
      result = Promise.reject(err);
    }
    const settle = (outputs: O[] | null, error: unknown) => {
      if (outputs !== null && (!Array.isArray(outputs) || outputs.length !== batch.length)) {
        const got = Array.isArray(outputs) ? `${outputs.length} outputs` : describeValue(outputs);
        error = new LatheError(
          'INTERNAL',
          `the model answered ${got} for a batch of ${batch.length} requests; expected one output per request`,
          { expected: batch.length, got: Array.isArray(outputs) ? outputs.length : null },
        );
        outputs = null;
      }
      // Counters and the hook first, so a caller that sees its output sees them updated.
      this.inFlight--;
      if (outputs === null) c.failedBatches++;
      if (this.onBatch) {
        try {
          this.onBatch(rows, queueSeconds, (this.clock.now() - started) / 1000);
        } catch {
          // metrics must never fail a request
        }
      }
      if (outputs === null) for (const p of batch) p.reject(error);
      else for (let i = 0; i < batch.length; i++) batch[i]!.resolve(outputs[i]!);
      this.dispatch();
    };
    result.then(
      (outputs) => settle(outputs, undefined),
      (err: unknown) => settle(null, err),
    );
  }

  private notifyIdle(): void {
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const w of waiters) w();
  }
}

/**
 * Concatenates input batches row-wise into one model call. Columns are the union over all
 * batches, in order of first appearance; a batch without a column holds `undefined` there. A
 * column that is a Float64Array in every batch stays one; others become plain arrays.
 */
export function concatBatches(batches: readonly InputBatch[]): InputBatch {
  let rows = 0;
  const names: string[] = [];
  const seen = new Set<string>();
  for (const b of batches) {
    rows += b.rows;
    for (const name of Object.keys(b.columns))
      if (!seen.has(name)) {
        seen.add(name);
        names.push(name);
      }
  }
  const columns: Record<string, ArrayLike<unknown>> = {};
  for (const name of names) {
    const allFloat = batches.every((b) => {
      const col = b.columns[name];
      return b.rows === 0 || (col instanceof Float64Array && col.length >= b.rows);
    });
    const out: Float64Array | unknown[] = allFloat ? new Float64Array(rows) : new Array<unknown>(rows);
    let offset = 0;
    for (const b of batches) {
      const col = b.columns[name];
      if (b.rows === 0) continue;
      if (out instanceof Float64Array) out.set((col as Float64Array).subarray(0, b.rows), offset);
      else for (let r = 0; r < b.rows; r++) out[offset + r] = col === undefined ? undefined : col[r];
      offset += b.rows;
    }
    columns[name] = out;
  }
  return { rows, columns };
}

/**
 * Splits a prediction of concatenated batches back into one prediction per batch, `sizes[i]` rows
 * each in order. Probabilities keep their row-major layout; classes and warnings are copied to
 * every part.
 * @throws LatheError INTERNAL when the sizes do not add up to the prediction's rows.
 */
export function splitPrediction(pred: BatchPrediction, sizes: readonly number[]): BatchPrediction[] {
  const total = sizes.reduce((a, b) => a + b, 0);
  if (total !== pred.rows || pred.predictions.length !== pred.rows)
    throw new LatheError(
      'INTERNAL',
      `cannot split a prediction of ${pred.rows} rows (${pred.predictions.length} predictions) into parts of ${sizes.join(', ')} rows`,
      { rows: pred.rows, sizes: [...sizes] },
    );
  const k = pred.probabilities
    ? pred.classes?.length || (pred.rows > 0 ? pred.probabilities.length / pred.rows : 0)
    : 0;
  const parts: BatchPrediction[] = [];
  let offset = 0;
  for (const n of sizes) {
    const part: BatchPrediction = {
      rows: n,
      predictions: pred.predictions.slice(offset, offset + n),
      warnings: [...pred.warnings],
    };
    if (pred.probabilities) part.probabilities = pred.probabilities.slice(offset * k, (offset + n) * k);
    if (pred.classes) part.classes = [...pred.classes];
    parts.push(part);
    offset += n;
  }
  return parts;
}
