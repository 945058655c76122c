/**
 * Runs a suite's checks one after another on one context and gathers them into a report: each
 * check timed, a check that throws reported as `error` (the others still run), a check that does
 * not apply to the task reported as `skip`. The report passes unless a required check fails or
 * errors; optional failures and warnings make it `warn`.
 */
import { LatheError } from '../core/index.js';
import type { CheckResult, CheckStatus, ValidationCheck, ValidationContext } from './check.js';
import type { Suite } from './suite.js';

/** The outcome of a suite. */
export interface ValidationReport {
  /** Report format version. */
  format: 'lathe-validation';
  formatVersion: 1;
  suite: string;
  /** The candidate (`name@version`), the baseline when one was compared. */
  model: string;
  baseline: string | null;
  /** Dataset versions used (`name@3`). */
  test: string;
  train: string | null;
  /** The production sample compared with (drift), when one was given. */
  production?: string | null;
  task: string;
  /** `fail` when a required check failed or errored; `warn` when anything else did not pass. */
  status: 'pass' | 'warn' | 'fail';
  /** ISO 8601 UTC. */
  startedAt: string;
  seconds: number;
  /** Counts of results by status. */
  counts: Record<CheckStatus, number>;
  results: (CheckResult & { required: boolean })[];
}

/** Where the data of a report came from. */
export interface ReportSources {
  test: string;
  train?: string | null;
  production?: string | null;
}

/**
 * Runs `suite` on `ctx`. `onCheck` is told before each check (for progress).
 * @throws LatheError INVALID_ARGUMENT when the suite names a check that is not in `checks`.
 */
export async function runSuite(
  ctx: ValidationContext,
  suite: Suite,
  checks: readonly ValidationCheck[],
  sources: ReportSources,
  onCheck?: (index: number, total: number, check: string) => void,
): Promise<ValidationReport> {
  const started = Date.now();
  const byName = new Map(checks.map((c) => [c.name, c]));
  const results: ValidationReport['results'] = [];
  for (const [i, entry] of suite.entries.entries()) {
    const check = byName.get(entry.check);
    if (!check) throw new LatheError('INVALID_ARGUMENT', `suite: unknown check ${entry.check}`);
    onCheck?.(i, suite.entries.length, check.name);
    const t0 = performance.now();
    let result: Omit<CheckResult, 'seconds'>;
    if (!check.tasks.includes(ctx.task))
      result = skipped(
        check,
        `does not apply to ${ctx.task} models (it applies to ${check.tasks.join(', ')})`,
      );
    else
      try {
        result = await check.run(ctx, entry.params as never);
      } catch (err) {
        result = {
          ...skipped(check, (err as Error).message),
          status: 'error',
          message: `the check could not run: ${(err as Error).message}`,
        };
      }
    results.push({ ...result, seconds: (performance.now() - t0) / 1000, required: entry.required });
  }
  const counts: Record<CheckStatus, number> = { pass: 0, warn: 0, fail: 0, skip: 0, error: 0 };
  for (const r of results) counts[r.status]++;
  const blocking = results.some((r) => r.required && (r.status === 'fail' || r.status === 'error'));
  const warned = results.some((r) => r.status === 'warn' || r.status === 'fail' || r.status === 'error');
  return {
    format: 'lathe-validation',
    formatVersion: 1,
    suite: suite.name,
    model: ctx.candidate.ref,
    baseline: ctx.baseline?.ref ?? null,
    test: sources.test,
    train: sources.train ?? null,
    production: sources.production ?? null,
    task: ctx.task,
    status: blocking ? 'fail' : warned ? 'warn' : 'pass',
    startedAt: new Date(started).toISOString(),
    seconds: (Date.now() - started) / 1000,
    counts,
    results,
  };
}

function skipped(check: ValidationCheck, why: string): Omit<CheckResult, 'seconds'> {
  return {
    check: check.name,
    title: check.title,
    status: 'skip',
    measure: '',
    value: null,
    threshold: null,
    message: why,
    tables: [],
    charts: [],
  };
}
