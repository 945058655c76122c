import type { ColumnSchema, SemanticType } from '../types.js';

/**
 * How a common column is compared:
 * - `numeric`: values as numbers (histograms on the reference's bins, PSI, KS, Jensen–Shannon,
 *   Wasserstein);
 * - `datetime`: as `numeric`, on milliseconds since the Unix epoch (UTC);
 * - `text`: as `numeric`, on the length of each value in characters (free text has too many distinct
 *   values to compare as categories);
 * - `categorical` and `boolean`: category counts (PSI, chi-squared, Jensen–Shannon), values compared
 *   as text;
 * - `identifier`: not compared (only the summary numbers).
 */
export type DiffKind = 'numeric' | 'categorical' | 'boolean' | 'datetime' | 'text' | 'identifier';

/** What the numbers of a column's histogram and statistics are computed on. */
export type DiffBasis = 'value' | 'epoch_ms' | 'length' | 'category' | 'none';

/**
 * When a column counts as drifted: the change must be significant (p-value of KS for numeric
 * kinds, of chi-squared for categorical ones, below `pValue`) and large enough (PSI at least `psi`,
 * or the effect size at least `ksStatistic` for numeric kinds, `jensenShannon` for categorical
 * ones). Significance alone flags trivial changes on large data; size alone flags noise on small
 * data.
 */
export interface DriftThresholds {
  /** PSI at or above this is a large change. Default 0.2. */
  psi: number;
  /** p-values below this are significant. Default 0.05. */
  pValue: number;
  /** The KS statistic (largest gap between the two CDFs) at or above this is a large change. Default 0.1. */
  ksStatistic: number;
  /** The Jensen–Shannon distance (base 2, 0..1) at or above this is a large change. Default 0.1. */
  jensenShannon: number;
}

/** The default {@link DriftThresholds}. */
export const defaultDriftThresholds: Readonly<DriftThresholds> = Object.freeze({
  psi: 0.2,
  pValue: 0.05,
  ksStatistic: 0.1,
  jensenShannon: 0.1,
});

/** Options of a diff. */
export interface DiffOptions {
  /** Overrides of the default thresholds. */
  thresholds?: Partial<DriftThresholds>;
  /**
   * At most this many rows per version feed the KS test and the Wasserstein distance (a
   * deterministic sample when a version has more rows). 1,000..10,000,000; default 100,000.
   * Histograms, PSI, Jensen–Shannon and chi-squared always use every row.
   */
  sampleSize?: number;
  /** Seed of the sample; the same seed gives the same sample. Default 0. */
  seed?: number;
}

/** The version on one side of a diff. */
export interface DiffSide {
  ref: string;
  name: string;
  version: number;
  digest: string;
  rows: number;
  columns: number;
}

/** A column whose schema differs between the versions: `from` in the reference, `to` in the current. */
export interface SchemaChange<T> {
  name: string;
  from: T;
  to: T;
}

/** Schema changes from the reference version to the current one. */
export interface SchemaDiff {
  /** Columns only the current version has, in its column order. */
  added: ColumnSchema[];
  /** Columns only the reference version has, in its column order. */
  removed: ColumnSchema[];
  /** Physical (DuckDB) type changes. */
  typeChanged: SchemaChange<string>[];
  semanticChanged: SchemaChange<SemanticType>[];
  nullabilityChanged: SchemaChange<boolean>[];
  /** True when none of the above happened. */
  unchanged: boolean;
}

/** Summary numbers of a column in one version, from its stored profile. */
export interface ColumnSideStats {
  type: string;
  semantic: SemanticType;
  count: number;
  missing: number;
  /** 0..1 */
  missingShare: number;
  distinct: number;
  distinctApproximate: boolean;
  mean?: number;
  std?: number;
  /** Numbers; ISO 8601 UTC strings for datetime columns. */
  min?: number | string;
  max?: number | string;
  /** Quantiles `p1` … `p99` of numeric columns. */
  quantiles?: Record<string, number>;
  /** Text lengths. */
  length?: { min: number; max: number; mean: number };
}

/**
 * Both versions' counts on the reference's bins: `edges` has one more entry than the count arrays;
 * bin i is [edges[i], edges[i+1]), the last bin is closed, and values outside the edges are counted
 * in the end bins (as PSI saw them). `currentBelow` and `currentAbove` say how many current values
 * lie outside the reference's range.
 */
export interface DiffHistogram {
  edges: number[];
  reference: number[];
  current: number[];
  currentBelow: number;
  currentAbove: number;
}

/**
 * Both versions' category counts on the same categories: `values[i]` has `reference[i]` rows in the
 * reference and `current[i]` in the current version (missing values left out). The most frequent
 * categories (by both versions together) are listed, at most 200; `other` pools the rest and is
 * part of the statistics.
 */
export interface DiffCategories {
  values: string[];
  reference: number[];
  current: number[];
  other: { categories: number; reference: number; current: number } | null;
  /** Categories only the current version has: the most frequent, at most 50 (none when redacted). */
  newCategories: string[];
  newCount: number;
  /** Categories only the reference version has: the most frequent, at most 50 (none when redacted). */
  vanishedCategories: string[];
  vanishedCount: number;
  /** True when the column's values look like personal data: names are replaced by `<redacted #i>`. */
  redacted: boolean;
}

/** The drift statistics of one column; `null` where a statistic does not apply to its kind. */
export interface DriftStatistics {
  /** Population stability index on the reference's bins (or the categories). */
  psi: number;
  /** Jensen–Shannon distance, base 2, 0..1. */
  jensenShannon: number;
  /** Two-sample Kolmogorov–Smirnov test (numeric kinds). */
  ks: { statistic: number; pValue: number | null; method: 'exact' | 'asymp' } | null;
  /** First Wasserstein distance, in the units of the basis (numeric kinds). */
  wasserstein: number | null;
  /** Chi-squared homogeneity test (categorical kinds). */
  chiSquare: { statistic: number; pValue: number; dof: number } | null;
}

/** How one column present in both versions changed. */
export interface ColumnDiff {
  name: string;
  kind: DiffKind;
  basis: DiffBasis;
  reference: ColumnSideStats;
  current: ColumnSideStats;
  /** Null when the column is not compared (see `note`). */
  statistics: DriftStatistics | null;
  /** True when KS and Wasserstein used a sample of a version's rows (more rows than `sampleSize`). */
  sampled: boolean;
  /** Values that fed KS and Wasserstein, per version. */
  sample: { reference: number; current: number } | null;
  histogram: DiffHistogram | null;
  categories: DiffCategories | null;
  drifted: boolean;
  /** Why the column counts as drifted, one sentence per rule met. */
  reasons: string[];
  /** Why some statistics are absent, or how the column was compared. */
  note?: string;
}

/** The diff of two dataset versions: `reference` (old, expected) against `current` (new, actual). */
export interface DatasetDiff {
  reference: DiffSide;
  current: DiffSide;
  rows: {
    reference: number;
    current: number;
    change: number /** change / reference rows */;
    changeShare: number | null;
  };
  schema: SchemaDiff;
  /** Columns of both versions, in the reference's column order. */
  columns: ColumnDiff[];
  summary: {
    /** Columns with drift statistics. */
    compared: number;
    drifted: number;
    /** drifted / compared (0 when none compared). */
    driftedShare: number;
    driftedColumns: string[];
    /** Common columns without statistics (identifiers, columns with no values). */
    notCompared: string[];
  };
  thresholds: DriftThresholds;
  sampleSize: number;
  seed: number;
}
