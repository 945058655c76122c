/**
 * The LightGBM flavor: a text model saved by `booster.save_model('model.txt')` (or the CLI's
 * `output_model`), evaluated in TypeScript exactly as LightGBM predicts. Stored as `model.txt`.
 */
import { LatheError } from '../../../core/index.js';
import type { TreeEnsemble } from '../../../ml/index.js';
import { type ConformOptions, conformBatch, conformedMatrix, type InputBatch } from '../../conform.js';
import type { ModelManifest, ModelTask, ReadPackage } from '../../package.js';
import { argmaxLabels, BasePredictor, type BatchPrediction, type ModelMetadata } from '../../predictor.js';
import type { ColumnSpec, ModelSignature } from '../../signature.js';
import type { InspectedModel, InspectOptions, ModelFlavor, ModelSource } from '../flavor.js';
import { predictScores } from './evaluate.js';
import { lightgbmEnsemble } from './lgb-ensemble.js';
import { type LightgbmModel, looksLikeLightgbm, parseModelText } from './model-text.js';
import { encodeCategories, type FeatureCategories, pandasCategories } from './pandas-categories.js';

/** The file name a LightGBM model is kept under in a package. */
export const LIGHTGBM_MODEL_FILE = 'model.txt';

type Label = string | number | boolean;

function invalid(message: string, details?: Record<string, unknown>): LatheError {
  return new LatheError('MODEL_PACKAGE_INVALID', message, details);
}

/** The one file of a source that holds the model, preferring `model.txt`. */
function modelFile(source: ModelSource): [string, Uint8Array] | undefined {
  const own = source.files.get(LIGHTGBM_MODEL_FILE);
  if (own) return [LIGHTGBM_MODEL_FILE, own];
  if (source.files.size !== 1) return undefined;
  return [...source.files][0];
}

function headText(bytes: Uint8Array): string {
  return new TextDecoder('utf-8', { fatal: false }).decode(bytes.subarray(0, 4096));
}

/** Decodes the model text, refusing bytes that are not UTF-8 text. */
function decode(name: string, bytes: Uint8Array): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw invalid(
      `${name} is not UTF-8 text; a LightGBM model is the text file of booster.save_model('model.txt')`,
    );
  }
}

/** What the task of a model is, and its class labels (in probability order). */
function taskOf(model: LightgbmModel, options: InspectOptions): { task: ModelTask; classes?: Label[] } {
  const task = model.objective.task;
  if (task !== 'binary' && task !== 'multiclass') return { task };
  const k = task === 'binary' ? 2 : model.numClass;
  const classes = options.classes ?? options.signature?.classes ?? Array.from({ length: k }, (_, i) => i);
  if (classes.length !== k)
    throw invalid(
      `the model has ${k} classes; ${classes.length} class labels were given (${classes.join(', ')})`,
    );
  return { task, classes };
}

/**
 * The signature: the model's features in its order, as doubles, or strings for pandas category
 * columns of strings (a given signature's names and types are kept when it names the same
 * features, or as many in the same order).
 */
function signatureOf(
  model: LightgbmModel,
  classes: Label[] | undefined,
  given?: ModelSignature,
): ModelSignature {
  const names = model.featureNames;
  const categories = pandasCategories(model);
  const stringy = (j: number) => typeof categories?.get(j)?.[0] === 'string';
  let inputs: ColumnSpec[] = names.map((name, j) => ({
    name,
    type: stringy(j) ? 'string' : 'double',
    required: true,
  }));
  if (given) {
    const byName = new Map(given.inputs.map((c) => [c.name, c]));
    const numeric = (c: ColumnSpec) => ['double', 'float', 'integer', 'long', 'boolean'].includes(c.type);
    if (names.every((n) => byName.has(n))) inputs = names.map((n) => ({ ...byName.get(n)!, required: true }));
    else if (given.inputs.length === names.length)
      inputs = given.inputs.map((c) => ({ ...c, required: true }));
    else
      throw invalid(
        `the given signature names ${given.inputs.map((c) => c.name).join(', ')}; the model reads ${names.join(', ')}`,
      );
    const bad = inputs.filter((c, j) => (stringy(j) ? c.type !== 'string' : !numeric(c)));
    if (bad.length)
      throw invalid(
        `a LightGBM model reads numbers (strings for pandas category columns); the signature gives ${bad.map((c) => `${c.name} (${c.type})`).join(', ')}`,
      );
  }
  const outputs: ColumnSpec[] = given?.outputs.length
    ? given.outputs
    : [
        {
          name: 'prediction',
          type: classes ? (typeof classes[0] === 'string' ? 'string' : 'long') : 'double',
          required: true,
        },
      ];
  return { inputs, outputs, ...(classes ? { classes } : {}) };
}

function familyOf(model: LightgbmModel): string {
  const boosting =
    typeof model.params['boosting'] === 'string'
      ? model.params['boosting']
      : model.averageOutput
        ? 'rf'
        : 'gbdt';
  return `lightgbm ${boosting} ${model.objective.name}`;
}

/** A loaded LightGBM model. */
export class LightgbmPredictor extends BasePredictor {
  readonly signature: ModelSignature;
  readonly metadata: ModelMetadata;
  private ensemble: TreeEnsemble | undefined;
  private readonly categories: FeatureCategories | undefined;

  /** @param model the parsed model; `manifest` its package's manifest. */
  constructor(
    readonly model: LightgbmModel,
    manifest: ModelManifest,
  ) {
    super();
    const { model: _files, ...rest } = manifest;
    this.signature = manifest.signature;
    this.metadata = { ...rest, kind: manifest.model.kind };
    this.categories = pandasCategories(model);
    if (this.signature.inputs.length !== model.featureNames.length)
      throw invalid(
        `the manifest lists ${this.signature.inputs.length} inputs; the model reads ${model.featureNames.length} features`,
      );
  }

  treeInputs(batch: InputBatch, options: ConformOptions = {}): Float64Array {
    const conformed = conformBatch(this.signature, batch, options);
    return this.categories
      ? encodeCategories(this.signature, conformed, this.categories)
      : conformedMatrix(this.signature, conformed);
  }

  async predictBatch(batch: InputBatch, options: ConformOptions = {}): Promise<BatchPrediction> {
    const conformed = conformBatch(this.signature, batch, options);
    const x = this.categories
      ? encodeCategories(this.signature, conformed, this.categories)
      : conformedMatrix(this.signature, conformed);
    const rows = conformed.rows;
    const scores = predictScores(this.model, x, rows);
    const warnings = conformed.warnings;
    const classes = this.signature.classes;
    const task = this.metadata.task;
    if ((task !== 'binary' && task !== 'multiclass') || !classes)
      return { rows, predictions: scores, warnings };
    let probabilities = scores;
    if (task === 'binary') {
      probabilities = new Float64Array(rows * 2);
      for (let r = 0; r < rows; r++) {
        probabilities[2 * r] = 1 - scores[r]!;
        probabilities[2 * r + 1] = scores[r]!;
      }
    }
    return {
      rows,
      predictions: argmaxLabels(probabilities, rows, classes),
      probabilities,
      classes,
      warnings,
    };
  }

  /** The trees for TreeSHAP (raw-score space; see {@link lightgbmEnsemble}). */
  treeEnsemble(): TreeEnsemble {
    this.ensemble ??= lightgbmEnsemble(this.model);
    return this.ensemble;
  }
}

/** LightGBM's text model format. */
export const lightgbmFlavor: ModelFlavor = {
  name: 'lightgbm',
  summary: "a LightGBM text model (booster.save_model('model.txt'))",
  detect(source) {
    const file = modelFile(source);
    return file !== undefined && looksLikeLightgbm(headText(file[1]));
  },
  async inspect(source, options = {}): Promise<InspectedModel> {
    const file = modelFile(source);
    if (!file)
      throw invalid(
        `${source.name}: expected one LightGBM text model (model.txt); got ${[...source.files.keys()].slice(0, 5).join(', ')}`,
      );
    const model = parseModelText(decode(file[0], file[1]));
    const { task, classes } = taskOf(model, options);
    if (options.task && options.task !== task)
      throw invalid(
        `the model's objective ${model.objective.name} answers ${task}; ${options.task} was asked for`,
      );
    return {
      task,
      signature: signatureOf(model, classes, options.signature),
      family: familyOf(model),
      files: new Map([[LIGHTGBM_MODEL_FILE, file[1]]]),
      meta: {
        version: model.version,
        objective: model.objective.name,
        trees: model.trees,
        treesPerIteration: model.treesPerIteration,
        averageOutput: model.averageOutput,
        ...(model.pandasCategorical ? { pandasCategorical: model.pandasCategorical } : {}),
      },
      params: model.params,
    };
  },
  async load(pkg: ReadPackage) {
    const bytes = pkg.files.get(LIGHTGBM_MODEL_FILE);
    if (!bytes)
      throw invalid(
        `the package has no ${LIGHTGBM_MODEL_FILE}; it holds ${[...pkg.files.keys()].join(', ')}`,
      );
    return new LightgbmPredictor(parseModelText(decode(LIGHTGBM_MODEL_FILE, bytes)), pkg.manifest);
  },
};
