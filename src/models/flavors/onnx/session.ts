/**
 * The one place onnxruntime-node is called: creating sessions (with errors a user can act on),
 * building input tensors from conformed columns and reading output tensors back.
 */
import * as ort from 'onnxruntime-node';
import { LatheError } from '../../../core/index.js';
import type { ConformedColumn } from '../../conform.js';
import { fillFromColumns } from './matrix-feed.js';

/** The onnxruntime version this build runs. */
export const onnxruntimeVersion: string = ort.env.versions?.node ?? 'unknown';

/** A loaded onnxruntime session. */
export type OnnxSession = ort.InferenceSession;
/** A tensor value, as runs answer. */
export type OnnxTensor = ort.Tensor;

/** Input element types Lathe feeds. */
export const inputElementTypes = ['float32', 'float64', 'int64', 'int32', 'bool', 'string'] as const;
/** One of {@link inputElementTypes}. */
export type InputElementType = (typeof inputElementTypes)[number];

/** One input tensor, fed from signature columns. */
export interface TensorFeed {
  /** The model input's name. */
  tensor: string;
  type: InputElementType;
  /** 1: shape `[batch]`; 2: shape `[batch, columns.length]`. */
  rank: 1 | 2;
  /** Positions in the signature's inputs of the tensor's columns, in tensor order. */
  columns: number[];
}

/** What went wrong, in words, from onnxruntime's message. */
function hint(reason: string): string {
  if (
    /not a registered function|No Op registered|Could not find an implementation|is not a registered/i.test(
      reason,
    )
  )
    return 'the graph uses an operator this onnxruntime does not implement (custom operators are not supported); re-export the model with standard ONNX operators';
  if (/opset|onnx domain|ir_version|IR version/i.test(reason))
    return `the model needs an operator set or IR version onnxruntime ${onnxruntimeVersion} does not support; re-export it with a released opset (e.g. opset_version=17)`;
  if (/protobuf|parse|load model/i.test(reason))
    return 'the file is not a valid ONNX model (corrupt or truncated?)';
  if (/external data|external initializer/i.test(reason))
    return 'the model keeps its weights in external data files, which Lathe does not read; save it as one file';
  return 'onnxruntime refused the model';
}

/**
 * A session over a model's bytes: `threads` intra-op threads, all graph optimisations, sequential
 * execution, warnings silenced.
 * @throws LatheError MODEL_PACKAGE_INVALID with onnxruntime's reason when it refuses the model.
 */
export async function createSession(name: string, bytes: Uint8Array, threads = 1): Promise<OnnxSession> {
  if (!Number.isInteger(threads) || threads < 1)
    throw new LatheError('INVALID_ARGUMENT', `threads must be a positive integer; got ${threads}`, {
      field: 'threads',
    });
  try {
    return await ort.InferenceSession.create(bytes, {
      intraOpNumThreads: threads,
      interOpNumThreads: 1,
      executionMode: 'sequential',
      graphOptimizationLevel: 'all',
      logSeverityLevel: 3,
    });
  } catch (err) {
    // Drop the C++ source location and function signature onnxruntime prefixes some messages with.
    const reason = ((err as Error).message ?? String(err)).replace(
      /^\S+\.(?:h|cc|cpp):\d+ [^(]*\([^)]*\)(?: const)? /,
      '',
    );
    throw new LatheError(
      'MODEL_PACKAGE_INVALID',
      `${name} cannot be loaded by onnxruntime ${onnxruntimeVersion}: ${hint(reason)}. onnxruntime says: ${reason}`,
      { reason },
      { cause: err },
    );
  }
}

function missing(column: number, row: number, type: string): LatheError {
  return new LatheError(
    'MODEL_INPUT_INVALID',
    `row ${row}: the ONNX model reads this column as ${type}, which cannot hold a missing value; send a value`,
    { row, column },
  );
}

/**
 * The tensor of rows `[start, end)` of `columns` for one model input (row-major).
 * @throws LatheError MODEL_INPUT_INVALID for a missing value in an integer, boolean or string tensor.
 */
export function tensorOf(
  feed: TensorFeed,
  columns: readonly ConformedColumn[],
  start: number,
  end: number,
): OnnxTensor {
  const n = end - start;
  const w = feed.columns.length;
  const dims = feed.rank === 1 ? [n] : [n, w];
  const cols = feed.columns.map((c) => columns[c]!);
  switch (feed.type) {
    case 'float32':
    case 'float64': {
      const data = feed.type === 'float32' ? new Float32Array(n * w) : new Float64Array(n * w);
      fillFromColumns(data, cols as Float64Array[], n, start);
      return new ort.Tensor(feed.type, data, dims);
    }
    case 'int64':
    case 'int32':
    case 'bool': {
      const data =
        feed.type === 'int64'
          ? new BigInt64Array(n * w)
          : feed.type === 'int32'
            ? new Int32Array(n * w)
            : new Uint8Array(n * w);
      for (let j = 0; j < w; j++) {
        const col = cols[j] as Float64Array;
        for (let i = 0; i < n; i++) {
          const v = col[start + i]!;
          if (Number.isNaN(v)) throw missing(feed.columns[j]!, start + i, feed.type);
          if (feed.type === 'int64') (data as BigInt64Array)[i * w + j] = BigInt(Math.trunc(v));
          else (data as Int32Array | Uint8Array)[i * w + j] = feed.type === 'bool' ? (v ? 1 : 0) : v;
        }
      }
      return new ort.Tensor(feed.type, data, dims);
    }
    case 'string': {
      const data: string[] = new Array(n * w);
      for (let j = 0; j < w; j++) {
        const col = cols[j] as (string | null)[];
        for (let i = 0; i < n; i++) {
          const v = col[start + i];
          if (typeof v !== 'string') throw missing(feed.columns[j]!, start + i, 'a string');
          data[i * w + j] = v;
        }
      }
      return new ort.Tensor('string', data, dims);
    }
  }
}

/** The feeds of rows `[start, end)`, by input name. */
export function feedsOf(
  feeds: readonly TensorFeed[],
  columns: readonly ConformedColumn[],
  start: number,
  end: number,
): Record<string, OnnxTensor> {
  const out: Record<string, OnnxTensor> = {};
  for (const f of feeds) out[f.tensor] = tensorOf(f, columns, start, end);
  return out;
}

/** Runs a session on feeds, fetching `outputs` only. */
export async function runSession(
  session: OnnxSession,
  feeds: Record<string, OnnxTensor>,
  outputs: readonly string[],
): Promise<Record<string, OnnxTensor>> {
  try {
    return (await session.run(feeds, outputs)) as Record<string, OnnxTensor>;
  } catch (err) {
    throw runFailed(err);
  }
}

/** The error of a failed run. */
export function runFailed(err: unknown): LatheError {
  const reason = (err as Error).message ?? String(err);
  return new LatheError(
    'MODEL_INPUT_INVALID',
    `the ONNX model failed on this batch: ${reason}`,
    { reason },
    { cause: err },
  );
}

/** A float tensor of shape `dims` over `data` (not copied). */
export function matrixTensor(data: Float32Array | Float64Array, dims: readonly number[]): OnnxTensor {
  return data instanceof Float32Array
    ? new ort.Tensor('float32', data, dims)
    : new ort.Tensor('float64', data, dims);
}

/** A numeric output tensor's values as float64. */
export function numbersOf(t: OnnxTensor): Float64Array {
  const d = t.data;
  if (d instanceof Float64Array) return d;
  // `new` + `set` rather than `Float64Array.from`, whose generic path costs ~1 µs on one value.
  if (d instanceof Float32Array || d instanceof Int32Array || d instanceof Uint8Array) {
    const out = new Float64Array(d.length);
    out.set(d);
    return out;
  }
  if (d instanceof BigInt64Array) {
    const out = new Float64Array(d.length);
    for (let i = 0; i < d.length; i++) out[i] = Number(d[i]!);
    return out;
  }
  throw new LatheError(
    'MODEL_PACKAGE_INVALID',
    `the model answered a ${t.type} tensor where numbers were expected`,
  );
}

/** A label output tensor's values (int64 → number, bool → boolean). */
export function labelsOf(t: OnnxTensor): (string | number | boolean)[] {
  const d = t.data;
  if (Array.isArray(d)) return d as string[];
  if (t.type === 'bool') return Array.from(d as Uint8Array, (v) => v !== 0);
  if (d instanceof BigInt64Array) return Array.from(d, Number);
  return Array.from(d as ArrayLike<number>);
}

/**
 * Runs rows `[0, rows)`: in one run when the batch axis is dynamic, else one run per row with the
 * outputs stacked along the batch axis.
 */
export async function runRows(
  session: OnnxSession,
  feeds: readonly TensorFeed[],
  columns: readonly ConformedColumn[],
  rows: number,
  batch: 'dynamic' | 'single',
  outputs: readonly string[],
): Promise<Record<string, OnnxTensor>> {
  if (batch === 'dynamic' || rows === 1)
    return runSession(session, feedsOf(feeds, columns, 0, rows), outputs);
  const parts: Record<string, OnnxTensor>[] = [];
  for (let r = 0; r < rows; r++)
    parts.push(await runSession(session, feedsOf(feeds, columns, r, r + 1), outputs));
  const out: Record<string, OnnxTensor> = {};
  for (const name of outputs) {
    const first = parts[0]![name]!;
    const per = first.data.length;
    const dims = [rows, ...first.dims.slice(1)];
    if (Array.isArray(first.data))
      out[name] = new ort.Tensor(
        'string',
        parts.flatMap((p) => p[name]!.data as string[]),
        dims,
      );
    else {
      const ctor = (first.data as Float32Array).constructor as new (n: number) => Float32Array;
      const data = new ctor(per * rows);
      for (const [r, p] of parts.entries()) data.set(p[name]!.data as Float32Array, r * per);
      out[name] = new ort.Tensor(first.type as 'float32', data, dims);
    }
  }
  return out;
}
