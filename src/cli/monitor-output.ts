/**
 * How `lathe monitor …` prints its answers for a terminal: windows, drift tables, performance
 * groups, a model's status, and text bars.
 */
import type { RecordWindow } from '../monitoring/index.js';
import type {
  DriftReport,
  FeatureDrift,
  LatheClient,
  MonitorStatus,
  PerformanceGroup,
} from '../sdk/index.js';
import { printJson, printTable, shortTime } from './output.js';

/** Small formatters shared by the monitor commands. */
export const out = (s = '') => process.stdout.write(`${s}\n`);
export const num = (x: number | null | undefined) =>
  x === null || x === undefined || Number.isNaN(x)
    ? '-'
    : x !== 0 && Math.abs(x) < 1e-3
      ? x.toExponential(1)
      : String(Number(x.toPrecision(3)));
export const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
export const count = (n: number) => n.toLocaleString('en-US');
export const iso = (ms: number | undefined) => (ms === undefined ? '' : new Date(ms).toISOString());

/** A window for people: `production, 2026-01-30 12:00Z → 2026-01-31 12:00Z, version 3, region=eu (1,204 rows)`. */
export function describeWindow(w: RecordWindow & { rows?: number }): string {
  const parts = [w.environment ?? 'all environments'];
  if (w.from !== undefined || w.to !== undefined)
    parts.push(
      `${w.from !== undefined ? shortTime(iso(w.from)) : 'start'} → ${w.to !== undefined ? shortTime(iso(w.to)) : 'now'}`,
    );
  if (w.version) parts.push(`version ${w.version}`);
  for (const [k, v] of Object.entries(w.where ?? {})) parts.push(`${k}=${v}`);
  return `${parts.join(', ')}${w.rows !== undefined ? ` (${count(w.rows)} rows)` : ''}`;
}

const metricOrder = [
  ...['accuracy', 'precision', 'recall', 'f1', 'f1_macro', 'roc_auc', 'roc_auc_ovr', 'log_loss'],
  ...['rmse', 'mae', 'mape', 'r2'],
];
/** The metric columns a table shows: the usual ones the report has, at most six. */
function metricColumns(groups: PerformanceGroup[]): string[] {
  const have = new Set(groups.flatMap((g) => Object.keys(g.metrics)));
  const known = metricOrder.filter((m) => have.has(m));
  return (known.length ? known : [...have]).slice(0, 6);
}
export function printGroups(groups: PerformanceGroup[], header: string): void {
  const cols: Record<string, (g: PerformanceGroup) => unknown> = {
    [header]: (g) => g.key,
    rows: (g) => count(g.rows),
    labeled: (g) => count(g.labeled),
    coverage: (g) => pct(g.coverage),
  };
  for (const m of metricColumns(groups)) cols[m] = (g) => num(g.metrics[m]);
  printTable(groups, cols);
}

function driftRow(f: FeatureDrift, name = f.feature) {
  const s = f.statistics;
  return {
    name,
    kind: f.kind,
    psi: num(s?.psi),
    ks: s?.ks ? `${num(s.ks.statistic)} (p ${num(s.ks.pValue)})` : '-',
    js: num(s?.jensenShannon),
    wasserstein: num(s?.wasserstein),
    chi2: s?.chiSquare ? `${num(s.chiSquare.statistic)} (p ${num(s.chiSquare.pValue)})` : '-',
    drifted: f.drifted ? 'DRIFT' : s ? '' : 'not compared',
  };
}
export function printDrift(d: DriftReport): void {
  const t = d.thresholds;
  out(`${d.model}: ${describeWindow(d.current)} against ${describeWindow(d.baseline)}`);
  const compared = d.features.filter((f) => f.statistics).length;
  out(
    `drift    ${d.drifted.length} of ${compared} compared features drifted (${pct(d.driftShare)})${d.drifted.length ? `: ${d.drifted.join(', ')}` : ''}`,
  );
  out(`rule     p < ${t.pValue} and PSI ≥ ${t.psi}, KS ≥ ${t.ksStatistic} or JS ≥ ${t.jensenShannon}`);
  if (d.prediction)
    out(`predict  ${d.prediction.drifted ? 'DRIFTED' : 'stable'} (PSI ${num(d.prediction.statistics?.psi)})`);
  out();
  const rank = (f: FeatureDrift) => (f.drifted ? 0 : f.statistics ? 1 : 2);
  const rows = [...d.features]
    .sort((a, b) => rank(a) - rank(b) || (b.statistics?.psi ?? 0) - (a.statistics?.psi ?? 0))
    .map((f) => driftRow(f));
  if (d.prediction) rows.push(driftRow(d.prediction, '(prediction)'));
  printTable(rows, {
    feature: (r) => r.name,
    kind: (r) => r.kind,
    psi: (r) => r.psi,
    'ks (p)': (r) => r.ks,
    js: (r) => r.js,
    wasserstein: (r) => r.wasserstein,
    'chi² (p)': (r) => r.chi2,
    drifted: (r) => r.drifted,
  });
  const notes = [...d.features, ...(d.prediction ? [d.prediction] : [])].flatMap((f) => [
    ...f.reasons.map((r) => `${f.feature}: ${r}`),
    ...(f.missing.baseline !== f.missing.current
      ? [`${f.feature}: missing ${pct(f.missing.baseline)} → ${pct(f.missing.current)}`]
      : []),
  ]);
  if (notes.length) out();
  for (const n of notes) out(`  ${n}`);
}

/** Bars of `value / top` in eighths, at most `width` characters. */
export function bar(value: number, top: number, width = 30): string {
  const eighths = Math.round((top > 0 ? Math.max(0, value) / top : 0) * width * 8);
  return '█'.repeat(Math.floor(eighths / 8)) + (eighths % 8 ? '▏▎▍▌▋▊▉'[(eighths % 8) - 1] : '');
}

/** A model's status and its monitors (`lathe monitor status`). */
export async function printStatus(client: LatheClient, model: string, json: boolean) {
  const [s, monitors] = await Promise.all([client.monitoring.status(model), client.monitoring.monitors()]);
  const mine = monitors.filter((m: MonitorStatus) => m.spec.model === s.model.name);
  if (json) return printJson({ ...s, monitors: mine });
  const m = s.model;
  out(`${m.name}  ${m.task ?? 'task unknown yet'}  since ${shortTime(m.createdAt)}`);
  out(`  features   ${m.features.map((f) => `${f.name} (${f.kind})`).join(', ') || '-'}`);
  if (m.classes.length) out(`  classes    ${m.classes.join(', ')}`);
  out(`  versions   ${m.versions.join(', ') || '-'}`);
  out(`  tags       ${m.tags.join(', ') || '-'}`);
  out(`  retention  ${m.retentionDays === null ? 'forever' : `${m.retentionDays} days`}`);
  const counters = Object.entries(s.counters);
  if (counters.length) out(`  counters   ${counters.map(([k, v]) => `${k} ${count(v)}`).join(', ')}`);
  out();
  printTable(s.environments, {
    environment: (e) => e.environment,
    rows: (e) => count(e.rows),
    'last 24h': (e) => count(e.last24h),
    labeled: (e) => count(e.labeled),
    coverage: (e) => pct(e.coverage),
    first: (e) => shortTime(e.first),
    last: (e) => shortTime(e.last),
    versions: (e) => e.versions.map((v) => `${v.version}:${count(v.rows)}`).join(' '),
  });
  if (m.baselines.length) {
    out();
    printTable(m.baselines, {
      baseline: (b) => b.environment,
      dataset: (b) => b.dataset,
      rows: (b) => count(b.rows),
      target: (b) => b.target,
      logged: (b) => shortTime(iso(b.loggedAt)),
    });
  }
  out();
  if (!mine.length) out(`no monitors on ${m.name}; add some with: lathe monitors apply monitors.yaml`);
  else
    printTable(mine, {
      monitor: (x) => x.name,
      metric: (x) => (x.spec.feature ? `${x.spec.metric}(${x.spec.feature})` : x.spec.metric),
      state: (x) => x.state,
      value: (x) => num(x.value),
      evaluated: (x) => shortTime(x.evaluatedAt),
      message: (x) => x.message,
    });
}
