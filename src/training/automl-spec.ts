/**
 * The spec of an `automl` job, checked (with the data: target, task, metric, families) before the
 * job is queued. A `resume` spec takes the interrupted job's spec and may only change the budget,
 * the ensemble switch and the registration name (the experiment is where its parent run is found).
 */
import { describeValue, LatheError } from '../core/index.js';
import type { JobService } from '../jobs/index.js';
import { MODEL_FAMILIES, modelFamily, type Task } from '../ml/index.js';
import { chooseFeatures } from './prepare.js';
import { targetTask } from './search-runs.js';
import type { TrainingDeps } from './train-job.js';
import { checkTrainSpec } from './train-spec.js';
import { metricForTask } from './tune-spec.js';

/** An AutoML job's spec, normalized (task, metric and models resolved). */
export interface AutomlSpec {
  data: string;
  target: string;
  task: Task;
  features?: string[];
  drop?: string[];
  /** Seconds of search (10..86,400); the winner's final fit and the package come after. */
  budgetSeconds: number;
  metric: string;
  /** Families to try, in the order given (default: every family that does the task). */
  models: string[];
  /** Cross-validation folds of every candidate (2..20, default 3). */
  cv: number;
  /** Try an average of the top models (default true). */
  ensemble: boolean;
  testSize?: number;
  seed?: number;
  register?: string;
  experiment?: string;
  runName?: string;
  /** The interrupted (failed or cancelled) automl job this one goes on from. */
  resume?: string;
}

const KEYS = [
  'data',
  'target',
  'task',
  'features',
  'drop',
  'budgetSeconds',
  'metric',
  'models',
  'cv',
  'ensemble',
  'testSize',
  'seed',
  'register',
  'experiment',
  'runName',
  'resume',
] as const;
/** Fields a resumed job must keep as they were. */
const FIXED = [
  'data',
  'experiment',
  'target',
  'task',
  'features',
  'drop',
  'metric',
  'models',
  'cv',
  'testSize',
  'seed',
] as const;

function bad(field: string, message: string): LatheError {
  return new LatheError('INVALID_ARGUMENT', `${field}: ${message}`, { field });
}

/** The families AutoML tries by default for `task` (the ensemble is built from them, not tried). */
export function automlFamilies(task: Task): string[] {
  return MODEL_FAMILIES.filter((f) => f.name !== 'ensemble' && f.tasks.includes(task)).map((f) => f.name);
}

/**
 * Checks an automl spec (and, with `resume`, the job it resumes).
 * @throws LatheError INVALID_ARGUMENT naming the field; NOT_FOUND for an unknown version or job.
 */
export async function checkAutomlSpec(
  input: unknown,
  deps: TrainingDeps,
  jobs: JobService,
): Promise<AutomlSpec> {
  if (typeof input !== 'object' || input === null || Array.isArray(input))
    throw new LatheError('INVALID_ARGUMENT', `an automl spec must be an object; got ${describeValue(input)}`);
  let o = input as Record<string, unknown>;
  for (const k of Object.keys(o))
    if (!KEYS.includes(k as (typeof KEYS)[number]))
      throw bad(k, `unknown field; valid fields are ${KEYS.join(', ')}`);
  if (o['resume'] !== undefined) {
    if (typeof o['resume'] !== 'string')
      throw bad('resume', `must be a job id; got ${describeValue(o['resume'])}`);
    const old = await jobs.get(o['resume']);
    if (old.kind !== 'automl')
      throw bad('resume', `job ${old.id} is a ${old.kind} job; only automl jobs resume`);
    if (old.status !== 'failed' && old.status !== 'cancelled')
      throw bad(
        'resume',
        `job ${old.id} is ${old.status}; only failed, cancelled or interrupted jobs resume`,
      );
    const prev = old.spec as Record<string, unknown>;
    for (const k of FIXED)
      if (o[k] !== undefined && JSON.stringify(o[k]) !== JSON.stringify(prev[k]))
        throw bad(
          k,
          `resuming job ${old.id} keeps ${k} ${describeValue(prev[k])}; got ${describeValue(o[k])}`,
        );
    o = { ...prev, ...o };
  }
  const budget = o['budgetSeconds'];
  if (typeof budget !== 'number' || !Number.isFinite(budget) || budget < 10 || budget > 86_400)
    throw bad('budgetSeconds', `required, a number of seconds 10..86400; got ${describeValue(budget)}`);
  if (typeof o['data'] !== 'string' || !o['data'])
    throw bad('data', `required, name@version; got ${describeValue(o['data'])}`);
  if (typeof o['target'] !== 'string' || !o['target'])
    throw bad('target', `required, a column name; got ${describeValue(o['target'])}`);
  // The shared fields are checked as a train spec of a family that does every task.
  const base = checkTrainSpec({
    model: 'decision-tree',
    ...Object.fromEntries(
      (
        [
          'data',
          'target',
          'task',
          'features',
          'drop',
          'testSize',
          'seed',
          'register',
          'experiment',
          'runName',
        ] as const
      )
        .filter((k) => o[k] !== undefined)
        .map((k) => [k, o[k]]),
    ),
  });
  const cv = o['cv'] ?? 3;
  if (typeof cv !== 'number' || !Number.isInteger(cv) || cv < 2 || cv > 20)
    throw bad('cv', `must be an integer 2..20; got ${describeValue(cv)}`);
  if (o['ensemble'] !== undefined && typeof o['ensemble'] !== 'boolean')
    throw bad('ensemble', `must be true or false; got ${describeValue(o['ensemble'])}`);
  const version = await deps.data.version(base.data);
  chooseFeatures(version, base);
  const task = await targetTask(deps.data, version, base);
  let models = automlFamilies(task);
  if (o['models'] !== undefined) {
    const m = o['models'];
    if (!Array.isArray(m) || m.length === 0 || m.some((x) => typeof x !== 'string'))
      throw bad('models', `expected a non-empty list of model families; got ${describeValue(m)}`);
    for (const name of m as string[]) {
      const f = modelFamily(name);
      if (f.name === 'ensemble')
        throw bad('models', 'ensemble is built from the other models; set ensemble: true');
      if (!f.tasks.includes(task))
        throw bad('models', `model ${f.name} does not do ${task}; it does ${f.tasks.join(', ')}`);
    }
    models = [...new Set(m as string[])];
  }
  if (o['metric'] !== undefined && typeof o['metric'] !== 'string')
    throw bad('metric', `must be a metric name; got ${describeValue(o['metric'])}`);
  const spec: AutomlSpec = {
    data: base.data,
    target: base.target,
    task,
    budgetSeconds: budget,
    metric: metricForTask(o['metric'] as string | undefined, task),
    models,
    cv,
    ensemble: (o['ensemble'] as boolean | undefined) ?? true,
  };
  for (const k of ['features', 'drop', 'testSize', 'seed', 'register', 'experiment', 'runName'] as const)
    if (base[k] !== undefined) (spec as unknown as Record<string, unknown>)[k] = base[k];
  if (o['resume'] !== undefined) spec.resume = o['resume'] as string;
  return spec;
}
