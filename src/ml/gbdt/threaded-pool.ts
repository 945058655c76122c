/**
 * Multi-threaded histogram building (internal): the features of each histogram are split into
 * `threads` equal shares; the calling thread builds the first and `threads − 1` worker threads the
 * others, straight into SharedArrayBuffers, so the histograms (and the model) are bit-identical to
 * one thread's. Commands and completion go through a shared Int32Array with Atomics.wait/notify,
 * which keeps `fit` synchronous. Workers are started once per process, kept unref'd and reused.
 *
 * The worker file sits next to this module with the same extension: `.js` from dist, `.ts` under
 * tsx. tsx's `--import` hook is not active in worker threads on Node 20, so each worker starts from
 * a small eval'd bootstrap that registers tsx's ESM API (resolved from this module) before
 * importing a `.ts` worker file; a failed start is flagged in the control array and reported.
 */
import { MessageChannel, type MessagePort, Worker } from 'node:worker_threads';
import type { BinnedData } from './binning.js';
import type { HistPool } from './grow.js';
import { buildHistogram, buildLevelHistograms, featureShares } from './histogram.js';
import { CTRL, type HistWorkerMessage } from './hist-worker-protocol.js';

interface WorkerSet {
  ctrl: Int32Array;
  workers: Worker[];
  ports: MessagePort[];
}

let shared: WorkerSet | undefined;
let busy = false;

const START_TIMEOUT_MS = 60_000;

function workerUrl(): URL {
  const ext = import.meta.url.endsWith('.ts') ? '.ts' : '.js';
  return new URL(`./hist-worker${ext}`, import.meta.url);
}

const BOOTSTRAP = `
const { workerData } = require('node:worker_threads');
(async () => {
  if (workerData.tsx) (await import(workerData.tsx)).register();
  await import(workerData.url);
})().catch((err) => {
  console.error('gbdt histogram worker failed to start:', err);
  const ctrl = new Int32Array(workerData.ctrl);
  Atomics.store(ctrl, workerData.ready, 2);
  Atomics.notify(ctrl, workerData.ready);
});
`;

/** The process-wide worker set, grown to at least `count` workers. */
function workerSet(count: number): WorkerSet {
  if (!shared)
    shared = { ctrl: new Int32Array(new SharedArrayBuffer(CTRL.SIZE * 4)), workers: [], ports: [] };
  const set = shared;
  while (set.workers.length < count) {
    const index = set.workers.length + 1;
    const channel = new MessageChannel();
    const url = workerUrl();
    const tsx = url.pathname.endsWith('.ts') ? import.meta.resolve('tsx/esm/api') : null;
    const worker = new Worker(BOOTSTRAP, {
      eval: true,
      workerData: {
        ctrl: set.ctrl.buffer,
        port: channel.port2,
        index,
        url: url.href,
        tsx,
        ready: CTRL.READY + index,
      },
      transferList: [channel.port2],
    });
    worker.unref();
    channel.port1.unref();
    set.workers.push(worker);
    set.ports.push(channel.port1);
  }
  for (let i = 1; i <= count; i++) {
    const deadline = Date.now() + START_TIMEOUT_MS;
    while (Atomics.load(set.ctrl, CTRL.READY + i) !== 1) {
      if (Atomics.load(set.ctrl, CTRL.READY + i) === 2 || Date.now() > deadline) {
        for (const w of set.workers) void w.terminate();
        shared = undefined;
        throw new Error(`gbdt: histogram worker ${i} did not start (see the error printed above)`);
      }
      Atomics.wait(set.ctrl, CTRL.READY + i, 0, 100);
    }
  }
  return set;
}

/** Runs one command on every worker (the caller runs `during` meanwhile) and waits for them. */
function command(set: WorkerSet, cmd: number, during?: () => void): void {
  const ctrl = set.ctrl;
  ctrl[CTRL.CMD] = cmd;
  Atomics.store(ctrl, CTRL.DONE, 0);
  Atomics.add(ctrl, CTRL.SEQ, 1);
  Atomics.notify(ctrl, CTRL.SEQ);
  during?.();
  for (;;) {
    const done = Atomics.load(ctrl, CTRL.DONE);
    if (done >= set.workers.length) break;
    Atomics.wait(ctrl, CTRL.DONE, done, 1000);
  }
  if (Atomics.load(ctrl, CTRL.ERROR) !== 0) {
    Atomics.store(ctrl, CTRL.ERROR, 0);
    throw new Error('gbdt: a histogram worker failed (its error is printed above)');
  }
}

/** A {@link HistPool} using `threads` threads (the caller plus `threads − 1` workers). */
export function threadedHistPool(
  data: BinnedData,
  grads: Float64Array[],
  threads: number,
): HistPool & { close(): void } {
  if (busy) throw new Error('gbdt: the histogram workers are already in use in this thread');
  const set = workerSet(threads - 1);
  busy = true;
  const rows = new Int32Array(new SharedArrayBuffer(data.rows * 4));
  const features = new Int32Array(new SharedArrayBuffer(data.cols * 4));
  const offset = new Int32Array(new SharedArrayBuffer(data.offset.length * 4));
  const nodeOf = new Int32Array(new SharedArrayBuffer(data.rows * 4));
  const targets = new Int32Array(new SharedArrayBuffer((data.rows + 2) * 4));
  offset.set(data.offset);
  const setup: HistWorkerMessage = {
    type: 'setup',
    slot: data.slot.buffer as SharedArrayBuffer,
    slot16: data.slot instanceof Uint16Array,
    cols: data.cols,
    offset: offset.buffer as SharedArrayBuffer,
    grads: grads.map((g) => g.buffer as SharedArrayBuffer),
    rows: rows.buffer as SharedArrayBuffer,
    features: features.buffer as SharedArrayBuffer,
    nodeOf: nodeOf.buffer as SharedArrayBuffer,
    targets: targets.buffer as SharedArrayBuffer,
    n: data.rows,
  };
  for (const port of set.ports) port.postMessage(setup);
  command(set, CTRL.SYNC);
  const buffers: Float64Array[] = [];
  const free: number[] = [];
  let lastFeatures: Int32Array | undefined;
  const ctrl = set.ctrl;
  /** Publishes the feature list and each thread's share of it (once per list). */
  const share = (list: Int32Array) => {
    if (list === lastFeatures) return;
    features.set(list);
    const shares = featureShares(list.length, threads);
    for (let i = 0; i <= set.workers.length + 1; i++)
      ctrl[CTRL.SHARES + i] = i < shares.length ? shares[i]! : list.length;
    lastFeatures = list;
  };
  const histLength = 2 * data.offset[data.cols]!;
  return {
    rows,
    acquire() {
      const id = free.pop();
      if (id !== undefined) return id;
      const buffer = new SharedArrayBuffer(histLength * 8);
      buffers.push(new Float64Array(buffer));
      const msg: HistWorkerMessage = { type: 'hist', id: buffers.length - 1, buffer };
      for (const port of set.ports) port.postMessage(msg);
      return buffers.length - 1;
    },
    release(id) {
      if (id >= 0) free.push(id);
    },
    view(id) {
      return buffers[id]!;
    },
    nodeOf,
    targets,
    buildLevel(gradSet, count, list) {
      share(list);
      ctrl[CTRL.GRAD] = gradSet;
      ctrl[CTRL.COUNT] = count;
      command(set, CTRL.BUILD_LEVEL, () =>
        buildLevelHistograms(
          data.slot,
          data.cols,
          data.offset,
          grads[gradSet]!,
          nodeOf,
          targets,
          count,
          buffers,
          data.rows,
          features,
          ctrl[CTRL.SHARES]!,
          ctrl[CTRL.SHARES + 1]!,
        ),
      );
    },
    build(gradSet, start, end, id, list) {
      share(list);
      ctrl[CTRL.GRAD] = gradSet;
      ctrl[CTRL.START] = start;
      ctrl[CTRL.END] = end;
      ctrl[CTRL.HIST] = id;
      command(set, CTRL.BUILD, () =>
        buildHistogram(
          data.slot,
          data.cols,
          data.offset,
          grads[gradSet]!,
          rows,
          start,
          end,
          features,
          ctrl[CTRL.SHARES]!,
          ctrl[CTRL.SHARES + 1]!,
          buffers[id]!,
        ),
      );
    },
    close() {
      busy = false;
    },
  };
}
