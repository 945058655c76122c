/**
 * Model explanations: exact TreeSHAP, KernelSHAP and permutation SHAP, permutation importance,
 * partial dependence and chart data (importance bar, beeswarm, waterfall).
 */
export { type KernelShapOptions, kernelShap } from './kernel-shap.js';
export { modelShap } from './model-shap.js';
export {
  type PartialDependence,
  type PartialDependenceOptions,
  partialDependence,
} from './partial-dependence.js';
export {
  type PermutationImportance,
  type PermutationImportanceOptions,
  permutationImportance,
  permutationImportanceWith,
  SCORERS,
  type Scorer,
} from './permutation-importance.js';
export { type PermutationShapOptions, permutationShap } from './permutation-shap.js';
export type { ShapValues } from './shap-values.js';
export {
  type ShapSummary,
  type ShapSummaryOptions,
  shapSummary,
  type Waterfall,
  waterfall,
} from './summary.js';
export { type TreeShapOptions, treeShap } from './tree-shap.js';
