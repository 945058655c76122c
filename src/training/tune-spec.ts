/**
 * The spec of a `tune` job: a training spec plus the search (sampler, trials, parallel trials,
 * metric, space, folds, successive halving, timeout). Shape checks here; the checks that need the
 * data (the task, so the metric) are in training-service.ts, still before the job is queued.
 */
import { availableParallelism } from 'node:os';
import { describeValue, LatheError } from '../core/index.js';
import {
  budgetPlan,
  checkSpace,
  createSampler,
  metricInfo,
  modelFamily,
  SAMPLER_NAMES,
  type SamplerName,
  type SearchSpace,
  type Task,
} from '../ml/index.js';
import { checkTrainSpec, type TrainSpec } from './train-spec.js';

/** A tuning job's spec. */
export interface TuneSpec extends TrainSpec {
  /** `grid`, `random` or `tpe` (default tpe). */
  sampler: SamplerName;
  /** Trials to run at most (default 20, 1..10,000). */
  trials: number;
  /** Trials at once, each fit on its own worker thread (default 1, at most the machine's cores). */
  parallel: number;
  /** The metric to optimize, as `evaluate` names it; default {@link defaultMetric} of the task. */
  metric?: string;
  /** Where to search; default the family's space. Fixed `params` apply to every trial. */
  space?: SearchSpace;
  /** Cross-validation folds of every trial (2..20, default 3). */
  cv: number;
  /** Asynchronous successive halving over the family's budget parameter (or rows). */
  asha: boolean;
  /** Stop proposing trials after this many seconds (1..86,400); running trials finish, the best is fitted. */
  timeoutSeconds?: number;
}

const TUNE_KEYS = ['sampler', 'trials', 'parallel', 'metric', 'space', 'asha', 'timeoutSeconds'] as const;

/**
 * The metric a search optimizes by default: roc_auc (binary), log_loss (multiclass: a proper,
 * smooth score of the probabilities, FLAML's default too), rmse (regression).
 */
export function defaultMetric(task: Task): string {
  return task === 'binary' ? 'roc_auc' : task === 'multiclass' ? 'log_loss' : 'rmse';
}

function bad(field: string, message: string): LatheError {
  return new LatheError('INVALID_ARGUMENT', `${field}: ${message}`, { field });
}

/**
 * Checks a tune spec's shape, the sampler, counts, metric name and search space.
 * @throws LatheError INVALID_ARGUMENT naming the field, what was expected and what arrived.
 */
export function checkTuneSpec(input: unknown): TuneSpec {
  if (typeof input !== 'object' || input === null || Array.isArray(input))
    throw new LatheError('INVALID_ARGUMENT', `a tuning spec must be an object; got ${describeValue(input)}`);
  const o = { ...(input as Record<string, unknown>) };
  const extra: Record<string, unknown> = {};
  for (const k of TUNE_KEYS)
    if (k in o) {
      extra[k] = o[k];
      delete o[k];
    }
  const cv = o['cv'] ?? 3;
  if (cv === 0) throw bad('cv', 'tuning scores every trial by cross-validation; use 2..20 folds');
  const base = checkTrainSpec({ ...o, cv });
  const family = modelFamily(base.model);
  const sampler = extra['sampler'] ?? 'tpe';
  if (!SAMPLER_NAMES.includes(sampler as SamplerName))
    throw bad('sampler', `must be one of ${SAMPLER_NAMES.join(', ')}; got ${describeValue(sampler)}`);
  const int = (k: string, fallback: number, low: number, high: number): number => {
    const v = extra[k] ?? fallback;
    if (typeof v !== 'number' || !Number.isInteger(v) || v < low || v > high)
      throw bad(k, `must be an integer ${low}..${high}; got ${describeValue(v)}`);
    return v;
  };
  const cores = availableParallelism();
  const spec: TuneSpec = {
    ...base,
    cv: base.cv!,
    sampler: sampler as SamplerName,
    trials: int('trials', 20, 1, 10_000),
    parallel: int('parallel', 1, 1, cores),
    asha: false,
  };
  if (extra['asha'] !== undefined) {
    if (typeof extra['asha'] !== 'boolean')
      throw bad('asha', `must be true or false; got ${describeValue(extra['asha'])}`);
    spec.asha = extra['asha'];
  }
  if (extra['timeoutSeconds'] !== undefined) spec.timeoutSeconds = int('timeoutSeconds', 0, 1, 86_400);
  if (extra['metric'] !== undefined) {
    if (typeof extra['metric'] !== 'string')
      throw bad('metric', `must be a metric name; got ${describeValue(extra['metric'])}`);
    const info = metricInfo(extra['metric']);
    if (!family.tasks.some((t) => info.tasks.includes(t)))
      throw bad(
        'metric',
        `${extra['metric']} is a ${info.tasks.join('/')} metric; model ${family.name} does ${family.tasks.join(', ')}`,
      );
    spec.metric = extra['metric'];
  }
  if (extra['space'] !== undefined) {
    const s = extra['space'];
    if (typeof s !== 'object' || s === null || Array.isArray(s))
      throw bad('space', `expected an object of parameter domains; got ${describeValue(s)}`);
    spec.space = s as SearchSpace;
  }
  const space = spec.space ?? family.space;
  try {
    checkSpace(space, { family });
  } catch (err) {
    const e = err as LatheError;
    throw bad('space', spec.space ? e.message : `model ${family.name} has no default search space; give one`);
  }
  for (const k of Object.keys(spec.params ?? {}))
    if (k in space)
      throw bad(`params.${k}`, `${k} is searched (it is in the space); fix it or search it, not both`);
  if (spec.sampler === 'grid') {
    const size = createSampler('grid', spec.asha ? budgetPlan(family, { space }).space : space).size ?? 0;
    if (size > spec.trials)
      throw bad(
        'trials',
        `the grid over the space has ${size} points; raise trials to ${size} or narrow the space`,
      );
  }
  return spec;
}

/**
 * Checks `metric` (or picks the default) for the task found in the data.
 * @throws LatheError INVALID_ARGUMENT naming the valid metrics of the task.
 */
export function metricForTask(metric: string | undefined, task: Task): string {
  const name = metric ?? defaultMetric(task);
  try {
    metricInfo(name, task);
  } catch (err) {
    throw bad('metric', (err as LatheError).message);
  }
  return name;
}
