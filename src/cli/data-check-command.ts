import { writeFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { type CheckResult, type CheckRun, checkRunToJUnit, type ColumnCheckResult } from '../sdk/index.js';
import { clientFor, wantsJson } from './context.js';
import { readOptionFile } from './options.js';
import { exitCodes, printJson, printTable, shortTime } from './output.js';

/** `lathe data check` and `lathe data checks`: quality-check suites and their stored runs. */
export function registerDataCheckCommand(data: Command): void {
  data
    .command('check')
    .description('run a quality-check suite on a version; exit code 1 when a check fails')
    .argument('<ref>', 'NAME@VERSION, NAME@latest or NAME')
    .option('--suite <file>', 'the suite, YAML or JSON (default: the built-in suite)')
    .option('--junit <file>', 'also write the results as JUnit XML, for CI')
    .option('--all', 'list every column a check looked at, not only those that warn or fail')
    .action(async (ref: string, o: { suite?: string; junit?: string; all?: boolean }, cmd: Command) => {
      const suite = o.suite === undefined ? undefined : await readOptionFile(o.suite, 'the suite');
      const run = await clientFor(cmd).data.check(ref, suite);
      if (o.junit) await writeFile(o.junit, checkRunToJUnit(run));
      if (wantsJson(cmd)) printJson(run);
      else printRun(run, o.all === true);
      if (o.junit && !wantsJson(cmd)) process.stderr.write(`wrote JUnit XML to ${o.junit}\n`);
      // A failing check is the answer, not an error: print it, then exit 1 (see main.ts).
      if (run.status === 'fail') process.exitCode = exitCodes.failed;
    });

  data
    .command('checks')
    .description('the stored check runs of a version, newest first')
    .argument('<ref>', 'NAME@VERSION, NAME@latest or NAME')
    .action(async (ref: string, _o, cmd: Command) => {
      const runs = await clientFor(cmd).data.checkRuns(ref);
      if (wantsJson(cmd)) return printJson({ runs });
      printTable(runs, {
        id: (r) => r.id,
        status: (r) => r.status.toUpperCase(),
        checks: (r) => `${r.summary.fail} fail, ${r.summary.warn} warn, ${r.summary.pass} pass`,
        reference: (r) => r.reference,
        created: (r) => shortTime(r.createdAt),
        by: (r) => r.createdBy,
      });
    });
}

interface Row {
  status: string;
  check: string;
  column: string;
  value: string;
  message: string;
}

function printRun(run: CheckRun, all: boolean): void {
  const rows: Row[] = [];
  for (const r of run.results) {
    const shown = r.columns.filter(
      (c) => all || c.status === 'warn' || c.status === 'fail' || c.status === 'error',
    );
    if (!shown.length) rows.push(row(r, null));
    else for (const c of shown) rows.push(row(r, c));
  }
  printTable(rows, {
    status: (x) => x.status,
    check: (x) => x.check,
    column: (x) => x.column,
    'value vs threshold': (x) => x.value,
    message: (x) => x.message,
  });
  const s = run.summary;
  const counts = (['fail', 'error', 'warn', 'pass', 'skipped'] as const)
    .filter((k) => s[k])
    .map((k) => `${s[k]} ${k}`)
    .join(', ');
  process.stdout.write(
    `\n${run.ref}: ${run.status.toUpperCase()} (${counts})${run.reference ? `, compared with ${run.reference}` : ''}; ` +
      `run ${run.id}, ${(run.durationMs / 1000).toFixed(1)} s\n`,
  );
}

function row(r: CheckResult, c: ColumnCheckResult | null): Row {
  const status = (c?.status ?? r.status).toUpperCase();
  const value = c ? c.value : r.value;
  return {
    status,
    check: r.name,
    column: c?.column ?? '',
    value: value === null ? '' : versus(r, value, c?.status ?? r.status),
    message: truncate(c ? c.message : r.message, 110),
  };
}

/** `24.8% > 5%`, `19 < 90 days`, `|r| 0.998 >= 0.98`: the value and the threshold it crossed (or the nearest). */
function versus(r: CheckResult, value: number, status: string): string {
  const t = r.thresholds;
  const f =
    r.check === 'insufficient_history'
      ? (x: number) => `${Math.round(x * 10) / 10}d`
      : r.check === 'target_leakage'
        ? (x: number) => String(Number(x.toPrecision(3)))
        : r.check === 'schema_change'
          ? (x: number) => `${x} change${x === 1 ? '' : 's'}`
          : (x: number) => `${Number((x * 100).toPrecision(3))}%`;
  if (!t) return f(value);
  const limit = status === 'fail' ? t.fail : status === 'warn' ? t.warn : (t.warn ?? t.fail);
  if (limit === null) return f(value);
  const op = status === 'pass' ? { '>': '<=', '>=': '<', '<': '>=' }[t.op] : t.op;
  return `${f(value)} ${op} ${f(limit)}`;
}

const truncate = (s: string, n: number) => (s.length > n ? `${s.slice(0, n - 1)}…` : s);
