/**
 * The predictor of an ONNX package: columns conformed to the signature, fed as tensors with a
 * dynamic batch axis to one onnxruntime session, outputs mapped back to predictions and class
 * probabilities.
 */
import { isLatheError, LatheError } from '../../../core/index.js';
import { conformBatch, type ConformedColumn, type InputBatch } from '../../conform.js';
import type { ReadPackage } from '../../package.js';
import {
  argmaxLabels,
  BasePredictor,
  type BatchPrediction,
  type ModelMetadata,
  type PredictionResult,
  type PredictOptions,
  predictionRows,
} from '../../predictor.js';
import type { ModelSignature } from '../../signature.js';
import type { LoadOptions } from '../flavor.js';
import {
  type ColumnsReader,
  type FloatBuffer,
  fillColumnMajor,
  fillFromColumns,
  matrixReaders,
  type RowReader,
} from './matrix-feed.js';
import { feedsFromMeta, invalid, type OnnxMeta, type OnnxOutputs } from './plan.js';
import { columnMajorInput, columnsSuffix, ProtoError, removeZipMaps } from './proto.js';
import {
  createSession,
  labelsOf,
  matrixTensor,
  numbersOf,
  type OnnxSession,
  type OnnxTensor,
  runFailed,
  runRows,
  type TensorFeed,
} from './session.js';

type Label = string | number | boolean;

/** Buffers up to this many floats are kept for the next call. */
const spareLimit = 1 << 20;
/**
 * Column batches of at least this many rows run column-major, in the columns' own precision:
 * copying whole columns and letting onnxruntime convert and transpose is cheaper than
 * interleaving and converting them in JavaScript.
 */
export const columnarRows = 64;
/**
 * Models up to this size get the columnar session (a second copy of the weights); larger ones
 * gain little from it, the conversion being a small share of their run.
 */
const columnarMaxBytes = 16 * 1024 * 1024;

/** Scores as probabilities, in place: `softmax` per row of `k`, `sigmoid` per value. */
export function toProbabilities(values: Float64Array, k: number, transform: OnnxOutputs['transform']): void {
  if (transform === 'sigmoid')
    for (let i = 0; i < values.length; i++) values[i] = 1 / (1 + Math.exp(-values[i]!));
  else if (transform === 'softmax')
    for (let r = 0; r < values.length; r += k) {
      let max = -Infinity;
      for (let c = 0; c < k; c++) max = Math.max(max, values[r + c]!);
      let sum = 0;
      for (let c = 0; c < k; c++) sum += values[r + c] = Math.exp(values[r + c]! - max);
      for (let c = 0; c < k; c++) values[r + c]! /= sum;
    }
}

function checkCount(name: string, length: number, rows: number, per: number): void {
  if (length !== rows * per)
    throw invalid(`output ${name} holds ${length} values for ${rows} rows; expected ${rows * per}`);
}

/** A run's outputs as a batch prediction of `rows` rows. */
export function decodeOutputs(
  out: Record<string, OnnxTensor>,
  outputs: OnnxOutputs,
  rows: number,
  classes: readonly Label[] | undefined,
  warnings: string[],
): BatchPrediction {
  if (outputs.value) {
    const predictions = numbersOf(out[outputs.value]!);
    checkCount(outputs.value, predictions.length, rows, 1);
    return { rows, predictions, warnings };
  }
  const k = classes!.length;
  let probabilities: Float64Array | undefined;
  if (outputs.probabilities) {
    const raw = numbersOf(out[outputs.probabilities]!);
    if (raw.length === rows && k === 2) {
      // One column: the probability (or logit) of the second class.
      const p = raw === out[outputs.probabilities]!.data ? raw.slice() : raw;
      toProbabilities(p, 1, outputs.transform);
      probabilities = new Float64Array(rows * 2);
      for (let r = 0; r < rows; r++) {
        probabilities[2 * r] = 1 - p[r]!;
        probabilities[2 * r + 1] = p[r]!;
      }
    } else {
      checkCount(outputs.probabilities, raw.length, rows, k);
      probabilities = raw === out[outputs.probabilities]!.data ? raw.slice() : raw;
      toProbabilities(probabilities, k, outputs.transform);
    }
  }
  let predictions: Label[];
  if (outputs.label) {
    predictions = labelsOf(out[outputs.label]!);
    checkCount(outputs.label, predictions.length, rows, 1);
  } else predictions = argmaxLabels(probabilities!, rows, classes!);
  return {
    rows,
    predictions,
    ...(probabilities ? { probabilities } : {}),
    classes: classes as Label[],
    warnings,
  };
}

/** A loaded ONNX model. Call {@link OnnxPredictor.close} to free its session. */
export class OnnxPredictor extends BasePredictor {
  readonly signature: ModelSignature;
  readonly metadata: ModelMetadata;
  private session: OnnxSession | undefined;
  private readonly feeds: TensorFeed[];
  private readonly fetch: string[];
  /** Set for models whose only input is a float matrix of `double` columns: the hot path. */
  private readonly matrix:
    | { tensor: string; type: 'float32' | 'float64'; width: number; rows: RowReader; columns: ColumnsReader }
    | undefined;
  /** The matrix buffer of the last call, reused when the next has as many rows. */
  private spare: FloatBuffer | undefined;
  /** The tensor of the last run, over its buffer. */
  private lastTensor: { data: FloatBuffer; columnar: boolean; tensor: OnnxTensor } | undefined;
  /** The column-major sessions of large batches, by column precision, once asked for. */
  private columnar: Partial<Record<'float32' | 'float64', Promise<OnnxSession | undefined>>> = {};

  constructor(
    session: OnnxSession,
    pkg: ReadPackage,
    private readonly meta: OnnxMeta,
    /** The runnable model bytes (absent: no columnar session), file name and threads. */
    private readonly source: { bytes?: Uint8Array; file: string; threads: number },
  ) {
    super();
    const { model, ...rest } = pkg.manifest;
    this.signature = pkg.manifest.signature;
    this.metadata = { ...rest, kind: model.kind };
    this.session = session;
    this.feeds = feedsFromMeta(meta, this.signature);
    const o = meta.outputs;
    this.fetch = [o.value, o.label, o.probabilities].filter((n): n is string => n !== undefined);
    const only = this.feeds[0]!;
    const inputs = this.signature.inputs;
    if (
      meta.batch === 'dynamic' &&
      this.feeds.length === 1 &&
      only.rank === 2 &&
      (only.type === 'float32' || only.type === 'float64') &&
      only.columns.length === inputs.length &&
      inputs.every((c) => c.type === 'double' || c.type === 'float')
    )
      this.matrix = {
        tensor: only.tensor,
        type: only.type,
        width: inputs.length,
        ...matrixReaders(only.columns.map((c) => inputs[c]!.name)),
      };
  }

  private get live(): OnnxSession {
    if (!this.session) throw new LatheError('CONFLICT', 'this ONNX predictor was closed');
    return this.session;
  }

  /**
   * Predicts conformed columns (signature order, no further checks): the general path of
   * `predictBatch`, for every input layout.
   */
  async predictColumns(
    columns: readonly ConformedColumn[],
    rows: number,
    warnings: string[] = [],
  ): Promise<BatchPrediction> {
    const classes = this.signature.classes;
    if (rows === 0) {
      const empty = this.meta.outputs.value ? new Float64Array(0) : [];
      return {
        rows: 0,
        predictions: empty,
        ...(this.meta.outputs.probabilities ? { probabilities: new Float64Array(0) } : {}),
        ...(classes ? { classes } : {}),
        warnings,
      };
    }
    const out = await runRows(this.live, this.feeds, columns, rows, this.meta.batch, this.fetch);
    return decodeOutputs(out, this.meta.outputs, rows, classes, warnings);
  }

  /** A buffer of `size` values of `type` for the matrix input: the spare one when free and alike. */
  private buffer(size: number, type: 'float32' | 'float64'): FloatBuffer {
    const s = this.spare;
    if (s && s.length === size && s instanceof Float64Array === (type === 'float64')) {
      this.spare = undefined;
      return s;
    }
    return type === 'float32' ? new Float32Array(size) : new Float64Array(size);
  }

  /**
   * Runs the matrix input over `data` (then kept as the spare buffer): row-major `[rows, width]`,
   * or column-major `[width, rows]` through the columnar session when given.
   */
  private async runMatrix(
    data: FloatBuffer,
    rows: number,
    columnar?: OnnxSession,
  ): Promise<Record<string, OnnxTensor>> {
    const m = this.matrix!;
    try {
      const session = this.live;
      // The tensor over the spare buffer is reused with it (same size, same layout).
      const last = this.lastTensor;
      const layout = columnar !== undefined;
      const tensor =
        last?.data === data && last.columnar === layout
          ? last.tensor
          : matrixTensor(data, layout ? [m.width, rows] : [rows, m.width]);
      this.lastTensor = { data, columnar: layout, tensor };
      const feeds = layout ? { [m.tensor + columnsSuffix]: tensor } : { [m.tensor]: tensor };
      return (await (columnar ?? session).run(feeds, this.fetch)) as Record<string, OnnxTensor>;
    } catch (err) {
      throw isLatheError(err) ? err : runFailed(err);
    } finally {
      if (data.length <= spareLimit) this.spare = data;
    }
  }

  /**
   * The session whose matrix input is fed column-major by columns of `type` (see
   * `columnMajorInput`), created on the first such batch of {@link columnarRows} rows or more;
   * undefined when the graph cannot be rewritten that way (batches then take the row-major path).
   */
  private columnarSession(type: 'float32' | 'float64'): Promise<OnnxSession | undefined> {
    this.columnar[type] ??= (async () => {
      const m = this.matrix!;
      if (!this.source.bytes) return undefined;
      const code = (t: 'float32' | 'float64') => (t === 'float32' ? 1 : 11);
      try {
        const bytes = columnMajorInput(this.source.bytes, m.tensor, code(m.type), m.width, code(type));
        return await createSession(this.source.file, bytes, this.source.threads);
      } catch {
        return undefined;
      }
    })();
    return this.columnar[type];
  }

  override async predict(
    rows: readonly Record<string, unknown>[],
    options: PredictOptions = {},
  ): Promise<PredictionResult> {
    const m = this.matrix;
    if (m && Array.isArray(rows) && rows.length > 0) {
      const n = rows.length;
      const data = this.buffer(n * m.width, m.type);
      if (m.rows(data, rows)) {
        const out = await this.runMatrix(data, n);
        const value = this.meta.outputs.value;
        if (!value)
          return predictionRows(decodeOutputs(out, this.meta.outputs, n, this.signature.classes, []));
        const d = out[value]!.data as ArrayLike<number>;
        checkCount(value, d.length, n, 1);
        const predictions: number[] = new Array(n);
        for (let i = 0; i < n; i++) predictions[i] = Number(d[i]);
        return { predictions };
      }
      if (data.length <= spareLimit) this.spare = data;
    }
    return super.predict(rows, options);
  }

  async predictBatch(batch: InputBatch, options: PredictOptions = {}): Promise<BatchPrediction> {
    const m = this.matrix;
    if (m && batch.rows > 0 && typeof batch.columns === 'object' && batch.columns !== null) {
      const cols = m.columns(batch.columns, batch.rows);
      if (cols) {
        const n = batch.rows;
        // Float columns go to a session fed floats, others (doubles, or a mix) to one fed doubles.
        const type = cols.every((c) => c instanceof Float32Array) ? 'float32' : 'float64';
        const columnar = n >= columnarRows ? await this.columnarSession(type) : undefined;
        const data = this.buffer(n * m.width, columnar ? type : m.type);
        if (columnar) fillColumnMajor(data, cols, n);
        else fillFromColumns(data, cols, n);
        const out = await this.runMatrix(data, n, columnar);
        return decodeOutputs(out, this.meta.outputs, batch.rows, this.signature.classes, []);
      }
    }
    const conformed = conformBatch(this.signature, batch, options);
    return this.predictColumns(conformed.columns, conformed.rows, conformed.warnings);
  }

  /** Frees the onnxruntime session; predicting afterwards is a CONFLICT error. */
  async close(): Promise<void> {
    const s = this.session;
    const c = Object.values(this.columnar);
    this.session = undefined;
    this.columnar = {};
    await s?.release();
    for (const session of await Promise.all(c)) await session?.release();
  }
}

/** One row of neutral values (0, `false`, `""`) for every input: the warm-up batch. */
export function neutralRow(signature: ModelSignature): ConformedColumn[] {
  return signature.inputs.map((c) =>
    c.type === 'string' || c.type === 'binary' || c.type === 'datetime' ? [''] : new Float64Array(1),
  );
}

/**
 * Loads an ONNX package: the model file, its ZipMaps removed, in a session with `threads`
 * intra-op threads (default 1), warmed up on one row.
 * @throws LatheError MODEL_PACKAGE_INVALID when the file is missing, refused by onnxruntime, lacks
 *   the tensors its meta names, or fails on the warm-up row.
 */
export async function loadOnnx(pkg: ReadPackage, options: LoadOptions = {}): Promise<OnnxPredictor> {
  const meta = pkg.manifest.model.meta as unknown as OnnxMeta;
  if (!meta || !Array.isArray(meta.inputs) || !meta.outputs)
    throw invalid('the package of this ONNX model has no input/output map in model.meta; import it again');
  const file = meta.file ?? 'model.onnx';
  const bytes = pkg.files.get(file);
  if (!bytes)
    throw invalid(`the package has no ${file}; it holds ${[...pkg.files.keys()].join(', ') || 'no files'}`);
  let runnable: Uint8Array;
  try {
    runnable = removeZipMaps(bytes, meta.zipMaps ?? []);
  } catch (err) {
    if (err instanceof ProtoError) throw invalid(`${file} is not a valid ONNX model: ${err.message}`);
    throw err;
  }
  const session = await createSession(file, runnable, options.threads ?? 1);
  try {
    const names = new Set(session.inputNames);
    const lacking = meta.inputs.map((t) => t.tensor).filter((t) => !names.has(t));
    const outs = new Set(session.outputNames);
    const o = meta.outputs;
    lacking.push(
      ...[o.value, o.label, o.probabilities].filter((n): n is string => n !== undefined && !outs.has(n)),
    );
    if (lacking.length)
      throw invalid(
        `${file} has no tensor ${lacking.join(', ')} that the package maps; it has inputs ${session.inputNames.join(', ')} and outputs ${session.outputNames.join(', ')}`,
      );
    const predictor = new OnnxPredictor(session, pkg, meta, {
      ...(runnable.length <= columnarMaxBytes ? { bytes: runnable } : {}),
      file,
      threads: options.threads ?? 1,
    });
    try {
      await predictor.predictColumns(neutralRow(predictor.signature), 1);
    } catch (err) {
      throw invalid(`${file} failed on its warm-up row: ${(err as Error).message}`);
    }
    return predictor;
  } catch (err) {
    await session.release();
    throw err;
  }
}
