import { isLatheError } from '../../core/index.js';
import type { TableEngine } from '../../storage/tables/index.js';
import type { DatasetVersionDetails } from '../types.js';
import { constantColumns, duplicateIds, duplicateRows, missingValues } from './checks-completeness.js';
import { mixedTypes, stringMismatches } from './checks-consistency.js';
import { insufficientHistory, newCategories, schemaChange } from './checks-reference.js';
import { classImbalance, conflictingLabels, targetLeakage } from './checks-target.js';
import { outliers, outOfRange } from './checks-values.js';
import { type CheckImpl, CheckContext, CheckScope, type Finish, type Outcome } from './context.js';
import { summarize, withSeverity } from './grade.js';
import { statusOf } from './outcome.js';
import { refuseSuite } from './suite.js';
import type { CheckName, CheckResult, CheckSuite, CheckSummary, OverallStatus } from './types.js';

/** The implementation of each check. */
const impls: Record<CheckName, CheckImpl> = {
  missing_values: missingValues,
  duplicate_rows: duplicateRows,
  duplicate_ids: duplicateIds,
  constant_columns: constantColumns,
  mixed_types: mixedTypes,
  string_mismatches: stringMismatches,
  out_of_range: outOfRange,
  outliers,
  class_imbalance: classImbalance,
  conflicting_labels: conflictingLabels,
  target_leakage: targetLeakage,
  new_categories: newCategories,
  schema_change: schemaChange,
  insufficient_history: insufficientHistory,
};

export interface RunChecksInput {
  engine: TableEngine;
  version: DatasetVersionDetails;
  /** The local path of the version's Parquet file. */
  parquet: string;
  suite: CheckSuite;
  reference: { version: DatasetVersionDetails; parquet: string } | null;
  /** Why there is no reference, when there is none (the message of skipped reference checks). */
  noReference: string;
}

export interface ChecksOutcome {
  status: OverallStatus;
  summary: CheckSummary;
  results: CheckResult[];
}

/**
 * Runs a suite over a version: every check first checks its columns (an unknown column or one of
 * the wrong type refuses the whole suite with INVALID_ARGUMENT, before any scan) and registers the
 * aggregates it needs; one shared scan computes them all; then each check finishes, with its own
 * queries where it needs grouping. A check that breaks is `error`, the others still run.
 */
export async function runChecks(input: RunChecksInput): Promise<ChecksOutcome> {
  const { version, suite } = input;
  const target = suite.target ?? version.columns.find((c) => c.semantic === 'target')?.name ?? null;
  const ctx = new CheckContext(
    input.engine,
    version,
    input.parquet,
    input.reference,
    input.noReference,
    target,
  );
  if (suite.target !== undefined && !ctx.byName.has(suite.target))
    refuseSuite(
      { field: 'target' },
      `a column of ${version.ref}`,
      JSON.stringify(suite.target),
      version.columns.map((c) => c.name),
    );
  const planned: { finish: Finish | null; outcome: Outcome | null; error: unknown }[] = [];
  for (const [index, spec] of suite.checks.entries()) {
    try {
      ctx.own(index);
      const r = impls[spec.check](new CheckScope(ctx, spec, index));
      planned.push(
        typeof r === 'function'
          ? { finish: r, outcome: null, error: null }
          : { finish: null, outcome: r, error: null },
      );
    } catch (err) {
      // A suite that does not fit the version is refused as a whole.
      if (isLatheError(err) && err.code === 'INVALID_ARGUMENT') throw err;
      planned.push({ finish: null, outcome: null, error: err });
    }
  }
  await ctx.scan();
  const results: CheckResult[] = [];
  for (const [index, spec] of suite.checks.entries()) {
    const p = planned[index]!;
    const started = performance.now();
    let outcome: Outcome;
    try {
      if (p.error) throw p.error;
      if (p.outcome) outcome = p.outcome;
      else {
        const failed = ctx.scanError(index);
        if (failed) throw failed;
        outcome = await p.finish!();
      }
    } catch (err) {
      outcome = {
        status: 'error',
        value: null,
        message: `the check could not run: ${messageOf(err)}`,
        columns: [],
      };
    }
    const status = withSeverity(statusOf(outcome), spec.severity);
    results.push({
      index,
      check: spec.check,
      name: spec.name,
      status,
      value: outcome.value,
      thresholds: spec.thresholds ?? null,
      message: outcome.message,
      columns: outcome.columns.map((c) => ({ ...c, status: withSeverity(c.status, spec.severity) })),
      ...(outcome.details ? { details: outcome.details } : {}),
      ms: Math.round(performance.now() - started),
    });
  }
  return { ...summarize(results.map((r) => r.status)), results };
}

function messageOf(err: unknown): string {
  const m = err instanceof Error ? err.message : String(err);
  return m.length > 500 ? `${m.slice(0, 497)}...` : m;
}
