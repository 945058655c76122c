/**
 * Fits a model family on a worker thread, off the event loop: progress is polled from shared
 * memory, an AbortSignal asks the fit to stop between iterations (it then returns what it built).
 */
import { taskModuleUrl } from '../core/index.js';
import {
  type FitProgress,
  loadFitted,
  type Matrix,
  type ParamSet,
  type Task,
  toShared,
  WorkerPool,
} from '../ml/index.js';
import { CONTROL, type FitTaskArgs, type FitTaskResult, METRICS_BYTES } from './fit-task.js';

/** What {@link fitInWorker} fits: the family, its data and params, progress and stop hooks. */
export interface WorkerFitInput {
  family: string;
  X: Matrix;
  y: Float64Array;
  params: ParamSet;
  task: Task;
  classes: number;
  validation?: { X: Matrix; y: Float64Array };
  onProgress?: (p: FitProgress) => void;
  signal?: AbortSignal;
  /** Run on this pool (kept open; searches share one) instead of a fresh one-thread pool. */
  pool?: WorkerPool;
}

const taskModule = taskModuleUrl(import.meta.url, './fit-task');

/**
 * Fits on a worker thread (a fresh one-thread pool, or `input.pool`); resolves to the fitted model,
 * its saved form, the per-iteration metrics history, iterations and fit seconds. When `signal`
 * aborts the fit stops at its next check and resolves with what it built.
 */
export async function fitInWorker(input: WorkerFitInput) {
  const control = new Int32Array(new SharedArrayBuffer(CONTROL.size * 4));
  const metrics = new Uint8Array(new SharedArrayBuffer(METRICS_BYTES));
  const args: FitTaskArgs = {
    family: input.family,
    X: toShared(input.X.data),
    rows: input.X.rows,
    cols: input.X.cols,
    y: toShared(input.y),
    params: input.params,
    task: input.task,
    classes: input.classes,
    ...(input.validation
      ? {
          validation: {
            X: toShared(input.validation.X.data),
            rows: input.validation.X.rows,
            y: toShared(input.validation.y),
          },
        }
      : {}),
    control,
    metrics,
  };
  const stop = () => Atomics.store(control, CONTROL.stop, 1);
  if (input.signal?.aborted) stop();
  input.signal?.addEventListener('abort', stop, { once: true });
  let seen = 0;
  const decoder = new TextDecoder();
  const poll = () => {
    const seq = Atomics.load(control, CONTROL.seq);
    if (seq === seen || !input.onProgress) return;
    seen = seq;
    const n = Atomics.load(control, CONTROL.metricsLength);
    let m: Record<string, number> | undefined;
    try {
      m = n ? JSON.parse(decoder.decode(metrics.slice(0, n))) : undefined;
    } catch {
      m = undefined;
    }
    input.onProgress({
      iteration: Atomics.load(control, CONTROL.iteration),
      total: Atomics.load(control, CONTROL.total),
      ...(m ? { metrics: m } : {}),
    });
  };
  const timer = setInterval(poll, 200);
  const pool = input.pool ?? new WorkerPool(1);
  try {
    const result = await pool.run<FitTaskResult>(taskModule, 'fitFamily', args);
    poll();
    return {
      model: loadFitted(result.saved),
      saved: result.saved,
      history: result.history,
      iterations: result.iterations,
      fitSeconds: result.fitSeconds,
    };
  } finally {
    clearInterval(timer);
    input.signal?.removeEventListener('abort', stop);
    if (!input.pool) await pool.close();
  }
}
