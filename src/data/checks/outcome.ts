import type { Outcome } from './context.js';
import { grade, pct, versus, worse, worst } from './grade.js';
import type { CheckStatus, ColumnCheckResult, Thresholds } from './types.js';

/** A graded column result: status from `value` and the thresholds. */
export function graded(
  column: string,
  value: number,
  t: Thresholds,
  rest: Omit<ColumnCheckResult, 'column' | 'status' | 'value'>,
): ColumnCheckResult {
  return { column, status: grade(value, t), value, ...rest };
}

/**
 * The outcome of a per-column check: its value is the worst column's, its message names the
 * columns that crossed a threshold (worst first), or the worst value when none did.
 */
export function perColumn(
  columns: ColumnCheckResult[],
  t: Thresholds,
  what: { flagged: string; none: string },
  format: (x: number) => string = pct,
  details?: Record<string, unknown>,
): Outcome {
  const measured = columns.filter((c) => c.value !== null);
  if (!columns.length) return { status: 'skipped', value: null, message: `no column to check`, columns };
  const byWorst = [...measured].sort((a, b) => (worse(a.value!, b.value!, t.op) ? -1 : 1));
  const flagged = byWorst.filter((c) => c.status === 'warn' || c.status === 'fail');
  const value = byWorst[0]?.value ?? null;
  const list = (cs: ColumnCheckResult[]) =>
    cs
      .slice(0, 3)
      .map((c) => `${c.column} ${versus(c.value!, t, format, c.status)}`)
      .join(', ') + (cs.length > 3 ? ` and ${cs.length - 3} more` : '');
  const message = flagged.length
    ? `${what.flagged} in ${flagged.length} of ${columns.length} column${columns.length === 1 ? '' : 's'}: ${list(flagged)}`
    : byWorst.length
      ? `${what.none}; worst: ${list(byWorst.slice(0, 1))}`
      : `${what.none}`;
  return { value, message, columns, ...(details ? { details } : {}) };
}

/** The outcome of a whole-table check measuring one value. */
export function single(
  value: number,
  t: Thresholds,
  message: (status: CheckStatus) => string,
  details?: Record<string, unknown>,
): Outcome {
  const status = grade(value, t);
  return { status, value, message: message(status), columns: [], ...(details ? { details } : {}) };
}

/** The status of an outcome: its own, else the worst of its columns. */
export function statusOf(o: Outcome): CheckStatus {
  if (o.status) return o.status;
  if (!o.columns.length) return 'pass';
  const s = worst(o.columns.map((c) => c.status));
  return s === 'skipped' ? 'skipped' : s;
}

/** An outcome for a check that does not apply. */
export function skipped(message: string): Outcome {
  return { status: 'skipped', value: null, message, columns: [] };
}
