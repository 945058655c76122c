/**
 * A histogram worker thread (internal; started by threaded-pool.ts). It waits on a shared control
 * array and runs its part of each command straight in shared memory (its share of a level's
 * partition, histograms and split search, of the round's row work, of binning or prediction); it
 * reports completion through the same array. Setup data (shared bins, gradients, rows, histogram,
 * split and job buffers) arrives on its MessagePort and is read synchronously.
 */
import { type MessagePort, receiveMessageOnPort, workerData } from 'node:worker_threads';
import {
  addInto,
  assignment,
  blockStart,
  buildHistogram,
  decodeHistogram,
  featureShares,
  type Quantization,
} from './histogram.js';
import { buildLevelBlock, finishLevel, type LevelJob, newSplitTable, sumQuantizedLevel } from './level.js';
import { binClaimed, type NumericBinJob } from './binning.js';
import { type LevelPartition, partitionShare } from './partition.js';
import {
  BOUNDS_STRIDE,
  CTRL,
  type HistWorkerMessage,
  blockShare,
  leafShare,
  rowShare,
  spinWhileEqual,
  type SetupMessage,
} from './hist-worker-protocol.js';
import type { LeafTable } from './grow.js';
import { addPaddedMarginsShare, type PaddedMarginJob } from '../tree/padded-walk.js';
import { computeGradients } from './objective.js';
import { addLeafValues, indexLeaves, leafBlockSums, packRows } from './quantize.js';

const {
  ctrl: ctrlBuffer,
  port,
  index,
  seq: seq0,
} = workerData as { ctrl: SharedArrayBuffer; port: MessagePort; index: number; seq: number };
const ctrl = new Int32Array(ctrlBuffer);

let slot: Uint16Array | Uint32Array = new Uint16Array(0);
let cols = 0;
let offset: Int32Array = new Int32Array(0);
let grads: Float64Array[] = [];
let packed: Float64Array[] = [];
let rows: Int32Array = new Int32Array(0);
let features: Int32Array = new Int32Array(0);
let nodeOf: Int32Array = new Int32Array(0);
let targets: Int32Array = new Int32Array(0);
let scratchTargets: Int32Array = new Int32Array(0);
let ranges: Int32Array = new Int32Array(0);
let n = 0;
const hists: Float64Array[] = [];
const scratch: Float64Array[] = [];
let colBins: Uint8Array = new Uint8Array(0);
let tmp = new Int32Array(0);
let partition: LevelPartition | undefined;
let binJob: { job: NumericBinJob; bounds: Float64Array; counts: Int32Array } | undefined;
/** The row work of a round: what the setup gave, as typed arrays. */
let round:
  | {
      setup: SetupMessage;
      y: Float64Array;
      w: Float64Array | undefined;
      margin: Float64Array;
      maxima: Float64Array;
      qparams: Float64Array;
      totals: Float64Array;
    }
  | undefined;
let prediction: PaddedMarginJob | undefined;
/** The level builds' and split searches' view of the setup (see level.ts). */
let level: LevelJob | undefined;
let leaves: LeafTable = {
  ranges: new Int32Array(0),
  G: new Float64Array(0),
  H: new Float64Array(0),
  values: new Float64Array(0),
  partial: new Float64Array(0),
};
let leafOf: Int32Array = new Int32Array(0);

function drain(): void {
  for (;;) {
    const m = receiveMessageOnPort(port);
    if (!m) return;
    const msg = m.message as HistWorkerMessage;
    if (msg.type === 'setup') {
      slot = msg.slot16 ? new Uint16Array(msg.slot) : new Uint32Array(msg.slot);
      cols = msg.cols;
      offset = new Int32Array(msg.offset);
      grads = msg.grads.map((g) => new Float64Array(g));
      packed = (msg.packed ?? []).map((g) => new Float64Array(g));
      rows = new Int32Array(msg.rows);
      features = new Int32Array(msg.features);
      nodeOf = new Int32Array(msg.nodeOf);
      leafOf = new Int32Array(msg.leafOf);
      targets = new Int32Array(msg.targets);
      scratchTargets = new Int32Array(msg.scratchTargets);
      ranges = new Int32Array(msg.ranges);
      n = msg.n;
      colBins = new Uint8Array(msg.colBins);
      if (tmp.length < n) tmp = new Int32Array(n);
      partition = {
        jobs: partition?.jobs ?? new Int32Array(0),
        luts: partition?.luts ?? new Uint8Array(0),
        mids: partition?.mids ?? new Int32Array(0),
        rows,
        colBins,
        n,
        nodeOf,
      };
      hists.length = 0;
      scratch.length = 0;
      level = {
        data: { rows: n, slot, cols, offset, nBins: msg.nBins, categorical: msg.categorical },
        params: msg.split,
        rows,
        nodeOf,
        ranges,
        targets,
        scratchTargets,
        hists,
        scratch,
        table: level?.table ?? newSplitTable(0, false),
      };
      round = {
        setup: msg,
        y: new Float64Array(msg.y),
        w: msg.w ? new Float64Array(msg.w) : undefined,
        margin: new Float64Array(msg.margin),
        maxima: new Float64Array(msg.maxima),
        qparams: new Float64Array(msg.qparams),
        totals: new Float64Array(msg.totals),
      };
    } else if (msg.type === 'predict') {
      const padded = msg.padded ?? prediction?.padded;
      const treeGroup = msg.treeGroup ?? prediction?.treeGroup;
      if (!padded || !treeGroup) throw new Error('gbdt: a prediction without its trees');
      const { type: _, ...job } = msg;
      prediction = { ...job, padded, treeGroup };
    } else if (msg.type === 'leaves') {
      leaves = msg.table;
    } else if (msg.type === 'bin') {
      binJob = {
        job: {
          colData: new Float64Array(msg.colData),
          rows: msg.rows,
          sample: msg.sample ? new Int32Array(msg.sample) : null,
          maxBins: msg.maxBins,
          features: new Int32Array(msg.features),
          colBins: new Uint8Array(msg.colBins),
        },
        bounds: new Float64Array(msg.bounds),
        counts: new Int32Array(msg.counts),
      };
    } else if (msg.type === 'splits') {
      if (level) level.table = msg.table;
    } else if (msg.type === 'jobs') {
      if (partition) {
        partition.jobs = msg.jobs;
        partition.luts = msg.luts;
        partition.mids = msg.mids;
      }
    } else if (msg.type === 'scratch') scratch[msg.id] = new Float64Array(msg.buffer);
    else hists[msg.id] = new Float64Array(msg.buffer);
  }
}

/** Runs this worker's part of command `cmd`: its row block and feature share, or its merge share. */
function run(cmd: number, threads: number, len: number): void {
  if (cmd === CTRL.BIN && binJob) {
    const { job, bounds, counts } = binJob;
    binClaimed(job, () => Atomics.add(ctrl, CTRL.CLAIM, 1), bounds, counts, BOUNDS_STRIDE);
    binJob = undefined;
    return;
  }
  if (round && (cmd === CTRL.GRADIENTS || cmd === CTRL.PACK)) {
    const { setup, y, w, margin, maxima, qparams, totals } = round;
    const k = setup.k;
    const [r0, r1] = rowShare(n, index, threads);
    if (cmd === CTRL.GRADIENTS)
      computeGradients(
        setup.objective,
        y,
        w,
        margin,
        k,
        grads,
        setup.huberDelta,
        r0,
        r1,
        maxima,
        2 * index * k,
      );
    else
      for (let c = 0; c < k; c++) {
        const q = { shift: qparams[4 * c]!, gScale: qparams[4 * c + 1]!, hScale: qparams[4 * c + 2]! };
        totals[index * k + c] = packRows(grads[c]!, r0, r1, packed[c]!, q, qparams[4 * c + 3]!);
      }
    return;
  }
  if (round && (cmd === CTRL.LEAF_INDEX || cmd === CTRL.LEAF_SUMS || cmd === CTRL.LEAF_VALUES)) {
    const count = ctrl[CTRL.COUNT]!;
    const c = ctrl[CTRL.GRAD]!;
    if (cmd === CTRL.LEAF_INDEX)
      indexLeaves(leaves.ranges, ...leafShare(leaves.ranges, count, index, threads), rows, leafOf);
    else if (cmd === CTRL.LEAF_SUMS)
      leafBlockSums(leafOf, grads[c]!, n, ...blockShare(index, threads), count + 1, leaves.partial);
    else addLeafValues(leafOf, leaves.values, ...rowShare(n, index, threads), round.margin, round.setup.k, c);
    return;
  }
  if (cmd === CTRL.PREDICT && prediction) {
    addPaddedMarginsShare(prediction, index, threads);
    // The rows and margins are the caller's scratch: do not keep them alive.
    prediction = { ...prediction, x: new Float64Array(0), margin: new Float64Array(0) };
    return;
  }
  if (cmd === CTRL.PARTITION) {
    if (partition) partitionShare(partition, ctrl[CTRL.COUNT]!, index, threads, tmp);
    return;
  }
  const quantized = ctrl[CTRL.PACKED] === 1;
  const q: Quantization | null = quantized
    ? {
        packed: packed[ctrl[CTRL.GRAD]!]!,
        total: 0,
        shift: ctrl[CTRL.QSHIFT]!,
        gScale: 2 ** ctrl[CTRL.QG]!,
        hScale: 2 ** ctrl[CTRL.QH]!,
      }
    : null;
  if (cmd === CTRL.FINISH_LEVEL && level) {
    finishLevel(level, ctrl[CTRL.COUNT]!, features.subarray(0, len), index, threads, q);
    return;
  }
  if (q && cmd === CTRL.BUILD_LEVEL && level) {
    // Quantized, exact sums: a level's rows are cut among the threads.
    sumQuantizedLevel(level, q.packed, ctrl[CTRL.COUNT]!, features.subarray(0, len), index, threads);
    return;
  }
  if (q && cmd === CTRL.BUILD) {
    // A single quantized build takes a share of the features over all its rows.
    const shares = featureShares(len, threads);
    const a = shares[index]!;
    const b = shares[index + 1]!;
    const hist = hists[ctrl[CTRL.HIST]!]!;
    const start = ctrl[CTRL.START]!;
    const end = ctrl[CTRL.END]!;
    buildHistogram(slot, cols, offset, q.packed, rows, start, end, features, a, b, scratch[0]!, 1);
    decodeHistogram(scratch[0]!, hist, offset, features, a, b, q);
    return;
  }
  const grad = grads[ctrl[CTRL.GRAD]!]!;
  if (cmd === CTRL.MERGE) {
    const shares = featureShares(len, threads);
    addInto(hists[ctrl[CTRL.HIST]!]!, scratch[0]!, offset, features, shares[index]!, shares[index + 1]!);
    return;
  }
  const { block, a, b } = assignment(index, threads, len);
  if (cmd === CTRL.BUILD_LEVEL && level)
    buildLevelBlock(level, grad, ctrl[CTRL.COUNT]!, block, features, a, b);
  else if (cmd === CTRL.BUILD) {
    const start = ctrl[CTRL.START]!;
    const end = ctrl[CTRL.END]!;
    const mid = blockStart(start, end, 1);
    const hist = block === 0 ? hists[ctrl[CTRL.HIST]!]! : scratch[0]!;
    if (block === 0) buildHistogram(slot, cols, offset, grad, rows, start, mid, features, a, b, hist);
    else buildHistogram(slot, cols, offset, grad, rows, mid, end, features, a, b, hist);
  }
}

Atomics.store(ctrl, CTRL.READY + index, 1);
Atomics.notify(ctrl, CTRL.READY + index);
// The command counter when this worker was started: a command issued while it loaded (the
// binning) is run as soon as it is ready, and none issued before counts it.
let last = seq0;
for (;;) {
  // Commands come every few hundred microseconds while a tree grows: look for the next one for a
  // moment before sleeping, since a sleeping thread takes tens of microseconds to wake.
  if (!spinWhileEqual(ctrl, CTRL.SEQ, last)) Atomics.wait(ctrl, CTRL.SEQ, last);
  const seq = Atomics.load(ctrl, CTRL.SEQ);
  if (seq === last) continue;
  last = seq;
  try {
    drain();
    const threads = ctrl[CTRL.THREADS]!;
    if (index < threads) run(ctrl[CTRL.CMD]!, threads, ctrl[CTRL.FLEN]!);
  } catch (err) {
    console.error('gbdt histogram worker failed:', err);
    Atomics.store(ctrl, CTRL.ERROR, 1);
  }
  Atomics.add(ctrl, CTRL.DONE, 1);
  Atomics.notify(ctrl, CTRL.DONE);
}
