/**
 * Starts worker threads that help evaluate the binary logistic objective (internal to
 * src/ml/linear): the data go to shared memory once, then `threads − 1` workers of the process-wide
 * pool run {@link serveChunks} until stopped. The calling thread is the remaining participant.
 */
import type { Matrix } from '../matrix.js';
import { taskModuleUrl } from '../../core/index.js';
import { sharedWorkerPool, toShared } from '../parallel/index.js';
import { type BinaryChunks, chunkCount, newControl, stopChunks } from './logistic-chunks.js';

const TASKS = taskModuleUrl(import.meta.url, './logistic-chunks');

/** The shared evaluation state and how to end the helpers. */
export interface ChunkSession {
  chunks: BinaryChunks;
  /** Lets the workers return (does not wait for them: one still starting returns at once). */
  stop(): void;
  /** Resolves with the chunks each worker computed, once they have all returned. */
  served: Promise<number[]>;
}

/** The chunk state for the calling thread alone, over `X` itself. */
export function localChunks(
  X: Matrix,
  y: Float64Array,
  sw: Float64Array,
  fitIntercept: boolean,
): BinaryChunks {
  return {
    data: X.data,
    rows: X.rows,
    cols: X.cols,
    y,
    sw,
    fitIntercept,
    w: new Float64Array(X.cols + 1),
    partials: new Float64Array(chunkCount(X.rows) * (X.cols + 2)),
    ctrl: newControl(X.rows, false),
  };
}

/**
 * Shares the data and starts `threads − 1` helper workers (threads >= 2). Chunks are summed in
 * chunk order, so the results are the same as on the calling thread alone.
 */
export function startChunkWorkers(
  X: Matrix,
  y: Float64Array,
  sw: Float64Array,
  fitIntercept: boolean,
  threads: number,
): ChunkSession {
  const chunks: BinaryChunks = {
    data: toShared(X.data),
    rows: X.rows,
    cols: X.cols,
    y: toShared(y),
    sw: toShared(sw),
    fitIntercept,
    w: toShared(new Float64Array(X.cols + 1)),
    partials: toShared(new Float64Array(chunkCount(X.rows) * (X.cols + 2))),
    ctrl: newControl(X.rows, true),
  };
  const pool = sharedWorkerPool(threads);
  const runs = Array.from({ length: threads - 1 }, () =>
    pool.run<number>(TASKS, 'serveChunks', chunks).catch(() => 0),
  );
  return { chunks, stop: () => stopChunks(chunks.ctrl), served: Promise.all(runs) };
}
