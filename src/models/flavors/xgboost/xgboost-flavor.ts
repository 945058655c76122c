/**
 * The xgboost flavor: a model saved by XGBoost's `save_model` as JSON (`model.json`) or UBJSON
 * (`model.ubj`), evaluated by Lathe's own TypeScript tree walker (no XGBoost library needed).
 */
import { LatheError } from '../../../core/index.js';
import type { ColumnSpec, ModelSignature } from '../../signature.js';
import type { InspectedModel, InspectOptions, ModelFlavor, ModelSource } from '../flavor.js';
import {
  decodeModelDocument,
  isUbjsonModel,
  parseNonFiniteJson,
  readXgbModel,
  type XgbModel,
} from './model.js';
import { XgboostPredictor } from './xgboost-predictor.js';

/** The file names a package keeps the model under. */
const jsonFile = 'model.json';
const ubjFile = 'model.ubj';

const jsonHead = /^\s*\{\s*(?:"version"\s*:\s*\[[^\]]*\]\s*,\s*)?"learner"\s*:/;

/** True for the bytes of an XGBoost JSON or UBJSON model (cheap: the first bytes only). */
function looksLikeModel(name: string, bytes: Uint8Array): boolean {
  if (isUbjsonModel(bytes)) return /\.(ubj|json|xgb|model)$/i.test(name) || name.indexOf('.') < 0;
  if (!/\.(json|xgb|model)$/i.test(name) && name.indexOf('.') >= 0) return false;
  const head = new TextDecoder('latin1').decode(bytes.subarray(0, 256));
  return jsonHead.test(head);
}

function theFile(source: ModelSource): [string, Uint8Array] {
  if (source.files.size !== 1)
    throw new LatheError(
      'MODEL_PACKAGE_INVALID',
      `an XGBoost model is one file (model.json or model.ubj); ${source.name} holds ${source.files.size} files`,
    );
  return [...source.files][0]!;
}

/** Reads a model file's bytes. */
export function parseXgboostModel(bytes: Uint8Array): XgbModel {
  return readXgbModel(decodeModelDocument(bytes));
}

/** The signature of a model: its feature names (or f0..fN-1), categorical features as integer codes. */
function signatureOf(model: XgbModel, options: InspectOptions): ModelSignature {
  const names = model.featureNames.length
    ? model.featureNames
    : Array.from({ length: model.numFeature }, (_, i) => `f${i}`);
  const task = model.objective.task;
  let inputs: ColumnSpec[] = names.map((name, i) => ({
    name,
    type: model.featureTypes[i] === 'c' ? 'integer' : 'double',
    required: true,
  }));
  const given = options.signature;
  if (given) {
    const byName = new Map(given.inputs.map((c) => [c.name, c]));
    if (model.featureNames.length && names.every((n) => byName.has(n)))
      inputs = names.map((n) => byName.get(n)!);
    else if (given.inputs.length === model.numFeature) inputs = given.inputs;
    else
      throw new LatheError(
        'MODEL_PACKAGE_INVALID',
        `the given signature lists ${given.inputs.length} inputs (${given.inputs.map((c) => c.name).join(', ')}); the XGBoost model reads ${model.numFeature} features${model.featureNames.length ? ` (${names.join(', ')})` : ''}`,
      );
  }
  const text = inputs.find((c) => c.type === 'string' || c.type === 'binary' || c.type === 'datetime');
  if (text)
    throw new LatheError(
      'MODEL_PACKAGE_INVALID',
      `the given signature makes column ${text.name} a ${text.type}; an XGBoost model reads numbers (send categories as their integer codes)`,
    );
  const k = task === 'binary' ? 2 : model.groups;
  const classification = task === 'binary' || task === 'multiclass';
  const classes =
    options.classes ??
    given?.classes ??
    (classification ? Array.from({ length: k }, (_, i) => i) : undefined);
  if (classification && classes!.length !== k)
    throw new LatheError(
      'MODEL_PACKAGE_INVALID',
      `the XGBoost model answers ${k} classes; ${classes!.length} class labels were given`,
    );
  const outputs: ColumnSpec[] = given?.outputs.length
    ? given.outputs
    : [
        {
          name: 'prediction',
          type: classification ? (typeof classes![0] === 'string' ? 'string' : 'long') : 'double',
          required: true,
        },
      ];
  return { inputs, outputs, ...(classification ? { classes: classes! } : {}) };
}

/**
 * The hyperparameters the scikit-learn wrapper (XGBClassifier…) stores in the `scikit_learn`
 * attribute: those that were set (not null), numbers, strings and booleans only.
 */
function sklearnParams(attribute: string | undefined): Record<string, unknown> {
  if (!attribute) return {};
  let parsed: unknown;
  try {
    parsed = parseNonFiniteJson(attribute);
  } catch {
    return {};
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return {};
  return Object.fromEntries(
    Object.entries(parsed).filter(
      ([k, v]) =>
        !k.startsWith('_') &&
        !k.endsWith('_') &&
        (typeof v === 'number' || typeof v === 'string' || typeof v === 'boolean'),
    ),
  );
}

/** XGBoost models saved with `save_model` (JSON or UBJSON), evaluated in TypeScript. */
export const xgboostFlavor: ModelFlavor = {
  name: 'xgboost',
  summary:
    'an XGBoost model saved with save_model as JSON (model.json) or UBJSON (model.ubj): gbtree or dart',
  detect(source) {
    if (source.files.size !== 1) return false;
    const [name, bytes] = [...source.files][0]!;
    return looksLikeModel(name, bytes);
  },
  async inspect(source, options = {}): Promise<InspectedModel> {
    const [, bytes] = theFile(source);
    const model = parseXgboostModel(bytes);
    if (options.task && options.task !== model.objective.task)
      throw new LatheError(
        'MODEL_PACKAGE_INVALID',
        `the XGBoost objective ${model.objective.name} makes a ${model.objective.task} model; ${options.task} was asked for`,
      );
    const ubj = isUbjsonModel(bytes);
    const file = ubj ? ubjFile : jsonFile;
    const trees = model.trees.treeStart.length - 1;
    return {
      task: model.objective.task,
      signature: signatureOf(model, options),
      family: `xgboost ${model.booster} ${model.objective.name}`,
      files: new Map([[file, bytes]]),
      meta: {
        file,
        format: ubj ? 'ubj' : 'json',
        booster: model.booster,
        objective: model.objective.name,
        features: model.numFeature,
        groups: model.groups,
        trees,
        xgboostVersion: model.version.join('.'),
      },
      params: {
        booster: model.booster,
        objective: model.objective.name,
        num_feature: model.numFeature,
        ...(model.groups > 1 ? { num_class: model.groups } : {}),
        base_score: model.baseScore.length === 1 ? model.baseScore[0]! : model.baseScore,
        trees,
        ...sklearnParams(model.attributes['scikit_learn']),
        ...Object.fromEntries(Object.entries(model.attributes).filter(([k]) => k !== 'scikit_learn')),
      },
    };
  },
  async load(pkg) {
    const meta = pkg.manifest.model.meta;
    const file =
      typeof meta['file'] === 'string' ? meta['file'] : pkg.files.has(ubjFile) ? ubjFile : jsonFile;
    const bytes = pkg.files.get(file);
    if (!bytes)
      throw new LatheError(
        'MODEL_PACKAGE_INVALID',
        `the xgboost package lacks ${file}; it holds ${[...pkg.files.keys()].join(', ') || 'no files'}`,
      );
    return new XgboostPredictor(parseXgboostModel(bytes), pkg.manifest);
  },
};
