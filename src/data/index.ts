/**
 * Datasets: immutable versions of tabular data with schema, profile, PII findings and lineage.
 * Rows are Parquet files in the blob store, read and written through the DuckDB table engine.
 */
export { DataService, type DataServiceOptions, type IngestInput, type IngestResult } from './data-service.js';
export * from './checks/index.js';
export * from './diff/index.js';
export * from './recipe/index.js';
export {
  type DataLineageEdge,
  type DataLineageLink,
  type DataLineageNode,
  type DatasetVersionLineage,
  type LineageEnd,
  maxLineageDepth,
} from './lineage.js';
export { parseDatasetRef } from './refs.js';
export type { PostgresQuery } from './sources/postgres/index.js';
export * from './types.js';
export { type RowsQuery, rowFilterOps } from './version-rows.js';
