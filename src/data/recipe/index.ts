/**
 * Transform recipes: declarative, versioned steps over dataset versions. Fitted on one version,
 * applied in batch with DuckDB (new versions with lineage) and row by row in TypeScript
 * (`applyFittedRecipe`, also in the SDK) with the same numbers.
 */
export { applyFittedRecipe, type ApplyOptions } from './row-path.js';
export { loadOrCreateSalt } from './pii-salt.js';
export * from './recipe-types.js';
export {
  type TransformOutput,
  type TransformResult,
  TransformRunner,
  type VersionRecipe,
} from './transform-runner.js';
