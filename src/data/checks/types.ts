/**
 * The shapes of quality-check suites and their results. Values only from `check-catalog.ts`;
 * this file holds types, so the SDK can re-export them into browsers.
 */

/** Every check a suite can run. */
export const checkNames = [
  'missing_values',
  'duplicate_rows',
  'duplicate_ids',
  'constant_columns',
  'mixed_types',
  'string_mismatches',
  'out_of_range',
  'outliers',
  'class_imbalance',
  'conflicting_labels',
  'target_leakage',
  'new_categories',
  'schema_change',
  'insufficient_history',
] as const;

export type CheckName = (typeof checkNames)[number];

/**
 * The status of one check (or one column of it): `pass`; `warn` or `fail` when a threshold was
 * crossed; `error` when the check could not run (the message says why); `skipped` when it does not
 * apply (no target, no reference version, no column of the needed type).
 */
export type CheckStatus = 'pass' | 'warn' | 'fail' | 'error' | 'skipped';

/** A suite's overall status: `fail` when any check failed or errored, else `warn` when any warned. */
export type OverallStatus = 'pass' | 'warn' | 'fail';

/**
 * How a measured value meets its thresholds: `>` — a value above the threshold crosses it; `>=` —
 * at or above; `<` — below.
 */
export type ThresholdOp = '>' | '>=' | '<';

/** The thresholds a check measured against; `null` means that level is never reached. */
export interface Thresholds {
  op: ThresholdOp;
  warn: number | null;
  fail: number | null;
}

/** One check of a suite as written by a user, after validation and defaults. */
export interface CheckSpec {
  check: CheckName;
  /** A label (default: the check name, with its column when it has one). */
  name: string;
  /** The thresholds, defaults filled in; absent for checks that measure no single quantity. */
  thresholds?: Thresholds;
  /** `warn`: this check never fails the suite; `fail`: its warnings are failures. */
  severity?: 'warn' | 'fail';
  /** The check's other fields (columns, bounds, method…), validated. */
  options: Record<string, unknown>;
}

/** A validated suite. */
export interface CheckSuite {
  /** The version new-category and schema checks compare with (`previous` by default). */
  reference: string;
  /** The target column, when the version's schema names none (or another one is wanted). */
  target?: string;
  checks: CheckSpec[];
}

/** What a check found in one column. */
export interface ColumnCheckResult {
  column: string;
  status: CheckStatus;
  /** The measured value for this column (a share 0..1 unless the check says otherwise). */
  value: number | null;
  /** Rows concerned (missing, duplicated, out of range…). */
  count?: number;
  message: string;
  /** A few 1-based row numbers, in the version's stored order (as the row viewer shows them). */
  rows?: number[];
  /** A few example values; never for a column the profile flags as personal data. */
  examples?: unknown[];
  /** Check-specific facts (variants, new categories, bounds…). */
  details?: Record<string, unknown>;
}

/** The result of one check. */
export interface CheckResult {
  /** Position in the suite, from 0. */
  index: number;
  check: CheckName;
  name: string;
  status: CheckStatus;
  /** The measured value (the worst column's, for per-column checks); null when nothing was measured. */
  value: number | null;
  thresholds: Thresholds | null;
  /** One line saying what was found. */
  message: string;
  /** Per-column findings (only columns the check looked at; passing columns included). */
  columns: ColumnCheckResult[];
  /** Check-specific facts (e.g. that isolation forest scores were computed on a sample). */
  details?: Record<string, unknown>;
  /** Wall time of this check's own work after the shared scan, in milliseconds. */
  ms: number;
}

/** Counts of checks by status. */
export type CheckSummary = Record<CheckStatus, number>;

/** One stored run of a suite against a dataset version. */
export interface CheckRun {
  id: string;
  /** `name@version` of the version checked. */
  ref: string;
  name: string;
  version: number;
  status: OverallStatus;
  summary: CheckSummary;
  /** The version compared with by new-category and schema checks, when there was one. */
  reference: string | null;
  /** The suite as run, defaults filled in. */
  suite: CheckSuite;
  results: CheckResult[];
  /** Rows in the version. */
  rows: number;
  durationMs: number;
  /** ISO 8601 UTC. */
  createdAt: string;
  createdBy: string;
}

/** A stored run without its results and suite, as listings show it. */
export type CheckRunSummary = Omit<CheckRun, 'results' | 'suite'>;
