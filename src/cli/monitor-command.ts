/**
 * `lathe monitor …`: the inference store from the command line — monitored models, status, drift,
 * performance, quality, root cause, explanations, one prediction; logging predictions and actuals
 * from files, baselines from dataset versions, retention. Thin over `client.monitoring`.
 */
import { type Command, InvalidArgumentError } from 'commander';
import { parseDuration, parseTime } from '../monitoring/index.js';
import { clientFor, wantsJson } from './context.js';
import { type LogOptions, logFile } from './monitor-log.js';
import {
  bar,
  count,
  describeWindow,
  iso,
  num,
  out,
  pct,
  printDrift,
  printGroups,
  printStatus,
} from './monitor-output.js';
import { collectTag, positiveInt } from './options.js';
import { printJson, printTable, shortTime } from './output.js';

/** A commander parser that checks a duration (7d, 1h30m) as the server does: a bad one is exit 2. */
const duration =
  (field: string) =>
  (value: string): string => {
    try {
      parseDuration(value, field);
    } catch (err) {
      throw new InvalidArgumentError((err as Error).message);
    }
    return value;
  };
const time =
  (field: string) =>
  (value: string): string => {
    try {
      parseTime(value, Date.now(), field);
    } catch (err) {
      throw new InvalidArgumentError((err as Error).message);
    }
    return value;
  };

/** `--window --from --to --version --where`: the records a query reads. */
function windowOptions(cmd: Command, window = 'the current window, ending now (or at --to): 30m, 1h, 7d') {
  return cmd
    .option('--window <duration>', window, duration('window'))
    .option('--from <time>', 'start: ISO 8601, epoch ms, or -7d', time('from'))
    .option('--to <time>', 'end (exclusive): ISO 8601, epoch ms, now, or -1d', time('to'))
    .option('--version <v>', 'only this model version')
    .option(
      '--where <key=value>',
      'slice filter on a tag or feature (repeatable)',
      (v: string, prev?: Record<string, string>) => collectTag(v, prev ?? {}),
    );
}
const compareOptions = (cmd: Command, baseline = 'training') =>
  windowOptions(cmd)
    .option('--baseline <env>', `an environment, or previous: the window just before (default ${baseline})`)
    .option('--current <env>', 'the current environment (default production)');

type Opts = Record<string, unknown> & { where?: Record<string, string> };
/** The SDK's window options from the command line's (empty ones left out). */
function pick(o: Opts, ...keys: string[]): Record<string, unknown> {
  const q: Record<string, unknown> = {};
  for (const k of ['window', 'from', 'to', 'version', ...keys]) if (o[k] !== undefined) q[k] = o[k];
  if (o.where && Object.keys(o.where).length) q.where = o.where;
  return q;
}

/** `lathe monitor …`: the inference store of monitored models — status, drift, performance, logging. */
export function registerMonitorCommand(program: Command): void {
  const monitor = program
    .command('monitor')
    .description(
      'observe monitored models: status, drift, performance, quality, root cause, explanations; log predictions and actuals',
    );
  const client = (cmd: Command) => clientFor(cmd).monitoring;

  monitor
    .command('models')
    .description('the monitored models (any model that logged predictions, registered in Lathe or not)')
    .action(async (_o: unknown, cmd: Command) => {
      const models = await client(cmd).models();
      if (wantsJson(cmd)) return printJson({ models });
      if (!models.length) {
        out('no monitored models; log predictions with: lathe monitor log predictions FILE');
        return;
      }
      printTable(models, {
        name: (m) => m.name,
        task: (m) => m.task,
        features: (m) => m.features,
        versions: (m) => m.versions,
        tags: (m) => m.tags,
        created: (m) => shortTime(m.createdAt),
      });
    });

  monitor
    .command('status <model>')
    .description(
      "a model's records per environment and version, last 24 h, ground-truth coverage, counters, baselines and its monitors",
    )
    .action(async (model: string, _o: unknown, cmd: Command) =>
      printStatus(clientFor(cmd), model, wantsJson(cmd)),
    );

  compareOptions(monitor.command('drift <model>'))
    .description(
      'drift of each feature and of the prediction, baseline → current: PSI, KS, JS, Wasserstein, chi²; a report: exits 0 whether or not features drifted (gate with `lathe monitors evaluate --check`)',
    )
    .option('--features <a,b>', 'only these features (comma-separated)')
    .option('--sample-size <n>', 'rows per side feeding KS and Wasserstein (default 100000)', positiveInt)
    .action(async (model: string, o: Opts, cmd: Command) => {
      const d = await client(cmd).drift(model, {
        ...pick(o, 'baseline', 'current', 'sampleSize'),
        ...(o.features
          ? {
              features: String(o.features)
                .split(',')
                .map((f) => f.trim()),
            }
          : {}),
      });
      if (wantsJson(cmd)) return printJson(d);
      printDrift(d);
    });

  windowOptions(monitor.command('perf <model>').alias('performance'))
    .description(
      'performance with ground truth (metrics and coverage) overall, per group (--by a tag, feature, version or environment) and per time bucket',
    )
    .option('--by <key>', 'group by a tag, a feature, version or environment')
    .option('--bucket <duration>', 'a time series with buckets of this size (1h, 1d)', duration('bucket'))
    .option('--environment <env>', 'default production')
    .action(async (model: string, o: Opts, cmd: Command) => {
      const p = await client(cmd).performance(model, pick(o, 'by', 'bucket', 'environment'));
      if (wantsJson(cmd)) return printJson(p);
      const g = p.overall;
      out(`${p.model} (${p.task ?? 'task unknown'}): ${describeWindow(p.window)}`);
      out(`  ${count(g.rows)} predictions, ${count(g.labeled)} with an actual (${pct(g.coverage)} coverage)`);
      const metrics = Object.entries(g.metrics);
      out(
        metrics.length
          ? `  ${metrics.map(([k, v]) => `${k} ${num(v)}`).join('  ')}`
          : '  no metrics: no prediction has an actual yet',
      );
      if (p.by) {
        out();
        out(`by ${p.by}${p.cuts ? ` (cut at ${p.cuts.map(num).join(', ')})` : ''}`);
        printGroups(p.groups, p.by);
      }
      if (p.series.length) {
        out();
        printGroups(
          p.series.map((s) => ({ ...s, key: shortTime(s.key) })),
          'bucket',
        );
      }
    });

  compareOptions(monitor.command('quality <model>'))
    .description(
      'data quality of the current window against the baseline: missing values, out-of-range values, new categories, refused records, volume',
    )
    .action(async (model: string, o: Opts, cmd: Command) => {
      const q = await client(cmd).quality(model, pick(o, 'baseline', 'current'));
      if (wantsJson(cmd)) return printJson(q);
      const v = q.volume;
      out(`${model}: ${describeWindow(q.current)} against ${describeWindow(q.baseline)}`);
      out(`  refused records ${count(q.rejected)} (type violation rate ${pct(q.typeViolationRate)})`);
      out(
        `  volume ${count(v.rows)} rows; ${num(v.previousMean)} per window before${v.change === null ? '' : ` (${v.change >= 0 ? '+' : ''}${pct(v.change)})`}${v.anomaly ? '  ANOMALY' : ''}`,
      );
      out();
      printTable(q.features, {
        feature: (f) => f.feature,
        kind: (f) => f.kind,
        missing: (f) => `${pct(f.baselineMissingRate)} → ${pct(f.missingRate)}`,
        'out of range': (f) => (f.outOfRangeRate === null ? '' : pct(f.outOfRangeRate)),
        'new categories': (f) =>
          f.newCategoryRate === null
            ? ''
            : `${pct(f.newCategoryRate)} ${f.newCategories.slice(0, 5).join(',')}`,
      });
    });

  compareOptions(monitor.command('root-cause <model>'), 'previous')
    .description(
      'what changed and where: slices ranked by their contribution to a metric change between two windows (default the last 1d against the 1d before), features by drift × spread',
    )
    .option('--metric <name>', 'default accuracy (classification) or mae (regression)')
    .option('--top <n>', 'slices and features shown (default 10)', positiveInt)
    .action(async (model: string, o: Opts, cmd: Command) => {
      const r = await client(cmd).rootCause(model, pick(o, 'baseline', 'current', 'metric'));
      if (wantsJson(cmd)) return printJson(r);
      const top = (o.top as number | undefined) ?? 10;
      out(r.summary);
      out(
        `  baseline ${describeWindow(r.baseline.window)}: ${r.metric} ${num(r.baseline.value)} on ${count(r.baseline.labeled)} labeled`,
      );
      out(
        `  current  ${describeWindow(r.current.window)}: ${r.metric} ${num(r.current.value)} on ${count(r.current.labeled)} labeled`,
      );
      out();
      printTable(r.slices.slice(0, top), {
        slice: (s) => `${s.by}=${s.key}`,
        [r.metric]: (s) => `${num(s.baseline.value)} → ${num(s.current.value)}`,
        share: (s) => `${pct(s.baseline.share)} → ${pct(s.current.share)}`,
        performance: (s) => num(s.performanceEffect),
        mix: (s) => num(s.mixEffect),
        contribution: (s) => num(s.contribution),
      });
      out();
      printTable(r.features.slice(0, top), {
        feature: (f) => f.feature,
        psi: (f) => num(f.psi),
        drifted: (f) => (f.drifted ? 'DRIFT' : ''),
        spread: (f) => num(f.spread),
        score: (f) => num(f.score),
      });
    });

  windowOptions(monitor.command('explain <model>'))
    .description(
      'global feature importance (mean |SHAP|) of a sample of the window’s predictions: logged SHAP values, or TreeSHAP of Lathe tree models',
    )
    .option('--environment <env>', 'default production')
    .option('--sample-size <n>', 'predictions explained, 1..10000 (default 200)', positiveInt)
    .action(async (model: string, o: Opts, cmd: Command) => {
      const e = await client(cmd).explanations(model, pick(o, 'environment', 'sampleSize'));
      if (wantsJson(cmd)) return printJson(e);
      out(
        `${e.model}: ${describeWindow(e.window)}: ${count(e.rows)} predictions, ${count(e.sampled)} sampled, ${count(e.explained.length)} explained (${e.method ?? 'no method'})`,
      );
      if (e.reason) out(`  ${e.reason}`);
      const topValue = e.importance[0]?.meanAbs ?? 0;
      const width = Math.max(7, ...e.importance.map((f) => f.feature.length));
      for (const f of e.importance)
        out(`  ${f.feature.padEnd(width)}  ${num(f.meanAbs).padStart(8)}  ${bar(f.meanAbs, topValue)}`);
    });

  monitor
    .command('prediction <id>')
    .description(
      'one logged prediction by ID: its features, prediction, probabilities, tags, actual and explanation',
    )
    .action(async (id: string, _o: unknown, cmd: Command) => {
      const c = client(cmd);
      const p = await c.prediction(id);
      const x = await c.explainPrediction(id).catch(() => null);
      if (wantsJson(cmd)) return printJson({ ...p, explanation: x });
      out(
        `${p.predictionId}  ${p.model}@${p.modelVersion}  ${p.environment}  ${shortTime(iso(p.timestamp))}${p.endpoint ? `  endpoint ${p.endpoint}` : ''}`,
      );
      out(
        `  prediction  ${p.prediction}${
          p.probabilities
            ? `  (${Object.entries(p.probabilities)
                .map(([k, v]) => `${k} ${num(v)}`)
                .join(', ')})`
            : ''
        }`,
      );
      out(
        `  actual      ${p.actual ?? 'not yet'}${p.actualTimestamp !== null ? ` (${shortTime(iso(p.actualTimestamp))})` : ''}`,
      );
      if (p.latencyMs !== null) out(`  latency     ${num(p.latencyMs)} ms`);
      const tags = Object.entries(p.tags);
      if (tags.length) out(`  tags        ${tags.map(([k, v]) => `${k}=${v}`).join(', ')}`);
      const shap = x?.values ?? {};
      const top = Math.max(0, ...Object.values(shap).map(Math.abs));
      out(
        x?.method
          ? `  explanation ${x.method}${x.base !== null ? `, base ${num(x.base)}` : ''}${x.output ? `, class ${x.output}` : ''}`
          : `  explanation none${x?.reason ? `: ${x.reason}` : ''}`,
      );
      const features = Object.entries(p.features).sort(
        ([a], [b]) => Math.abs(shap[b] ?? 0) - Math.abs(shap[a] ?? 0),
      );
      const value = ([, v]: [string, unknown]) => (v === null ? 'null' : String(v));
      if (!Object.keys(shap).length) printTable(features, { feature: ([f]) => f, value });
      else
        printTable(features, {
          feature: ([f]) => f,
          value,
          shap: ([f]) => num(shap[f]),
          '': ([f]) =>
            shap[f] === undefined
              ? ''
              : `${(shap[f] ?? 0) < 0 ? '-' : '+'}${bar(Math.abs(shap[f] ?? 0), top, 20)}`,
        });
    });

  const log = monitor
    .command('log')
    .description(
      'send records from a file: JSON lines (one record per line), a JSON array, or CSV; exits 1 when a record was refused',
    );
  for (const kind of ['predictions', 'actuals'] as const) {
    const c = log
      .command(`${kind} <file>`)
      .description(
        kind === 'predictions'
          ? 'log prediction records {predictionId, model, modelVersion, environment, timestamp, features, prediction, probabilities, tags}; CSV: those columns by name, tag.K, proba.CLASS, shap.F, every other column a feature'
          : 'log actuals {predictionId, actual, timestamp} (CSV: those columns); unknown IDs are kept and counted, the last actual of an ID wins',
      )
      .option('--batch-size <n>', 'records per request (default 10000, at most 100000)', positiveInt);
    if (kind === 'predictions')
      c.option('--model <name>', 'model of records that name none')
        .option('--model-version <v>', 'model version of records that name none')
        .option('--environment <env>', 'environment of records that name none (default production)');
    c.action(async (file: string, o: Opts, cmd: Command) => {
      if ((o.batchSize as number | undefined) !== undefined && (o.batchSize as number) > 100_000)
        cmd.error(`error: --batch-size must be at most 100000; got ${o.batchSize}`);
      await logFile(clientFor(cmd), kind, file, o as LogOptions, wantsJson(cmd));
    });
  }

  monitor
    .command('baseline <model>')
    .description(
      'log a dataset version as a reference environment of the model (training by default; its target column as actuals), replacing an earlier one',
    )
    .requiredOption('--data <dataset@version>', 'the dataset version, NAME@VERSION')
    .option('--environment <env>', 'default training')
    .option('--target <column>', 'the column holding the actual outcome')
    .option('--prediction <column>', "the column holding the model's prediction")
    .option('--version <v>', 'the model version the rows are logged under (default baseline)')
    .action(async (model: string, o: Opts, cmd: Command) => {
      const r = await client(cmd).logBaseline(model, {
        dataset: String(o.data),
        ...(pick(o, 'environment', 'target', 'prediction') as Record<string, string>),
      });
      if (wantsJson(cmd)) return printJson(r);
      out(
        `logged ${r.dataset} as ${r.model}'s ${r.environment} environment: ${count(r.rows)} rows, ${count(r.actuals)} actuals, features ${r.features.join(', ')}`,
      );
    });

  monitor
    .command('retention <model> <days>')
    .description(
      'keep the model’s records DAYS days (whole number >= 1) or forever; older segments are dropped at once and then hourly',
    )
    .option('--downsample-after <days>', 'thin records older than this many days (whole number >= 1)')
    .option('--keep <share>', 'the share of thinned records kept, in (0, 1) (default 0.1)')
    .action(
      async (model: string, days: string, o: { downsampleAfter?: string; keep?: string }, cmd: Command) => {
        if (days !== 'forever' && !/^\d+$/.test(days))
          cmd.error(`error: DAYS must be a whole number of days or forever; got "${days}"`);
        if (o.downsampleAfter !== undefined && !/^\d+$/.test(o.downsampleAfter))
          cmd.error(`error: --downsample-after must be a whole number of days; got "${o.downsampleAfter}"`);
        const keep = o.keep === undefined ? 0.1 : Number(o.keep);
        if (!(keep > 0 && keep < 1))
          cmd.error(`error: --keep must be a share in (0, 1), e.g. 0.1; got "${o.keep}"`);
        const downsample =
          o.downsampleAfter === undefined ? null : { afterDays: Number(o.downsampleAfter), keep };
        const r = await client(cmd).setRetention(model, days === 'forever' ? null : Number(days), downsample);
        if (wantsJson(cmd)) return printJson(r);
        out(
          `${r.model} keeps records ${r.retentionDays === null ? 'forever' : `${r.retentionDays} days`}` +
            (r.downsample
              ? `, ${r.downsample.keep * 100}% of those older than ${r.downsample.afterDays} days`
              : '') +
            `; ${count(r.dropped)} rows dropped and ${count(r.thinned)} thinned away now`,
        );
      },
    );
}
