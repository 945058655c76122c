import type { Command } from 'commander';
import type { Run } from '../sdk/index.js';
import { clientFor, wantsJson } from './context.js';
import { collectTag, positiveInt } from './options.js';
import { printJson, printTable, shortTime } from './output.js';

const time = (ms: number | null) => (ms === null ? '-' : shortTime(new Date(ms).toISOString()));
const duration = (r: Run) =>
  r.info.startTime !== null && r.info.endTime !== null
    ? `${((r.info.endTime - r.info.startTime) / 1000).toFixed(1)}s`
    : '-';
const fmt = (v: number) =>
  Number.isInteger(v) ? String(v) : Number.isFinite(v) ? v.toPrecision(6).replace(/\.?0+$/, '') : String(v);

/** `lathe experiments …` and `lathe runs …`. */
export function registerTrackingCommands(program: Command): void {
  const experiments = program.command('experiments').description('experiment tracking: experiments');
  experiments
    .command('list')
    .description('list experiments, newest first')
    .option('--filter <filter>', 'MLflow filter, e.g. "name LIKE \'%churn%\'"')
    .option('--order-by <clause>', 'e.g. "name ASC"; repeat for several', collectList, [])
    .option('--deleted', 'list deleted experiments instead')
    .option('--max-results <n>', 'page size (default 100)', positiveInt)
    .option('--page-token <token>', 'the next page, as printed after a full page')
    .action(
      async (
        o: { filter?: string; orderBy: string[]; deleted?: boolean; maxResults?: number; pageToken?: string },
        cmd: Command,
      ) => {
        const page = await clientFor(cmd).tracking.listExperiments({
          filter: o.filter,
          orderBy: o.orderBy.length ? o.orderBy : undefined,
          viewType: o.deleted ? 'DELETED_ONLY' : undefined,
          maxResults: o.maxResults ?? 100,
          pageToken: o.pageToken,
        });
        if (wantsJson(cmd)) return printJson(page);
        printTable(page.experiments, {
          id: (e) => e.experimentId,
          name: (e) => e.name,
          created: (e) => time(e.creationTime),
          updated: (e) => time(e.lastUpdateTime),
          tags: (e) => e.tags.map((t) => `${t.key}=${t.value}`),
        });
        if (page.nextPageToken) process.stdout.write(`more: --page-token ${page.nextPageToken}\n`);
      },
    );
  experiments
    .command('create <name>')
    .description('create an experiment')
    .option('--tag <key=value>', 'a tag; repeat for several', collectTag, {})
    .action(async (name: string, o: { tag: Record<string, string> }, cmd: Command) => {
      const exp = await clientFor(cmd).tracking.createExperiment(name, o.tag);
      if (wantsJson(cmd)) return printJson({ experiment: exp });
      process.stdout.write(
        `created experiment ${exp.experimentId} "${exp.name}" (artifacts: ${exp.artifactLocation})\n`,
      );
    });
  experiments
    .command('show <id-or-name>')
    .description('show an experiment (by ID, or by name with --by-name)')
    .option('--by-name', 'look the experiment up by name')
    .action(async (ref: string, o: { byName?: boolean }, cmd: Command) => {
      const exp = await clientFor(cmd).tracking.getExperiment(ref, o.byName ? 'name' : 'id');
      if (wantsJson(cmd)) return printJson({ experiment: exp });
      process.stdout.write(
        `${exp.name} (id ${exp.experimentId}, ${exp.lifecycleStage})\n  created ${time(exp.creationTime)}, artifacts ${exp.artifactLocation}\n`,
      );
      for (const t of exp.tags) process.stdout.write(`  tag ${t.key}=${t.value}\n`);
    });
  experiments
    .command('delete <id>')
    .description('delete an experiment and its runs (soft; `lathe experiments restore ID` brings them back)')
    .action(async (id: string, _o, cmd: Command) => {
      const c = clientFor(cmd);
      await c.request('DELETE', `/api/v1/experiments/${encodeURIComponent(id)}`);
      if (!wantsJson(cmd)) process.stdout.write(`deleted experiment ${id}\n`);
      else printJson({ deleted: id });
    });
  experiments
    .command('restore <id>')
    .description('restore a deleted experiment and its runs')
    .action(async (id: string, _o, cmd: Command) => {
      await clientFor(cmd).request('POST', `/api/v1/experiments/${encodeURIComponent(id)}/restore`);
      if (!wantsJson(cmd)) process.stdout.write(`restored experiment ${id}\n`);
      else printJson({ restored: id });
    });

  const runs = program.command('runs').description('experiment tracking: runs');
  runs
    .command('list')
    .description("search an experiment's runs (MLflow filter syntax), newest first by default")
    .requiredOption('--experiment <id-or-name>', 'experiment ID, or name')
    .option('--filter <filter>', 'e.g. "metrics.acc > 0.9 and params.lr = \'0.1\'"')
    .option('--order-by <clause>', 'e.g. "metrics.acc DESC"; repeat for several', collectList, [])
    .option(
      '--columns <keys>',
      'extra columns: comma-separated metrics.X, params.Y, tags.Z (default: first 3 metrics)',
    )
    .option('--deleted', 'search deleted runs instead')
    .option('--max-results <n>', 'page size (default 50)', positiveInt)
    .option('--page-token <token>', 'the next page, as printed after a full page')
    .action(
      async (
        o: {
          experiment: string;
          filter?: string;
          orderBy: string[];
          columns?: string;
          deleted?: boolean;
          maxResults?: number;
          pageToken?: string;
        },
        cmd: Command,
      ) => {
        const client = clientFor(cmd);
        const exp = /^\d+$/.test(o.experiment)
          ? o.experiment
          : (await client.tracking.getExperiment(o.experiment, 'name')).experimentId;
        const page = await client.tracking.searchRuns({
          experimentIds: [exp],
          filter: o.filter,
          orderBy: o.orderBy.length ? o.orderBy : undefined,
          viewType: o.deleted ? 'DELETED_ONLY' : undefined,
          maxResults: o.maxResults ?? 50,
          pageToken: o.pageToken,
          withTotal: true,
        });
        if (wantsJson(cmd)) return printJson(page);
        const extra = o.columns
          ? o.columns
              .split(',')
              .map((c) => c.trim())
              .filter(Boolean)
          : [...new Set(page.runs.flatMap((r) => r.data.metrics.map((m) => `metrics.${m.key}`)))]
              .sort()
              .slice(0, 3);
        const columns: Record<string, (r: Run) => unknown> = {
          'run id': (r) => r.info.runId,
          name: (r) => r.info.runName,
          status: (r) => r.info.status,
          started: (r) => time(r.info.startTime),
          duration,
        };
        for (const c of extra) columns[c] = (r) => cell(r, c);
        printTable(page.runs, columns);
        process.stdout.write(
          `${page.runs.length} of ${page.total ?? '?'} runs${page.nextPageToken ? `; more: --page-token ${page.nextPageToken}` : ''}\n`,
        );
      },
    );
  runs
    .command('show <run-id>')
    .description('show a run: status, times, params, latest metrics, tags, inputs')
    .action(async (id: string, _o, cmd: Command) => {
      const run = await clientFor(cmd).tracking.getRun(id);
      if (wantsJson(cmd)) return printJson({ run });
      const i = run.info;
      process.stdout.write(
        `${i.runName} (${i.runId})\n  experiment ${i.experimentId}, ${i.status}, ${i.lifecycleStage}\n`,
      );
      process.stdout.write(
        `  started ${time(i.startTime)}, ended ${time(i.endTime)}, took ${duration(run)}\n  artifacts ${i.artifactUri}\n`,
      );
      section(
        'params',
        run.data.params.map((p) => [p.key, p.value]),
      );
      section(
        'metrics',
        run.data.metrics.map((m) => [m.key, `${fmt(m.value)} (step ${m.step})`]),
      );
      section(
        'tags',
        run.data.tags.filter((t) => !t.key.startsWith('mlflow.')).map((t) => [t.key, t.value]),
      );
      section(
        'inputs',
        run.inputs.datasetInputs.map((d) => [d.dataset.name, `digest ${d.dataset.digest}`]),
      );
    });
  runs
    .command('compare <run-ids...>')
    .description('compare runs side by side: params that differ, then metrics')
    .option('--all', 'show params that are equal too')
    .action(async (ids: string[], o: { all?: boolean }, cmd: Command) => {
      const client = clientFor(cmd);
      const list = await Promise.all(ids.map((id) => client.tracking.getRun(id)));
      if (wantsJson(cmd)) return printJson({ runs: list });
      const keys = (pick: (r: Run) => { key: string }[]) =>
        [...new Set(list.flatMap((r) => pick(r).map((x) => x.key)))].sort();
      const rows: Record<string, string>[] = [];
      for (const k of keys((r) => r.data.params)) {
        const values = list.map((r) => r.data.params.find((p) => p.key === k)?.value ?? '-');
        if (o.all || new Set(values).size > 1)
          rows.push({ name: `param ${k}`, ...Object.fromEntries(values.map((v, i) => [String(i), v])) });
      }
      for (const k of keys((r) => r.data.metrics)) {
        const values = list.map((r) => {
          const m = r.data.metrics.find((x) => x.key === k);
          return m ? fmt(m.value) : '-';
        });
        rows.push({ name: `metric ${k}`, ...Object.fromEntries(values.map((v, i) => [String(i), v])) });
      }
      const columns: Record<string, (r: Record<string, string>) => unknown> = { '': (r) => r.name };
      list.forEach((r, i) => {
        columns[r.info.runName || r.info.runId.slice(0, 8)] = (row) => row[String(i)];
      });
      printTable(rows, columns);
    });
}

function section(title: string, rows: string[][]): void {
  if (rows.length === 0) return;
  process.stdout.write(`${title}:\n`);
  const width = Math.max(...rows.map((r) => r[0]!.length));
  for (const [k, v] of rows) process.stdout.write(`  ${k!.padEnd(width)}  ${v}\n`);
}

function cell(r: Run, column: string): string {
  const dot = column.indexOf('.');
  const kind = column.slice(0, dot);
  const key = column.slice(dot + 1);
  if (kind === 'metrics' || kind === 'metric') {
    const m = r.data.metrics.find((x) => x.key === key);
    return m ? fmt(m.value) : '-';
  }
  const list = kind === 'params' || kind === 'param' ? r.data.params : r.data.tags;
  return list.find((x) => x.key === key)?.value ?? '-';
}

function collectList(value: string, previous: string[]): string[] {
  return [...previous, value];
}
