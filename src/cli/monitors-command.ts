import type { Command } from 'commander';
import type { EvaluationResult } from '../monitoring/index.js';
import type { MonitorStatus } from '../monitoring/index.js';
import { parseMonitorFile } from '../monitoring/index.js';
import type { Alert, AppliedMonitor, MonitorEvaluation } from '../monitoring/index.js';
import { clientFor, wantsJson } from './context.js';
import { oneOf, positiveInt, readOptionFile } from './options.js';
import { exitCodes, printJson, printTable, shortTime } from './output.js';

const enc = encodeURIComponent;
const out = (s: string) => process.stdout.write(`${s}\n`);
const value = (v: number | null) => (v === null ? '-' : String(Number(v.toPrecision(4))));

function threshold(m: MonitorStatus): string {
  const op = m.spec.direction === 'below' ? '<' : '>';
  return `${op} ${m.spec.critical}${m.spec.warning !== null ? ` (warn ${op} ${m.spec.warning})` : ''}`;
}

function printMonitor(m: MonitorStatus, evaluations: MonitorEvaluation[]): void {
  const s = m.spec;
  out(
    `${m.name}  ${m.state.toUpperCase()}  (${s.model}: ${s.kind} ${s.metric}${s.feature ? ` of ${s.feature}` : ''})`,
  );
  out(`  message    ${m.message}`);
  out(
    `  threshold  ${threshold(m)}  over the last ${s.window} of ${s.environment}, at least ${s.minSamples} rows`,
  );
  if (s.baseline)
    out(
      `  baseline   ${'environment' in s.baseline ? `environment ${s.baseline.environment}` : `the ${s.baseline.window} before`}`,
    );
  const where = Object.entries(s.where);
  if (where.length) out(`  where      ${where.map(([k, v]) => `${k}=${v}`).join(', ')}`);
  if (s.degrade) out(`  degrades   deployment ${s.degrade} while firing`);
  out(
    `  schedule   every ${s.every}; last evaluated ${shortTime(m.evaluatedAt)}, state since ${shortTime(m.changedAt)}`,
  );
  if (m.alert)
    out(
      `  alert      ${m.alert.id} ${m.alert.severity} since ${shortTime(m.alert.openedAt)}, ${m.alert.evaluations} evaluations${m.alert.acknowledgedBy ? `, acknowledged by ${m.alert.acknowledgedBy}` : ''}`,
    );
  out(`  updated    ${shortTime(m.updatedAt)} by ${m.updatedBy}`);
  if (evaluations.length) {
    out('');
    printTable(evaluations, {
      at: (e) => shortTime(e.at),
      state: (e) => e.state,
      value: (e) => value(e.value),
      samples: (e) => e.samples,
      message: (e) => e.message,
    });
  }
}

function printResults(results: EvaluationResult[]): void {
  printTable(results, {
    monitor: (r) => r.monitor,
    state: (r) => (r.previous !== r.state ? `${r.previous} → ${r.state}` : r.state),
    value: (r) => value(r.evaluation.value),
    alert: (r) => (r.alert ? `${r.alert.id} (${r.alert.state})` : '-'),
    message: (r) => `${r.evaluation.message}${r.degradeError ? ` [degrade failed: ${r.degradeError}]` : ''}`,
  });
}

function printAlerts(alerts: Alert[]): void {
  printTable(alerts, {
    id: (a) => a.id,
    monitor: (a) => a.monitor,
    model: (a) => a.model,
    severity: (a) => a.severity,
    state: (a) => a.state,
    opened: (a) => shortTime(a.openedAt),
    resolved: (a) => shortTime(a.resolvedAt),
    ack: (a) => a.acknowledgedBy ?? '-',
    message: (a) => a.message,
  });
}

/** `lathe monitors …` and `lathe alerts …`: declarative monitors and the alerts inbox. */
export function registerMonitorsCommand(program: Command): void {
  const monitors = program
    .command('monitors')
    .description('declarative monitors on monitored models: apply specs, list, show, evaluate, delete');

  monitors
    .command('apply <file>')
    .description(
      'apply monitor specs from a YAML or JSON file (one, a list, or {monitors: [...]}); all or nothing',
    )
    .action(async (file: string, _o: unknown, cmd: Command) => {
      const specs = parseMonitorFile(await readOptionFile(file, 'the monitors file'));
      const r = await clientFor(cmd).request<{ monitors: AppliedMonitor[] }>(
        'POST',
        '/api/v1/monitors',
        specs,
      );
      if (wantsJson(cmd)) return printJson(r);
      for (const m of r.monitors) out(`${m.action.padEnd(9)} ${m.name}`);
    });

  monitors
    .command('ls')
    .alias('list')
    .description('list monitors: state, last value, threshold, last evaluation')
    .action(async (_o: unknown, cmd: Command) => {
      const r = await clientFor(cmd).request<{ monitors: MonitorStatus[] }>('GET', '/api/v1/monitors');
      if (wantsJson(cmd)) return printJson(r);
      if (!r.monitors.length) {
        out('no monitors; create some with: lathe monitors apply monitors.yaml');
        return;
      }
      printTable(r.monitors, {
        name: (m) => m.name,
        model: (m) => m.spec.model,
        metric: (m) => (m.spec.feature ? `${m.spec.metric}(${m.spec.feature})` : m.spec.metric),
        state: (m) => m.state,
        value: (m) => value(m.value),
        threshold: threshold,
        window: (m) => m.spec.window,
        evaluated: (m) => shortTime(m.evaluatedAt),
      });
    });

  monitors
    .command('show <name>')
    .description('show a monitor: spec, state, open alert and its last evaluations')
    .option('--limit <n>', 'evaluations to show (default 10)', positiveInt)
    .action(async (name: string, o: { limit?: number }, cmd: Command) => {
      const client = clientFor(cmd);
      const [m, h] = await Promise.all([
        client.request<MonitorStatus>('GET', `/api/v1/monitors/${enc(name)}`),
        client.request<{ evaluations: MonitorEvaluation[] }>(
          'GET',
          `/api/v1/monitors/${enc(name)}/history`,
          undefined,
          {
            limit: o.limit ?? 10,
          },
        ),
      ]);
      if (wantsJson(cmd)) return printJson({ ...m, evaluations: h.evaluations });
      printMonitor(m, h.evaluations);
    });

  monitors
    .command('evaluate [name]')
    .description('evaluate one monitor (or all) now; --check exits 1 when one is firing')
    .option('--check', 'exit with status 1 when a monitor evaluated is firing')
    .action(async (name: string | undefined, o: { check?: boolean }, cmd: Command) => {
      const client = clientFor(cmd);
      const results = name
        ? [await client.request<EvaluationResult>('POST', `/api/v1/monitors/${enc(name)}/evaluate`)]
        : (await client.request<{ results: EvaluationResult[] }>('POST', '/api/v1/monitors/evaluate'))
            .results;
      if (wantsJson(cmd)) printJson(name ? results[0] : { results });
      else printResults(results);
      if (o.check && results.some((r) => r.state === 'firing')) process.exitCode = exitCodes.failed;
    });

  monitors
    .command('history <name>')
    .description('evaluations of a monitor, newest first')
    .option('--limit <n>', 'how many (default 50)', positiveInt)
    .action(async (name: string, o: { limit?: number }, cmd: Command) => {
      const r = await clientFor(cmd).request<{ evaluations: MonitorEvaluation[] }>(
        'GET',
        `/api/v1/monitors/${enc(name)}/history`,
        undefined,
        { limit: o.limit },
      );
      if (wantsJson(cmd)) return printJson(r);
      printTable(r.evaluations, {
        at: (e) => shortTime(e.at),
        state: (e) => e.state,
        value: (e) => value(e.value),
        samples: (e) => e.samples,
        message: (e) => e.message,
      });
    });

  monitors
    .command('delete <name>')
    .description('delete a monitor and its history (its open alert is resolved)')
    .action(async (name: string, _o: unknown, cmd: Command) => {
      await clientFor(cmd).request('DELETE', `/api/v1/monitors/${enc(name)}`);
      if (!wantsJson(cmd)) out(`deleted ${name}`);
    });

  const alerts = program
    .command('alerts')
    .description('the alerts monitors opened, newest first (lathe alerts --state open; lathe alerts ack ID)')
    .option('--state <state>', 'open or resolved', oneOf(['open', 'resolved'] as const))
    .option('--monitor <name>', 'only this monitor’s alerts')
    .option('--limit <n>', 'how many (default 100)', positiveInt)
    .action(async (o: { state?: string; monitor?: string; limit?: number }, cmd: Command) => {
      const r = await clientFor(cmd).request<{ alerts: Alert[] }>('GET', '/api/v1/alerts', undefined, {
        state: o.state,
        monitor: o.monitor,
        limit: o.limit,
      });
      if (wantsJson(cmd)) return printJson(r);
      printAlerts(r.alerts);
    });

  alerts
    .command('ack <id>')
    .alias('acknowledge')
    .description('mark an alert seen (it stays open until its monitor is ok)')
    .action(async (id: string, _o: unknown, cmd: Command) => {
      const a = await clientFor(cmd).request<Alert>('POST', `/api/v1/alerts/${enc(id)}/acknowledge`);
      if (wantsJson(cmd)) return printJson(a);
      out(`acknowledged ${a.id} (${a.monitor}, ${a.severity}, ${a.state}) by ${a.acknowledgedBy}`);
    });
}
