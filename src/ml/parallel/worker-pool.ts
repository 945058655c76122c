/**
 * A small, generic pool of worker threads. A task is an exported function of a "task module" (an
 * ES module file, named by URL) called with one structured-clonable argument; its result comes
 * back as the resolved value of {@link WorkerPool.run}. Big inputs should be typed arrays backed
 * by a SharedArrayBuffer ({@link toShared}): posting them shares the memory instead of copying it,
 * so every task can receive the whole data set at no cost.
 *
 * Works under tsx (task modules are `.ts`: the worker registers tsx's loader itself, since Node 20
 * workers do not inherit it) and from compiled `dist/` (`.js`). Name task modules with
 * {@link taskModuleUrl}(import.meta.url, './my-tasks') so the extension follows the caller's.
 *
 * Idle workers are unref'd: a pool that is never closed does not keep the process alive. Call
 * {@link WorkerPool.close} to free the threads early.
 *
 * @example
 * // my-tasks.ts
 * export function sumRange(args: { data: Float64Array; from: number; to: number }): number { … }
 * // caller
 * const pool = new WorkerPool(2);
 * const data = toShared(values);
 * const mod = taskModuleUrl(import.meta.url, './my-tasks');
 * const parts = await Promise.all([pool.run<number>(mod, 'sumRange', { data, from: 0, to: h }), …]);
 * await pool.close();
 */
import type { Worker } from 'node:worker_threads';
import { isErrorCode, LatheError, startWorker, taskModuleUrl } from '../../core/index.js';
import type { SerializedError, TaskRequest, TaskResponse } from './worker-entry.js';

/** Starts one worker running worker-entry. */
function spawnWorker(): Worker {
  return startWorker(taskModuleUrl(import.meta.url, './worker-entry'));
}

/** The Error a task's serialized error becomes in the caller: a LatheError keeps code and details. */
function reviveError(e: SerializedError, task: string): Error {
  const err =
    e.name === 'LatheError' && isErrorCode(e.code)
      ? new LatheError(e.code, e.message, e.details as ConstructorParameters<typeof LatheError>[2])
      : new Error(e.message);
  if (!(err instanceof LatheError)) err.name = e.name;
  err.stack = `${err.name}: ${err.message}\n    in worker task ${task}\n${(e.stack ?? '').split('\n').slice(1).join('\n')}`;
  return err;
}

interface Job {
  id: number;
  module: string;
  name: string;
  args: unknown;
  resolve: (value: unknown) => void;
  reject: (err: Error) => void;
}

interface Slot {
  worker: Worker;
  job: Job | undefined;
}

/**
 * A fixed-size pool of worker threads running task-module functions, one task per thread at a
 * time, in the order tasks were submitted. Workers start lazily on the first tasks.
 */
export class WorkerPool {
  /** Maximum number of threads (>= 1). */
  readonly threads: number;
  private readonly slots: Slot[] = [];
  private readonly queue: Job[] = [];
  private nextId = 1;
  private closed = false;

  /** True once {@link close} was called. */
  get isClosed(): boolean {
    return this.closed;
  }

  /** @throws LatheError INVALID_ARGUMENT unless `threads` is an integer >= 1. */
  constructor(threads: number) {
    if (!Number.isSafeInteger(threads) || threads < 1)
      throw new LatheError('INVALID_ARGUMENT', `threads must be an integer >= 1; got ${String(threads)}`, {
        field: 'threads',
      });
    this.threads = threads;
  }

  /**
   * Runs the function `name` exported by the task module at `module` on a worker with `args`
   * (structured-cloned; SharedArrayBuffer-backed arrays are shared). Resolves with its (awaited)
   * return value; non-shared ArrayBuffers in the result are moved to the caller.
   * @throws (rejects) the task's error: a LatheError keeps its code and details; a worker that
   *   crashes rejects its task; a closed pool rejects with LatheError CONFLICT.
   */
  run<T>(module: URL | string, name: string, args?: unknown): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      if (this.closed) {
        reject(new LatheError('CONFLICT', 'the worker pool is closed'));
        return;
      }
      const href = typeof module === 'string' ? module : module.href;
      this.queue.push({
        id: this.nextId++,
        module: href,
        name,
        args,
        resolve: resolve as (v: unknown) => void,
        reject,
      });
      this.pump();
    });
  }

  /**
   * Starts every thread now (they otherwise start with the first tasks) and resolves once each has
   * loaded its runtime, so later tasks do not pay the start-up.
   */
  async warmUp(): Promise<void> {
    await Promise.all(Array.from({ length: this.threads }, () => this.run('', '')));
  }

  /** Terminates every thread; queued tasks reject. Safe to call twice. */
  async close(): Promise<void> {
    this.closed = true;
    for (const job of this.queue.splice(0))
      job.reject(new LatheError('CONFLICT', 'the worker pool was closed before the task ran'));
    const slots = this.slots.splice(0);
    await Promise.all(
      slots.map((s) => {
        s.job?.reject(new LatheError('CONFLICT', 'the worker pool was closed while the task ran'));
        s.job = undefined;
        return s.worker.terminate();
      }),
    );
  }

  private pump(): void {
    while (this.queue.length > 0) {
      let slot = this.slots.find((s) => s.job === undefined);
      if (slot === undefined) {
        if (this.slots.length >= this.threads) return;
        try {
          slot = this.startSlot();
        } catch (err) {
          // A thread that cannot start (e.g. .ts sources without tsx installed) fails its task.
          this.queue.shift()!.reject(err instanceof Error ? err : new Error(String(err)));
          continue;
        }
      }
      const job = this.queue.shift()!;
      slot.job = job;
      slot.worker.ref();
      const req: TaskRequest = { id: job.id, module: job.module, name: job.name, args: job.args };
      try {
        slot.worker.postMessage(req);
      } catch (err) {
        slot.job = undefined;
        slot.worker.unref();
        job.reject(err instanceof Error ? err : new Error(String(err)));
      }
    }
  }

  private startSlot(): Slot {
    const slot: Slot = { worker: spawnWorker(), job: undefined };
    this.slots.push(slot);
    slot.worker.on('message', (res: TaskResponse) => {
      const job = slot.job;
      if (job === undefined || job.id !== res.id) return;
      slot.job = undefined;
      slot.worker.unref();
      if (res.ok) job.resolve(res.value);
      else job.reject(reviveError(res.error, job.name));
      this.pump();
    });
    const fail = (err: Error) => {
      const i = this.slots.indexOf(slot);
      if (i < 0) return;
      this.slots.splice(i, 1);
      const job = slot.job;
      slot.job = undefined;
      void slot.worker.terminate();
      job?.reject(err);
      this.pump();
    };
    slot.worker.on('error', (err) => fail(err instanceof Error ? err : new Error(String(err))));
    slot.worker.on('exit', (code) => fail(new Error(`a worker thread exited with code ${code}`)));
    return slot;
  }
}

const sharedPools = new Map<number, WorkerPool>();

/**
 * A process-wide pool of `threads` threads, created on first use and reused by every caller that
 * asks for the same size (forests, boosting, tuning), so threads start once. Its idle threads do
 * not keep the process alive; do not close it (a closed one is replaced on the next call).
 */
export function sharedWorkerPool(threads: number): WorkerPool {
  let pool = sharedPools.get(threads);
  if (pool === undefined || pool.isClosed) {
    pool = new WorkerPool(threads);
    sharedPools.set(threads, pool);
  }
  return pool;
}
