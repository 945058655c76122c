/**
 * Tables: an embedded DuckDB engine over CSV, JSON and Parquet files, writing Parquet into the
 * blob store. `@duckdb/node-api` is imported only inside this folder.
 */
export { BACKGROUND_NICENESS, BackgroundEngine, idlePolicyLauncher } from './background-engine.js';
export type { QueryParams } from './duckdb-values.js';
export {
  type CsvOptions,
  type ParquetBlobInfo,
  type ReadFileOptions,
  type TableColumn,
  TableEngine,
  type TableEngineOptions,
  type TableFileFormat,
  detectFormat,
} from './table-engine.js';
export { quoteIdentifier, quoteLiteral } from './sql-text.js';
