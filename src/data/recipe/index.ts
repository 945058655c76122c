/**
 * Transform recipes: declarative, versioned steps over dataset versions. Fitted on one version,
 * applied in batch with DuckDB (new versions with lineage) and row by row in TypeScript
 * (`applyFittedRecipe`, also in the SDK) with the same numbers.
 */
export { applyFittedRecipe, type ApplyOptions } from './row-path.js';
export { parseExpression } from './expression-parser.js';
export { loadOrCreateSalt } from './pii-salt.js';
export { parseRecipe, parseRecipeText, stepKinds } from './recipe-parse.js';
export * from './recipe-types.js';
export {
  readRecipe,
  type TransformOutput,
  type TransformResult,
  TransformRunner,
  type VersionRecipe,
} from './transform-runner.js';
