/**
 * The Predictor of an imported XGBoost model: signature enforcement, then the TypeScript tree
 * evaluator. Classifiers answer class probabilities and the most probable class; regressors their
 * value (after the objective's link: `exp` for count:poisson, reg:gamma, reg:tweedie; logistic
 * for reg:logistic); rankers the raw score.
 */
import { LatheError } from '../../../core/index.js';
import type { TreeEnsemble } from '../../../ml/index.js';
import { conformBatch, conformedColumns, conformedMatrix, type InputBatch } from '../../conform.js';
import type { ModelManifest } from '../../package.js';
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
import { xgbTreeEnsemble } from './ensemble.js';
import { xgbMargins } from './evaluate.js';
import type { XgbModel } from './model.js';
import { softmaxRow } from '../../../ml/index.js';

/** A loaded XGBoost model. */
export class XgboostPredictor extends BasePredictor {
  readonly signature: ModelSignature;
  readonly metadata: ModelMetadata;
  private ensemble: TreeEnsemble | undefined;
  /** Input column → matrix column, and which inputs are integers (for the fast row path). */
  private readonly columnIndex: Map<string, number>;
  private readonly integerColumn: Uint8Array;

  constructor(
    /** The parsed model the evaluator walks. */
    readonly model: XgbModel,
    manifest: ModelManifest,
  ) {
    super();
    const { model: _files, ...rest } = manifest;
    this.signature = manifest.signature;
    this.metadata = { ...rest, kind: manifest.model.kind };
    if (manifest.signature.inputs.length !== model.numFeature)
      throw new LatheError(
        'MODEL_PACKAGE_INVALID',
        `the XGBoost model reads ${model.numFeature} features; the signature lists ${manifest.signature.inputs.length} inputs`,
      );
    this.columnIndex = new Map(manifest.signature.inputs.map((c, j) => [c.name, j]));
    this.integerColumn = Uint8Array.from(manifest.signature.inputs, (c) =>
      c.type === 'integer' || c.type === 'long' ? 1 : 0,
    );
    const k = model.objective.task === 'binary' ? 2 : model.groups;
    if (model.objective.task === 'binary' || model.objective.task === 'multiclass') {
      const classes = manifest.signature.classes;
      if (classes && classes.length !== k)
        throw new LatheError(
          'MODEL_PACKAGE_INVALID',
          `the XGBoost model answers ${k} classes; the signature lists ${classes.length}`,
        );
    }
  }

  /**
   * Rows holding exactly the model's numeric columns (numbers or null) skip the column batch and
   * go straight to the matrix, as `conformBatch` would pass them unchanged; any other rows take
   * the full path, which checks them and explains what is wrong.
   */
  override async predict(
    rows: readonly Record<string, unknown>[],
    options: PredictOptions = {},
  ): Promise<PredictionResult> {
    const x = this.plainRows(rows);
    if (!x) return super.predict(rows, options);
    const margin = xgbMargins(this.model, x, rows.length);
    return predictionRows({ rows: rows.length, ...this.fromMargins(margin, rows.length), warnings: [] });
  }

  /** The feature matrix of `rows` when every row has exactly the input columns, numbers or null. */
  private plainRows(rows: readonly unknown[]): Float64Array | undefined {
    if (!Array.isArray(rows)) return undefined;
    const k = this.columnIndex.size;
    const x = new Float64Array(rows.length * k);
    for (let r = 0; r < rows.length; r++) {
      const row = rows[r];
      if (typeof row !== 'object' || row === null || Array.isArray(row)) return undefined;
      const keys = Object.keys(row);
      if (keys.length !== k) return undefined;
      for (const key of keys) {
        const j = this.columnIndex.get(key);
        if (j === undefined) return undefined;
        const v = (row as Record<string, unknown>)[key];
        if (v === null) x[r * k + j] = Number.NaN;
        else if (
          typeof v === 'number' &&
          (this.integerColumn[j] === 0 || Number.isInteger(v) || !Number.isFinite(v))
        )
          x[r * k + j] = v;
        else return undefined;
      }
    }
    return x;
  }

  async predictBatch(batch: InputBatch, options: PredictOptions = {}): Promise<BatchPrediction> {
    const conformed = conformBatch(this.signature, batch, options);
    const rows = conformed.rows;
    // The evaluator reads the columns as they are: no row-major copy of the batch.
    const margin = xgbMargins(this.model, conformedColumns(this.signature, conformed), rows);
    return { rows, ...this.fromMargins(margin, rows), warnings: conformed.warnings };
  }

  /** Predictions (and probabilities) from XGBoost's margins. */
  private fromMargins(margin: Float32Array, rows: number): Omit<BatchPrediction, 'rows' | 'warnings'> {
    const { task, transform } = this.model.objective;
    if (task === 'regression' || task === 'ranking') {
      const out = new Float64Array(rows);
      for (let r = 0; r < rows; r++) {
        const m = margin[r]!;
        out[r] = transform === 'exp' ? Math.exp(m) : transform === 'logistic' ? 1 / (1 + Math.exp(-m)) : m;
      }
      return { predictions: out };
    }
    const classes =
      this.signature.classes ??
      Array.from({ length: task === 'binary' ? 2 : this.model.groups }, (_, i) => i);
    const k = classes.length;
    const probabilities = new Float64Array(rows * k);
    if (task === 'binary')
      for (let r = 0; r < rows; r++) {
        const m = margin[r]!;
        const p = transform === 'hinge' ? (m > 0 ? 1 : 0) : 1 / (1 + Math.exp(-m));
        probabilities[r * 2] = 1 - p;
        probabilities[r * 2 + 1] = p;
      }
    else {
      for (let i = 0; i < probabilities.length; i++) probabilities[i] = margin[i]!;
      for (let r = 0; r < rows; r++) softmaxRow(probabilities, r * k, k);
    }
    return { predictions: argmaxLabels(probabilities, rows, classes), probabilities, classes };
  }

  treeInputs(batch: InputBatch, options: PredictOptions = {}): Float64Array {
    return conformedMatrix(this.signature, conformBatch(this.signature, batch, options));
  }

  /** The trees as a TreeEnsemble over the signature's inputs; its raw outputs are XGBoost's margins. */
  treeEnsemble(): TreeEnsemble {
    this.ensemble ??= xgbTreeEnsemble(this.model);
    return this.ensemble;
  }
}
