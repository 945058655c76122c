import type { ReactNode } from 'react';
import { formatValue } from '../experiments/run-format.js';
import { versionUrl } from '../models/model-links.js';

const statusClass: Record<string, string> = {
  pass: 'vstatus-pass',
  warn: 'vstatus-warn',
  fail: 'vstatus-fail',
  error: 'vstatus-fail',
  skip: 'vstatus-skip',
};

/** A validation or check status as a coloured badge (the word is always shown). */
export function ValidationBadge({ status }: { status: string }): ReactNode {
  return <span className={`vstatus ${statusClass[status] ?? 'vstatus-skip'}`}>{status}</span>;
}

/** The validation report page of a version's validation job. */
export function reportUrl(name: string, version: number, job: string): string {
  return `${versionUrl(name, version)}/validations/${encodeURIComponent(job)}`;
}

/** A threshold in words: `warn < 0.7, fail < 0.6` (smaller is worse) or `warn > 0.1, fail > 0.2`. */
export function formatThreshold(t: { bad: 'above' | 'below'; warn?: number; fail?: number } | null): string {
  if (!t) return '—';
  const op = t.bad === 'above' ? '>' : '<';
  const parts: string[] = [];
  if (t.warn !== undefined) parts.push(`warn ${op} ${formatValue(t.warn)}`);
  if (t.fail !== undefined) parts.push(`fail ${op} ${formatValue(t.fail)}`);
  return parts.length ? parts.join(', ') : '—';
}

/** A measured value, or a dash. */
export function formatMeasured(v: number | null): string {
  return v === null || v === undefined ? '—' : formatValue(v);
}

/** Splits `runs:/RUN/PATH` into the run and the artifact path, or null when it is not such a URI. */
export function parseRunsUri(uri: string): { runId: string; path: string } | null {
  const m = /^runs:\/+([^/]+)\/(.+)$/.exec(uri);
  return m ? { runId: m[1]!, path: m[2]! } : null;
}
