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

/**
 * Row objects packed for a worker thread: the first row's keys, in order, and each one's kind (0
 * number, 1 text, 2 boolean; a first value of null reads as a number). `values` holds the rows that
 * match, row by row: numbers as they are, texts as their index in the batch's texts, booleans as 0
 * or 1; NaN for null (a NaN number, which JSON writes as null, reads back as null too). Rows with
 * other keys, another order or other kinds (or undefined values) go as their JSON: [row, JSON].
 */
export interface PackedRows {
  names: string[];
  kinds: Uint8Array;
  values: Float64Array;
  json: [number, string][];
}

/** The kinds of packed columns (see {@link PackedRows}). */
export const NUMBER = 0;
export const TEXT = 1;
export const BOOLEAN = 2;

/** A value's kind, or −1 for null and anything else. */
const kindOf = (v: unknown): number =>
  typeof v === 'number' ? NUMBER : typeof v === 'string' ? TEXT : typeof v === 'boolean' ? BOOLEAN : -1;

/** Whether `row` holds exactly `names`, in that order, each value of its column's kind or null. */
function packable(row: Record<string, unknown>, names: readonly string[], kinds: Uint8Array): boolean {
  let j = 0;
  for (const k in row) {
    if (k !== names[j]) return false;
    const v = row[k];
    if (v !== null && kindOf(v) !== kinds[j]) return false;
    j++;
  }
  return j === names.length;
}

/** Texts of a packed batch, each once: `index` answers a text's position in `texts`. */
export class TextTable {
  readonly texts: string[] = [];
  readonly #index = new Map<string, number>();

  index(s: string): number {
    let i = this.#index.get(s);
    if (i === undefined) {
      i = this.texts.length;
      this.texts.push(s);
      this.#index.set(s, i);
    }
    return i;
  }
}

/** Packs row objects (see {@link PackedRows}), texts into `texts`. */
export function packRows(rows: readonly Record<string, unknown>[], texts: TextTable): PackedRows {
  const first: Record<string, unknown> = rows[0] ?? {};
  let names = Object.keys(first);
  const kinds = Uint8Array.from(names, (n) => Math.max(NUMBER, kindOf(first[n])));
  if (!packable(first, names, kinds)) names = [];
  const F = names.length;
  const out: PackedRows = {
    names,
    kinds: kinds.subarray(0, F),
    values: new Float64Array(rows.length * F),
    json: [],
  };
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i]!;
    if (F > 0 && packable(row, names, kinds))
      for (let j = 0; j < F; j++) {
        const v = row[names[j]!];
        out.values[i * F + j] =
          v === null || v === undefined
            ? Number.NaN
            : typeof v === 'number'
              ? v
              : typeof v === 'string'
                ? texts.index(v)
                : +v;
      }
    else out.json.push([i, JSON.stringify(row)]);
  }
  return out;
}

/**
 * Row `i` of packed rows as an object again, as JSON would give it back (null for NaN); `texts` are
 * the batch's texts, `json` the rows that went as JSON (`new Map(p.json)`).
 */
export function unpackRow(
  p: PackedRows,
  i: number,
  texts: readonly string[],
  json: ReadonlyMap<number, string>,
): Record<string, unknown> {
  const own = json.get(i);
  if (own !== undefined) return JSON.parse(own) as Record<string, unknown>;
  const F = p.names.length;
  const row: Record<string, unknown> = {};
  for (let j = 0; j < F; j++) {
    const v = p.values[i * F + j]!;
    const kind = p.kinds[j];
    row[p.names[j]!] = Number.isNaN(v) ? null : kind === NUMBER ? v : kind === TEXT ? texts[v]! : v === 1;
  }
  return row;
}

/**
 * A batch of a model's records packed for a worker thread: numbers in typed arrays, repeated texts
 * (versions, environments, endpoints, labels) once each, so posting it copies a few buffers
 * rather than cloning every record object. {@link packedLines} formats it to exactly the bytes
 * {@link predictionLine} gives for each record.
 */
export interface PackedPredictions {
  rows: number;
  ids: string[];
  ts: Float64Array;
  /** The distinct texts; `version`, `env`, `endpoint` (−1: none) and `label` index them. */
  texts: string[];
  version: Int32Array;
  env: Int32Array;
  endpoint: Int32Array;
  label: Int32Array;
  /** The prediction when it is a number, else NaN. */
  pn: Float64Array;
  /** Probabilities per row in the classes' order (NaN where absent), for rows with `hasPr`. */
  pr: Float64Array;
  hasPr: Uint8Array;
  /** Latency, NaN when none. */
  lat: Float64Array;
  /** The features. */
  features: PackedRows;
  /** Rows with tags or SHAP values: [row, their members (`,"t":…`, `,"s":…`)]. */
  extra: [number, string][];
}

/** Packs a model's records (see {@link PackedPredictions}). */
export function packPredictions(
  records: readonly PredictionRecord[],
  classes: readonly string[],
): PackedPredictions {
  const rows = records.length;
  const texts = new TextTable();
  const k = classes.length;
  const out: PackedPredictions = {
    rows,
    ids: new Array<string>(rows),
    ts: new Float64Array(rows),
    texts: texts.texts,
    version: new Int32Array(rows),
    env: new Int32Array(rows),
    endpoint: new Int32Array(rows),
    label: new Int32Array(rows),
    pn: new Float64Array(rows),
    pr: new Float64Array(rows * k),
    hasPr: new Uint8Array(rows),
    lat: new Float64Array(rows),
    features: packRows(
      records.map((r) => r.features),
      texts,
    ),
    extra: [],
  };
  for (let i = 0; i < rows; i++) {
    const r = records[i]!;
    out.ids[i] = r.predictionId;
    out.ts[i] = r.timestamp;
    out.version[i] = texts.index(r.modelVersion);
    out.env[i] = texts.index(r.environment);
    out.endpoint[i] = r.endpoint === null || r.endpoint === undefined ? -1 : texts.index(r.endpoint);
    out.label[i] = texts.index(String(r.prediction));
    out.pn[i] = typeof r.prediction === 'number' ? r.prediction : Number.NaN;
    if (r.probabilities) {
      out.hasPr[i] = 1;
      for (let c = 0; c < k; c++) out.pr[i * k + c] = r.probabilities[classes[c]!] ?? Number.NaN;
    }
    out.lat[i] = r.latencyMs ?? Number.NaN;
    let extra = '';
    for (const _ in r.tags) {
      extra += `,"t":${JSON.stringify(r.tags)}`;
      break;
    }
    if (r.shap) extra += `,"s":${JSON.stringify(r.shap)}`;
    if (extra) out.extra.push([i, extra]);
  }
  return out;
}

/** The WAL bytes of packed records: exactly {@link predictionLine}'s line for each, in order. */
export function packedLines(p: PackedPredictions): Uint8Array {
  const texts = p.texts.map((t) => JSON.stringify(t));
  const f = p.features;
  const keys = f.names.map((n, j) => `${j ? ',' : '{'}${JSON.stringify(n)}:`);
  const F = keys.length;
  const k = p.hasPr.length ? p.pr.length / p.rows : 0;
  const featuresJson = new Map(f.json);
  const extra = new Map(p.extra);
  const out = new LineBuffer(p.rows * 512);
  for (let i = 0; i < p.rows; i++) {
    const e = p.endpoint[i]!;
    let line = `{"id":${JSON.stringify(p.ids[i])},"ts":${p.ts[i]},"v":${texts[p.version[i]!]},"env":${texts[p.env[i]!]},"ep":${e < 0 ? 'null' : texts[e]},"p":${texts[p.label[i]!]},"pn":${json(p.pn[i])}`;
    if (p.hasPr[i]) {
      line += ',"pr":[';
      for (let c = 0; c < k; c++) line += (c ? ',' : '') + json(p.pr[i * k + c]);
      line += ']';
    }
    line += `,"lat":${json(p.lat[i])},"f":`;
    const own = featuresJson.get(i);
    if (own !== undefined) line += own;
    else if (F === 0) line += '{}';
    else {
      for (let j = 0; j < F; j++) {
        const v = f.values[i * F + j]!;
        const kind = f.kinds[j];
        line +=
          keys[j]! +
          (kind === NUMBER || Number.isNaN(v) ? json(v) : kind === TEXT ? texts[v]! : v ? 'true' : 'false');
      }
      line += '}';
    }
    line += extra.get(i) ?? '';
    out.push(`${line}}`);
  }
  return out.bytes();
}
