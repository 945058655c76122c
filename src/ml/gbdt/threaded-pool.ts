/**
 * Multi-threaded gradient boosting (internal): the calling thread and `threads − 1` worker threads
 * share each command straight in shared memory (SharedArrayBuffers): binning (features taken one
 * by one from a shared counter), gradients and packing (shares of the rows), a level's partition
 * (even shares of its rows, see partition.ts), its histograms (quantized: a run of each target's
 * rows per thread; exact: the fixed row blocks of histogram.ts) and its split search (runs of the
 * features, see level.ts), and the leaf sums and margin updates (quantize.ts). The results are those of one
 * thread's {@link LocalHistPool}, so the model is bit-identical. Commands and completion go through
 * a shared Int32Array with Atomics.wait/notify, which keeps `fit` synchronous. Workers are started
 * once per process, kept unref'd and reused.
 *
 * The worker file sits next to this module with the same extension: `.js` from dist, `.ts` under
 * tsx. tsx's `--import` hook is not active in worker threads on Node 20, so each worker starts from
 * a small eval'd bootstrap that registers tsx's ESM API (resolved from this module) before
 * importing a `.ts` worker file; a failed start is flagged in the control array and reported.
 */
import { MessageChannel, type MessagePort, Worker } from 'node:worker_threads';
import { toShared } from '../parallel/index.js';
import { addPaddedMarginsShare, type PaddedMarginJob, type PaddedTrees } from '../tree/padded-walk.js';
import { type BinnedData, binClaimed, type NumericBinner } from './binning.js';
import type { HistPool, LeafTable, RowData } from './grow.js';
import { newLeafTable } from './hist-pool.js';
import { computeGradients } from './objective.js';
import {
  addLeafValues,
  combineLeafSums,
  indexLeaves,
  leafBlockSums,
  packRows,
  quantization,
} from './quantize.js';
import {
  addInto,
  assignment,
  blockStart,
  buildHistogram,
  decodeHistogram,
  featureShares,
  numberScratch,
  type Quantization,
} from './histogram.js';
import {
  buildLevelBlock,
  finishLevel,
  type LevelJob,
  mergeSplits,
  newSplitTable,
  type SplitTable,
  sumQuantizedLevel,
} from './level.js';
import { JOB, joinPieces, type LevelPartition, LUT, partitionJob, partitionShare } from './partition.js';
import type { SplitParams } from './split.js';
import {
  BOUNDS_STRIDE,
  spinUntilAtLeast,
  blockShare,
  CTRL,
  type HistWorkerMessage,
  leafShare,
  rowShare,
} from './hist-worker-protocol.js';

interface WorkerSet {
  ctrl: Int32Array;
  workers: Worker[];
  ports: MessagePort[];
  /** When each worker was started (`Date.now()`), for its start deadline. */
  started: number[];
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

/**
 * Starts the process-wide histogram workers (at least `count`) without waiting for them, so they
 * load while the caller checks and bins its data.
 */
export function startHistWorkers(count: number): void {
  spawn(count);
}

/** The process-wide worker set, grown to at least `count` workers, once they are ready. */
function workerSet(count: number): WorkerSet {
  const set = spawn(count);
  for (let i = 1; i <= count; i++)
    while (Atomics.load(set.ctrl, CTRL.READY + i) !== 1) {
      checkStarted(set);
      Atomics.wait(set.ctrl, CTRL.READY + i, 0, 100);
    }
  return set;
}

/**
 * Throws (and drops the worker set) when a worker failed to load or has not loaded within
 * START_TIMEOUT_MS.
 */
function checkStarted(set: WorkerSet): void {
  for (let i = 1; i <= set.workers.length; i++) {
    const ready = Atomics.load(set.ctrl, CTRL.READY + i);
    if (ready === 2 || (ready !== 1 && Date.now() > set.started[i - 1]! + START_TIMEOUT_MS)) {
      for (const w of set.workers) void w.terminate();
      shared = undefined;
      throw new Error(`gbdt: histogram worker ${i} did not start (see the error printed above)`);
    }
  }
}

/** The process-wide worker set, with at least `count` workers started (not necessarily ready). */
function spawn(count: number): WorkerSet {
  if (!shared)
    shared = {
      ctrl: new Int32Array(new SharedArrayBuffer(CTRL.SIZE * 4)),
      workers: [],
      ports: [],
      started: [],
    };
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
        seq: Atomics.load(set.ctrl, CTRL.SEQ),
        url: url.href,
        tsx,
        ready: CTRL.READY + index,
      },
      transferList: [channel.port2],
    });
    worker.unref();
    channel.port1.unref();
    set.workers.push(worker);
    set.started.push(Date.now());
    set.ports.push(channel.port1);
  }
  return set;
}

/** Sends `msg` to every worker (read at its next command). */
function broadcast(set: WorkerSet, msg: HistWorkerMessage): void {
  for (const port of set.ports) port.postMessage(msg);
}

/**
 * Runs one command on every worker (the caller runs `during` meanwhile) and waits for them; a
 * worker still loading runs it once ready.
 */
function command(set: WorkerSet, cmd: number, during?: () => void): void {
  const ctrl = set.ctrl;
  ctrl[CTRL.CMD] = cmd;
  Atomics.store(ctrl, CTRL.DONE, 0);
  Atomics.add(ctrl, CTRL.SEQ, 1);
  Atomics.notify(ctrl, CTRL.SEQ);
  during?.();
  if (!spinUntilAtLeast(ctrl, CTRL.DONE, set.workers.length)) sleepUntilDone(set);
  if (Atomics.load(ctrl, CTRL.ERROR) !== 0) {
    Atomics.store(ctrl, CTRL.ERROR, 0);
    throw new Error('gbdt: a histogram worker failed (its error is printed above)');
  }
}

/** Sleeps until every worker has reported the current command done (after the spin gave up). */
function sleepUntilDone(set: WorkerSet): void {
  const ctrl = set.ctrl;
  for (;;) {
    const done = Atomics.load(ctrl, CTRL.DONE);
    if (done >= set.workers.length) return;
    if (Atomics.wait(ctrl, CTRL.DONE, done, 100) === 'timed-out') checkStarted(set);
  }
}

let lastPadded: PaddedTrees | undefined;

/**
 * Adds padded trees `t0..t1` to `margin` (`rows × G`) for the rows of `x` (`rows × cols`) on
 * `threads` threads, each a run of rows (see tree/padded-walk.ts `addPaddedMargins`; every row's
 * sum is the same as on one thread). Rows and margins not in shared memory are copied there; the
 * trees are sent to the workers once per model.
 */
export function threadedPredict(job: PaddedMarginJob, threads: number): void {
  if (busy) throw new Error('gbdt: the histogram workers are already in use in this thread');
  const set = workerSet(threads - 1);
  const { padded, treeGroup, rows, margin } = job;
  const shared: PaddedMarginJob = {
    ...job,
    x: toShared(job.x.subarray(0, rows * job.cols)),
    margin: toShared(margin.subarray(0, rows * job.G)),
  };
  const fresh = padded !== lastPadded;
  broadcast(set, {
    ...shared,
    type: 'predict',
    padded: fresh ? padded : null,
    treeGroup: fresh ? treeGroup : null,
  });
  lastPadded = padded;
  set.ctrl[CTRL.THREADS] = threads;
  command(set, CTRL.PREDICT, () => addPaddedMarginsShare(shared, 0, threads));
  if (shared.margin !== margin) margin.set(shared.margin);
}

/**
 * A {@link NumericBinner} binning the features on `threads` threads (the job's arrays are shared),
 * each thread taking the next feature until none is left. It does not wait for workers still
 * loading: the caller starts binning at once and a worker takes features from when it is ready.
 */
export function threadedBinner(threads: number): NumericBinner {
  return (job) => {
    if (busy) throw new Error('gbdt: the histogram workers are already in use in this thread');
    const set = spawn(threads - 1);
    const len = job.features.length;
    const bounds = new Float64Array(new SharedArrayBuffer(Math.max(1, len * BOUNDS_STRIDE) * 8));
    const counts = new Int32Array(new SharedArrayBuffer(Math.max(1, len) * 4));
    broadcast(set, {
      type: 'bin',
      colData: job.colData.buffer as SharedArrayBuffer,
      rows: job.rows,
      sample: job.sample ? (job.sample.buffer as SharedArrayBuffer) : null,
      maxBins: job.maxBins,
      features: job.features.buffer as SharedArrayBuffer,
      colBins: job.colBins.buffer as SharedArrayBuffer,
      bounds: bounds.buffer as SharedArrayBuffer,
      counts: counts.buffer as SharedArrayBuffer,
    });
    set.ctrl[CTRL.THREADS] = threads;
    Atomics.store(set.ctrl, CTRL.CLAIM, 0);
    command(set, CTRL.BIN, () =>
      binClaimed(job, () => Atomics.add(set.ctrl, CTRL.CLAIM, 1), bounds, counts, BOUNDS_STRIDE),
    );
    return Array.from({ length: len }, (_, i) =>
      bounds.slice(BOUNDS_STRIDE * i, BOUNDS_STRIDE * i + counts[i]!),
    );
  };
}

/** A {@link HistPool} using `threads` threads (the caller plus `threads − 1` workers). */
export function threadedHistPool(
  data: BinnedData,
  grads: Float64Array[],
  packed: Float64Array[] | null,
  rowData: RowData,
  split: SplitParams,
  threads: number,
): HistPool & { close(): void } {
  if (busy) throw new Error('gbdt: the histogram workers are already in use in this thread');
  const set = workerSet(threads - 1);
  busy = true;
  const rows = new Int32Array(new SharedArrayBuffer(data.rows * 4));
  const features = new Int32Array(new SharedArrayBuffer(data.cols * 4));
  const offset = new Int32Array(new SharedArrayBuffer(data.offset.length * 4));
  const nodeOf = new Int32Array(new SharedArrayBuffer(data.rows * 4));
  const leafOf = new Int32Array(new SharedArrayBuffer(data.rows * 4));
  const targets = new Int32Array(new SharedArrayBuffer((data.rows + 2) * 4));
  const scratchTargets = new Int32Array(new SharedArrayBuffer((data.rows + 2) * 4));
  const ranges = new Int32Array(new SharedArrayBuffer(2 * (data.rows + 2) * 4));
  offset.set(data.offset);
  const k = grads.length;
  const maxima = new Float64Array(new SharedArrayBuffer(threads * k * 2 * 8));
  const qparams = new Float64Array(new SharedArrayBuffer(k * 4 * 8));
  const totals = new Float64Array(new SharedArrayBuffer(threads * k * 8));
  const setup: HistWorkerMessage = {
    type: 'setup',
    slot: data.slot.buffer as SharedArrayBuffer,
    slot16: data.slot instanceof Uint16Array,
    cols: data.cols,
    offset: offset.buffer as SharedArrayBuffer,
    grads: grads.map((g) => g.buffer as SharedArrayBuffer),
    packed: packed ? packed.map((g) => g.buffer as SharedArrayBuffer) : null,
    rows: rows.buffer as SharedArrayBuffer,
    features: features.buffer as SharedArrayBuffer,
    nodeOf: nodeOf.buffer as SharedArrayBuffer,
    leafOf: leafOf.buffer as SharedArrayBuffer,
    targets: targets.buffer as SharedArrayBuffer,
    scratchTargets: scratchTargets.buffer as SharedArrayBuffer,
    ranges: ranges.buffer as SharedArrayBuffer,
    colBins: data.colBins.buffer as SharedArrayBuffer,
    nBins: data.nBins,
    categorical: data.categorical,
    split,
    n: data.rows,
    objective: rowData.objective,
    k,
    huberDelta: rowData.huberDelta,
    y: rowData.y.buffer as SharedArrayBuffer,
    w: rowData.w ? (rowData.w.buffer as SharedArrayBuffer) : null,
    margin: rowData.margin.buffer as SharedArrayBuffer,
    maxima: maxima.buffer as SharedArrayBuffer,
    qparams: qparams.buffer as SharedArrayBuffer,
    totals: totals.buffer as SharedArrayBuffer,
  };
  broadcast(set, setup);
  command(set, CTRL.SYNC);
  const buffers: Float64Array[] = [];
  const scratch: Float64Array[] = [];
  const free: number[] = [];
  /** The quantization of each gradient set this round (null: exact float sums). */
  const quant: (Quantization | null)[] = grads.map(() => null);
  /** Publishes the gradient set to build from and its quantization; returns the latter. */
  const publishGrad = (gradSet: number) => {
    const q = quant[gradSet] ?? null;
    ctrl[CTRL.GRAD] = gradSet;
    ctrl[CTRL.PACKED] = q ? 1 : 0;
    if (q) {
      ctrl[CTRL.QSHIFT] = q.shift;
      ctrl[CTRL.QG] = Math.log2(q.gScale);
      ctrl[CTRL.QH] = Math.log2(q.hScale);
    }
    return q;
  };
  let lastFeatures: Int32Array | undefined;
  const ctrl = set.ctrl;
  ctrl[CTRL.THREADS] = threads;
  /** Publishes the feature list (once per list). */
  const share = (list: Int32Array) => {
    if (list === lastFeatures) return;
    features.set(list);
    ctrl[CTRL.FLEN] = list.length;
    lastFeatures = list;
  };
  const histLength = 2 * data.offset[data.cols]!;
  const newHist = (type: 'hist' | 'scratch', into: Float64Array[]) => {
    const buffer = new SharedArrayBuffer(histLength * 8);
    into.push(new Float64Array(buffer));
    broadcast(set, { type, id: into.length - 1, buffer });
    return into.length - 1;
  };
  const ensureScratch = (count: number) => {
    while (scratch.length < count) newHist('scratch', scratch);
  };
  /** The calling thread's part (thread 0): row block 0 and its feature share. */
  const mine = (len: number) => assignment(0, threads, len);
  const level: LevelJob = {
    data,
    params: split,
    rows,
    nodeOf,
    ranges,
    targets,
    scratchTargets,
    hists: buffers,
    scratch,
    table: newSplitTable(0, true, threads),
  };
  /** Makes `table` the split table, on every thread. */
  const shareSplits = (table: SplitTable) => {
    level.table = table;
    broadcast(set, { type: 'splits', table });
  };
  shareSplits(newSplitTable(64, true, threads));
  const mergeShare = (len: number) => {
    const shares = featureShares(len, threads);
    return [shares[0]!, shares[1]!] as const;
  };
  const partition: LevelPartition = {
    jobs: new Int32Array(new SharedArrayBuffer(0)),
    luts: new Uint8Array(new SharedArrayBuffer(0)),
    rows,
    colBins: data.colBins,
    n: data.rows,
    nodeOf,
    mids: new Int32Array(new SharedArrayBuffer(0)),
  };
  const tmp = new Int32Array(data.rows);
  /** Below this many rows a level is partitioned on the calling thread alone. */
  const PARALLEL_ROWS = 16_384;
  let leaves: LeafTable = newLeafTable(0, true);
  /** Makes `table` the leaf table, on every thread. */
  const shareLeaves = (table: LeafTable) => {
    leaves = table;
    broadcast(set, { type: 'leaves', table });
  };
  shareLeaves(newLeafTable(64, true));
  const n = data.rows;
  const { objective, y, w, margin, huberDelta } = rowData;
  return {
    rows,
    gradients() {
      // Each thread also measures the maxima of its share of the rows, for quantizeAll.
      command(set, CTRL.GRADIENTS, () => {
        const [r0, r1] = rowShare(n, 0, threads);
        computeGradients(objective, y, w, margin, k, grads, huberDelta, r0, r1, maxima, 0);
      });
    },
    quantizeAll(bits, seeds) {
      // The quantization takes the largest of the threads' maxima.
      const qs = grads.map((_, c) => {
        let gMax = 0;
        let hMax = 0;
        for (let t = 0; t < threads; t++) {
          gMax = Math.max(gMax, maxima[2 * (t * k + c)]!);
          hMax = Math.max(hMax, maxima[2 * (t * k + c) + 1]!);
        }
        const q = { packed: packed![c]!, total: 0, ...quantization(gMax, hMax, n, bits) };
        qparams.set([q.shift, q.gScale, q.hScale, seeds[c]!], 4 * c);
        quant[c] = q;
        return q;
      });
      command(set, CTRL.PACK, () => {
        const [r0, r1] = rowShare(n, 0, threads);
        for (let c = 0; c < k; c++) totals[c] = packRows(grads[c]!, r0, r1, packed![c]!, qs[c]!, seeds[c]!);
      });
      // Exact integers: the threads' sums add up to the same total in any order.
      for (let c = 0; c < k; c++) for (let t = 0; t < threads; t++) qs[c]!.total += totals[t * k + c]!;
      return qs;
    },
    leafTable(count) {
      if (leaves.G.length <= count) shareLeaves(newLeafTable(Math.max(count + 1, 2 * leaves.G.length), true));
      return leaves;
    },
    indexLeaves(count, unsampled) {
      if (unsampled) leafOf.fill(count);
      ctrl[CTRL.COUNT] = count;
      command(set, CTRL.LEAF_INDEX, () =>
        indexLeaves(leaves.ranges, ...leafShare(leaves.ranges, count, 0, threads), rows, leafOf),
      );
    },
    leafSums(gradSet, count) {
      ctrl[CTRL.GRAD] = gradSet;
      ctrl[CTRL.COUNT] = count;
      command(set, CTRL.LEAF_SUMS, () =>
        leafBlockSums(leafOf, grads[gradSet]!, n, ...blockShare(0, threads), count + 1, leaves.partial),
      );
      combineLeafSums(leaves.partial, count, leaves.G, leaves.H);
    },
    addLeafValues(c, count) {
      ctrl[CTRL.GRAD] = c;
      ctrl[CTRL.COUNT] = count;
      leaves.values[count] = 0;
      command(set, CTRL.LEAF_VALUES, () =>
        addLeafValues(leafOf, leaves.values, ...rowShare(n, 0, threads), margin, k, c),
      );
    },
    jobTables(count) {
      const { jobs, luts } = partition;
      if (JOB * count > jobs.length) {
        const cap = Math.max(count, 64, (2 * jobs.length) / JOB);
        partition.jobs = new Int32Array(new SharedArrayBuffer(JOB * cap * 4));
        partition.jobs.set(jobs);
        partition.luts = new Uint8Array(new SharedArrayBuffer(LUT * cap));
        partition.luts.set(luts);
        partition.mids = new Int32Array(new SharedArrayBuffer(cap * threads * 4));
        broadcast(set, { type: 'jobs', jobs: partition.jobs, luts: partition.luts, mids: partition.mids });
      }
      return partition;
    },
    partitionLevel(count) {
      const { jobs } = partition;
      let total = 0;
      for (let j = 0; j < count; j++) total += jobs[JOB * j + 1]! - jobs[JOB * j]!;
      if (total < PARALLEL_ROWS) {
        for (let j = 0; j < count; j++) partitionJob(partition, j, tmp);
        return;
      }
      ctrl[CTRL.COUNT] = count;
      command(set, CTRL.PARTITION, () => partitionShare(partition, count, 0, threads, tmp));
      joinPieces(partition, count, threads, tmp);
    },
    acquire() {
      const id = free.pop();
      return id !== undefined ? id : newHist('hist', buffers);
    },
    release(id) {
      if (id >= 0) free.push(id);
    },
    view(id) {
      return buffers[id]!;
    },
    nodeOf,
    targets,
    ranges,
    splitTable(count) {
      const size = level.table.derive.length;
      if (size < count) shareSplits(newSplitTable(Math.max(count, 2 * size), true, threads));
      return level.table;
    },
    buildLevel(gradSet, count, list) {
      share(list);
      const q = publishGrad(gradSet);
      ctrl[CTRL.COUNT] = count;
      if (q) {
        // Exact sums: each thread sums a share of every target's rows over all the features.
        ensureScratch(numberScratch(targets, count, scratchTargets) * threads);
        command(set, CTRL.BUILD_LEVEL, () => sumQuantizedLevel(level, q.packed, count, list, 0, threads));
      } else {
        ensureScratch(numberScratch(targets, count, scratchTargets));
        const { a, b } = mine(list.length);
        command(set, CTRL.BUILD_LEVEL, () =>
          buildLevelBlock(level, grads[gradSet]!, count, 0, features, a, b),
        );
      }
      command(set, CTRL.FINISH_LEVEL, () => finishLevel(level, count, list, 0, threads, q));
      mergeSplits(level.table, count, threads);
    },
    build(gradSet, start, end, id, list) {
      share(list);
      ensureScratch(1);
      const q = publishGrad(gradSet);
      ctrl[CTRL.START] = start;
      ctrl[CTRL.END] = end;
      ctrl[CTRL.HIST] = id;
      if (q) {
        const [fa, fb] = mergeShare(list.length);
        command(set, CTRL.BUILD, () => {
          buildHistogram(
            data.slot,
            data.cols,
            data.offset,
            q.packed,
            rows,
            start,
            end,
            features,
            fa,
            fb,
            scratch[0]!,
            1,
          );
          decodeHistogram(scratch[0]!, buffers[id]!, data.offset, features, fa, fb, q);
        });
        return;
      }
      const grad = grads[gradSet]!;
      const { a, b } = mine(list.length);
      const mid = blockStart(start, end, 1);
      command(set, CTRL.BUILD, () =>
        buildHistogram(
          data.slot,
          data.cols,
          data.offset,
          grad,
          rows,
          start,
          mid,
          features,
          a,
          b,
          buffers[id]!,
        ),
      );
      const [ma, mb] = mergeShare(list.length);
      command(set, CTRL.MERGE, () => addInto(buffers[id]!, scratch[0]!, data.offset, features, ma, mb));
    },
    close() {
      busy = false;
    },
  };
}
