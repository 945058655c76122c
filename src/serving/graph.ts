/**
 * Graph deployments: models composed instead of split by traffic. A **sequence** feeds each
 * step's prediction to the next as a column; a **parallel** graph asks every member and combines
 * (average, weighted average, majority vote, a stacking model); a **switch** picks a model per row
 * from conditions over the request fields. Models are looked up by the reference the graph names
 * (`churn@champion`, as written in the spec). Errors of a model propagate unchanged: the endpoint
 * decides about fallbacks.
 */
import { LatheError } from '../core/index.js';
import type { BatchPrediction, InputBatch } from '../models/index.js';
import { argmaxLabels } from '../models/index.js';
import { type Condition, type GraphSpec, graphModelRefs } from './deployment-spec.js';
import type { ModelCall, PooledModel } from './model-pool.js';

type Label = string | number | boolean;

/** What a graph needs of a model: its key (name@version), version, predictor (signature, metadata.task) and a predict call. */
export type GraphModel = Pick<PooledModel, 'key' | 'version' | 'predictor' | 'predict'>;

/** What a graph answered for a call. */
export interface GraphResult {
  /** The combined prediction, in the call's row order. Warnings are prefixed with the model key. */
  prediction: BatchPrediction;
  /** Keys (`name@version`) of the models that took part, in graph order (steps; members then stacker; switch cases then default). */
  models: string[];
  /** Switch graphs: the key of the model that answered each row, in row order. */
  rowModels?: string[];
}

const bad = (field: string, message: string) =>
  new LatheError('INVALID_ARGUMENT', `${field} ${message}`, { field });
const internal = (message: string) => new LatheError('INTERNAL', message);
const isClassifier = (m: GraphModel) =>
  m.predictor.metadata.task === 'binary' || m.predictor.metadata.task === 'multiclass';
const sameClasses = (a: readonly Label[], b: readonly Label[]) =>
  a.length === b.length && a.every((c, i) => c === b[i]);
const show = (classes: readonly Label[]) => `[${classes.map((c) => JSON.stringify(c)).join(', ')}]`;

/** Refuses models of different tasks, and classifiers whose known classes differ. */
function checkAlike(entries: { field: string; model: GraphModel }[], what: string): void {
  const first = entries[0]!;
  const task = first.model.predictor.metadata.task;
  for (const e of entries) {
    const t = e.model.predictor.metadata.task;
    if (t !== task)
      throw bad(
        e.field,
        `is ${e.model.key}, a ${t} model; ${what} must share a task, and ${first.field} (${first.model.key}) is a ${task} model`,
      );
  }
  if (!isClassifier(first.model)) return;
  const known = entries.filter((e) => e.model.predictor.signature.classes);
  const ref = known[0];
  for (const e of known.slice(1)) {
    const a = ref!.model.predictor.signature.classes!;
    const b = e.model.predictor.signature.classes!;
    if (!sameClasses(a, b))
      throw bad(
        e.field,
        `is ${e.model.key} with classes ${show(b)}; ${what} must have the same classes in the same order (so probabilities line up), and ${ref!.field} (${ref!.model.key}) has ${show(a)}`,
      );
  }
}

/**
 * Checks a graph against its loaded models before it serves. `models` is keyed by the model
 * references the graph names. Refuses (LatheError INVALID_ARGUMENT naming the spec field):
 * a reference with no loaded model; parallel members of different tasks; average, weighted
 * average and vote over classifiers whose classes differ (labels or order); vote over regressors
 * or rankers; a stacker that is not loaded, or that reads a member's column as a non-numeric
 * type; a multiclass member of a stacking graph (it answers one probability per class, which does
 * not fit the one score column named after it); a sequence step whose output a later step reads
 * with a type it cannot hold (a number into a non-floating column; a multiclass step's label,
 * a string, into a numeric column); switch models of different tasks or classes. A stacker's
 * other inputs are request columns, unknown until requests arrive, so they are not checked.
 */
export function checkGraph(graph: GraphSpec, models: ReadonlyMap<string, GraphModel>): void {
  const entries = graphModelRefs(graph).map(({ ref, field }) => {
    const model = models.get(ref);
    if (!model)
      throw bad(
        field,
        `names ${ref}, which is not loaded; loaded: ${[...models.keys()].join(', ') || 'none'}`,
      );
    return { field, model };
  });
  if (graph.kind === 'sequence') {
    graph.steps.forEach((step, i) => {
      const model = entries[i]!.model;
      const multiclass = model.predictor.metadata.task === 'multiclass';
      for (let j = i + 1; j < graph.steps.length; j++) {
        const next = entries[j]!.model;
        const spec = next.predictor.signature.inputs.find((c) => c.name === step.output);
        if (spec) {
          const at = `graph.steps[${j}].model`;
          if (multiclass && spec.type !== 'string')
            throw bad(
              at,
              `is ${next.key}, which reads ${step.output} as ${spec.type}; graph.steps[${i}] (${model.key}) is a multiclass model, which answers one probability per class, not one score column, so its output is the predicted label as a string: read ${step.output} as a string, or feed a binary classifier or a regressor`,
            );
          if (!multiclass && spec.type !== 'double' && spec.type !== 'float')
            throw bad(
              at,
              `is ${next.key}, which reads ${step.output} as ${spec.type}; graph.steps[${i}] (${model.key}) answers a ${model.predictor.metadata.task === 'binary' ? 'probability' : 'value'} there, a fractional number: read it as double or float`,
            );
        }
        if (graph.steps[j]!.output === step.output) break; // step j's own output replaces the column
      }
    });
    return;
  }
  if (graph.kind === 'switch') {
    checkAlike(entries, 'switch models');
    return;
  }
  const members = entries.slice(0, graph.members.length);
  checkAlike(members, 'parallel members');
  const task = members[0]!.model.predictor.metadata.task;
  if (graph.combiner === 'vote' && !isClassifier(members[0]!.model))
    throw bad(
      'graph.combiner',
      `vote needs classifiers; the members are ${task} models: use average or weighted_average`,
    );
  if (graph.combiner !== 'stacking') return;
  if (task === 'multiclass')
    throw bad(
      'graph.members',
      'are multiclass models, which answer one probability per class; a stacker reads one score column per member (binary: the probability of the second class; regression: the value): stack binary classifiers or regressors, or use average or vote',
    );
  const stacker = entries[entries.length - 1]!.model;
  for (const m of graph.members) {
    const spec = stacker.predictor.signature.inputs.find((c) => c.name === m.name);
    if (spec && spec.type !== 'double' && spec.type !== 'float')
      throw bad(
        'graph.stacker',
        `is ${stacker.key}, which reads member column ${m.name} as ${spec.type}; it holds the member's score, a fractional number: read it as double or float`,
      );
  }
}

function modelOf(models: ReadonlyMap<string, GraphModel>, ref: string): GraphModel {
  const m = models.get(ref);
  if (!m) throw internal(`the graph names ${ref}, which is not loaded`);
  return m;
}

async function ask(model: GraphModel, call: ModelCall): Promise<BatchPrediction> {
  const p = await model.predict(call);
  if (p.rows !== call.batch.rows || p.predictions.length !== call.batch.rows)
    throw internal(`${model.key} answered ${p.predictions.length} predictions for ${call.batch.rows} rows`);
  return p;
}

/** The classes of a classifier's prediction (its own, else its signature's). */
function classesOf(model: GraphModel, p: BatchPrediction): Label[] {
  const classes = p.classes ?? model.predictor.signature.classes;
  if (!classes || !p.probabilities)
    throw internal(`${model.key} is a classifier but answered no ${classes ? 'probabilities' : 'classes'}`);
  return classes;
}

/**
 * One number per row: a binary classifier's probability of its second class, a regressor's or
 * ranker's value.
 */
function scoreColumn(model: GraphModel, p: BatchPrediction): Float64Array {
  if (!isClassifier(model)) return Float64Array.from(p.predictions as ArrayLike<number>, Number);
  const classes = classesOf(model, p);
  const k = classes.length;
  const out = new Float64Array(p.rows);
  for (let r = 0; r < p.rows; r++) out[r] = p.probabilities![r * k + k - 1]!;
  return out;
}

/** The column a sequence step adds: its score, or a multiclass model's label as a string. */
function outputColumn(model: GraphModel, p: BatchPrediction): ArrayLike<unknown> {
  if (model.predictor.metadata.task === 'multiclass')
    return Array.from(p.predictions as ArrayLike<Label>, String);
  return scoreColumn(model, p);
}

function warningsOf(parts: { model: GraphModel; p: BatchPrediction }[]): string[] {
  return [...new Set(parts.flatMap(({ model, p }) => p.warnings.map((w) => `${model.key}: ${w}`)))];
}

/** The classes every classifier answered (the same, checked again here since signatures may omit them). */
function commonClasses(parts: { model: GraphModel; p: BatchPrediction }[]): Label[] {
  const classes = classesOf(parts[0]!.model, parts[0]!.p);
  for (const { model, p } of parts.slice(1)) {
    const c = classesOf(model, p);
    if (!sameClasses(c, classes))
      throw internal(
        `${model.key} answered classes ${show(c)} and ${parts[0]!.model.key} ${show(classes)}; graph models must share classes`,
      );
  }
  return classes;
}

/** Weighted mean of the members' values or probabilities (weights sum to 1). */
function average(
  parts: { model: GraphModel; p: BatchPrediction }[],
  weights: number[],
  rows: number,
): BatchPrediction {
  const warnings = warningsOf(parts);
  if (!isClassifier(parts[0]!.model)) {
    const out = new Float64Array(rows);
    parts.forEach(({ p }, i) => {
      for (let r = 0; r < rows; r++) out[r]! += weights[i]! * Number(p.predictions[r]);
    });
    return { rows, predictions: out, warnings };
  }
  const classes = commonClasses(parts);
  const probabilities = new Float64Array(rows * classes.length);
  parts.forEach(({ p }, i) => {
    for (let j = 0; j < probabilities.length; j++) probabilities[j]! += weights[i]! * p.probabilities![j]!;
  });
  return { rows, predictions: argmaxLabels(probabilities, rows, classes), probabilities, classes, warnings };
}

/** Majority label per row; ties go to the tied class of higher mean probability, then the first class. */
function vote(parts: { model: GraphModel; p: BatchPrediction }[], rows: number): BatchPrediction {
  const classes = commonClasses(parts);
  const k = classes.length;
  const mean = average(
    parts,
    parts.map(() => 1 / parts.length),
    rows,
  ).probabilities!;
  const votes = new Int32Array(rows * k);
  for (const { model, p } of parts)
    for (let r = 0; r < rows; r++) {
      const c = classes.indexOf(p.predictions[r] as Label);
      if (c < 0)
        throw internal(
          `${model.key} answered label ${String(p.predictions[r])}, not one of ${show(classes)}`,
        );
      votes[r * k + c]!++;
    }
  const predictions: Label[] = new Array(rows);
  for (let r = 0; r < rows; r++) {
    let best = 0;
    for (let c = 1; c < k; c++) {
      const d = votes[r * k + c]! - votes[r * k + best]!;
      if (d > 0 || (d === 0 && mean[r * k + c]! > mean[r * k + best]!)) best = c;
    }
    predictions[r] = classes[best]!;
  }
  const shares = Float64Array.from(votes, (v) => v / parts.length);
  return { rows, predictions, probabilities: shares, classes, warnings: warningsOf(parts) };
}

function withColumns(batch: InputBatch, added: Record<string, ArrayLike<unknown>>): InputBatch {
  return { rows: batch.rows, columns: { ...batch.columns, ...added } };
}

/** The rows `idx` of a batch (every column), in that order. */
function takeRows(batch: InputBatch, idx: number[]): InputBatch {
  const columns: Record<string, ArrayLike<unknown>> = {};
  for (const [name, col] of Object.entries(batch.columns))
    columns[name] =
      col instanceof Float64Array ? Float64Array.from(idx, (i) => col[i]!) : idx.map((i) => col[i]);
  return { rows: idx.length, columns };
}

function scalar(v: unknown): unknown {
  if (typeof v === 'bigint') return Number(v);
  if (typeof v === 'number' && Number.isNaN(v)) return undefined; // NaN is how typed columns hold a missing value
  return v ?? undefined;
}

/**
 * Whether a condition holds on row `row` of a batch (the request fields: every column, read by a
 * model or not). A field that is absent, null, undefined or NaN is missing: it is never `eq`,
 * `in`, `lt`, `le`, `gt` or `ge` anything, so `ne` holds for it. Numbers compare numerically
 * (bigints as numbers); strings and booleans compare by equality only. There is no coercion:
 * the string `"3"` is not `eq` the number 3, and `lt`/`le`/`gt`/`ge` hold only for numbers.
 * `all` holds when every condition does, `any` when one does.
 */
export function conditionHolds(cond: Condition, batch: InputBatch, row: number): boolean {
  if ('all' in cond) return cond.all.every((c) => conditionHolds(c, batch, row));
  if ('any' in cond) return cond.any.some((c) => conditionHolds(c, batch, row));
  const v = scalar(batch.columns[cond.field]?.[row]);
  if (cond.op === 'in') return v !== undefined && cond.value.includes(v as Label);
  if (cond.op === 'eq') return v !== undefined && v === cond.value;
  if (cond.op === 'ne') return v === undefined || v !== cond.value;
  if (typeof v !== 'number' || typeof cond.value !== 'number') return false;
  if (cond.op === 'lt') return v < cond.value;
  if (cond.op === 'le') return v <= cond.value;
  if (cond.op === 'gt') return v > cond.value;
  return v >= cond.value;
}

/** Puts each group's prediction back at its rows; classes and probabilities line up (checked). */
function mergeRows(
  rows: number,
  groups: { model: GraphModel; idx: number[]; p: BatchPrediction }[],
): BatchPrediction {
  const classifier = isClassifier(groups[0]!.model);
  const warnings = warningsOf(groups);
  if (!classifier) {
    const predictions = new Float64Array(rows);
    for (const { idx, p } of groups)
      idx.forEach((r, j) => {
        predictions[r] = Number(p.predictions[j]);
      });
    return { rows, predictions, warnings };
  }
  const classes = commonClasses(groups);
  const k = classes.length;
  const predictions: Label[] = new Array(rows);
  const probabilities = new Float64Array(rows * k);
  for (const { idx, p } of groups)
    idx.forEach((r, j) => {
      predictions[r] = p.predictions[j] as Label;
      probabilities.set(p.probabilities!.subarray(j * k, (j + 1) * k), r * k);
    });
  return { rows, predictions, probabilities, classes, warnings };
}

/**
 * Evaluates a graph on a call (`models` keyed by the references the graph names; see
 * `checkGraph`). Answers the prediction in the call's row order, with every model's warnings
 * prefixed by its key.
 *
 * - **sequence**: each step predicts the batch, then its output is added as column `step.output`
 *   for the later steps (replacing a request column of that name): a binary classifier's
 *   probability of its second class, a regressor's or ranker's value, a multiclass model's
 *   predicted label as a string. The last step's prediction is the answer.
 * - **parallel**: every member predicts the same batch, concurrently. `average`: the mean of the
 *   regressors' values, or of the classifiers' probabilities with the label of highest mean
 *   probability (first class on ties); member weights are ignored. `weighted_average`: the same
 *   with the members' weights, normalised to sum to 1. `vote` (classifiers): each member's label
 *   is one vote (weights are ignored); the majority label wins, a tie goes to the tied class of higher mean probability
 *   (then the first in class order); the answer's probabilities are the vote shares per class.
 *   `stacking`: the stacker predicts the batch plus one column per member, named by the member's
 *   `name` (replacing a request column of that name), holding its score (binary: probability of
 *   the second class; regression/ranking: the value); its prediction is the answer.
 * - **switch**: each row goes to the model of the first case whose condition holds on it (see
 *   `conditionHolds`), else to `default`; each model predicts its rows as one call (in row order,
 *   models concurrently) and the answers are put back in the call's row order. `rowModels` says
 *   which model answered each row. An empty batch is sent to `default`.
 *
 * @throws whatever a model throws (e.g. LatheError MODEL_INPUT_INVALID), unchanged; LatheError
 *   INTERNAL when a model is not loaded or answers a shape the graph cannot combine.
 */
export async function runGraph(
  graph: GraphSpec,
  models: ReadonlyMap<string, GraphModel>,
  call: ModelCall,
): Promise<GraphResult> {
  const { batch } = call;
  if (graph.kind === 'sequence') {
    const parts: { model: GraphModel; p: BatchPrediction }[] = [];
    let current = batch;
    for (const [i, step] of graph.steps.entries()) {
      const model = modelOf(models, step.model);
      const p = await ask(model, { ...call, batch: current });
      parts.push({ model, p });
      if (i < graph.steps.length - 1)
        current = withColumns(current, { [step.output]: outputColumn(model, p) });
    }
    const last = parts[parts.length - 1]!.p;
    return { prediction: { ...last, warnings: warningsOf(parts) }, models: parts.map((x) => x.model.key) };
  }
  if (graph.kind === 'parallel') {
    const members = graph.members.map((m) => modelOf(models, m.model));
    const preds = await Promise.all(members.map((model) => ask(model, call)));
    const parts = members.map((model, i) => ({ model, p: preds[i]! }));
    const keys = members.map((m) => m.key);
    if (graph.combiner === 'average')
      return {
        prediction: average(
          parts,
          parts.map(() => 1 / parts.length),
          batch.rows,
        ),
        models: keys,
      };
    if (graph.combiner === 'weighted_average') {
      const total = graph.members.reduce((s, m) => s + m.weight, 0);
      return {
        prediction: average(
          parts,
          graph.members.map((m) => m.weight / total),
          batch.rows,
        ),
        models: keys,
      };
    }
    if (graph.combiner === 'vote') {
      if (!isClassifier(members[0]!)) throw internal(`vote needs classifiers; ${members[0]!.key} is not one`);
      return { prediction: vote(parts, batch.rows), models: keys };
    }
    if (!graph.stacker) throw internal('a stacking graph names no stacker');
    const stacker = modelOf(models, graph.stacker);
    const added: Record<string, Float64Array> = {};
    graph.members.forEach((m, i) => {
      added[m.name] = scoreColumn(members[i]!, preds[i]!);
    });
    const p = await ask(stacker, { ...call, batch: withColumns(batch, added) });
    return {
      prediction: { ...p, warnings: warningsOf([...parts, { model: stacker, p }]) },
      models: [...keys, stacker.key],
    };
  }
  const refs = [...graph.cases.map((c) => c.model), graph.default];
  const rowRef = new Array<string>(batch.rows);
  const byRef = new Map<string, number[]>(refs.map((r) => [r, []]));
  for (let r = 0; r < batch.rows; r++) {
    const hit = graph.cases.find((c) => conditionHolds(c.when, batch, r));
    const ref = hit ? hit.model : graph.default;
    rowRef[r] = ref;
    byRef.get(ref)!.push(r);
  }
  const used = [...byRef].filter(
    ([ref, idx]) => idx.length > 0 || (batch.rows === 0 && ref === graph.default),
  );
  const groups = await Promise.all(
    used.map(async ([ref, idx]) => {
      const model = modelOf(models, ref);
      const part = idx.length === batch.rows ? batch : takeRows(batch, idx);
      return { model, idx, p: await ask(model, { ...call, batch: part }) };
    }),
  );
  const keyOf = new Map(groups.map((g, i) => [used[i]![0], g.model.key]));
  return {
    prediction: mergeRows(batch.rows, groups),
    models: [...new Set(groups.map((g) => g.model.key))],
    rowModels: rowRef.map((ref) => keyOf.get(ref)!),
  };
}
