/**
 * Builds a validation context from registered models and dataset versions: the candidate (and
 * baseline) loaded through the model service, the test (and training) rows read whole, the target
 * encoded as class indices, and the candidate's predictions computed once. Everything a run needs
 * is checked first: a test set missing model columns, an unknown target, labels the model does
 * not know are refused before any check runs.
 */
import { describeValue, LatheError } from '../core/index.js';
import { type DataService, isNumericFamily, typeFamily } from '../data/index.js';
import type { BatchPrediction, ModelService, Predictor } from '../models/index.js';
import type {
  Frame,
  FramePredictions,
  Label,
  ValidationContext,
  ValidationModel,
  ValidationTask,
} from './check.js';

/** What a validation runs on. */
export interface ValidationInputs {
  /** The candidate: `NAME@VERSION`, `NAME@ALIAS`, `NAME@latest`. */
  model: string;
  /** The test dataset version. */
  test: string;
  /** The training dataset version (drift, leakage, overfitting, label errors). */
  train?: string;
  /**
   * A dataset version sampled from production inputs (drift against it; the model's input columns
   * are needed, the target is not).
   */
  production?: string;
  /** The model to compare with (e.g. `NAME@champion`). */
  baseline?: string;
  /** The target column (default: the test version's column of semantic type target). */
  target?: string;
  seed?: number;
  /** Rows heavy checks use at most (default 10,000). */
  sampleSize?: number;
}

function bad(field: string, message: string): LatheError {
  return new LatheError('INVALID_ARGUMENT', `${field} ${message}`, { field });
}

/** A dataset version read whole as a frame (numeric columns as Float64Array, NaN for null). */
async function readFrame(
  data: DataService,
  ref: string,
): Promise<{ frame: Frame; ref: string; target?: string }> {
  const version = await data.version(ref);
  const names = version.columns.map((c) => c.name);
  const raw = await data.columns(version.ref, names);
  const columns: Frame['columns'] = {};
  for (const c of version.columns) {
    const values = raw[c.name]!;
    columns[c.name] = isNumericFamily(typeFamily(c.type))
      ? Float64Array.from(values, (v) => (v === null || v === undefined ? Number.NaN : Number(v)))
      : values;
  }
  const target = version.columns.find((c) => c.semantic === 'target')?.name;
  return { frame: { rows: version.rows, columns }, ref: version.ref, ...(target ? { target } : {}) };
}

/** Class indices (classifiers) or values (regression) of a target column. */
function encodeTarget(
  values: ArrayLike<unknown>,
  task: ValidationTask,
  classes: Label[] | undefined,
  where: string,
): Float64Array {
  const out = new Float64Array(values.length);
  if (task === 'regression') {
    for (let i = 0; i < values.length; i++) out[i] = values[i] === null ? Number.NaN : Number(values[i]);
    return out;
  }
  const index = new Map(classes!.map((c, k) => [String(c), k]));
  const unknown = new Set<string>();
  for (let i = 0; i < values.length; i++) {
    const k = index.get(String(values[i]));
    if (k === undefined) unknown.add(String(values[i]));
    out[i] = k ?? Number.NaN;
  }
  if (unknown.size)
    throw bad(
      'target',
      `of ${where} holds labels the model does not know: ${[...unknown].slice(0, 5).join(', ')}; its classes are ${classes!.join(', ')}`,
    );
  return out;
}

/** A model's batch prediction as class indices and probabilities in `classes` order. */
function framePredictions(
  p: BatchPrediction,
  task: ValidationTask,
  classes: Label[] | undefined,
): FramePredictions {
  if (task === 'regression') return { y: Float64Array.from(p.predictions as ArrayLike<number>, Number) };
  const own = (p.classes ?? []).map(String);
  const order = classes!.map((c) => own.indexOf(String(c)));
  const k = classes!.length;
  const proba = new Float64Array(p.rows * k);
  const y = new Float64Array(p.rows);
  for (let r = 0; r < p.rows; r++) {
    let best = 0;
    for (let c = 0; c < k; c++) {
      proba[r * k + c] = order[c]! >= 0 ? p.probabilities![r * own.length + order[c]!]! : 0;
      if (proba[r * k + c]! > proba[r * k + best]!) best = c;
    }
    y[r] = best;
  }
  return { y, proba };
}

async function validationModel(
  ref: string,
  predictor: Predictor,
  task: ValidationTask,
  classes: Label[] | undefined,
  test: Frame,
  train: Frame | undefined,
): Promise<ValidationModel> {
  const predict = async (frame: Frame) =>
    framePredictions(
      await predictor.predictBatch({ rows: frame.rows, columns: frame.columns }),
      task,
      classes,
    );
  const trees = treesOf(predictor);
  return {
    ref,
    predict,
    test: await predict(test),
    ...(train ? { train: await predict(train) } : {}),
    ...(trees ? { trees } : {}),
  };
}

/** The trees of a tree model and the matrix they read, when the predictor exposes both. */
function treesOf(predictor: Predictor): ValidationModel['trees'] {
  if (!predictor.treeEnsemble || !predictor.treeInputs) return undefined;
  try {
    const ensemble = predictor.treeEnsemble();
    return {
      ensemble,
      inputs: (frame) => predictor.treeInputs!({ rows: frame.rows, columns: frame.columns }),
    };
  } catch {
    return undefined; // a native model of a family without trees
  }
}

/**
 * Reads and checks everything a validation needs and answers its context.
 * @throws LatheError INVALID_ARGUMENT for a ranking model, an unknown target, a dataset missing
 *   model columns (listed) or labels the model does not know; NOT_FOUND for unknown references.
 */
export async function buildContext(
  inputs: ValidationInputs,
  deps: { data: DataService; models: ModelService },
): Promise<{ ctx: ValidationContext; test: string; train: string | null; production: string | null }> {
  const { version: mv, predictor } = await deps.models.load(inputs.model);
  const task = predictor.metadata.task;
  if (task === 'ranking')
    throw bad('model', 'is a ranking model; validation checks binary, multiclass and regression models');
  const classes = task === 'regression' ? undefined : (predictor.signature.classes ?? []);
  const test = await readFrame(deps.data, inputs.test);
  const train = inputs.train ? await readFrame(deps.data, inputs.train) : undefined;
  const production = inputs.production ? await readFrame(deps.data, inputs.production) : undefined;
  const target = inputs.target ?? test.target;
  if (!target)
    throw bad(
      'target',
      `is needed: ${test.ref} has no column of semantic type target; name it (--target COLUMN)`,
    );
  const features = predictor.signature.inputs.map((c) => c.name);
  for (const [frame, ref] of [[test.frame, test.ref], ...(train ? [[train.frame, train.ref]] : [])] as [
    Frame,
    string,
  ][]) {
    if (!(target in frame.columns))
      throw bad(
        'target',
        `${describeValue(target)} is not a column of ${ref}; its columns are ${Object.keys(frame.columns).join(', ')}`,
      );
    const missing = predictor.signature.inputs
      .filter((c) => c.required && !(c.name in frame.columns))
      .map((c) => c.name);
    if (missing.length)
      throw bad(
        ref === test.ref ? 'test' : 'train',
        `${ref} lacks the column${missing.length > 1 ? 's' : ''} ${missing.join(', ')} that ${mv.name}@${mv.version} reads`,
      );
  }
  if (production) {
    const missing = predictor.signature.inputs
      .filter((c) => c.required && !(c.name in production.frame.columns))
      .map((c) => c.name);
    if (missing.length)
      throw bad(
        'production',
        `${production.ref} lacks the column${missing.length > 1 ? 's' : ''} ${missing.join(', ')} that ${mv.name}@${mv.version} reads`,
      );
  }
  const yTest = encodeTarget(test.frame.columns[target]!, task, classes, test.ref);
  const yTrain = train ? encodeTarget(train.frame.columns[target]!, task, classes, train.ref) : undefined;
  const candidate = await validationModel(
    `${mv.name}@${mv.version}`,
    predictor,
    task,
    classes,
    test.frame,
    train?.frame,
  );
  let baseline: ValidationModel | undefined;
  if (inputs.baseline) {
    const b = await deps.models.load(inputs.baseline);
    if (b.predictor.metadata.task !== task)
      throw bad(
        'baseline',
        `${b.version.name}@${b.version.version} is a ${b.predictor.metadata.task} model; the candidate is ${task}`,
      );
    baseline = await validationModel(
      `${b.version.name}@${b.version.version}`,
      b.predictor,
      task,
      classes,
      test.frame,
      train?.frame,
    );
  }
  return {
    ctx: {
      task,
      ...(classes ? { classes } : {}),
      target,
      features,
      test: test.frame,
      yTest,
      ...(train ? { train: train.frame, yTrain: yTrain! } : {}),
      ...(production ? { production: production.frame } : {}),
      candidate,
      ...(baseline ? { baseline } : {}),
      seed: inputs.seed ?? 0,
      sampleSize: inputs.sampleSize ?? 10_000,
    },
    test: test.ref,
    train: train?.ref ?? null,
    production: production?.ref ?? null,
  };
}
