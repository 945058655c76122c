export { isErrorCode, type ErrorCode } from '../core/error-codes.js';
export { isLatheError, LatheError } from '../core/errors.js';
// The role and permission names, from the file that holds only them (the SDK runs in browsers).
export { isTokenScope, permissions, roles } from '../auth/roles.js';
export { LatheClient, type LatheClientOptions } from './lathe-client.js';
export type * from './types.js';
export { type ActiveRun, type RunSearch, type StartRunOptions, TrackingClient } from './tracking-client.js';
export * from './registry-client.js';
export type { Experiment, KeyValue, Metric, Run, RunInfo, RunStatus, ViewType } from '../tracking/index.js';
export * from './data-client.js';
export * from './training-client.js';
export * from './models-client.js';
export * from './monitoring-client.js';
export * from './serving-client.js';
export { writeTar } from '../models/tar-writer.js';
export type { ColumnSpec, ModelSignature, ModelManifest } from '../models/index.js';
export type { BatchPredictResult } from '../serving/index.js';
// The row path of fitted transform recipes, from its pure file (no DuckDB, no Node-only modules).
export { applyFittedRecipe, type ApplyOptions } from '../data/recipe/row-path.js';
export type {
  FittedRecipe,
  FittedStep,
  Recipe,
  RecipeStep,
  TransformOutput,
  TransformResult,
} from '../data/index.js';
// Validation reports as JUnit XML and as an HTML page, from their pure files (the CLI writes them).
export { reportToJUnit } from '../validation/junit.js';
export { reportToHtml } from '../validation/html-report.js';
export type {
  CheckResult as ValidationCheckResult,
  CheckStatus,
  ValidateResult,
  ValidateSpec,
  ValidationReport,
} from '../validation/index.js';
