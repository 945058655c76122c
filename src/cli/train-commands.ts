import { type Command, InvalidArgumentError } from 'commander';
import { parse as parseYaml } from 'yaml';
import {
  type AutomlSpec,
  type ExplainSpec,
  type HyperparameterValue,
  type Job,
  LatheError,
  type SearchSpace,
  type TrainSpec,
  type TuneSpec,
} from '../sdk/index.js';
import { clientFor, wantsJson } from './context.js';
import { followJob } from './job-follow.js';
import { nonNegativeInt, oneOf, positiveInt, readOptionFile } from './options.js';
import { printJson, printTable } from './output.js';
import { reportFinishedJob } from './train-output.js';

/** `--param k=v`, repeatable: the value is JSON when it parses (numbers, booleans, null, arrays), else a string. */
export function collectParam(
  value: string,
  previous: Record<string, HyperparameterValue> = {},
): Record<string, HyperparameterValue> {
  const eq = value.indexOf('=');
  if (eq < 1) throw new InvalidArgumentError(`expected name=value, got "${value}"`);
  const raw = value.slice(eq + 1);
  let parsed: unknown = raw;
  try {
    parsed = JSON.parse(raw);
  } catch {
    // Not JSON: a string such as gini or sqrt.
  }
  if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) parsed = raw;
  return { ...previous, [value.slice(0, eq).trim()]: parsed as HyperparameterValue };
}

/** `a,b,c` → ['a', 'b', 'c']; an empty name is refused. */
export function columnList(value: string): string[] {
  const items = value.split(',').map((s) => s.trim());
  if (items.some((s) => !s))
    throw new InvalidArgumentError(`expected names separated by commas, got "${value}"`);
  return items;
}

/** An integer >= 0. */

/** A share in (0, 1). */
function share(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n <= 0 || n >= 1)
    throw new InvalidArgumentError(`expected a number between 0 and 1, got "${value}"`);
  return n;
}

/** `90`, `90s`, `10m`, `1.5h` → seconds. */
export function durationSeconds(value: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([smh]?)\s*$/i.exec(value);
  if (!m) throw new InvalidArgumentError(`expected a duration like 90s, 10m or 2h, got "${value}"`);
  const seconds = Math.round(Number(m[1]) * ({ s: 1, m: 60, h: 3600 }[m[2]!.toLowerCase()] ?? 1));
  if (seconds < 1) throw new InvalidArgumentError(`expected a duration of at least 1s, got "${value}"`);
  return seconds;
}

const tasks = ['binary', 'multiclass', 'regression'] as const;

/** `random`, `group:COLUMN` or `time:COLUMN`. */
function parseSplit(value: string): NonNullable<TrainSpec['split']> {
  const m = /^(random|group|time)(?::(.+))?$/.exec(value.trim());
  if (!m || (m[1] !== 'random' && !m[2]) || (m[1] === 'random' && m[2]))
    throw new InvalidArgumentError(`expected random, group:COLUMN or time:COLUMN, got "${value}"`);
  return m[1] === 'random' ? { kind: 'random' } : { kind: m[1] as 'group' | 'time', column: m[2]! };
}

/** The flags naming the data and the target (train, tune, automl). */
function addTargetOptions(cmd: Command): Command {
  return cmd
    .option('--data <ref>', 'the dataset version, NAME@VERSION or NAME@latest (required)')
    .option('--target <column>', 'the column to predict (required)');
}

/** The flags of one model family's fit (train, tune). */
function addModelOptions(cmd: Command): Command {
  return cmd
    .option(
      '--model <family>',
      'the model family: gbdt, rf, logistic, … (see `lathe train models`) (required)',
    )
    .option(
      '--param <name=value>',
      'a hyperparameter; repeat for several (values are JSON when they parse)',
      collectParam,
    )
    .option('--test-size <share>', 'share of rows held out for the test metrics (default 0.2)', share)
    .option(
      '--split <kind>',
      'how test rows and folds are chosen: random (default), group:COLUMN (groups stay on one side) or time:COLUMN (latest rows are the test set)',
      parseSplit,
    )
    .option('--run-name <name>', 'the run name (default MODEL-TARGET)');
}

/** The flags on the features, the tracking and the waiting (train, tune, automl). */
function addCommonOptions(cmd: Command): Command {
  return cmd
    .option(
      '--task <task>',
      'binary, multiclass or regression (default: inferred from the target)',
      oneOf(tasks),
    )
    .option(
      '--features <a,b,…>',
      'the feature columns (default: all but identifiers, datetimes, text, PII)',
      columnList,
    )
    .option('--drop <a,b,…>', 'columns to leave out of the default features', columnList)
    .option('--seed <n>', 'seed of the splits and models (default 0)', nonNegativeInt)
    .option('--experiment <name>', 'the tracking experiment (default: the dataset name)')
    .option('--register <name>', 'register the model as a new version of this registered model')
    .option('--no-wait', 'print the job id and return at once instead of following the job');
}

type Opts = Record<string, unknown>;

/** Refuses a missing required flag with a usage error (exit 2), as commander does. */
function need(cmd: Command, o: Opts, ...flags: string[]): void {
  for (const f of flags) {
    const key = f.replace(/-([a-z])/g, (_m, c: string) => c.toUpperCase());
    if (o[key] === undefined) cmd.error(`error: required option '--${f}' not specified`);
  }
}

/** Copies the options given on the command line into a spec, under the spec's names. */
function pick<T>(o: Opts, names: Record<string, string>): Partial<T> {
  const spec: Record<string, unknown> = {};
  for (const [opt, field] of Object.entries(names)) if (o[opt] !== undefined) spec[field] = o[opt];
  return spec as Partial<T>;
}

const dataFields = {
  data: 'data',
  target: 'target',
  task: 'task',
  features: 'features',
  drop: 'drop',
  seed: 'seed',
  experiment: 'experiment',
  register: 'register',
};
const modelFields = {
  model: 'model',
  param: 'params',
  testSize: 'testSize',
  split: 'split',
  runName: 'runName',
  cv: 'cv',
};

/** Starts a job; follows it unless --no-wait; prints the outcome and sets the exit code. */
export async function startAndFollow(
  cmd: Command,
  kind: string,
  spec: unknown,
  wait: boolean,
  top?: number,
): Promise<void> {
  const json = wantsJson(cmd);
  const job: Job = await clientFor(cmd).jobs.start(kind, spec);
  if (!wait) {
    if (json) return printJson(job);
    process.stdout.write(`${job.id}\n`);
    process.stderr.write(`started ${kind} job ${job.id}; follow it with \`lathe jobs watch ${job.id}\`\n`);
    return;
  }
  if (!json) process.stderr.write(`started ${kind} job ${job.id}\n`);
  const final = await followJob(cmd, job.id);
  process.exitCode = reportFinishedJob(final, json, top);
}

/** A search space file, JSON or YAML: `{ maxDepth: { type: int, low: 2, high: 12 } }`. */
async function readSpace(file: string): Promise<SearchSpace> {
  const text = await readOptionFile(file, 'the search space');
  let space: unknown;
  try {
    space = parseYaml(text);
  } catch (err) {
    throw new LatheError(
      'INVALID_ARGUMENT',
      `cannot parse the search space ${file}: ${(err as Error).message}`,
    );
  }
  if (typeof space !== 'object' || space === null || Array.isArray(space))
    throw new LatheError(
      'INVALID_ARGUMENT',
      `the search space ${file} must map hyperparameter names to domains, e.g. {maxDepth: {type: int, low: 2, high: 12}}`,
    );
  return space as SearchSpace;
}

/** `lathe train`, `lathe tune`, `lathe automl`, `lathe explain`: training jobs, followed to their end. */
export function registerTrainCommands(program: Command): void {
  const train = addCommonOptions(
    addModelOptions(
      addTargetOptions(
        program
          .command('train')
          .description(
            'train a model on a dataset version as a job, with live progress (or `lathe train models`)',
          ),
      ),
    ),
  )
    .option(
      '--cv <folds>',
      'cross-validation folds over the training part, 2..20 (default none)',
      nonNegativeInt,
    )
    .action(async (o: Opts, cmd: Command) => {
      if (cmd.args.length) cmd.error(`error: unknown command or argument '${cmd.args[0]}'`);
      need(cmd, o, 'data', 'target', 'model');
      const spec = { ...pick<TrainSpec>(o, dataFields), ...pick<TrainSpec>(o, modelFields) } as TrainSpec;
      await startAndFollow(cmd, 'train', spec, o['wait'] !== false);
    });

  train
    .command('models')
    .description('the model families training can fit, with their tasks and hyperparameters')
    .action(async (_o, cmd: Command) => {
      const models = await clientFor(cmd).training.models();
      if (wantsJson(cmd)) return printJson({ models });
      printTable(models, {
        model: (m) => m.name,
        tasks: (m) => m.tasks,
        summary: (m) => m.summary,
      });
      for (const m of models) {
        process.stdout.write(`\n${m.name}:\n`);
        for (const [k, help] of Object.entries(m.params)) process.stdout.write(`  ${k.padEnd(22)} ${help}\n`);
      }
    });

  addCommonOptions(
    addModelOptions(
      addTargetOptions(
        program
          .command('tune')
          .description('search the hyperparameters of one model family as a job; every trial is a child run'),
      ),
    ),
  )
    .option(
      '--sampler <sampler>',
      'grid, random or tpe (default tpe)',
      oneOf(['grid', 'random', 'tpe'] as const),
    )
    .option('--trials <n>', 'number of trials (default 20)', positiveInt)
    .option('--parallel <n>', 'trials at once, at most the server cores (default 1)', positiveInt)
    .option('--metric <name>', 'the metric to optimise (default roc_auc, log_loss or rmse by task)')
    .option('--cv <folds>', 'cross-validation folds per trial (default 3)', nonNegativeInt)
    .option('--asha', 'stop poor trials early (asynchronous successive halving)')
    .option('--space <file>', 'the search space, JSON or YAML (default: the family’s)')
    .option('--timeout <duration>', 'stop starting trials after this long: 90s, 10m, 1h', durationSeconds)
    .option('--top <n>', 'trials shown in the leaderboard (default 10; all with --json)', positiveInt)
    .action(async (o: Opts, cmd: Command) => {
      if (cmd.args.length) cmd.error(`error: unknown argument '${cmd.args[0]}'`);
      need(cmd, o, 'data', 'target', 'model');
      const spec = {
        ...pick<TuneSpec>(o, dataFields),
        ...pick<TuneSpec>(o, modelFields),
        ...pick<TuneSpec>(o, {
          sampler: 'sampler',
          trials: 'trials',
          parallel: 'parallel',
          metric: 'metric',
          asha: 'asha',
          timeout: 'timeoutSeconds',
        }),
      } as TuneSpec;
      if (typeof o['space'] === 'string') spec.space = await readSpace(o['space']);
      await startAndFollow(cmd, 'tune', spec, o['wait'] !== false, o['top'] as number | undefined);
    });

  addCommonOptions(
    addTargetOptions(
      program
        .command('automl')
        .description(
          'search model families and their hyperparameters within a time budget; print the leaderboard',
        ),
    ),
  )
    .option('--budget <duration>', 'the time budget: 600, 90s, 10m, 2h (required)', durationSeconds)
    .option('--models <a,b,…>', 'the families to try (default: all that do the task)', columnList)
    .option('--metric <name>', 'the metric to rank on (default roc_auc, log_loss or rmse by task)')
    .option('--cv <folds>', 'cross-validation folds (default 3)', nonNegativeInt)
    .option('--no-ensemble', 'do not build an ensemble of the top models')
    .option(
      '--test-size <share>',
      "share of rows held out for the winner's test metrics (default 0.2)",
      share,
    )
    .option('--resume <job-id>', 'reuse the finished trials of an interrupted automl job')
    .option('--top <n>', 'candidates shown in the leaderboard (default 10; all with --json)', positiveInt)
    .action(async (o: Opts, cmd: Command) => {
      if (cmd.args.length) cmd.error(`error: unknown argument '${cmd.args[0]}'`);
      need(cmd, o, 'data', 'target', 'budget');
      const spec = {
        ...pick<AutomlSpec>(o, dataFields),
        ...pick<AutomlSpec>(o, {
          budget: 'budgetSeconds',
          models: 'models',
          metric: 'metric',
          cv: 'cv',
          testSize: 'testSize',
          resume: 'resume',
        }),
      } as AutomlSpec;
      if (o['ensemble'] === false) spec.ensemble = false;
      await startAndFollow(cmd, 'automl', spec, o['wait'] !== false, o['top'] as number | undefined);
    });

  program
    .command('explain')
    .description(
      "explain a trained run's model: SHAP values, importances, partial dependence (explanations.json)",
    )
    .argument('<run-id>', 'the run that trained the model')
    .option('--rows <n>', 'rows to explain, at most 10,000 (default 500)', positiveInt)
    .option(
      '--method <method>',
      'auto, tree, kernel or permutation (default auto)',
      oneOf(['auto', 'tree', 'kernel', 'permutation'] as const),
    )
    .option('--no-wait', 'print the job id and return at once instead of following the job')
    .action(async (runId: string, o: Opts, cmd: Command) => {
      const spec: ExplainSpec = { runId, ...pick<ExplainSpec>(o, { rows: 'rows', method: 'method' }) };
      await startAndFollow(cmd, 'explain', spec, o['wait'] !== false);
    });
}
