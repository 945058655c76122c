/**
 * The one Predictor interface every model answers through (native packages and imported flavors),
 * and the native predictor: the fitted recipe applied row by row, then the model.
 */
import { LatheError } from '../core/index.js';
import { type FittedModel, loadFitted, type SavedModel, type TreeEnsemble } from '../ml/index.js';
import {
  type ConformedBatch,
  type ConformOptions,
  conformBatch,
  type InputBatch,
  rowsToBatch,
} from './conform.js';
import type { ModelManifest } from './package.js';
import { checkRequiredInputs, type ModelSignature } from './signature.js';

type Label = string | number | boolean;

/** What a model answers for a batch of rows, in row order. */
export interface PredictionResult {
  /** The class label (classifiers) or the value (regressors, rankers) per row. */
  predictions: Label[];
  /** Classifiers: per row, the probability of each class in `classes` order. */
  probabilities?: number[][];
  classes?: Label[];
  /** What signature enforcement tolerated (ignored columns, coerced values). */
  warnings?: string[];
}

/** A batch prediction in columns: cheap to stream into a table. */
export interface BatchPrediction {
  rows: number;
  /** Labels (classifiers) or values (regressors) per row. */
  predictions: Float64Array | Label[];
  /** Classifiers: `rows × classes.length`, row-major. */
  probabilities?: Float64Array;
  classes?: Label[];
  warnings: string[];
}

/** Everything about a model but its weights: the manifest without the array and file tables. */
export type ModelMetadata = Omit<ModelManifest, 'model'> & { kind: string };

/** Per-call options of a predictor. */
export type PredictOptions = ConformOptions;

/** A loaded model, ready to predict. */
export interface Predictor {
  readonly signature: ModelSignature;
  readonly metadata: ModelMetadata;
  /**
   * Predicts rows given as objects keyed by input column. Columns the model does not read are
   * ignored with a warning; optional columns may be missing or null.
   * @throws LatheError MODEL_INPUT_INVALID when a row lacks a required column or holds a value of
   *   the wrong type.
   */
  predict(rows: readonly Record<string, unknown>[], options?: PredictOptions): Promise<PredictionResult>;
  /** As `predict`, for a batch given by column; answers columns. */
  predictBatch(batch: InputBatch, options?: PredictOptions): Promise<BatchPrediction>;
  /** The trees of tree models (for TreeSHAP), in the input columns' order. */
  treeEnsemble?(): TreeEnsemble;
  /**
   * Tree models: the `rows × treeEnsemble().cols` matrix (row-major) the trees read for `batch`,
   * after signature enforcement and any preprocessing, so callers can walk the trees themselves
   * (staged predictions, leaf indices).
   */
  treeInputs?(batch: InputBatch, options?: PredictOptions): Float64Array;
  /** Frees native resources (an inference session); the predictor is unusable afterwards. */
  close?(): Promise<void>;
}

/** A batch prediction as rows (what `predict` answers). */
export function predictionRows(p: BatchPrediction): PredictionResult {
  const predictions = Array.from(p.predictions as ArrayLike<Label>);
  const out: PredictionResult = { predictions };
  if (p.probabilities && p.classes) {
    const k = p.classes.length;
    const probabilities: number[][] = new Array(p.rows);
    for (let r = 0; r < p.rows; r++)
      probabilities[r] = Array.from(p.probabilities.subarray(r * k, (r + 1) * k));
    out.probabilities = probabilities;
    out.classes = p.classes;
  }
  if (p.warnings.length) out.warnings = p.warnings;
  return out;
}

/**
 * A prediction JSON can carry: NaN (a model that cannot handle the missing values it was sent)
 * becomes null, with a warning counting the rows.
 */
export function nanAsNull<T extends PredictionResult>(r: T): T {
  const nan = (v: unknown) => typeof v === 'number' && !Number.isFinite(v);
  const bad = r.predictions.map((p, i) => nan(p) || r.probabilities?.[i]?.some(nan) === true);
  const rows = bad.filter(Boolean).length;
  if (!rows) return r;
  return {
    ...r,
    // A class picked from NaN probabilities means nothing: null too.
    predictions: r.predictions.map((p, i) => (bad[i] ? null : p)),
    ...(r.probabilities
      ? { probabilities: r.probabilities.map((row) => row.map((v) => (nan(v) ? null : v))) }
      : {}),
    warnings: [
      ...(r.warnings ?? []),
      `the model answered NaN for ${rows} row${rows > 1 ? 's' : ''} (sent as null): it does not handle the missing values it was given`,
    ],
  } as T;
}

/**
 * Class labels from probabilities: the first class of highest probability in each row.
 */
export function argmaxLabels(probabilities: Float64Array, rows: number, classes: readonly Label[]): Label[] {
  const k = classes.length;
  const out: Label[] = new Array(rows);
  for (let r = 0; r < rows; r++) {
    let best = 0;
    for (let c = 1; c < k; c++) if (probabilities[r * k + c]! > probabilities[r * k + best]!) best = c;
    out[r] = classes[best]!;
  }
  return out;
}

/**
 * The shared half of every predictor: `predict(rows)` is `predictBatch` over the rows' columns.
 * Flavors implement `predictBatch` (conforming inputs with `conformBatch`).
 */
export abstract class BasePredictor implements Predictor {
  abstract readonly signature: ModelSignature;
  abstract readonly metadata: ModelMetadata;
  abstract predictBatch(batch: InputBatch, options?: PredictOptions): Promise<BatchPrediction>;

  async predict(
    rows: readonly Record<string, unknown>[],
    options: PredictOptions = {},
  ): Promise<PredictionResult> {
    return predictionRows(await this.predictBatch(rowsToBatch(rows), options));
  }
}

/** A fitted recipe's row path: the data module's `applyFittedRecipe`. */
export type RecipeRowPath = typeof import('../data/index.js').applyFittedRecipe;

/**
 * The row path of fitted recipes, loaded on first need: only packages with a recipe load the data
 * module (and its database clients), so worker threads predicting other models start lighter.
 */
export async function recipeRowPath(): Promise<RecipeRowPath> {
  return (await import('../data/index.js')).applyFittedRecipe;
}

/** Options of a native predictor. */
export interface NativePredictorOptions {
  /** The server's PII salt, for recipes that hash PII columns. */
  piiSalt?: string;
  /** The recipe row path ({@link recipeRowPath}); required when the package has a recipe. */
  applyRecipe?: RecipeRowPath;
}

/** A model trained by Lathe, from its package. */
export class NativePredictor extends BasePredictor {
  readonly signature: ModelSignature;
  readonly metadata: ModelMetadata;
  /** The fitted estimator (matrix in, predictions out). */
  readonly model: FittedModel;

  constructor(
    manifest: ModelManifest,
    saved: SavedModel,
    private readonly options: NativePredictorOptions = {},
  ) {
    super();
    const { model: _arrays, ...rest } = manifest;
    this.signature = manifest.signature;
    this.metadata = { ...rest, kind: manifest.model.kind };
    if (manifest.recipe && !options.applyRecipe)
      throw new LatheError(
        'MODEL_PACKAGE_INVALID',
        'this package has a recipe: load it with its row path (recipeRowPath)',
      );
    this.model = loadFitted(saved);
    if (this.model.cols !== manifest.features.length)
      throw new LatheError(
        'MODEL_PACKAGE_INVALID',
        `the model reads ${this.model.cols} features; the manifest lists ${manifest.features.length}`,
      );
  }

  /** The feature matrix of `rows`: the recipe applied row by row, nulls as NaN. */
  encode(rows: readonly Record<string, unknown>[]): Float64Array {
    checkRequiredInputs(this.signature, rows);
    const { features, recipe } = this.metadata;
    const k = features.length;
    const out = new Float64Array(rows.length * k);
    for (let i = 0; i < rows.length; i++) {
      let row: Record<string, unknown> | null = rows[i]!;
      if (recipe) {
        try {
          row = this.options.applyRecipe!(recipe, row, {
            ...(this.options.piiSalt ? { piiSalt: this.options.piiSalt } : {}),
            filter: 'keep',
          });
        } catch (err) {
          throw new LatheError('MODEL_INPUT_INVALID', `row ${i}: ${(err as Error).message}`, { row: i });
        }
      }
      for (let j = 0; j < k; j++) {
        const v = row?.[features[j]!];
        if (v === null || v === undefined) out[i * k + j] = Number.NaN;
        else if (typeof v === 'number') out[i * k + j] = v;
        else if (typeof v === 'boolean') out[i * k + j] = v ? 1 : 0;
        else
          throw new LatheError(
            'MODEL_INPUT_INVALID',
            `row ${i}: feature ${features[j]} must be a number after preprocessing; got ${JSON.stringify(v)}`,
            { row: i, column: features[j] },
          );
      }
    }
    return out;
  }

  async predictBatch(batch: InputBatch, options: PredictOptions = {}): Promise<BatchPrediction> {
    const conformed = conformBatch(this.signature, batch, options);
    const rows = conformedRows(this.signature, conformed);
    const X = { data: this.encode(rows), rows: rows.length, cols: this.metadata.features.length };
    const warnings = conformed.warnings;
    if (this.metadata.task === 'regression' || this.metadata.task === 'ranking')
      return { rows: X.rows, predictions: this.model.predict(X), warnings };
    const p = this.model.predictProba!(X);
    const classes = this.signature.classes ?? Array.from({ length: p.cols }, (_, i) => i);
    return {
      rows: X.rows,
      predictions: argmaxLabels(p.data, p.rows, classes),
      probabilities: p.data,
      classes,
      warnings,
    };
  }

  treeInputs(batch: InputBatch, options: PredictOptions = {}): Float64Array {
    return this.encode(conformedRows(this.signature, conformBatch(this.signature, batch, options)));
  }

  treeEnsemble(): TreeEnsemble {
    const ens = this.model.treeEnsemble?.();
    if (!ens) throw new LatheError('INVALID_ARGUMENT', `a ${this.metadata.kind} model has no trees`);
    return ens;
  }
}

/** Conformed columns back as rows of raw values (NaN → null, booleans as booleans), for recipes. */
function conformedRows(signature: ModelSignature, batch: ConformedBatch): Record<string, unknown>[] {
  const rows: Record<string, unknown>[] = new Array(batch.rows);
  for (let i = 0; i < batch.rows; i++) rows[i] = {};
  signature.inputs.forEach((spec, j) => {
    const col = batch.columns[j]!;
    for (let i = 0; i < batch.rows; i++) {
      const v = col[i]!;
      rows[i]![spec.name] =
        typeof v === 'number' ? (Number.isNaN(v) ? null : spec.type === 'boolean' ? v === 1 : v) : v;
    }
  });
  return rows;
}
