/**
 * Models trained on pandas DataFrames with `category` columns store each column's categories
 * (`pandas_categorical`); LightGBM's Python package turns values into their position in that list
 * (unknown values and missing ones become NaN) before predicting. Lathe does the same, so such a
 * model takes the category values themselves.
 */
import { LatheError } from '../../../core/index.js';
import type { ConformedBatch } from '../../conform.js';
import type { ModelSignature } from '../../signature.js';
import type { LightgbmModel } from './model-text.js';

/** Category values by feature index. */
export type FeatureCategories = Map<number, (string | number)[]>;

/** The feature indices LightGBM treated as categorical: the `categorical_feature` parameter. */
function categoricalIndices(model: LightgbmModel): number[] | undefined {
  const p = model.params['categorical_feature'];
  if (typeof p === 'number') return [p];
  if (typeof p !== 'string' || p.trim() === '') return undefined;
  const out = p.split(',').map((s) => Number(s.trim()));
  return out.every((i) => Number.isInteger(i) && i >= 0 && i < model.featureNames.length) ? out : undefined;
}

/**
 * The pandas categories of a model by feature, when the file says which features they belong to
 * (as many `categorical_feature` indices as category lists, in column order), else undefined: the
 * model then reads category codes.
 */
export function pandasCategories(model: LightgbmModel): FeatureCategories | undefined {
  const lists = model.pandasCategorical;
  if (!lists || lists.length === 0) return undefined;
  const indices = categoricalIndices(model);
  if (!indices || indices.length !== lists.length) return undefined;
  const out: FeatureCategories = new Map();
  for (const [i, list] of lists.entries()) {
    if (!list.every((v) => typeof v === 'string') && !list.every((v) => typeof v === 'number'))
      return undefined;
    out.set(indices[i]!, list as (string | number)[]);
  }
  return out;
}

/**
 * The feature matrix (`rows × features`, row-major) of a conformed batch, with the category
 * columns turned into their codes (unknown and missing values → NaN).
 * @throws LatheError MODEL_INPUT_INVALID for a string column the model does not read as categories.
 */
export function encodeCategories(
  signature: ModelSignature,
  batch: ConformedBatch,
  categories: FeatureCategories,
): Float64Array {
  const k = batch.columns.length;
  const out = new Float64Array(batch.rows * k);
  for (let j = 0; j < k; j++) {
    const col = batch.columns[j]!;
    const list = categories.get(j);
    const codes = list ? new Map<string | number, number>(list.map((v, c) => [v, c])) : undefined;
    for (let i = 0; i < batch.rows; i++) {
      const v = col[i];
      if (codes) out[i * k + j] = v === null || v === undefined ? Number.NaN : (codes.get(v) ?? Number.NaN);
      else if (typeof v === 'number') out[i * k + j] = v;
      else
        throw new LatheError('MODEL_INPUT_INVALID', `column ${signature.inputs[j]!.name} must be numeric`, {
          column: signature.inputs[j]!.name,
        });
    }
  }
  return out;
}
