/**
 * The protocol between threaded-pool.ts and hist-worker.ts (internal): indices into the shared
 * control Int32Array and the messages sent on each worker's MessagePort.
 */

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
  /** Ready flags, one per worker. */
  READY: 80,
  /** Commands. */
  SYNC: 1,
  BUILD: 2,
  BUILD_LEVEL: 3,
  /** Add the scratch histogram 0 into histogram HIST, each thread its feature share. */
  MERGE: 4,
  /** Add each level target's scratch histogram into its histogram, each thread its feature share. */
  MERGE_LEVEL: 5,
  /** Partition jobs 0..COUNT (partition.ts), each thread its share of them. */
  PARTITION: 6,
  /** Bin a share of the numeric features of the last `bin` message. */
  BIN: 7,
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
  targets: SharedArrayBuffer;
  scratchTargets: SharedArrayBuffer;
  /** Row range per level index (quantized level builds). */
  ranges: SharedArrayBuffer;
  colBins: SharedArrayBuffer;
  n: number;
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

/** New (larger) shared partition job tables. */
export interface JobsMessage {
  type: 'jobs';
  jobs: SharedArrayBuffer;
  luts: SharedArrayBuffer;
}

/** A new shared histogram buffer (`scratch`: a row-block-1 partial histogram). */
export interface HistMessage {
  type: 'hist' | 'scratch';
  id: number;
  buffer: SharedArrayBuffer;
}

export type HistWorkerMessage = SetupMessage | HistMessage | JobsMessage | BinMessage;
