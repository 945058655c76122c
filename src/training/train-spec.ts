/**
 * What a training job is asked to do, and the checks that refuse a bad request before anything is
 * queued: the shape of the spec, the model family, its hyperparameter names, the sizes.
 */
import { describeValue, LatheError } from '../core/index.js';
import { modelFamily, type ParamSet, type Task } from '../ml/index.js';
import type { SplitSpec } from './splits.js';

/** A training request (`lathe train`, `POST /api/v1/jobs` with kind `train`). */
export interface TrainSpec {
  /** The dataset version, `name@3` or `name@latest`. */
  data: string;
  /** The column to predict. */
  target: string;
  /** The model family (`gbdt`, `rf`, `logistic`…). */
  model: string;
  /** binary, multiclass or regression; inferred from the target when absent. */
  task?: Task;
  /** The feature columns; default: every column but the target, identifiers, datetimes, free text and PII. */
  features?: string[];
  /** Columns to leave out of the default features. */
  drop?: string[];
  /** Hyperparameters in the family's own names. */
  params?: ParamSet;
  /** Share of rows held out for the test metrics, in (0, 0.9] (default 0.2). */
  testSize?: number;
  /**
   * How test rows and folds are chosen: `random` (default; stratified for classification), `group`
   * (rows sharing `column`'s value stay on one side) or `time` (the latest rows by `column` are the
   * test set; folds are rolling-origin).
   */
  split?: SplitSpec;
  /** Cross-validation folds over the training part (0 or absent: none; 2..20). */
  cv?: number;
  /** Seed of the splits and of the model (default 0). */
  seed?: number;
  /** The tracking experiment (created when absent); default: the dataset's name. */
  experiment?: string;
  /** The run's name; default: `<model>-<target>`. */
  runName?: string;
  /** Register the model under this name as a new version. */
  register?: string;
}

const keys = [
  'data',
  'target',
  'model',
  'task',
  'features',
  'drop',
  'params',
  'testSize',
  'split',
  'cv',
  'seed',
  'experiment',
  'runName',
  'register',
] as const;

function bad(field: string, message: string): LatheError {
  return new LatheError('INVALID_ARGUMENT', `${field}: ${message}`, { field });
}

function stringList(v: unknown, field: string): string[] {
  if (!Array.isArray(v) || v.some((x) => typeof x !== 'string' || !x))
    throw bad(field, `expected a list of column names; got ${describeValue(v)}`);
  return v as string[];
}

/**
 * Checks a training spec's shape and the model's hyperparameter names (their values are checked by
 * the model when it starts fitting, still before any training work).
 * @throws LatheError INVALID_ARGUMENT naming the field, what was expected and what arrived.
 */
export function checkTrainSpec(input: unknown): TrainSpec {
  if (typeof input !== 'object' || input === null || Array.isArray(input))
    throw new LatheError(
      'INVALID_ARGUMENT',
      `a training spec must be an object; got ${describeValue(input)}`,
    );
  const o = input as Record<string, unknown>;
  for (const k of Object.keys(o))
    if (!keys.includes(k as (typeof keys)[number]))
      throw bad(k, `unknown field; valid fields are ${keys.join(', ')}`);
  for (const k of ['data', 'target', 'model'] as const)
    if (typeof o[k] !== 'string' || !o[k])
      throw bad(k, `required, a non-empty string; got ${describeValue(o[k])}`);
  const family = modelFamily(o['model'] as string);
  const spec: TrainSpec = { data: o['data'] as string, target: o['target'] as string, model: family.name };
  if (o['task'] !== undefined) {
    if (!['binary', 'multiclass', 'regression'].includes(o['task'] as string))
      throw bad('task', `must be binary, multiclass or regression; got ${describeValue(o['task'])}`);
    if (!family.tasks.includes(o['task'] as Task))
      throw bad('task', `model ${family.name} does not do ${o['task']}; it does ${family.tasks.join(', ')}`);
    spec.task = o['task'] as Task;
  }
  if (o['features'] !== undefined) spec.features = stringList(o['features'], 'features');
  if (o['drop'] !== undefined) spec.drop = stringList(o['drop'], 'drop');
  if (spec.features?.includes(spec.target))
    throw bad('features', `the target ${spec.target} cannot be a feature`);
  if (o['params'] !== undefined) {
    const p = o['params'];
    if (typeof p !== 'object' || p === null || Array.isArray(p))
      throw bad('params', `expected an object of hyperparameters; got ${describeValue(p)}`);
    for (const k of Object.keys(p))
      if (!(k in family.params))
        throw bad(
          `params.${k}`,
          `model ${family.name} has no hyperparameter ${JSON.stringify(k)}; it has ${Object.keys(family.params).join(', ')}`,
        );
    spec.params = p as ParamSet;
  }
  if (o['split'] !== undefined) {
    const sp = o['split'] as Record<string, unknown> | null;
    if (typeof sp !== 'object' || sp === null || !['random', 'group', 'time'].includes(sp['kind'] as string))
      throw bad('split', `expected {kind: random|group|time, column?}; got ${describeValue(sp)}`);
    if (sp['kind'] !== 'random' && (typeof sp['column'] !== 'string' || !sp['column']))
      throw bad(
        'split.column',
        `a ${sp['kind']} split needs the column to split by; got ${describeValue(sp['column'])}`,
      );
    if (sp['column'] === spec.target) throw bad('split.column', 'the target cannot be the split column');
    spec.split = {
      kind: sp['kind'] as SplitSpec['kind'],
      ...(sp['kind'] === 'random' ? {} : { column: sp['column'] as string }),
    };
  }
  const num = (k: 'testSize' | 'cv' | 'seed', ok: (v: number) => boolean, what: string) => {
    const v = o[k];
    if (v === undefined) return;
    if (typeof v !== 'number' || !ok(v)) throw bad(k, `must be ${what}; got ${describeValue(v)}`);
    spec[k] = v;
  };
  num('testSize', (v) => v > 0 && v <= 0.9, 'a share in (0, 0.9]');
  num(
    'cv',
    (v) => Number.isInteger(v) && (v === 0 || (v >= 2 && v <= 20)),
    'an integer 2..20 (or 0 for none)',
  );
  num('seed', (v) => Number.isSafeInteger(v) && v >= 0, 'an integer >= 0');
  for (const k of ['experiment', 'runName', 'register'] as const) {
    const v = o[k];
    if (v === undefined) continue;
    if (typeof v !== 'string' || !v.trim())
      throw bad(k, `must be a non-empty string; got ${describeValue(v)}`);
    spec[k] = v;
  }
  return spec;
}
