/**
 * The protocol between threaded-pool.ts and hist-worker.ts (internal): indices into the shared
 * control Int32Array and the messages sent on each worker's MessagePort.
 */
import type { PaddedMarginJob, PaddedTrees } from '../tree/padded-walk.js';
import type { LeafTable } from './grow.js';
import type { SplitTable } from './level.js';
import type { Objective } from './objective.js';
import type { SplitParams } from './split.js';
import { LEAF_BLOCKS, QUANT_CHUNK } from './quantize.js';

/** Control array layout. */
export const CTRL = {
  /** Command counter: bumped (and notified) once per command. */
  SEQ: 0,
  /** Workers that finished the current command. */
  DONE: 1,
  CMD: 2,
  GRAD: 3,
  START: 4,
  END: 5,
  HIST: 6,
  /** Level builds: the number of targets. */
  COUNT: 7,
  /** Set to 1 by a worker whose command threw (the error is printed by the worker). */
  ERROR: 79,
  /** The number of threads (the caller plus the workers), for `assignment` in histogram.ts. */
  THREADS: 8,
  /** Length of the shared feature list. */
  FLEN: 9,
  /** 1: build from the packed quantized values of gradient set GRAD; 0: from its pairs. */
  PACKED: 10,
  /** The quantization of GRAD when PACKED: its shift and the log2 of its two scales. */
  QSHIFT: 11,
  QG: 12,
  QH: 13,
  /** Binning: the next feature index to take (`Atomics.add` by each thread). */
  CLAIM: 14,
  /** Ready flags, one per worker. */
  READY: 80,
  /** Commands. */
  SYNC: 1,
  BUILD: 2,
  BUILD_LEVEL: 3,
  /** Add the scratch histogram 0 into histogram HIST, each thread its feature share. */
  MERGE: 4,
  /**
   * Complete a level's histograms, derive the larger siblings' and search the splits (level.ts
   * `finishLevel`), each thread a run of the features of every sibling pair (then the caller's
   * `mergeSplits`).
   */
  FINISH_LEVEL: 5,
  /** Partition a share of the rows of jobs 0..COUNT (partition.ts partitionShare). */
  PARTITION: 6,
  /** Bin features of the last `bin` message, taken one by one from the CLAIM counter. */
  BIN: 7,
  /** Compute every gradient set and its maxima over a share of the rows (objective.ts computeGradients). */
  GRADIENTS: 8,
  /** Pack a share of the rows of every gradient set by the quantizations in `qparams`. */
  PACK: 9,
  /** Add the trees of the last `predict` message to a share of its rows' margins. */
  PREDICT: 13,
  /** Record the leaf of the rows of a share of the COUNT leaves of the leaf table (quantize.ts indexLeaves). */
  LEAF_INDEX: 14,
  /** Sum gradient set GRAD per leaf over a share of the leaf-sum row blocks (quantize.ts leafBlockSums). */
  LEAF_SUMS: 10,
  /** Add the leaf values of the leaf table to output GRAD of the margins of a share of the rows. */
  LEAF_VALUES: 11,
  SIZE: 160,
} as const;

/** Per-fit shared data. */
export interface SetupMessage {
  type: 'setup';
  slot: SharedArrayBuffer;
  slot16: boolean;
  cols: number;
  offset: SharedArrayBuffer;
  grads: SharedArrayBuffer[];
  /** The packed quantized values per gradient set, when gradients are quantized. */
  packed: SharedArrayBuffer[] | null;
  rows: SharedArrayBuffer;
  features: SharedArrayBuffer;
  nodeOf: SharedArrayBuffer;
  /** The leaf of each row of the tree being finished (quantize.ts indexLeaves). */
  leafOf: SharedArrayBuffer;
  targets: SharedArrayBuffer;
  scratchTargets: SharedArrayBuffer;
  /** Row range per level index (quantized level builds). */
  ranges: SharedArrayBuffer;
  colBins: SharedArrayBuffer;
  /** What the split search reads (binning.ts BinnedData, split.ts SplitParams). */
  nBins: Int32Array;
  categorical: Uint8Array;
  split: SplitParams;
  n: number;
  /** The row work of a round (see grow.ts RowData): shared targets, weights and margins. */
  objective: Objective;
  k: number;
  huberDelta: number;
  y: SharedArrayBuffer;
  w: SharedArrayBuffer | null;
  margin: SharedArrayBuffer;
  /** Float64 per thread and gradient set: the largest |gradient| and hessian of its rows. */
  maxima: SharedArrayBuffer;
  /** Float64 per gradient set: shift, gradient step, hessian step, dithering seed. */
  qparams: SharedArrayBuffer;
  /** Float64 per thread and gradient set: the sum of the packed values of its rows. */
  totals: SharedArrayBuffer;
}

/**
 * A prediction to share (see threaded-pool.ts `threadedPredict`): its `x` and `margin` are views of
 * shared memory (posting one shares it, offset and length kept); `padded` null: as last time.
 */
export interface PredictMessage extends Omit<PaddedMarginJob, 'padded' | 'treeGroup'> {
  type: 'predict';
  padded: PaddedTrees | null;
  treeGroup: Int32Array | null;
}

// The tables below are posted as they are: typed arrays over a SharedArrayBuffer arrive as views
// of the same memory.

/** A new (larger) leaf table, its arrays in shared memory. */
export interface LeavesMessage {
  type: 'leaves';
  table: LeafTable;
}

/** A new (larger) split table, its arrays in shared memory. */
export interface SplitsMessage {
  type: 'splits';
  table: SplitTable;
}

/** Numeric features to bin (binning.ts `NumericBinJob`) and where the bounds go. */
export interface BinMessage {
  type: 'bin';
  colData: SharedArrayBuffer;
  rows: number;
  sample: SharedArrayBuffer | null;
  maxBins: number;
  features: SharedArrayBuffer;
  colBins: SharedArrayBuffer;
  /** `BOUNDS_STRIDE` float64 per feature of the job. */
  bounds: SharedArrayBuffer;
  /** The bound count per feature of the job. */
  counts: SharedArrayBuffer;
}

/** Float64 slots per feature in a {@link BinMessage}'s `bounds`. */
export const BOUNDS_STRIDE = 256;

/** New (larger) partition job tables (partition.ts LevelPartition), in shared memory. */
export interface JobsMessage {
  type: 'jobs';
  jobs: Int32Array;
  luts: Uint8Array;
  mids: Int32Array;
}

/** A new shared histogram buffer (`scratch`: a row-block-1 partial histogram). */
export interface HistMessage {
  type: 'hist' | 'scratch';
  id: number;
  buffer: SharedArrayBuffer;
}

export type HistWorkerMessage =
  | SetupMessage
  | HistMessage
  | JobsMessage
  | BinMessage
  | LeavesMessage
  | SplitsMessage
  | PredictMessage;

/** Rows per chunk-aligned share of thread `i` of `threads` over `n` rows: `[r0, r1)`. */
export function rowShare(n: number, i: number, threads: number): [number, number] {
  const chunks = Math.ceil(n / QUANT_CHUNK);
  const at = (t: number) => Math.min(n, Math.round((t * chunks) / threads) * QUANT_CHUNK);
  return [at(i), at(i + 1)];
}

/** The leaf-sum row blocks `[b0, b1)` of thread `i` of `threads` (quantize.ts LEAF_BLOCKS). */
export function blockShare(i: number, threads: number): [number, number] {
  return [Math.floor((LEAF_BLOCKS * i) / threads), Math.floor((LEAF_BLOCKS * (i + 1)) / threads)];
}

/** The leaves of thread `i` of `threads`: a run of leaves holding about equal shares of the rows. */
export function leafShare(ranges: Int32Array, count: number, i: number, threads: number): [number, number] {
  let total = 0;
  for (let j = 0; j < count; j++) total += ranges[2 * j + 1]! - ranges[2 * j]!;
  const bound = (t: number) => {
    if (t <= 0) return 0;
    if (t >= threads) return count;
    const target = (total * t) / threads;
    let cum = 0;
    let j = 0;
    while (j < count && cum + (ranges[2 * j + 1]! - ranges[2 * j]!) / 2 < target) {
      cum += ranges[2 * j + 1]! - ranges[2 * j]!;
      j++;
    }
    return j;
  };
  return [bound(i), bound(i + 1)];
}

/**
 * Checks of a control value before a thread sleeps on it (a few hundred microseconds): the caller
 * waiting for the workers (a worker's share of a command takes about as long as the caller's) and
 * a worker waiting for the next command; a sleeping thread takes tens of microseconds to wake.
 * OpenMP runtimes spin similarly before they sleep.
 */
const SPIN = 50_000;

// The spins are functions that end with their loop, so V8's compiled loop never leaves into code
// without type feedback (see docs/ml.md, "Loops and V8").

/** Spins until `ctrl[at] >= target`, at most {@link SPIN} checks; true when it got there. */
export function spinUntilAtLeast(ctrl: Int32Array, at: number, target: number): boolean {
  for (let spin = 0; spin < SPIN; spin++) if (Atomics.load(ctrl, at) >= target) return true;
  return false;
}

/** Spins while `ctrl[at] === value`, at most {@link SPIN} checks; true when it changed. */
export function spinWhileEqual(ctrl: Int32Array, at: number, value: number): boolean {
  for (let spin = 0; spin < SPIN; spin++) if (Atomics.load(ctrl, at) !== value) return true;
  return false;
}
