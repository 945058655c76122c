/**
 * Datasets: immutable versions of tabular data with schema, profile, quality checks and lineage.
 * Rows are Parquet files in the blob store, read and written through the DuckDB table engine.
 */
export {
  DataService,
  type DataServiceOptions,
  type IngestInput,
  type IngestResult,
  type RowsQuery,
  rowFilterOps,
} from './data-service.js';
export { checkSourceOptions, detectEncoding, type SourceOptions, splitCsvLine } from './ingest.js';
export { checkDatasetName, datasetNamePattern, formatRef, parseDatasetRef } from './refs.js';
export { inferSemantic, typeFamily } from './semantic.js';
export * from './pii/index.js';
export * from './types.js';
