/**
 * The write-ahead buffer's line format: one JSON object per record, written into one UTF-8 buffer.
 * Pure (no I/O, no native modules), so worker threads can format batches too (wal-lines-tasks.ts).
 */
import type { PredictionRecord } from './types.js';

/** A scalar as JSON (non-finite numbers as null). */
export const json = (v: unknown): string =>
  typeof v === 'number'
    ? Number.isFinite(v)
      ? String(v)
      : 'null'
    : v === null || v === undefined
      ? 'null'
      : JSON.stringify(v);

/**
 * One JSON line of a prediction record in the write-ahead buffer, its probabilities aligned with
 * the model's classes; features (`f`), tags (`t`) and SHAP values (`s`) as nested objects
 * (serialized natively: the ingest path's hot loop). InferenceStore reads it back as flat columns.
 */
export function predictionLine(r: PredictionRecord, classes: readonly string[]): string {
  let line = `{"id":${JSON.stringify(r.predictionId)},"ts":${r.timestamp},"v":${JSON.stringify(r.modelVersion)},"env":${JSON.stringify(r.environment)},"ep":${json(r.endpoint)},"p":${JSON.stringify(String(r.prediction))},"pn":${typeof r.prediction === 'number' ? json(r.prediction) : 'null'}`;
  if (r.probabilities) {
    line += ',"pr":[';
    for (let i = 0; i < classes.length; i++) line += (i ? ',' : '') + json(r.probabilities[classes[i]!]);
    line += ']';
  }
  line += `,"lat":${json(r.latencyMs)},"f":${JSON.stringify(r.features)}`;
  for (const _ in r.tags) {
    line += `,"t":${JSON.stringify(r.tags)}`;
    break;
  }
  if (r.shap) line += `,"s":${JSON.stringify(r.shap)}`;
  return `${line}}`;
}

/** Lines written as UTF-8 into one growing buffer (no joined string, no second encoding pass). */
export class LineBuffer {
  #buf: Buffer;
  #end = 0;

  constructor(capacity: number) {
    this.#buf = Buffer.allocUnsafe(Math.max(1024, capacity));
  }

  /** Appends `line` and a newline. */
  push(line: string): void {
    const most = line.length * 3 + 1;
    if (this.#end + most > this.#buf.length) {
      const next = Buffer.allocUnsafe(Math.max(this.#buf.length * 2, this.#end + most));
      this.#buf.copy(next, 0, 0, this.#end);
      this.#buf = next;
    }
    this.#end += this.#buf.write(line, this.#end, 'utf8');
    this.#buf[this.#end++] = 10;
  }

  /** The bytes written so far. */
  bytes(): Uint8Array {
    return this.#buf.subarray(0, this.#end);
  }
}

/** The lines of a batch of a model's records, as UTF-8 bytes. */
export function predictionLines(
  records: readonly PredictionRecord[],
  classes: readonly string[],
): Uint8Array {
  const out = new LineBuffer(records.length * 512);
  for (const r of records) out.push(predictionLine(r, classes));
  return out.bytes();
}
