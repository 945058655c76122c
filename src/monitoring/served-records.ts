/**
 * Endpoint prediction records packed for the inference log thread of a `lathe serve` worker:
 * numbers in typed arrays, repeated texts (endpoint, model, reference, classes) once each, inputs
 * by column (see packRows). Posting a packed batch copies a few buffers instead of cloning every
 * record and its input object, which cost the request thread several microseconds a record.
 * Pure, so both threads load it.
 */
import type { InferenceRecord } from '../serving/index.js';
import { type PackedRows, packRows, TextTable, unpackRow } from './wal-lines.js';

/** A batch of InferenceRecords, packed (see {@link packServed}). */
export interface PackedServed {
  rows: number;
  ids: string[];
  requestIds: string[];
  ts: Float64Array;
  latency: Float64Array;
  /** The distinct texts; `endpoint`, `model`, `ref` and `fallback` (−1: none) index them. */
  texts: string[];
  endpoint: Int32Array;
  model: Int32Array;
  ref: Int32Array;
  fallback: Int32Array;
  shadow: Uint8Array;
  predictions: unknown[];
  /** Row i's probabilities are `probabilities[prStart[i] .. prStart[i + 1])`, its classes `classLists[classes[i]]` (−1: none). */
  probabilities: Float64Array;
  prStart: Int32Array;
  classes: Int32Array;
  classLists: string[][];
  inputs: PackedRows;
}

/** Packs endpoint records for the log thread; {@link unpackServed} gives them back. */
export function packServed(records: readonly InferenceRecord[]): PackedServed {
  const rows = records.length;
  const texts = new TextTable();
  const lists = new TextTable();
  let prCount = 0;
  for (const r of records) prCount += r.probabilities?.length ?? 0;
  const out: PackedServed = {
    rows,
    ids: new Array<string>(rows),
    requestIds: new Array<string>(rows),
    ts: new Float64Array(rows),
    latency: new Float64Array(rows),
    texts: texts.texts,
    endpoint: new Int32Array(rows),
    model: new Int32Array(rows),
    ref: new Int32Array(rows),
    fallback: new Int32Array(rows),
    shadow: new Uint8Array(rows),
    predictions: new Array<unknown>(rows),
    probabilities: new Float64Array(prCount),
    prStart: new Int32Array(rows + 1),
    classes: new Int32Array(rows),
    classLists: [],
    inputs: packRows(
      records.map((r) => r.inputs),
      texts,
    ),
  };
  let at = 0;
  for (let i = 0; i < rows; i++) {
    const r = records[i]!;
    out.ids[i] = r.id;
    out.requestIds[i] = r.requestId;
    out.ts[i] = r.timestamp;
    out.latency[i] = r.latencyMs;
    out.endpoint[i] = texts.index(r.endpoint);
    out.model[i] = texts.index(r.model);
    out.ref[i] = texts.index(r.ref);
    out.fallback[i] = r.fallback === undefined ? -1 : texts.index(r.fallback);
    out.shadow[i] = r.shadow ? 1 : 0;
    out.predictions[i] = r.prediction;
    const pr = r.probabilities;
    if (pr) for (let c = 0; c < pr.length; c++) out.probabilities[at++] = pr[c]!;
    out.prStart[i + 1] = at;
    out.classes[i] = r.classes ? lists.index(JSON.stringify(r.classes)) : -1;
  }
  out.classLists = lists.texts.map((t) => JSON.parse(t) as string[]);
  return out;
}

/** The records of a packed batch, as they were (inputs as JSON would give them back: null for NaN). */
export function unpackServed(p: PackedServed): InferenceRecord[] {
  const json = new Map(p.inputs.json);
  const out: InferenceRecord[] = new Array(p.rows);
  for (let i = 0; i < p.rows; i++) {
    const r: InferenceRecord = {
      id: p.ids[i]!,
      timestamp: p.ts[i]!,
      endpoint: p.texts[p.endpoint[i]!]!,
      model: p.texts[p.model[i]!]!,
      ref: p.texts[p.ref[i]!]!,
      requestId: p.requestIds[i]!,
      inputs: unpackRow(p.inputs, i, p.texts, json),
      prediction: p.predictions[i],
      latencyMs: p.latency[i]!,
    };
    if (p.prStart[i + 1]! > p.prStart[i]! || p.classes[i]! >= 0)
      r.probabilities = Array.from(p.probabilities.subarray(p.prStart[i]!, p.prStart[i + 1]!));
    if (p.classes[i]! >= 0) r.classes = p.classLists[p.classes[i]!]!;
    if (p.fallback[i]! >= 0) r.fallback = p.texts[p.fallback[i]!] as InferenceRecord['fallback'];
    if (p.shadow[i]) r.shadow = true;
    out[i] = r;
  }
  return out;
}
