// Display helpers of the monitoring pages: links, windows, numbers, and the state badges of monitors and alerts.
import type { Alert, MonitorStatus } from '../../../../src/sdk/index.js';

/** The dashboard of a monitored model; `tab` opens one of its tabs. */
export function monitoringUrl(model: string, tab?: 'slices' | 'lookup'): string {
  return `/monitoring/${encodeURIComponent(model)}${tab ? `?tab=${tab}` : ''}`;
}

/** The root-cause page of a monitored model. */
export function rootCauseUrl(model: string): string {
  return `/monitoring/${encodeURIComponent(model)}/root-cause`;
}

/** The windows the pages offer, and the time bucket each one is charted with. */
export const windows = ['1d', '7d', '30d'] as const;
export type WindowChoice = (typeof windows)[number];

/** Chart bucket of a window: hours for a day, days beyond. */
export const bucketOf: Record<WindowChoice, string> = { '1d': '1h', '7d': '1d', '30d': '1d' };
/** Drift heatmap columns of a window: 4-hour cells for a day, days beyond. */
export const driftBucketOf: Record<WindowChoice, string> = { '1d': '4h', '7d': '1d', '30d': '1d' };

/** `4h`, `1d`, `30d` in milliseconds (the units these pages use: m, h, d). */
export function durationMs(d: string): number {
  const n = Number(d.slice(0, -1));
  const unit = d.at(-1);
  return n * (unit === 'd' ? 86_400_000 : unit === 'h' ? 3_600_000 : 60_000);
}

/** A window choice from a URL search parameter (default 7d). */
export function windowFrom(value: string | null): WindowChoice {
  return (windows as readonly string[]).includes(value ?? '') ? (value as WindowChoice) : '7d';
}

/** The 1d / 7d / 30d picker. */
export function WindowPicker({
  value,
  onChange,
}: {
  value: WindowChoice;
  onChange: (w: WindowChoice) => void;
}) {
  return (
    <fieldset className="segmented">
      <legend className="sr-only">Window</legend>
      {windows.map((w) => (
        <button
          key={w}
          type="button"
          className={value === w ? 'btn btn-sm segmented-on' : 'btn btn-sm'}
          aria-pressed={value === w}
          onClick={() => onChange(w)}
        >
          Last {w}
        </button>
      ))}
    </fieldset>
  );
}

/** A share in [0, 1] as `12.3%`; `—` for null. */
export function pct(v: number | null | undefined, digits = 1): string {
  return v === null || v === undefined || !Number.isFinite(v) ? '—' : `${(v * 100).toFixed(digits)}%`;
}

/** A number with 3 significant digits (`0.912`, `1.23e+4` never: large values are rounded); `—` for null. */
export function num(v: number | null | undefined): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return '—';
  if (v !== 0 && Math.abs(v) < 0.001) return v.toExponential(2);
  if (Math.abs(v) >= 1000) return Math.round(v).toLocaleString('en-US');
  return String(Number(v.toPrecision(3)));
}

/** A signed change: `+0.012`, `−0.31`. */
export function signed(v: number | null | undefined): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return '—';
  return v > 0 ? `+${num(v)}` : v < 0 ? `−${num(-v)}` : '0';
}

/** The metric the dashboard charts for a task: accuracy for classifiers, RMSE for regressors. */
export function primaryMetric(task: string | null): string {
  return task === 'regression' ? 'rmse' : 'accuracy';
}

/** A UTC bucket start as `11-23 14:00` (hours) or `2026-11-23` (days). */
export function bucketLabel(ms: number, bucketMs: number): string {
  const iso = new Date(ms).toISOString();
  return bucketMs < 86_400_000 ? `${iso.slice(5, 10)} ${iso.slice(11, 16)}` : iso.slice(0, 10);
}

const stateClass: Record<MonitorStatus['state'], string> = {
  ok: 'run-status run-finished',
  warning: 'run-status run-killed',
  firing: 'run-status run-failed',
  no_data: 'run-status',
};

/** A monitor's state as a badge (the word is always shown). */
export function MonitorBadge({ state }: { state: MonitorStatus['state'] }) {
  return <span className={stateClass[state]}>{state.replace('_', ' ')}</span>;
}

/** An alert's severity (open) or `resolved` as a badge. */
export function AlertBadge({ alert }: { alert: Pick<Alert, 'state' | 'severity'> }) {
  if (alert.state === 'resolved') return <span className="run-status run-finished">resolved</span>;
  return <span className={stateClass[alert.severity]}>{alert.severity}</span>;
}

/** Monitors' states in one line, worst first: `1 firing · 2 ok`. */
export function monitorSummary(states: MonitorStatus['state'][]): string {
  if (!states.length) return 'none';
  const order: MonitorStatus['state'][] = ['firing', 'warning', 'no_data', 'ok'];
  return order
    .map((s) => [s, states.filter((x) => x === s).length] as const)
    .filter(([, n]) => n > 0)
    .map(([s, n]) => `${n} ${s.replace('_', ' ')}`)
    .join(' · ');
}
