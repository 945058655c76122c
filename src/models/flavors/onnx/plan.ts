/**
 * How an ONNX model's tensors map to Lathe's signature columns, decided once on import and kept
 * in the package's `model.meta` (see {@link OnnxMeta}):
 *
 * - Inputs, in the model's order: a `[batch]` or `[batch, 1]` tensor is one column named after
 *   the input; a `[batch, n]` tensor is n columns named from the user's signature, else (for a
 *   model's only input) from `metadata_props` `feature_names` / `columns` (a JSON array or
 *   comma-separated), else `x0..x{n-1}` (`<input>_0..` when there are several inputs).
 *   float tensors read `double` columns, int64 `long`, int32 `integer`, bool `boolean`, string
 *   `string`.
 * - A user signature either names each single-column input (any order) or gives every column in
 *   tensor order.
 */
import { LatheError } from '../../../core/index.js';
import type { ColumnSpec, ColumnType, ModelSignature } from '../../signature.js';
import type { OnnxModelInfo, ZipMapRemoval } from './proto.js';
import { type InputElementType, inputElementTypes, type TensorFeed } from './session.js';

/** What `inspect` stores in `model.meta` and `load` reads back. */
export interface OnnxMeta {
  /** The model file inside the package. */
  file: string;
  /** Input tensors and the signature columns each is built from (by name, in tensor order). */
  inputs: { tensor: string; type: InputElementType; rank: 1 | 2; columns: string[] }[];
  /** `dynamic`: rows go in one run; `single`: the model's batch axis is fixed at 1, rows run one by one. */
  batch: 'dynamic' | 'single';
  outputs: OnnxOutputs;
  /** ZipMap nodes removed before loading (onnxruntime-node answers tensors only). */
  zipMaps: ZipMapRemoval[];
  /** The model's own input and output names, as exported. */
  modelInputs: string[];
  modelOutputs: string[];
  producer: { name: string; version: string };
  irVersion: number;
  opsets: Record<string, number>;
}

/** Which outputs answer what. */
export interface OnnxOutputs {
  /** Regressors and rankers: the `[batch]` / `[batch, 1]` value tensor. */
  value?: string;
  /** Classifiers: the label tensor, when the model has one (else the most probable class). */
  label?: string;
  /** Classifiers: the `[batch, k]` probability (or score) tensor. */
  probabilities?: string;
  /**
   * How `probabilities` becomes probabilities: `none` (already are), `softmax` (scores / logits),
   * `sigmoid` (one logit). With one column, it is the probability of the second class.
   */
  transform: 'none' | 'softmax' | 'sigmoid';
}

/** An input or output as onnxruntime describes it. */
export interface TensorInfo {
  name: string;
  isTensor: boolean;
  type?: string;
  shape?: readonly (number | string)[];
}

export function invalid(message: string, details?: Record<string, unknown>): LatheError {
  return new LatheError('MODEL_PACKAGE_INVALID', message, details);
}

const columnTypes: Record<InputElementType, ColumnType> = {
  float32: 'double',
  float64: 'double',
  int64: 'long',
  int32: 'integer',
  bool: 'boolean',
  string: 'string',
};

/** A shape for messages: `[batch, 8]`. */
export function shapeText(shape: readonly (number | string)[] | undefined): string {
  return `[${(shape ?? []).map((d) => (typeof d === 'number' && d >= 0 ? d : d || '?')).join(', ')}]`;
}

/** The columns per row of a `[batch]` / `[batch, n]` tensor; undefined when n is not fixed. */
export function widthOf(t: TensorInfo): number | undefined {
  const shape = t.shape ?? [];
  if (shape.length === 1) return 1;
  if (shape.length === 2 && typeof shape[1] === 'number' && shape[1] > 0) return shape[1];
  return undefined;
}

function featureNames(info: OnnxModelInfo, n: number): string[] | undefined {
  for (const key of ['feature_names', 'columns', 'lathe.columns']) {
    const raw = info.metadata[key];
    if (raw === undefined) continue;
    let names: unknown;
    try {
      names = JSON.parse(raw);
    } catch {
      names = raw.split(',').map((s) => s.trim());
    }
    if (Array.isArray(names) && names.length === n && names.every((s) => typeof s === 'string' && s))
      return names;
  }
  return undefined;
}

/**
 * The signature inputs of a model's input tensors, and the feeds that build the tensors from them.
 * @throws LatheError MODEL_PACKAGE_INVALID for inputs Lathe cannot feed from table columns
 *   (images, sequences, unknown widths, unsupported element types) or a signature that does not fit.
 */
export function planInputs(
  inputs: readonly TensorInfo[],
  info: OnnxModelInfo,
  signature?: ModelSignature,
): { columns: ColumnSpec[]; feeds: TensorFeed[]; batch: 'dynamic' | 'single' } {
  if (!inputs.length) throw invalid('the ONNX model has no inputs to feed');
  let batch: 'dynamic' | 'single' = 'dynamic';
  const given = signature?.inputs.length ? signature.inputs : undefined;
  const widths = inputs.map((t) => {
    const desc = `input ${t.name} ${t.isTensor ? `(${t.type} ${shapeText(t.shape)})` : '(not a tensor)'}`;
    if (!t.isTensor || !inputElementTypes.includes(t.type as InputElementType))
      throw invalid(`${desc}: Lathe feeds tensors of ${inputElementTypes.join(', ')} from table columns`, {
        input: t.name,
      });
    const shape = t.shape ?? [];
    if (shape.length < 1 || shape.length > 2)
      throw invalid(
        `${desc}: Lathe reads tabular models, whose inputs are [batch] or [batch, columns]; images and sequences are not supported`,
        { input: t.name },
      );
    const b = shape[0];
    if (typeof b === 'number' && b > 1)
      throw invalid(`${desc}: the batch axis is fixed at ${b}; export the model with a dynamic batch axis`, {
        input: t.name,
      });
    if (b === 1) batch = 'single';
    const w = widthOf(t) ?? (inputs.length === 1 && given ? given.length : undefined);
    if (w === undefined)
      throw invalid(`${desc}: the number of columns is not fixed; give a signature listing the columns`, {
        input: t.name,
      });
    return w;
  });
  const total = widths.reduce((a, b) => a + b, 0);
  if (given && given.length !== total)
    throw invalid(
      `the signature lists ${given.length} input columns (${given.map((c) => c.name).join(', ')}); the model reads ${total}: ${inputs.map((t, i) => `${t.name} (${widths[i]})`).join(', ')}`,
    );
  const byName =
    given && widths.every((w) => w === 1) && inputs.every((t) => given.some((c) => c.name === t.name));
  const columns: ColumnSpec[] = [];
  const slots: { spec: ColumnSpec; type: InputElementType }[][] = inputs.map(() => []);
  let at = 0;
  inputs.forEach((t, i) => {
    const type = t.type as InputElementType;
    const w = widths[i]!;
    const names =
      w === 1
        ? [t.name]
        : inputs.length === 1
          ? (featureNames(info, w) ?? Array.from({ length: w }, (_, j) => `x${j}`))
          : Array.from({ length: w }, (_, j) => `${t.name}_${j}`);
    for (let j = 0; j < w; j++) {
      const user = byName ? given!.find((c) => c.name === t.name)! : given?.[at];
      at++;
      const spec: ColumnSpec = user
        ? { name: user.name, type: user.type, required: user.required }
        : { name: names[j]!, type: columnTypes[type], required: true };
      const textual = spec.type === 'string' || spec.type === 'binary' || spec.type === 'datetime';
      if (textual !== (type === 'string'))
        throw invalid(
          `the signature gives column ${spec.name} the type ${spec.type}, but the model reads it into ${t.name}, a ${type} tensor`,
        );
      slots[i]!.push({ spec, type });
    }
  });
  // Signature order: the user's when naming inputs, else tensor order.
  const ordered = byName
    ? given!.map((c) => slots.flat().find((s) => s.spec.name === c.name)!.spec)
    : slots.flat().map((s) => s.spec);
  columns.push(...ordered);
  const seen = new Set<string>();
  for (const c of columns) {
    if (seen.has(c.name))
      throw invalid(`two input columns are named ${c.name}; give a signature with distinct column names`);
    seen.add(c.name);
  }
  const feeds = inputs.map(
    (t, i): TensorFeed => ({
      tensor: t.name,
      type: t.type as InputElementType,
      rank: (t.shape ?? []).length === 1 ? 1 : 2,
      columns: slots[i]!.map((s) => columns.indexOf(s.spec)),
    }),
  );
  return { columns, feeds, batch };
}

/**
 * The feeds of stored `meta.inputs` over a signature.
 * @throws LatheError MODEL_PACKAGE_INVALID when a column the meta names is not in the signature.
 */
export function feedsFromMeta(meta: OnnxMeta, signature: ModelSignature): TensorFeed[] {
  const names = signature.inputs.map((c) => c.name);
  return meta.inputs.map((t) => ({
    tensor: t.tensor,
    type: t.type,
    rank: t.rank,
    columns: t.columns.map((c) => {
      const at = names.indexOf(c);
      if (at < 0) throw invalid(`the package feeds ${t.tensor} from column ${c}, which its signature lacks`);
      return at;
    }),
  }));
}

/** The op that produces a value, looking through Identity and Cast nodes. */
export function producerOp(info: OnnxModelInfo, name: string): string | undefined {
  for (let hops = 0; hops < 8; hops++) {
    const node = info.nodes.find((n) => n.outputs.includes(name));
    if (!node) return undefined;
    if (node.opType !== 'Identity' && node.opType !== 'Cast') return node.opType;
    name = node.inputs[0] ?? '';
  }
  return undefined;
}

/** Class labels stored by an ai.onnx.ml classifier node (LinearClassifier, TreeEnsembleClassifier…). */
export function classifierLabels(info: OnnxModelInfo): (string | number)[] | undefined {
  for (const node of info.nodes) {
    if (node.domain !== 'ai.onnx.ml' || !node.opType.endsWith('Classifier')) continue;
    const strings = node.attributes.get('classlabels_strings')?.strings ?? [];
    if (strings.length) return strings;
    const ints =
      node.attributes.get('classlabels_ints')?.ints ?? node.attributes.get('classlabels_int64s')?.ints ?? [];
    if (ints.length) return ints;
  }
  return undefined;
}

/** The signature type of class labels. */
export function labelType(classes: readonly (string | number | boolean)[]): ColumnType {
  if (classes.every((c) => typeof c === 'boolean')) return 'boolean';
  if (classes.every((c) => typeof c === 'number'))
    return classes.every((c) => Number.isInteger(c)) ? 'long' : 'double';
  return 'string';
}
