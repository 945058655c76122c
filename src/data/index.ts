/**
 * Datasets: immutable versions of tabular data with schema, profile, PII findings and lineage.
 * Rows are Parquet files in the blob store, read and written through the DuckDB table engine.
 */
export {
  DataService,
  type DataServiceOptions,
  type DerivedFrom,
  type IngestInput,
  type IngestResult,
} from './data-service.js';
// The checks, diff and recipe folders' types and constants, and the few functions callers outside
// the module use; their machinery (runners, parsers) is reached through DataService.
export { checkCatalog, checkRunToJUnit } from './checks/index.js';
export * from './checks/types.js';
export * from './diff/types.js';
// Drift scans over any relation, for the inference store's windows.
export {
  binCounts,
  categoricalStatistics,
  categoryCounts,
  checkDiffOptions,
  judgeDrift,
  maxCategories,
  measureSamples,
  numericStatistics,
  rangeEdges,
  type ScanSource,
  sampleValues,
  valueRanges,
} from './diff/index.js';
export { type ApplyOptions, applyFittedRecipe, loadOrCreateSalt } from './recipe/index.js';
export { type EncodingPlan, encodeColumns, fitEncoding } from './recipe/encoding.js';
export * from './recipe/recipe-types.js';
export type { TransformOutput, TransformResult, VersionRecipe } from './recipe/index.js';
export {
  type DataLineageEdge,
  type DataLineageLink,
  type DataLineageNode,
  type DatasetVersionLineage,
  type LineageEnd,
  maxLineageDepth,
} from './lineage.js';
export { checkDatasetName, parseDatasetRef } from './refs.js';
export type { PostgresQuery } from './sources/postgres/index.js';
export * from './types.js';
export { type RowsQuery, rowFilterOps } from './version-rows.js';
export { isNumericFamily, type TypeFamily, typeFamily } from './semantic.js';
