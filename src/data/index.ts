/**
 * Datasets: immutable versions of tabular data with schema, profile, PII findings and lineage.
 * Rows are Parquet files in the blob store, read and written through the DuckDB table engine.
 */
export { DataService, type DataServiceOptions, type IngestInput, type IngestResult } from './data-service.js';
export { parseDatasetRef } from './refs.js';
export * from './types.js';
export { type RowsQuery, rowFilterOps } from './version-rows.js';
