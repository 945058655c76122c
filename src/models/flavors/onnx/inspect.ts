/**
 * Importing an ONNX model: read the file, open it in onnxruntime, map its inputs to signature
 * columns (plan.ts) and decide what its outputs answer.
 *
 * Outputs, first rule that applies:
 * 1. `task` given as regression/ranking: the first float output with one value per row.
 * 2. A ZipMap output (skl2onnx classifiers): a classifier; probabilities are the tensor the ZipMap
 *    read, classes its keys, predictions the label output.
 * 3. A label output (int/string/bool, one per row) beside a float `[batch, k]` output (skl2onnx
 *    with `zipmap=False`): a classifier.
 * 4. The first float output, `[batch, 1]` or `[batch]`: a binary classifier when `task` says so
 *    or a Sigmoid makes it (the probability of the second class; a sigmoid is applied when values
 *    fall outside [0, 1]); otherwise a regressor.
 * 5. The first float output `[batch, k]`, k ≥ 2: a classifier when `task` says so, a Softmax makes
 *    it, or its values on probe rows look like probabilities (in [0, 1], rows summing to 1);
 *    scores that are not probabilities are softmax-normalised. Otherwise the model is refused.
 * Classes: `InspectOptions.classes`, else the ZipMap's or ai.onnx.ml classifier's labels, else a
 * JSON array in `metadata_props` `classes`, else 0..k-1.
 */
import { isLatheError } from '../../../core/index.js';
import type { InspectedModel, InspectOptions, ModelSource } from '../flavor.js';
import type { ModelSignature } from '../../signature.js';
import type { ModelTask } from '../../package.js';
import {
  classifierLabels,
  invalid,
  labelType,
  type OnnxMeta,
  type OnnxOutputs,
  planInputs,
  producerOp,
  shapeText,
  type TensorInfo,
  widthOf,
} from './plan.js';
import {
  type OnnxModelInfo,
  ProtoError,
  readOnnxModel,
  removeZipMaps,
  type ZipMapRemoval,
  zipMapsOf,
} from './proto.js';
import { createSession, numbersOf, type OnnxSession, runRows, type TensorFeed } from './session.js';

type Label = string | number | boolean;

/** The ONNX file of a source: its only file, or its only `.onnx` file. */
export function onnxFile(source: ModelSource): [string, Uint8Array] | undefined {
  const entries = [...source.files];
  if (entries.length === 1) return entries[0];
  const onnx = entries.filter(([p]) => p.toLowerCase().endsWith('.onnx'));
  return onnx.length === 1 ? onnx[0] : undefined;
}

/** Values in [0, 1] whose rows of `k` sum to 1 (any values in [0, 1] when k = 1). */
export function looksLikeProbabilities(values: Float64Array, k: number): boolean {
  for (let r = 0; r < values.length; r += k) {
    let sum = 0;
    for (let c = 0; c < k; c++) {
      const v = values[r + c]!;
      if (!(v >= -1e-6 && v <= 1 + 1e-6)) return false;
      sum += v;
    }
    if (k > 1 && Math.abs(sum - 1) > 1e-3) return false;
  }
  return values.length > 0;
}

/**
 * Eight probe rows of varied small values, in signature order: -2..2 for float tensors, 0/1 for
 * integer and boolean ones (which may be indices), empty strings.
 */
function probeColumns(signature: ModelSignature, feeds: readonly TensorFeed[]) {
  const rows = 8;
  const tensorType = new Map<number, string>();
  for (const f of feeds) for (const c of f.columns) tensorType.set(c, f.type);
  return signature.inputs.map((_, j) => {
    const type = tensorType.get(j);
    if (type === 'string') return new Array<string>(rows).fill('');
    const col = new Float64Array(rows);
    const float = type === 'float32' || type === 'float64';
    for (let i = 0; i < rows; i++) col[i] = float ? ((i * 7 + j * 3) % 5) - 2 : (i + j) % 2;
    return col;
  });
}

interface Decided {
  task: ModelTask;
  outputs: OnnxOutputs;
  classes?: Label[];
}

async function decideOutputs(
  session: OnnxSession,
  info: OnnxModelInfo,
  zipMaps: ZipMapRemoval[],
  probe: (output: string) => Promise<Float64Array>,
  options: InspectOptions,
): Promise<Decided> {
  const outs = session.outputMetadata as readonly TensorInfo[];
  const list = outs
    .map((o) => `${o.name} (${o.isTensor ? `${o.type} ${shapeText(o.shape)}` : 'not a tensor'})`)
    .join(', ');
  const tensors = outs.filter((o) => o.isTensor);
  const isFloat = (o: TensorInfo) => o.type === 'float32' || o.type === 'float64';
  const label = tensors.find(
    (o) => ['int64', 'int32', 'string', 'bool'].includes(o.type!) && widthOf(o) === 1,
  );
  const task = options.task;
  const classesOf = (k: number, found?: Label[]): Label[] => {
    const fromMeta = info.metadata['classes'];
    let parsed: unknown;
    try {
      parsed = fromMeta ? JSON.parse(fromMeta) : undefined;
    } catch {}
    const classes =
      options.classes ??
      found ??
      classifierLabels(info) ??
      (Array.isArray(parsed) ? parsed : undefined) ??
      Array.from({ length: Math.max(k, 2) }, (_, i) => i);
    if (classes.length !== Math.max(k, 2))
      throw invalid(
        `the model answers ${Math.max(k, 2)} class probabilities per row; ${classes.length} class labels were given (${classes.join(', ')})`,
      );
    return classes;
  };
  const classifier = (k: number, outputs: OnnxOutputs, found?: Label[]): Decided => {
    if (task === 'binary' && k > 2)
      throw invalid(`task binary was given, but the model answers ${k} class probabilities per row`);
    return {
      task: task === 'binary' || task === 'multiclass' ? task : k <= 2 ? 'binary' : 'multiclass',
      outputs,
      classes: classesOf(k, found),
    };
  };

  if (task === 'regression' || task === 'ranking') {
    for (const o of tensors.filter(isFloat)) {
      const k = widthOf(o) ?? (await probe(o.name)).length / 8;
      if (k === 1) return { task, outputs: { value: o.name, transform: 'none' } };
    }
    throw invalid(`a ${task} model answers one number per row; this model's outputs are ${list}`);
  }
  const zip = zipMaps[0];
  if (zip)
    return classifier(
      zip.classes.length,
      { probabilities: zip.input, ...(label ? { label: label.name } : {}), transform: 'none' },
      zip.classes,
    );
  const out = tensors.find((o) => isFloat(o) && o !== label);
  if (!out)
    throw invalid(
      `the model answers no float tensor Lathe can read as predictions or probabilities; its outputs are ${list}`,
    );
  const values = await probe(out.name);
  const k = widthOf(out) ?? values.length / 8;
  const op = producerOp(info, out.name);
  const probabilities = looksLikeProbabilities(values, k);
  if (label && k >= 2)
    return classifier(k, {
      label: label.name,
      probabilities: out.name,
      transform: probabilities ? 'none' : 'softmax',
    });
  if (k === 1) {
    if (task === 'multiclass')
      throw invalid(`task multiclass was given, but output ${out.name} answers one number per row`);
    if (task === 'binary' || op === 'Sigmoid')
      return classifier(1, {
        probabilities: out.name,
        transform: op === 'Sigmoid' || probabilities ? 'none' : 'sigmoid',
      });
    return { task: 'regression', outputs: { value: out.name, transform: 'none' } };
  }
  if (task || op === 'Softmax' || probabilities)
    return classifier(k, {
      probabilities: out.name,
      transform: op === 'Softmax' || probabilities ? 'none' : 'softmax',
    });
  throw invalid(
    `output ${out.name} answers ${k} numbers per row that are not probabilities; Lathe reads one value per row (a regressor) or class probabilities. Give the task (multiclass or binary) to read them as class scores (softmax-normalised)`,
    { outputs: outs.map((o) => o.name) },
  );
}

/**
 * Reads an ONNX model and answers what its package keeps (see the file comment for the rules).
 * @throws LatheError MODEL_PACKAGE_INVALID for corrupt or truncated files, operators onnxruntime
 *   lacks, inputs Lathe cannot feed from columns, or outputs it cannot read.
 */
export async function inspectOnnx(
  source: ModelSource,
  options: InspectOptions = {},
): Promise<InspectedModel> {
  const found = onnxFile(source);
  if (!found)
    throw invalid(
      `${source.name}: expected one .onnx file; got ${[...source.files.keys()].slice(0, 5).join(', ') || 'no files'}`,
    );
  const bytes = found[1];
  let info: OnnxModelInfo;
  let runnable: Uint8Array;
  const zipMaps: ZipMapRemoval[] = [];
  try {
    info = readOnnxModel(bytes);
    zipMaps.push(...zipMapsOf(info));
    runnable = removeZipMaps(bytes, zipMaps);
  } catch (err) {
    if (!(err instanceof ProtoError)) throw err;
    throw invalid(
      `${source.name} is not a valid ONNX model (a protobuf ModelProto); it may be truncated or corrupt: ${err.message}`,
    );
  }
  const session = await createSession(source.name, runnable);
  try {
    const { columns, feeds, batch } = planInputs(
      session.inputMetadata as readonly TensorInfo[],
      info,
      options.signature,
    );
    const signature: ModelSignature = { inputs: columns, outputs: [] };
    const probeCols = probeColumns(signature, feeds);
    const probe = async (output: string) =>
      numbersOf((await runRows(session, feeds, probeCols, 8, batch, [output]))[output]!);
    const decided = await decideOutputs(session, info, zipMaps, probe, options).catch((err: unknown) => {
      if (isLatheError(err) && err.code === 'MODEL_INPUT_INVALID')
        throw invalid(`${source.name} failed on probe rows of neutral values: ${err.message}`);
      throw err;
    });
    const given = options.signature?.outputs;
    signature.outputs = given?.length
      ? given
      : [
          {
            name: 'prediction',
            type: decided.classes ? labelType(decided.classes) : 'double',
            required: true,
          },
        ];
    if (decided.classes) signature.classes = decided.classes;
    const ml = info.nodes.find(
      (n) => n.domain === 'ai.onnx.ml' && /(Classifier|Regressor)$/.test(n.opType),
    )?.opType;
    const opsets: Record<string, number> = {};
    for (const o of info.opsets) opsets[o.domain || 'ai.onnx'] = o.version;
    const meta: OnnxMeta = {
      file: 'model.onnx',
      inputs: feeds.map((f: TensorFeed) => ({
        tensor: f.tensor,
        type: f.type,
        rank: f.rank,
        columns: f.columns.map((c) => columns[c]!.name),
      })),
      batch,
      outputs: decided.outputs,
      zipMaps,
      modelInputs: [...session.inputNames],
      modelOutputs: [...info.outputs],
      producer: { name: info.producerName, version: info.producerVersion },
      irVersion: info.irVersion,
      opsets,
    };
    return {
      task: decided.task,
      signature,
      family: ['onnx', info.producerName, ml].filter(Boolean).join(' '),
      files: new Map([['model.onnx', bytes]]),
      meta: meta as unknown as Record<string, unknown>,
      params: {},
    };
  } finally {
    await session.release();
  }
}
