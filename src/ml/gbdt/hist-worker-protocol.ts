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
  /** Feature share boundaries into the shared feature list: worker i builds [SHARES+i, SHARES+i+1). */
  SHARES: 8,
  /** Ready flags, one per worker. */
  READY: 80,
  /** Commands. */
  SYNC: 1,
  BUILD: 2,
  BUILD_LEVEL: 3,
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
  rows: SharedArrayBuffer;
  features: SharedArrayBuffer;
  nodeOf: SharedArrayBuffer;
  targets: SharedArrayBuffer;
  n: number;
}

/** A new shared histogram buffer. */
export interface HistMessage {
  type: 'hist';
  id: number;
  buffer: SharedArrayBuffer;
}

export type HistWorkerMessage = SetupMessage | HistMessage;
