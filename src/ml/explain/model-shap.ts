/**
 * SHAP values of any FittedModel with the best explainer it allows: exact TreeSHAP for tree models,
 * permutation SHAP otherwise.
 */
import type { FittedModel } from '../family.js';
import { invalid } from '../input-checks.js';
import type { Matrix } from '../matrix.js';
import { checkModel } from './model-output.js';
import { type PermutationShapOptions, permutationShap } from './permutation-shap.js';
import { checkExplainMatrix, type ShapValues } from './shap-values.js';
import { treeShap } from './tree-shap.js';

/**
 * Tree models (those with `treeEnsemble()`) get exact TreeSHAP in the raw (margin) space; other
 * models permutation SHAP of their probabilities or predictions against `background` (required
 * for them).
 * @throws LatheError INVALID_ARGUMENT for a column count other than the model's, NaN when the
 *   model cannot take missing values, or a missing/empty background for a non-tree model.
 */
export function modelShap(
  model: FittedModel,
  X: Matrix,
  background?: Matrix,
  options: PermutationShapOptions = {},
): ShapValues {
  const allowNaN = checkModel(model);
  if (model.treeEnsemble) {
    checkExplainMatrix(X, 'X', model.cols, allowNaN);
    return treeShap(model.treeEnsemble(), X);
  }
  if (!background)
    throw invalid(
      `model ${model.family} is not a tree model: explaining it needs a background sample; got none`,
      {
        field: 'background',
      },
    );
  return permutationShap(model, X, background, options);
}
