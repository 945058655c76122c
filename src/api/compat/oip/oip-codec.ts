/**
 * The Open Inference Protocol (V2, "KServe V2") REST codec: inference requests into a column batch,
 * predictions into an inference response, model metadata and error bodies, as the spec
 * (kserve/open-inference-protocol, `inference_rest.md`) and the clients that speak it (KServe's
 * `InferRequest.to_rest`, `tritonclient.http`) shape them. Pure: no I/O, no model.
 *
 * Inputs arrive in one of two layouts:
 * - per feature: one tensor per signature input, named after it, shape `[N]` or `[N, 1]`;
 * - matrix: one tensor `[N, F]` (any name that is not an input's, or any name when its second
 *   dimension is F > 1), columns in signature order.
 * Tensor data is row-major, flat or nested. Binary tensor data (Triton's extension) and shared
 * memory are refused with a message saying how to send JSON instead.
 */
import { LatheError } from '../../../core/index.js';
import type {
  BatchPrediction,
  ColumnSpec,
  ColumnType,
  InputBatch,
  ModelSignature,
} from '../../../models/index.js';

const intDatatypes = ['UINT8', 'UINT16', 'UINT32', 'UINT64', 'INT8', 'INT16', 'INT32', 'INT64'] as const;
/** The tensor element types Lathe reads and writes (BF16 travels only as binary data: refused). */
export const oipDatatypes = ['BOOL', ...intDatatypes, 'FP16', 'FP32', 'FP64', 'BYTES'] as const;
export type OipDatatype = (typeof oipDatatypes)[number];

/** The output tensors Lathe answers: labels or values, class probabilities, prediction IDs. */
export const oipOutputNames = ['predict', 'predict_proba', 'prediction_id'] as const;

/** A parameter value as the spec allows it. */
export type OipParameter = string | number | boolean;

/** One tensor of a response or of metadata (metadata tensors have no data). */
export interface OipTensor {
  name: string;
  datatype: OipDatatype;
  shape: number[];
  data: unknown[];
  parameters?: Record<string, OipParameter>;
}

/** An inference request read against a signature. */
export interface DecodedInferRequest {
  /** The request's `id`, to echo in the response. */
  id?: string;
  /** One column per tensor feature, in row order. */
  batch: InputBatch;
  /** Output tensors asked for by name (absent: all). */
  outputs?: string[];
  /** Request-level `parameters`, as sent (`binary_data_output` is ignored: answers are JSON). */
  parameters?: Record<string, unknown>;
  /** Which input layout the request used. */
  layout: 'matrix' | 'per-feature';
}

const ranges: Partial<Record<OipDatatype, [number, number]>> = {
  INT8: [-128, 127],
  INT16: [-32768, 32767],
  INT32: [-2147483648, 2147483647],
  INT64: [-(2 ** 63), 2 ** 63 - 1],
  UINT8: [0, 255],
  UINT16: [0, 65535],
  UINT32: [0, 4294967295],
  UINT64: [0, 2 ** 64 - 1],
};
const fpMax: Partial<Record<OipDatatype, number>> = { FP16: 65504, FP32: 3.4028234663852886e38 };
const requestKeys = new Set(['id', 'parameters', 'inputs', 'outputs', 'model_name', 'model_version']);
const tensorKeys = new Set(['name', 'shape', 'datatype', 'parameters', 'data']);
const jsonHint =
  'send tensor data as JSON in "data" (tritonclient.http: set_data_from_numpy(x, binary_data=False); KServe: InferInput(..., data=[...]))';

function invalid(message: string, details?: Record<string, unknown>): LatheError {
  return new LatheError('INVALID_ARGUMENT', message, details);
}
function modelInput(message: string, details?: Record<string, unknown>): LatheError {
  return new LatheError('MODEL_INPUT_INVALID', message, details);
}
function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
function show(v: unknown): string {
  if (v === null) return 'null';
  if (v === undefined) return 'nothing';
  if (Array.isArray(v)) return `an array of ${v.length}`;
  if (typeof v === 'object') return 'an object';
  if (typeof v === 'string')
    return `the string ${JSON.stringify(v.length > 40 ? `${v.slice(0, 37)}...` : v)}`;
  return `the ${typeof v} ${String(v)}`;
}
const shapeText = (s: readonly number[]) => `[${s.join(', ')}]`;

/** The OIP datatype a signature column travels as. */
export function oipDatatypeOf(type: ColumnType): OipDatatype {
  return columnDatatypes[type] ?? 'BYTES'; // string, binary, datetime
}
const columnDatatypes: Partial<Record<ColumnType, OipDatatype>> = {
  boolean: 'BOOL',
  integer: 'INT32',
  long: 'INT64',
  float: 'FP32',
  double: 'FP64',
};

/** A request tensor, checked, its data flattened row-major. */
interface Tensor {
  name: string;
  datatype: OipDatatype;
  shape: number[];
  values: unknown[];
}

function refuseTransport(params: Record<string, unknown>, where: string): void {
  if ('binary_data_size' in params)
    throw invalid(
      `${where} carries binary tensor data (binary_data_size), which Lathe does not read; ${jsonHint}`,
    );
  if ('shared_memory_region' in params)
    throw invalid(`${where} names a shared memory region, which Lathe does not support; ${jsonHint}`);
}

function flatten(data: readonly unknown[], depth: number, out: unknown[], where: string): void {
  for (const v of data) {
    if (!Array.isArray(v)) out.push(v);
    else if (depth > 1) flatten(v, depth - 1, out, where);
    else throw invalid(`${where}: data is nested deeper than its shape's rank`);
  }
}

function checkValue(v: unknown, dt: OipDatatype, where: string, k: number): void {
  const fail = (expected: string) =>
    invalid(`${where} element ${k}: ${dt} expects ${expected}; got ${show(v)}`);
  if (dt === 'BOOL') {
    if (typeof v !== 'boolean') throw fail('true or false');
  } else if (dt === 'BYTES') {
    if (typeof v !== 'string' && v !== null) throw fail('a string');
  } else if (dt.startsWith('FP')) {
    if (v === null) return; // a missing value (NaN serialised by orjson/pandas)
    if (typeof v !== 'number') throw fail('a number (or null for a missing value)');
    const max = fpMax[dt];
    if (max !== undefined && Math.abs(v) > max) throw fail(`a number within ±${max}`);
  } else {
    const [lo, hi] = ranges[dt]!;
    if (typeof v !== 'number' || !Number.isInteger(v) || v < lo || v > hi)
      throw fail(`an integer in [${lo}, ${hi}]`);
  }
}

function decodeTensor(raw: unknown, i: number): Tensor {
  let where = `inputs[${i}]`;
  if (!isRecord(raw))
    throw invalid(`${where} must be a tensor {"name", "shape", "datatype", "data"}; got ${show(raw)}`);
  for (const key of Object.keys(raw))
    if (!tensorKeys.has(key))
      throw invalid(
        `${where} has an unknown key ${JSON.stringify(key)}; a tensor holds ${[...tensorKeys].join(', ')}`,
      );
  const { name, shape, datatype, data, parameters } = raw;
  if (typeof name !== 'string' || name === '')
    throw invalid(`${where}.name must be a non-empty string; got ${show(name)}`);
  where = `input tensor ${JSON.stringify(name)}`;
  if (parameters !== undefined) {
    if (!isRecord(parameters))
      throw invalid(`${where}: parameters must be an object; got ${show(parameters)}`);
    refuseTransport(parameters, where);
  }
  if (datatype === 'BF16')
    throw invalid(`${where}: BF16 travels only as binary data, which Lathe does not read; send FP32`);
  if (typeof datatype !== 'string' || !(oipDatatypes as readonly string[]).includes(datatype))
    throw invalid(
      `${where}: unknown datatype ${show(datatype)}; valid datatypes: ${oipDatatypes.join(', ')}`,
    );
  const dt = datatype as OipDatatype;
  if (
    !Array.isArray(shape) ||
    shape.length === 0 ||
    shape.some((d) => !Number.isSafeInteger(d) || (d as number) < 0)
  )
    throw invalid(
      `${where}: shape must be a non-empty array of non-negative integers; got ${JSON.stringify(shape) ?? 'nothing'}`,
    );
  if (data === undefined) throw invalid(`${where} has no "data"; ${jsonHint}`);
  if (!Array.isArray(data)) throw invalid(`${where}: data must be an array; got ${show(data)}`);
  const dims = shape as number[];
  let values = data;
  if (data.some(Array.isArray)) {
    values = [];
    flatten(data, dims.length, values, where);
  }
  const expected = dims.reduce((a, b) => a * b, 1);
  if (values.length !== expected)
    throw invalid(
      `${where}: shape ${shapeText(dims)} holds ${expected} elements; data holds ${values.length}`,
      { tensor: name, expected, got: values.length },
    );
  for (let k = 0; k < values.length; k++) checkValue(values[k], dt, where, k);
  return { name, datatype: dt, shape: dims, values };
}

const numericTypes = new Set<ColumnType>(['integer', 'long', 'float', 'double']);

/**
 * One column of tensor values for `spec`: `pick(r)` is row r's element. Numbers for numeric
 * columns (numeric strings of BYTES tensors read as numbers, BOOL as 1/0, null as NaN), booleans
 * for boolean columns (0/1 and "true"/"false" accepted), strings for string columns (only BYTES).
 */
function column(t: Tensor, spec: ColumnSpec, n: number, pick: (r: number) => unknown): ArrayLike<unknown> {
  const fail = (r: number, expected: string) =>
    modelInput(
      `input tensor ${JSON.stringify(t.name)} (${t.datatype}), row ${r}, column ${spec.name} (${spec.type}): expected ${expected}; got ${show(pick(r))}`,
      { tensor: t.name, row: r, column: spec.name },
    );
  if (numericTypes.has(spec.type)) {
    const out = new Float64Array(n);
    for (let r = 0; r < n; r++) {
      const v = pick(r);
      if (v === null) out[r] = Number.NaN;
      else if (typeof v === 'number') out[r] = v;
      else if (typeof v === 'boolean') out[r] = v ? 1 : 0;
      else {
        const s = (v as string).trim();
        const x = s === '' ? Number.NaN : Number(s);
        if (s !== '' && Number.isNaN(x) && s !== 'NaN') throw fail(r, 'a number');
        out[r] = x;
      }
    }
    return out;
  }
  if (spec.type === 'boolean') {
    const out: (boolean | null)[] = new Array(n);
    for (let r = 0; r < n; r++) {
      const v = pick(r);
      if (typeof v === 'boolean' || v === null) out[r] = v;
      else if (v === 1 || v === 0) out[r] = v === 1;
      else if (typeof v === 'string') {
        const s = v.trim().toLowerCase();
        if (s === 'true' || s === '1') out[r] = true;
        else if (s === 'false' || s === '0') out[r] = false;
        else if (s === '') out[r] = null;
        else throw fail(r, 'true or false');
      } else throw fail(r, 'true, false, 0 or 1');
    }
    return out;
  }
  if (t.datatype !== 'BYTES' && !(spec.type === 'datetime' && t.datatype !== 'BOOL'))
    throw modelInput(
      `input tensor ${JSON.stringify(t.name)} is ${t.datatype} but column ${spec.name} holds ${spec.type} values; send it as BYTES (strings)`,
      { tensor: t.name, column: spec.name },
    );
  const out: unknown[] = new Array(n);
  for (let r = 0; r < n; r++) out[r] = pick(r);
  return out;
}

function decodeOutputs(raw: unknown): string[] | undefined {
  if (raw === undefined) return undefined;
  if (!Array.isArray(raw)) throw invalid(`outputs must be an array of {"name": ...}; got ${show(raw)}`);
  if (raw.length === 0) return undefined;
  const names: string[] = [];
  raw.forEach((o, i) => {
    if (!isRecord(o) || typeof o.name !== 'string')
      throw invalid(`outputs[${i}] must be {"name": string, "parameters"?: {...}}; got ${show(o)}`);
    if (o.parameters !== undefined) {
      if (!isRecord(o.parameters)) throw invalid(`outputs[${i}].parameters must be an object`);
      refuseTransport(o.parameters, `output ${JSON.stringify(o.name)}`);
      if ('classification' in o.parameters)
        throw invalid(
          `output ${JSON.stringify(o.name)} asks for Triton's classification extension, which Lathe does not support; ask for predict_proba`,
        );
    }
    if (!(oipOutputNames as readonly string[]).includes(o.name))
      throw invalid(`unknown output ${JSON.stringify(o.name)}; outputs: ${oipOutputNames.join(', ')}`, {
        output: o.name,
      });
    if (names.includes(o.name)) throw invalid(`output ${JSON.stringify(o.name)} is asked for twice`);
    names.push(o.name);
  });
  return names;
}

/**
 * Reads an OIP V2 REST inference request (the parsed JSON body) into a column batch for `signature`.
 * Accepts the keys `id`, `parameters`, `inputs`, `outputs`, and `model_name`/`model_version` (which
 * KServe's client sends; the URL decides the model).
 * @throws LatheError INVALID_ARGUMENT for a malformed request (not an object, unknown keys, an
 *   unknown datatype, data that does not fill the shape, values outside the datatype, binary or
 *   shared-memory data, unknown outputs); MODEL_INPUT_INVALID when the tensors do not fit the
 *   signature (unknown or missing features, a matrix of the wrong width, per-feature tensors of
 *   different lengths, values a column cannot hold). Messages name the tensor, expected and got.
 */
export function decodeInferRequest(body: unknown, signature: ModelSignature): DecodedInferRequest {
  if (!isRecord(body))
    throw invalid(`an inference request must be a JSON object {"inputs": [...]}; got ${show(body)}`);
  for (const key of Object.keys(body))
    if (!requestKeys.has(key))
      throw invalid(
        `unknown request key ${JSON.stringify(key)}; a request holds ${[...requestKeys].join(', ')}`,
      );
  const { id, parameters, inputs } = body;
  if (id !== undefined && typeof id !== 'string') throw invalid(`id must be a string; got ${show(id)}`);
  if (parameters !== undefined && !isRecord(parameters))
    throw invalid(`parameters must be an object; got ${show(parameters)}`);
  if (!Array.isArray(inputs) || inputs.length === 0)
    throw invalid(`inputs must be a non-empty array of tensors; got ${show(inputs)}`);
  const tensors = inputs.map(decodeTensor);
  const seen = new Set<string>();
  for (const t of tensors) {
    if (seen.has(t.name)) throw invalid(`input tensor ${JSON.stringify(t.name)} is given twice`);
    seen.add(t.name);
  }
  const outputs = decodeOutputs(body.outputs);
  const specs = new Map(signature.inputs.map((c) => [c.name, c]));
  const f = signature.inputs.length;
  const names = signature.inputs.map((c) => c.name).join(', ');
  const single = tensors.length === 1 ? tensors[0]! : undefined;
  const columns: Record<string, ArrayLike<unknown>> = {};
  let rows: number;
  let layout: DecodedInferRequest['layout'];
  if (single && (!specs.has(single.name) || (f > 1 && single.shape.length === 2 && single.shape[1] === f))) {
    layout = 'matrix';
    const oneColumn = f === 1 && single.shape.length === 1; // [N] for a one-input model
    if (!oneColumn && (single.shape.length !== 2 || single.shape[1] !== f))
      throw modelInput(
        `input tensor ${JSON.stringify(single.name)} is read as the feature matrix (its name is not one of the model's inputs ${names}), so its shape must be [N, ${f}]; got ${shapeText(single.shape)}`,
        { tensor: single.name, expected: [-1, f], got: single.shape },
      );
    rows = single.shape[0]!;
    signature.inputs.forEach((spec, j) => {
      columns[spec.name] = column(single, spec, rows, (r) => single.values[r * f + j]);
    });
  } else {
    layout = 'per-feature';
    const unknown = tensors.filter((t) => !specs.has(t.name)).map((t) => t.name);
    if (unknown.length)
      throw modelInput(
        `unknown input tensor${unknown.length > 1 ? 's' : ''} ${unknown.map((u) => JSON.stringify(u)).join(', ')}; name one tensor per input (${names}), or send one tensor of shape [N, ${f}]`,
        { unknown },
      );
    const missing = signature.inputs.filter((c) => c.required && !seen.has(c.name)).map((c) => c.name);
    if (missing.length)
      throw modelInput(
        `missing input tensor${missing.length > 1 ? 's' : ''} ${missing.join(', ')}; the model reads ${names}`,
        {
          missing,
        },
      );
    rows = tensors[0]!.shape[0]!;
    for (const t of tensors) {
      if (t.shape.length > 2 || (t.shape.length === 2 && t.shape[1] !== 1))
        throw modelInput(
          `input tensor ${JSON.stringify(t.name)} holds one feature, so its shape must be [N] or [N, 1]; got ${shapeText(t.shape)}`,
          {
            tensor: t.name,
            got: t.shape,
          },
        );
      if (t.shape[0] !== rows)
        throw modelInput(
          `input tensor ${JSON.stringify(t.name)} holds ${t.shape[0]} rows but ${JSON.stringify(tensors[0]!.name)} holds ${rows}; every feature needs one value per row`,
          { tensor: t.name, expected: rows, got: t.shape[0] },
        );
      columns[t.name] = column(t, specs.get(t.name)!, rows, (r) => t.values[r]);
    }
  }
  const out: DecodedInferRequest = { batch: { rows, columns }, layout };
  if (id !== undefined) out.id = id;
  if (outputs) out.outputs = outputs;
  if (parameters) out.parameters = parameters;
  return out;
}

type Label = string | number | boolean;

/** The datatype of labels: BOOL, INT64 (all integers), FP64 (numbers) or BYTES (anything else, as strings). */
function labelDatatype(labels: ArrayLike<Label>): OipDatatype {
  const all = (p: (v: Label) => boolean) => Array.prototype.every.call(labels, p as (v: unknown) => boolean);
  if (labels.length && all((v) => typeof v === 'boolean')) return 'BOOL';
  if (all((v) => typeof v === 'number' && Number.isInteger(v))) return labels.length ? 'INT64' : 'FP64';
  if (all((v) => typeof v === 'number')) return 'FP64';
  return 'BYTES';
}

/** The datatype of `predict`: from the classes for classifiers, else FP64 (or the labels' kind). */
function predictDatatype(classes: readonly Label[] | undefined, predictions?: ArrayLike<Label>): OipDatatype {
  if (classes?.length) return labelDatatype(classes);
  if (!predictions || predictions instanceof Float64Array) return 'FP64';
  const dt = labelDatatype(predictions);
  return dt === 'INT64' ? 'FP64' : dt;
}

/** What `encodeInferResponse` needs. */
export interface EncodeInferResponseArgs {
  modelName: string;
  /** The version that actually answered (a canary is visible to the caller). */
  modelVersion: string;
  /** The request's id, echoed. */
  id?: string;
  prediction: BatchPrediction;
  /** Output names asked for, in the order to answer them (absent: all available). */
  outputs?: readonly string[];
  /** One prediction ID per row. */
  predictionIds?: readonly string[];
  /** Extra response parameters (e.g. `fallback: true`). */
  parameters?: Record<string, OipParameter>;
}

/** An OIP V2 inference response body. */
export interface OipInferResponse {
  model_name: string;
  model_version: string;
  id?: string;
  parameters?: Record<string, OipParameter>;
  outputs: OipTensor[];
}

/**
 * Encodes a batch prediction as an OIP V2 inference response. Outputs:
 * - `predict`, shape `[N]`: classifiers' labels as BOOL, INT64 (integer labels), FP64 or BYTES
 *   (strings), chosen from the class list so every response of a model agrees with its metadata;
 *   regressors' values as FP64 (NaN is written as null by JSON);
 * - `predict_proba`, shape `[N, K]` FP64, row-major, classifiers only; its `parameters.classes` is
 *   the JSON text of the class labels in column order;
 * - `prediction_id`, shape `[N]` BYTES, when IDs are given. When the caller asked for outputs that
 *   leave it out, the IDs still travel in the response parameter `prediction_ids` (comma-joined).
 * @throws LatheError INVALID_ARGUMENT for an output this prediction cannot give, naming those it can.
 */
export function encodeInferResponse(args: EncodeInferResponseArgs): OipInferResponse {
  const p = args.prediction;
  const n = p.rows;
  const k = p.classes?.length ?? 0;
  const ids = args.predictionIds;
  if (ids && ids.length !== n) throw new LatheError('INTERNAL', `${ids.length} prediction IDs for ${n} rows`);
  const available: string[] = ['predict'];
  if (p.probabilities && k) available.push('predict_proba');
  if (ids) available.push('prediction_id');
  const wanted = args.outputs?.length ? args.outputs : available;
  const outputs: OipTensor[] = wanted.map((name) => {
    if (name === 'predict') {
      const datatype = predictDatatype(p.classes, p.predictions);
      const values = Array.from(p.predictions as ArrayLike<Label>);
      return { name, datatype, shape: [n], data: datatype === 'BYTES' ? values.map(String) : values };
    }
    if (name === 'predict_proba' && p.probabilities && k)
      return {
        name,
        datatype: 'FP64',
        shape: [n, k],
        data: Array.from(p.probabilities.subarray(0, n * k)),
        parameters: { classes: JSON.stringify(p.classes) },
      };
    if (name === 'prediction_id' && ids) return { name, datatype: 'BYTES', shape: [n], data: [...ids] };
    const message = `output ${JSON.stringify(name)} is not available for this model; outputs: ${available.join(', ')}`;
    throw invalid(message, { output: name });
  });
  const out: OipInferResponse = { model_name: args.modelName, model_version: args.modelVersion, outputs };
  if (args.id !== undefined) out.id = args.id;
  const parameters: Record<string, OipParameter> = { ...args.parameters };
  if (ids && !wanted.includes('prediction_id')) parameters.prediction_ids = ids.join(',');
  if (Object.keys(parameters).length) out.parameters = parameters;
  return out;
}

/** A tensor of model metadata: `-1` marks a variable dimension (the batch). */
export type OipTensorMetadata = Omit<OipTensor, 'data' | 'parameters'>;

/** The model metadata body of the spec. */
export interface OipModelMetadata {
  name: string;
  versions: string[];
  platform: string;
  inputs: OipTensorMetadata[];
  outputs: OipTensorMetadata[];
}

/**
 * The `/v2/models/{name}[/versions/{v}]` body: platform "lathe", one input tensor per signature
 * input (shape [-1], datatype from the column type: boolean BOOL, integer INT32, long INT64, float
 * FP32, double FP64, others BYTES), and the outputs `predict` [-1], `predict_proba` [-1, K] (when
 * the signature lists K classes) and `prediction_id` [-1]. A single [-1, F] tensor in signature
 * order is accepted too, though metadata cannot say so.
 */
export function modelMetadata(
  name: string,
  versions: readonly (string | number)[],
  signature: ModelSignature,
): OipModelMetadata {
  const k = signature.classes?.length ?? 0;
  const outputs: OipTensorMetadata[] = [
    { name: 'predict', datatype: predictDatatype(signature.classes), shape: [-1] },
  ];
  if (k) outputs.push({ name: 'predict_proba', datatype: 'FP64', shape: [-1, k] });
  outputs.push({ name: 'prediction_id', datatype: 'BYTES', shape: [-1] });
  return {
    name,
    versions: versions.map(String),
    platform: 'lathe',
    inputs: signature.inputs.map((c) => ({ name: c.name, datatype: oipDatatypeOf(c.type), shape: [-1] })),
    outputs,
  };
}

/** The spec's error body `{"error": message}` (for LatheErrors, the message alone). */
export function oipError(message: string | Error): { error: string } {
  return { error: typeof message === 'string' ? message : message.message };
}
