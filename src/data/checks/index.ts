/**
 * Quality and completeness checks of dataset versions: suites (YAML/JSON) of checks with
 * pass/warn/fail thresholds, run in DuckDB over a version's Parquet file and its profile, stored
 * as runs in the metadata store, and reported as JUnit XML for CI.
 */
export { checkCatalog } from './check-catalog.js';
export { DataChecks, type DataChecksDeps } from './data-checks.js';
export { checkRunToJUnit } from './junit.js';
export * from './types.js';
