import type { Run } from '../../../../src/sdk/index.js';
import { formatDuration } from '../../format.js';

/** `/experiments/EXP`. */
export const experimentUrl = (experimentId: string) => `/experiments/${encodeURIComponent(experimentId)}`;

/** `/experiments/EXP/runs/RUN`. */
export const runUrl = (experimentId: string, runId: string) =>
  `${experimentUrl(experimentId)}/runs/${encodeURIComponent(runId)}`;

/** `/experiments/EXP/compare?runs=a,b`. */
export const compareUrl = (experimentId: string, runIds: string[]) =>
  `${experimentUrl(experimentId)}/compare?runs=${runIds.map(encodeURIComponent).join(',')}`;

/** How long a run took (or has been running), or `—` before it started. */
export function runDuration(run: Run, now = Date.now()): string {
  const { startTime, endTime, status } = run.info;
  if (startTime === null) return '—';
  const end = endTime ?? (status === 'RUNNING' ? now : null);
  if (end === null) return '—';
  const ms = end - startTime;
  if (ms < 1000) return `${Math.max(0, ms)} ms`;
  return formatDuration(ms / 1000);
}

/**
 * A dataset input's source for a table: MLflow stores it as JSON (`{"uri": "s3://…"}`, Lathe's
 * training `{"ref": "customers@1"}`); the location it names when it names one, else the text.
 */
export function datasetSource(source: string): string {
  try {
    const parsed: unknown = JSON.parse(source);
    if (typeof parsed === 'object' && parsed !== null)
      for (const key of ['ref', 'uri', 'url', 'path', 'table', 'name']) {
        const v = (parsed as Record<string, unknown>)[key];
        if (typeof v === 'string' && v) return v;
      }
  } catch {
    // Not JSON: shown as it is.
  }
  return source;
}

/** A metric value for a table: up to 4 significant decimals, NaN and infinities spelled out. */
export function formatValue(value: number | undefined): string {
  if (value === undefined) return '';
  if (Number.isNaN(value)) return 'NaN';
  if (!Number.isFinite(value)) return value > 0 ? '∞' : '−∞';
  if (Number.isInteger(value)) return String(value);
  const abs = Math.abs(value);
  if (abs !== 0 && (abs < 1e-4 || abs >= 1e9)) return value.toExponential(3);
  return String(Number(value.toPrecision(abs >= 1 ? 6 : 4)));
}

/** Bytes as `512 B`, `1.2 KB`, `3.4 MB`. */
export function formatBytes(bytes: number | undefined): string {
  if (bytes === undefined) return '';
  if (bytes < 1024) return `${bytes} B`;
  const units = ['KB', 'MB', 'GB', 'TB'];
  let v = bytes / 1024;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v < 10 ? v.toFixed(1) : Math.round(v)} ${units[i]}`;
}

/** A run's display name: its name, or the start of its ID. */
export const runLabel = (run: Run) => run.info.runName || run.info.runId.slice(0, 8);

/** Value lookups by key, built once per run. */
export function runValues(run: Run) {
  return {
    metrics: new Map(run.data.metrics.map((m) => [m.key, m.value])),
    params: new Map(run.data.params.map((p) => [p.key, p.value])),
    tags: new Map(run.data.tags.map((t) => [t.key, t.value])),
  };
}
