import type { CheckStatus, CheckSummary, OverallStatus, Thresholds } from './types.js';

const rank: Record<CheckStatus, number> = { skipped: 0, pass: 1, warn: 2, error: 3, fail: 4 };

/** The status a measured value earns against its thresholds. */
export function grade(value: number, t: Thresholds): 'pass' | 'warn' | 'fail' {
  const crosses = (limit: number | null) =>
    limit !== null && (t.op === '>' ? value > limit : t.op === '>=' ? value >= limit : value < limit);
  if (crosses(t.fail)) return 'fail';
  if (crosses(t.warn)) return 'warn';
  return 'pass';
}

/** The worst of some statuses (`skipped` when there are none). */
export function worst(statuses: Iterable<CheckStatus>): CheckStatus {
  let out: CheckStatus = 'skipped';
  for (const s of statuses) if (rank[s] > rank[out]) out = s;
  return out;
}

/** Whether `a` is a worse value than `b` for thresholds with operator `op`. */
export function worse(a: number, b: number, op: Thresholds['op']): boolean {
  return op === '<' ? a < b : a > b;
}

/** A status after a `severity` override: `warn` turns failures into warnings, `fail` the reverse. */
export function withSeverity(s: CheckStatus, severity: 'warn' | 'fail' | undefined): CheckStatus {
  if (severity === 'warn' && s === 'fail') return 'warn';
  if (severity === 'fail' && s === 'warn') return 'fail';
  return s;
}

/** Counts by status, and the overall status: `fail` when any check failed or errored. */
export function summarize(statuses: CheckStatus[]): { status: OverallStatus; summary: CheckSummary } {
  const summary: CheckSummary = { pass: 0, warn: 0, fail: 0, error: 0, skipped: 0 };
  for (const s of statuses) summary[s]++;
  const status: OverallStatus = summary.fail || summary.error ? 'fail' : summary.warn ? 'warn' : 'pass';
  return { status, summary };
}

/** A share as a percentage with enough digits to tell small shares from zero. */
export function pct(share: number): string {
  if (share === 0) return '0%';
  const p = share * 100;
  const digits = p >= 10 ? 1 : p >= 1 ? 2 : p >= 0.01 ? 3 : 4;
  return `${Number(p.toFixed(digits))}%`;
}

/** A number with at most 4 significant digits. */
export function num(x: number): string {
  return Number.isInteger(x) ? x.toLocaleString('en-US') : String(Number(x.toPrecision(4)));
}

/** `value` against the threshold it crossed, or the thresholds it did not. */
export function versus(
  value: number,
  t: Thresholds,
  format: (x: number) => string,
  status: CheckStatus,
): string {
  const limit = status === 'fail' ? t.fail : status === 'warn' ? t.warn : null;
  if (limit === null) return format(value);
  let shown = format(value);
  // 5.0003% against 5%: enough digits to see why it crossed.
  if (shown === format(limit))
    shown =
      format === pct ? `${Number((value * 100).toPrecision(6))}%` : String(Number(value.toPrecision(8)));
  return `${shown} ${t.op} ${format(limit)}`;
}
