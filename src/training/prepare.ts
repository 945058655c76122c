/**
 * From a dataset version to model matrices: choosing the features, reading the columns, encoding
 * the target, holding out the test rows, and fitting the input encoding (a FittedRecipe) on the
 * training rows only. Every refusal names the column and says what to do.
 */
import { LatheError } from '../core/index.js';
import {
  type DataService,
  type DatasetVersionDetails,
  encodeColumns,
  type FittedRecipe,
  fitEncoding,
  type RecipeColumn,
} from '../data/index.js';
import type { Fold, Matrix, ModelFamily, Task } from '../ml/index.js';
import { encodingPlan, takeValues } from './fold-data.js';
import { compareValues, holdOutRows } from './splits.js';
import type { TrainSpec } from './train-spec.js';

/** A column left out of the default features, and why. */
export interface ExcludedColumn {
  column: string;
  reason: 'identifier' | 'datetime' | 'text' | 'pii' | 'dropped' | 'split';
}

/** A label or value of the target. */
export type Label = string | number | boolean;

/** Everything training needs, ready. */
export interface Prepared {
  version: DatasetVersionDetails;
  task: Task;
  /** Class labels in index order (classification); empty for regression. */
  classes: Label[];
  /** The input columns the model reads (before encoding). */
  inputs: RecipeColumn[];
  excluded: ExcludedColumn[];
  /** The input encoding, fitted on the training rows. */
  recipe: FittedRecipe;
  /** The encoded feature names, in matrix order. */
  features: string[];
  /** Indices of features holding category codes (text columns encoded as ordinals, at most 255 categories). */
  categoricalFeatures: number[];
  train: { X: Matrix; y: Float64Array; rows: Int32Array };
  test: { X: Matrix; y: Float64Array; rows: Int32Array };
}

const MAX_CLASSES = 100;
/** The most categories a native categorical split takes (gbdt's codes 0..254). */
const MAX_NATIVE_CATEGORIES = 255;

function fail(message: string, field?: string): never {
  throw new LatheError('INVALID_ARGUMENT', message, field ? { field } : undefined);
}

/** The input columns: the spec's features, or every column but the target and the excluded kinds. */
export function chooseFeatures(
  version: DatasetVersionDetails,
  spec: TrainSpec,
): { inputs: RecipeColumn[]; excluded: ExcludedColumn[] } {
  const byName = new Map(version.columns.map((c) => [c.name, c]));
  if (!byName.has(spec.target))
    fail(
      `target: ${version.ref} has no column ${JSON.stringify(spec.target)}; its columns are ${[...byName.keys()].join(', ')}`,
      'target',
    );
  const missing = [
    ...(spec.features ?? []),
    ...(spec.drop ?? []),
    ...(spec.split?.column ? [spec.split.column] : []),
  ].filter((c) => !byName.has(c));
  if (missing.length)
    fail(
      `${version.ref} has no column ${missing.join(', ')}; its columns are ${[...byName.keys()].join(', ')}`,
      'features',
    );
  const splitColumn = spec.split?.column;
  if (spec.features) {
    const cols = spec.features
      .filter((c) => !spec.drop?.includes(c) && c !== splitColumn)
      .map((c) => byName.get(c)!);
    return { inputs: cols.map((c) => ({ name: c.name, type: c.type })), excluded: [] };
  }
  const pii = new Set(version.profile.pii.map((p) => p.column));
  const excluded: ExcludedColumn[] = [];
  const inputs: RecipeColumn[] = [];
  for (const c of version.columns) {
    if (c.name === spec.target) continue;
    if (c.name === splitColumn) {
      excluded.push({ column: c.name, reason: 'split' });
      continue;
    }
    const reason: ExcludedColumn['reason'] | null = spec.drop?.includes(c.name)
      ? 'dropped'
      : pii.has(c.name)
        ? 'pii'
        : c.semantic === 'identifier'
          ? 'identifier'
          : c.semantic === 'datetime'
            ? 'datetime'
            : c.semantic === 'text'
              ? 'text'
              : null;
    if (reason) excluded.push({ column: c.name, reason });
    else inputs.push({ name: c.name, type: c.type });
  }
  if (!inputs.length)
    fail(
      `no feature columns left in ${version.ref} (left out: ${excluded.map((e) => `${e.column} (${e.reason})`).join(', ')}); name them with features`,
      'features',
    );
  return { inputs, excluded };
}

/** The columns training reads: the inputs, the target and the split column. */
export function columnsToRead(spec: TrainSpec, chosen: { inputs: RecipeColumn[] }): string[] {
  return [
    ...chosen.inputs.map((c) => c.name),
    spec.target,
    ...(spec.split?.column ? [spec.split.column] : []),
  ];
}

/** Encodes the target: the task (given or inferred), the class labels and y. */
export function encodeTarget(
  values: unknown[],
  type: string,
  name: string,
  task: Task | undefined,
): { task: Task; classes: Label[]; y: Float64Array } {
  const nulls: number[] = [];
  values.forEach((v, i) => {
    if (v === null || v === undefined) nulls.push(i);
  });
  if (nulls.length)
    fail(
      `target ${name} is missing in ${nulls.length} rows (first rows: ${nulls.slice(0, 5).join(', ')}); ` +
        `filter them out with a recipe (filter: "${name} is not null") and train on that version`,
      'target',
    );
  const numeric = values.every((v) => typeof v === 'number');
  const distinct = new Set(values as Label[]);
  const inferred: Task =
    task ??
    (!numeric || (distinct.size <= 20 && values.every((v) => Number.isInteger(v)))
      ? distinct.size === 2
        ? 'binary'
        : 'multiclass'
      : 'regression');
  if (inferred === 'regression') {
    if (!numeric) fail(`target ${name} is ${type}; regression needs a numeric target`, 'target');
    const y = Float64Array.from(values as number[]);
    const bad = y.findIndex((v) => !Number.isFinite(v));
    if (bad >= 0)
      fail(`target ${name} holds ${y[bad]} in row ${bad}; targets must be finite numbers`, 'target');
    return { task: 'regression', classes: [], y };
  }
  if (numeric) {
    const bad = (values as number[]).findIndex((v) => !Number.isFinite(v));
    if (bad >= 0)
      fail(`target ${name} holds ${values[bad]} in row ${bad}; class labels must be finite`, 'target');
  }
  const classes = [...distinct].sort(compareValues);
  if (classes.length < 2)
    fail(
      `target ${name} has a single class (${JSON.stringify(classes[0])}); classification needs at least two`,
      'target',
    );
  if (classes.length > MAX_CLASSES)
    fail(
      `target ${name} has ${classes.length} distinct values; classification takes at most ${MAX_CLASSES} classes (train a regression with task: regression)`,
      'target',
    );
  const finalTask: Task = classes.length === 2 ? 'binary' : 'multiclass';
  if (task && task !== finalTask)
    fail(`task ${task} does not fit target ${name}, which has ${classes.length} classes`, 'task');
  const index = new Map(classes.map((c, i) => [c, i]));
  return { task: finalTask, classes, y: Float64Array.from(values as Label[], (v) => index.get(v)!) };
}

/**
 * Builds the training and test matrices of a spec from the version's columns (as
 * `DataService.columns` answers them).
 * @throws LatheError INVALID_ARGUMENT for a missing or one-class target, a task the family does not
 *   do, infinite feature values, more features than training rows, or too few rows to split.
 */
export function prepareMatrices(
  version: DatasetVersionDetails,
  values: Record<string, unknown[]>,
  spec: TrainSpec,
  family: ModelFamily,
  chosen: { inputs: RecipeColumn[]; excluded: ExcludedColumn[] },
): Prepared {
  const targetType = version.columns.find((c) => c.name === spec.target)!.type;
  const { task, classes, y } = encodeTarget(values[spec.target]!, targetType, spec.target, spec.task);
  if (!family.tasks.includes(task))
    fail(
      `model ${family.name} does not do ${task} (target ${spec.target}); it does ${family.tasks.join(', ')}`,
      'model',
    );
  for (const c of chosen.inputs) {
    const col = values[c.name]!;
    const bad = col.findIndex((v) => typeof v === 'number' && !Number.isFinite(v) && !Number.isNaN(v));
    if (bad >= 0)
      fail(`feature ${c.name} holds ${col[bad]} in row ${bad}; features must be finite (or missing)`, c.name);
  }
  const n = y.length;
  if (n < 10) fail(`${version.ref} has ${n} rows; training needs at least 10`, 'data');
  const split = holdOutRows(
    spec,
    y,
    task !== 'regression',
    spec.split?.column ? values[spec.split.column] : undefined,
  );
  if (!split.train.length || !split.test.length)
    fail(
      `the ${spec.split?.kind ?? 'random'} split of ${n} rows left ${split.train.length ? 'no test' : 'no training'} rows` +
        (spec.split?.column ? ` (column ${spec.split.column} has too few distinct values)` : '') +
        '; change testSize or the split column',
      spec.split?.column ? 'split.column' : 'testSize',
    );
  const recipe = fitEncoding(chosen.inputs, values, split.train, encodingPlan(family), version.ref);
  const features = recipe.output.map((c) => c.name);
  if (features.length >= split.train.length)
    fail(
      `${features.length} features (after encoding) and only ${split.train.length} training rows; use fewer features or more rows`,
      'features',
    );
  const matrix = (rows: Int32Array): Matrix => ({
    data: encodeColumns(recipe, values, rows),
    rows: rows.length,
    cols: features.length,
  });
  return {
    version,
    task,
    classes,
    inputs: chosen.inputs,
    excluded: chosen.excluded,
    recipe,
    features,
    // Native category splits take up to 255 categories; a column with more is split on its codes.
    categoricalFeatures: recipe.steps
      .flatMap((s) => (s.kind === 'ordinal' ? Object.entries(s.columns) : []))
      .filter(([, p]) => p.categories.length <= MAX_NATIVE_CATEGORIES)
      .map(([c]) => features.indexOf(c))
      .filter((i) => i >= 0),
    train: { X: matrix(split.train), y: takeValues(y, split.train), rows: split.train },
    test: { X: matrix(split.test), y: takeValues(y, split.test), rows: split.test },
  };
}

/**
 * The encoded target and the train/test rows of a spec, split as {@link prepareMatrices} splits
 * them (same spec and seed, same rows) but without fitting an encoding or building matrices: for
 * jobs that return to a trained run's own split (explain).
 */
export function targetSplit(
  version: DatasetVersionDetails,
  values: Record<string, unknown[]>,
  spec: TrainSpec,
): { task: Task; y: Float64Array; split: Fold } {
  const targetType = version.columns.find((c) => c.name === spec.target)!.type;
  const { task, y } = encodeTarget(values[spec.target]!, targetType, spec.target, spec.task);
  const column = spec.split?.column ? values[spec.split.column] : undefined;
  return { task, y, split: holdOutRows(spec, y, task !== 'regression', column) };
}

/**
 * Reads what a spec trains on: the dataset version, its chosen input columns, the columns' values
 * (inputs, target, split column) and the prepared matrices for `family`.
 * @throws LatheError NOT_FOUND for an unknown version; INVALID_ARGUMENT as {@link chooseFeatures}
 *   and {@link prepareMatrices} refuse.
 */
export async function readPrepared(data: DataService, spec: TrainSpec, family: ModelFamily) {
  const version = await data.version(spec.data);
  const chosen = chooseFeatures(version, spec);
  const values = await data.columns(version.ref, columnsToRead(spec, chosen));
  const prepared = prepareMatrices(version, values, spec, family, chosen);
  return { version, chosen, values, prepared };
}
