/**
 * The binary logistic objective evaluated in fixed chunks of rows, by the calling thread alone or
 * together with worker threads (internal to src/ml/linear). Each chunk's loss and gradient land in
 * their own slot and are summed in chunk order, so the result is bit-for-bit the same whichever
 * thread computed which chunk, and for any number of threads.
 *
 * Coordination is through shared memory, with no message per evaluation: the caller publishes the
 * parameters and opens a new generation; every participant claims chunk tickets with
 * compare-and-swap (tickets count up forever: generation g owns [g·n, (g+1)·n) for n chunks), and
 * the caller, after claiming what is left, blocks (Atomics.wait) until the chunks that workers
 * took are done. A worker that has not started yet costs nothing: the caller does every chunk.
 */
import type { ObjectiveWithGradient } from '../optim/lbfgs.js';
import { addL2, binaryLossRange } from './logistic-loss.js';

/** Rows per chunk (a multiple of 4, the kernel's row block). */
export const CHUNK_ROWS = 4096;

/** Control slots of {@link BinaryChunks.ctrl}. */
const GEN = 0;
const NEXT = 1;
const DONE = 2;
const STOP = 3;
const FAILED = 4;
const SERVING = 5;
/** Int32 slots in the control array. */
export const CTRL_SLOTS = 6;

/**
 * Everything the participants share. In parallel use every array is SharedArrayBuffer-backed;
 * alone, plain arrays do.
 */
export interface BinaryChunks {
  /** Row-major features, `rows` × `cols`. */
  data: Float64Array;
  rows: number;
  cols: number;
  y: Float64Array;
  sw: Float64Array;
  fitIntercept: boolean;
  /** The parameters being evaluated: `cols` coefficients then the intercept. */
  w: Float64Array;
  /** Per chunk `cols + 2` numbers: the gradient (coefficients, intercept), then the loss. */
  partials: Float64Array;
  /** Control words (generation, next ticket, done count, stop and failure flags). */
  ctrl: Int32Array;
}

/** Number of chunks of `rows` rows. */
export function chunkCount(rows: number): number {
  return Math.ceil(rows / CHUNK_ROWS);
}

/** Fresh control words: generation 0 with no chunk left to claim. */
export function newControl(rows: number, shared: boolean): Int32Array {
  const bytes = CTRL_SLOTS * 4;
  const ctrl = new Int32Array(shared ? new SharedArrayBuffer(bytes) : new ArrayBuffer(bytes));
  ctrl[NEXT] = chunkCount(rows);
  ctrl[DONE] = chunkCount(rows);
  return ctrl;
}

/** The per-chunk views of `partials` (made once, so evaluations allocate nothing). */
function chunkViews(s: BinaryChunks): Float64Array[] {
  const width = s.cols + 2;
  return Array.from({ length: chunkCount(s.rows) }, (_, c) =>
    s.partials.subarray(c * width, (c + 1) * width),
  );
}

/**
 * Claims and computes chunks of the current generation until none is left; returns how many this
 * thread computed.
 */
function workChunks(s: BinaryChunks, views: Float64Array[]): number {
  const n = views.length;
  const ctrl = s.ctrl;
  let done = 0;
  for (;;) {
    if (Atomics.load(ctrl, STOP) !== 0) return done;
    const t = Atomics.load(ctrl, NEXT);
    const gen = Atomics.load(ctrl, GEN);
    if (t < gen * n) continue; // a stale ticket read: read again
    if (t >= (gen + 1) * n) return done;
    if (Atomics.compareExchange(ctrl, NEXT, t, t + 1) !== t) continue;
    const c = t - gen * n;
    const from = c * CHUNK_ROWS;
    const to = Math.min(s.rows, from + CHUNK_ROWS);
    const view = views[c]!;
    view[s.cols + 1] = binaryLossRange(s.data, s.cols, s.y, s.sw, s.w, s.fitIntercept, from, to, view);
    Atomics.add(ctrl, DONE, 1);
    Atomics.notify(ctrl, DONE);
    done++;
  }
}

/**
 * The objective for L-BFGS: Σ_i sw_i · logloss_i + l2/2 · ||coef||² and its gradient, evaluated
 * chunk by chunk by this thread and whichever workers run {@link serveChunks} on `s`.
 * @throws Error when a worker reported a failure.
 */
export function chunkedObjective(s: BinaryChunks, l2: number): ObjectiveWithGradient {
  const views = chunkViews(s);
  const n = views.length;
  const { cols, ctrl } = s;
  const width = cols + 2;
  return (w, g) => {
    for (let j = 0; j <= cols; j++) s.w[j] = j < w.length ? w[j]! : 0;
    const gen = Atomics.load(ctrl, GEN) + 1;
    Atomics.store(ctrl, GEN, gen);
    Atomics.notify(ctrl, GEN);
    workChunks(s, views);
    const target = (gen + 1) * n;
    for (;;) {
      const d = Atomics.load(ctrl, DONE);
      if (d >= target) break;
      if (Atomics.load(ctrl, FAILED) !== 0) throw new Error('a logistic-regression worker thread failed');
      Atomics.wait(ctrl, DONE, d, 1000);
    }
    let f = 0;
    g.fill(0);
    const p = s.partials;
    for (let c = 0; c < n; c++) {
      const o = c * width;
      for (let j = 0; j < cols; j++) g[j]! += p[o + j]!;
      if (s.fitIntercept) g[cols]! += p[o + cols]!;
      f += p[o + cols + 1]!;
    }
    return addL2(f, w, g, cols, l2);
  };
}

/**
 * A worker's side: computes chunks of each new generation until {@link stopChunks}. Returns the
 * number of chunks it computed. A failure sets the shared failure flag (the caller then throws).
 */
export function serveChunks(s: BinaryChunks): number {
  const views = chunkViews(s);
  const ctrl = s.ctrl;
  let total = 0;
  Atomics.add(ctrl, SERVING, 1);
  try {
    for (;;) {
      const gen = Atomics.load(ctrl, GEN);
      if (Atomics.load(ctrl, STOP) !== 0) return total;
      total += workChunks(s, views);
      Atomics.wait(ctrl, GEN, gen);
    }
  } catch (err) {
    Atomics.store(ctrl, FAILED, 1);
    Atomics.notify(ctrl, DONE);
    throw err;
  }
}

/** How many workers have entered {@link serveChunks} on `ctrl`. */
export function servingWorkers(ctrl: Int32Array): number {
  return Atomics.load(ctrl, SERVING);
}

/** Tells every worker in {@link serveChunks} on `ctrl` to return. */
export function stopChunks(ctrl: Int32Array): void {
  Atomics.store(ctrl, STOP, 1);
  Atomics.add(ctrl, GEN, 1);
  Atomics.notify(ctrl, GEN);
}
