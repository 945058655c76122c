/**
 * The one Predictor interface every model answers through (native packages today, imported
 * flavors later), and the native predictor: the fitted recipe applied row by row, then the model.
 */
import { LatheError } from '../core/index.js';
import { applyFittedRecipe } from '../data/index.js';
import { type FittedModel, loadFitted, type SavedModel } from '../ml/index.js';
import type { ModelManifest } from './package.js';
import { checkRequiredInputs, type ModelSignature } from './signature.js';

/** What a model answers for a batch of rows, in row order. */
export interface PredictionResult {
  /** The class label (classifiers) or the value (regressors) per row. */
  predictions: (string | number | boolean)[];
  /** Classifiers: per row, the probability of each class in `classes` order. */
  probabilities?: number[][];
  classes?: (string | number | boolean)[];
}

/** Everything about a model but its weights: the manifest without the array table. */
export type ModelMetadata = Omit<ModelManifest, 'model'> & { kind: string };

/** A loaded model, ready to predict. */
export interface Predictor {
  readonly signature: ModelSignature;
  readonly metadata: ModelMetadata;
  /**
   * Predicts rows given as objects keyed by input column. Columns the model does not read are
   * ignored; optional columns may be missing or null.
   * @throws LatheError MODEL_INPUT_INVALID when a row lacks a required column or holds a value of
   *   the wrong type.
   */
  predict(rows: readonly Record<string, unknown>[]): Promise<PredictionResult>;
}

/** Options of a native predictor. */
export interface NativePredictorOptions {
  /** The server's PII salt, for recipes that hash PII columns. */
  piiSalt?: string;
}

/** A model trained by Lathe, from its package. */
export class NativePredictor implements Predictor {
  readonly signature: ModelSignature;
  readonly metadata: ModelMetadata;
  /** The fitted estimator (matrix in, predictions out). */
  readonly model: FittedModel;

  constructor(
    manifest: ModelManifest,
    saved: SavedModel,
    private readonly options: NativePredictorOptions = {},
  ) {
    const { model: _arrays, ...rest } = manifest;
    this.signature = manifest.signature;
    this.metadata = { ...rest, kind: manifest.model.kind };
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
          row = applyFittedRecipe(recipe, row, {
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

  async predict(rows: readonly Record<string, unknown>[]): Promise<PredictionResult> {
    const X = { data: this.encode(rows), rows: rows.length, cols: this.metadata.features.length };
    const classes = this.signature.classes;
    if (this.metadata.task === 'regression') return { predictions: Array.from(this.model.predict(X)) };
    const p = this.model.predictProba!(X);
    const labels = classes ?? Array.from({ length: p.cols }, (_, i) => i);
    const predictions: (string | number | boolean)[] = [];
    const probabilities: number[][] = [];
    for (let r = 0; r < p.rows; r++) {
      const row: number[] = Array.from(p.data.subarray(r * p.cols, (r + 1) * p.cols));
      let best = 0;
      for (let c = 1; c < row.length; c++) if (row[c]! > row[best]!) best = c;
      predictions.push(labels[best]!);
      probabilities.push(row);
    }
    return { predictions, probabilities, classes: labels };
  }
}
