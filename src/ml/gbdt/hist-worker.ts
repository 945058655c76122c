/**
 * A histogram worker thread (internal; started by threaded-pool.ts). It waits on a shared control
 * array, builds its share of the features of each requested histogram straight into shared memory,
 * and reports completion through the same array. Setup data (shared bins, gradients, rows and
 * histogram buffers) arrives on its MessagePort and is read synchronously.
 */
import { type MessagePort, receiveMessageOnPort, workerData } from 'node:worker_threads';
import { buildHistogram, buildLevelHistograms } from './histogram.js';
import { CTRL, type HistWorkerMessage } from './hist-worker-protocol.js';

const {
  ctrl: ctrlBuffer,
  port,
  index,
} = workerData as { ctrl: SharedArrayBuffer; port: MessagePort; index: number };
const ctrl = new Int32Array(ctrlBuffer);

let slot: Uint16Array | Uint32Array = new Uint16Array(0);
let cols = 0;
let offset: Int32Array = new Int32Array(0);
let grads: Float64Array[] = [];
let rows: Int32Array = new Int32Array(0);
let features: Int32Array = new Int32Array(0);
let nodeOf: Int32Array = new Int32Array(0);
let targets: Int32Array = new Int32Array(0);
let n = 0;
const hists: Float64Array[] = [];

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
      rows = new Int32Array(msg.rows);
      features = new Int32Array(msg.features);
      nodeOf = new Int32Array(msg.nodeOf);
      targets = new Int32Array(msg.targets);
      n = msg.n;
      hists.length = 0;
    } else hists[msg.id] = new Float64Array(msg.buffer);
  }
}

Atomics.store(ctrl, CTRL.READY + index, 1);
Atomics.notify(ctrl, CTRL.READY + index);
let last = 0;
for (;;) {
  Atomics.wait(ctrl, CTRL.SEQ, last);
  const seq = Atomics.load(ctrl, CTRL.SEQ);
  if (seq === last) continue;
  last = seq;
  try {
    drain();
    const a = ctrl[CTRL.SHARES + index]!;
    const b = ctrl[CTRL.SHARES + index + 1]!;
    if (ctrl[CTRL.CMD] === CTRL.BUILD_LEVEL)
      buildLevelHistograms(
        slot,
        cols,
        offset,
        grads[ctrl[CTRL.GRAD]!]!,
        nodeOf,
        targets,
        ctrl[CTRL.COUNT]!,
        hists,
        n,
        features,
        a,
        b,
      );
    else if (ctrl[CTRL.CMD] === CTRL.BUILD) {
      buildHistogram(
        slot,
        cols,
        offset,
        grads[ctrl[CTRL.GRAD]!]!,
        rows,
        ctrl[CTRL.START]!,
        ctrl[CTRL.END]!,
        features,
        a,
        b,
        hists[ctrl[CTRL.HIST]!]!,
      );
    }
  } catch (err) {
    console.error('gbdt histogram worker failed:', err);
    Atomics.store(ctrl, CTRL.ERROR, 1);
  }
  Atomics.add(ctrl, CTRL.DONE, 1);
  Atomics.notify(ctrl, CTRL.DONE);
}
