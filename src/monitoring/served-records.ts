/**
 * Endpoint prediction records packed for the inference log thread of a `lathe serve` worker:
 * numbers in typed arrays, repeated texts (endpoint, model, reference, classes) once each, inputs
 * by column (see packRows). Posting a packed batch copies a few buffers instead of cloning every
 * record and its input object, which cost the request thread several microseconds a record.
 * Pure, so both threads load it.
 */
import type { InferenceRecord } from '../serving/index.js';
import type { CatalogModel } from './model-catalog.js';
import type { FeatureKind } from './types.js';
import {
  BOOLEAN,
  NUMBER,
  type PackedPredictions,
  type PackedRows,
  packedLines,
  packRows,
  TEXT,
  TextTable,
  unpackRow,
} from './wal-lines.js';

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

/** `name@version` split at its last `@` (a name without one is `unversioned`). */
export function splitModel(key: string): { model: string; version: string } {
  const at = key.lastIndexOf('@');
  return at > 0
    ? { model: key.slice(0, at), version: key.slice(at + 1) }
    : { model: key, version: 'unversioned' };
}

/** The `name@version` every record of a batch was answered by, or null when they differ. */
export function servedModelOf(p: PackedServed): string | null {
  const m = p.model[0]!;
  for (let i = 1; i < p.rows; i++) if (p.model[i] !== m) return null;
  return p.texts[m]!;
}

/** The packed input kinds (see packRows) each feature kind is written from. */
const PACKED_KIND: Record<FeatureKind, number> = { numeric: NUMBER, categorical: TEXT, boolean: BOOLEAN };

/**
 * The WAL lines of a packed batch of one model's records (exactly what checking and formatting
 * each record gives: {@link servedRecord} then `predictionLine`), or null when a record would fail
 * the model's schema or grow it (then the record path checks, grows and reports). The batch
 * qualifies when every record has a valid prediction of the model's task, known labels, classes,
 * version and tags, and inputs packed by column whose names and kinds are the model's features.
 */
export function servedLines(p: PackedServed, model: CatalogModel): Uint8Array | null {
  const n = p.rows;
  const inputs = p.inputs;
  if (n === 0 || inputs.json.length > 0 || inputs.names.length === 0 || model.task === null) return null;
  const { version } = splitModel(p.texts[p.model[0]!]!);
  if (!model.versions.includes(version)) return null;
  const kinds = new Map(model.features.map((f) => [f.name, PACKED_KIND[f.kind]]));
  for (let j = 0; j < inputs.names.length; j++)
    if (kinds.get(inputs.names[j]!) !== inputs.kinds[j]) return null;
  for (let i = 0; i < n; i++) if (p.fallback[i]! >= 0 && !model.tags.includes('fallback')) return null;
  // Texts: the batch's own first (the inputs' texts keep their indices), then the line's.
  const texts = new TextTable();
  for (const t of p.texts) texts.index(t);
  const classes = model.classes;
  const known = new Set(classes);
  // Each class list's probability index per model class (the last, as an object keeps it), −1: none.
  const order = p.classLists.map((list) => {
    if (!list.every((c) => known.has(c))) return null;
    return classes.map((c) => list.lastIndexOf(c));
  });
  const k = classes.length;
  const out: PackedPredictions = {
    rows: n,
    ids: p.ids,
    ts: p.ts,
    texts: texts.texts,
    version: new Int32Array(n).fill(texts.index(version)),
    env: new Int32Array(n),
    endpoint: p.endpoint,
    label: new Int32Array(n),
    pn: new Float64Array(n),
    pr: new Float64Array(n * k),
    hasPr: new Uint8Array(n),
    lat: p.latency,
    features: inputs,
    extra: [],
  };
  const production = texts.index('production');
  const shadow = texts.index('shadow');
  for (let i = 0; i < n; i++) {
    const v = p.predictions[i];
    const number = typeof v === 'number';
    if (number ? !Number.isFinite(v) : typeof v !== 'string' && typeof v !== 'boolean') return null;
    const list = p.classes[i]!;
    const task = list >= 0 || !number ? 'classification' : 'regression';
    if (task !== model.task) return null;
    const label = String(v);
    if (task === 'classification') {
      if (!known.has(label)) return null;
      if (list >= 0) {
        const at = order[list];
        if (!at || p.prStart[i + 1]! - p.prStart[i]! !== p.classLists[list]!.length) return null;
        out.hasPr[i] = 1;
        for (let c = 0; c < k; c++)
          out.pr[i * k + c] = at[c]! < 0 ? Number.NaN : p.probabilities[p.prStart[i]! + at[c]!]!;
      }
    }
    out.label[i] = texts.index(label);
    out.pn[i] = number ? (v as number) : Number.NaN;
    out.env[i] = p.shadow[i] ? shadow : production;
    if (p.fallback[i]! >= 0)
      out.extra.push([i, `,"t":${JSON.stringify({ fallback: p.texts[p.fallback[i]!] })}`]);
  }
  return packedLines(out);
}
