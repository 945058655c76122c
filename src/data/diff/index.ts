/**
 * The diff of two dataset versions: schema changes, row counts, and per column both distributions
 * on the same bins or categories with drift statistics from src/stats.
 */
export { checkDiffOptions, diffVersions } from './diff-versions.js';
export {
  categoricalStatistics,
  judgeDrift,
  maxCategories,
  measureSamples,
  numericStatistics,
  rangeEdges,
} from './diff-columns.js';
export { binCounts, categoryCounts, type ScanSource, sampleValues, valueRanges } from './diff-scans.js';
export * from './types.js';
