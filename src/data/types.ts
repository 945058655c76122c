import type { HistogramSketch } from '../stats/index.js';
import type { PiiFinding } from './pii/index.js';

/** What a column means, beyond its physical type; drives profiles, checks and transforms. */
export type SemanticType =
  | 'numeric'
  | 'categorical'
  | 'boolean'
  | 'datetime'
  | 'text'
  | 'identifier'
  | 'target';

export const semanticTypes: readonly SemanticType[] = [
  'numeric',
  'categorical',
  'boolean',
  'datetime',
  'text',
  'identifier',
  'target',
];

/** One column of a version, in column order. */
export interface ColumnSchema {
  name: string;
  /** DuckDB's type name, e.g. `BIGINT`, `DOUBLE`, `VARCHAR`, `DATE`, `TIMESTAMP`, `BOOLEAN`. */
  type: string;
  nullable: boolean;
  semantic: SemanticType;
}

export type { HistogramSketch } from '../stats/index.js';

/** The profile of one column; fields that do not apply to its type are absent. */
export interface ColumnProfile {
  name: string;
  semantic: SemanticType;
  count: number;
  missing: number;
  /** Share of rows that are missing, 0..1. */
  missingShare: number;
  /**
   * Distinct non-null values; approximate (HyperLogLog) past 100,000 rows, except in columns of
   * few values, which are counted exactly (`distinctApproximate` says which).
   */
  distinct: number;
  distinctApproximate: boolean;
  min?: number | string;
  max?: number | string;
  mean?: number;
  std?: number;
  /** Quantiles 0.01, 0.05, 0.25, 0.5, 0.75, 0.95, 0.99 keyed `p1` … `p99`. */
  quantiles?: Record<string, number>;
  /** True where quantiles are t-digest estimates: past 100,000 rows, in columns of many values. */
  quantilesApproximate?: boolean;
  /** Fixed-width bins between min and max: the reference sketch drift checks compare with. */
  histogram?: HistogramSketch;
  /** Most frequent values, most frequent first, ties in value order (at most 20). */
  top?: { value: string; count: number }[];
  /** Lengths of text values. */
  length?: { min: number; max: number; mean: number };
  /** Numeric share of a text column's values (set when some, not all, parse as numbers). */
  numericShare?: number;
  /** For datetime columns. */
  datetime?: DatetimeProfile;
}

export interface DatetimeProfile {
  /** ISO 8601 UTC. */
  min: string;
  max: string;
  /** Days from first to last value. */
  spanDays: number;
  /** The period rows are counted in: `hour`, `day`, `week`, `month` or `year`. */
  period: 'hour' | 'day' | 'week' | 'month' | 'year';
  /** Rows per period, oldest first (at most 500 periods; later ones are summed into the last). */
  perPeriod: { start: string; rows: number }[];
  /** The longest stretch without rows, in days, and where it starts. */
  largestGapDays: number;
  largestGapStart: string | null;
  /** Periods in the span that hold no row. */
  emptyPeriods: number;
  /** Shares of the 12 months, 7 weekdays and (timestamps only) 24 hours that hold a row. */
  seasonalCoverage: { months: number; weekdays: number; hours?: number };
}

/** The profile of a whole version. */
export interface DatasetProfile {
  rows: number;
  columns: ColumnProfile[];
  /** Pearson correlations between numeric columns (each pair once, `a` before `b` in column order). */
  correlations: { a: string; b: string; r: number }[];
  /** Correlation of each numeric column with the target, when a numeric or boolean target is set. */
  targetCorrelations?: { column: string; r: number }[];
  /** Columns that look like personal data (by a sample of values or by name), with counts only. */
  pii: PiiFinding[];
}

/** A problem met while reading a source, and what was done about it. */
export interface IngestIssue {
  kind:
    | 'rejected_row'
    | 'renamed_column'
    | 'encoding'
    | 'mixed_types'
    | 'dialect'
    | 'empty_column_name'
    | 'duplicate_column_name';
  message: string;
  /** 1-based line in the source file, when the issue is on a line. */
  line?: number;
  /** 1-based data row, when the issue is on a row (header and skipped lines not counted). */
  row?: number;
  column?: string;
}

/** What ingest chose and met: the dialect, the encoding, rejected rows, renamed columns. */
export interface IngestReport {
  format: 'csv' | 'parquet' | 'json' | 'postgres';
  /** CSV only. */
  dialect?: { delimiter: string; quote: string; header: boolean };
  encoding?: string;
  rowsRead: number;
  rowsRejected: number;
  issues: IngestIssue[];
  /** True when the new version's content equals an existing version's (no new version made). */
  unchanged?: boolean;
}

/** Where a version's rows came from. Never holds credentials. */
export type VersionSource =
  | { kind: 'file'; filename: string; format: string }
  | { kind: 'upload'; filename: string; format: string }
  | { kind: 'postgres'; uri: string; query: string }
  /** `uri` (without password) and `query` when the batch came from a SQL source. */
  | { kind: 'append'; base: string; filename: string; format: string; uri?: string; query?: string }
  | { kind: 'recipe'; inputs: string[] }
  /** Batch predictions of `model` (`name@3`) on `data` (`name@3`). */
  | { kind: 'predictions'; model: string; data: string };

export interface Dataset {
  name: string;
  description: string;
  /** ISO 8601 UTC. */
  createdAt: string;
  updatedAt: string;
  createdBy: string;
  latestVersion: number | null;
  versionCount: number;
  /** Rows and Parquet bytes of the latest version (null without versions). */
  latestRows: number | null;
  latestSize: number | null;
}

/** One immutable version, without its profile (see `DatasetVersionDetails`). */
export interface DatasetVersion {
  name: string;
  version: number;
  /** `name@version`. */
  ref: string;
  /** SHA-256 of the Parquet file holding the rows. */
  digest: string;
  rows: number;
  /** Bytes of the Parquet file. */
  size: number;
  columns: ColumnSchema[];
  message: string;
  source: VersionSource;
  /** Versions this one was made from (`name@version`). */
  parents: string[];
  createdAt: string;
  createdBy: string;
}

export interface DatasetVersionDetails extends DatasetVersion {
  profile: DatasetProfile;
  report: IngestReport;
  recipe: unknown | null;
}

/** A dataset reference: `name@3`, `name@latest`, or a bare `name` (latest). */
export interface DatasetRef {
  name: string;
  version: number | 'latest';
}

/** A page of a version's rows. */
export interface RowsPage {
  ref: string;
  columns: ColumnSchema[];
  /** Rows matching the filter. */
  total: number;
  offset: number;
  rows: Record<string, unknown>[];
}

/** The file formats ingest reads; `auto` picks by extension, then by content. */
export const sourceFormats = ['auto', 'csv', 'tsv', 'parquet', 'json'] as const;
/** The CSV encodings ingest reads; `auto` detects. */
export const sourceEncodings = ['auto', 'utf-8', 'utf-16', 'latin-1'] as const;

/** How to read a file; anything omitted is detected. */
export interface SourceOptions {
  /** `auto` (default) picks by extension, then by content. `tsv` is CSV with a tab delimiter. */
  format?: (typeof sourceFormats)[number];
  /** CSV: one field separator character (or a short string). */
  delimiter?: string;
  /** CSV: the quote character ('' for none). */
  quote?: string;
  /** CSV: whether the first line holds the column names. */
  header?: boolean;
  /** CSV: `auto` (default: UTF-8 unless the first megabyte is not valid UTF-8, then Latin-1). */
  encoding?: (typeof sourceEncodings)[number];
  /** Refuse the file when any row is malformed, instead of skipping and reporting such rows. */
  strict?: boolean;
}
