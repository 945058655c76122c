/**
 * The `explain` job: SHAP values (exact TreeSHAP for tree models, permutation SHAP or KernelSHAP
 * otherwise), permutation importance and partial dependence of a trained run's model on its own
 * test rows, computed on a worker thread and stored with the run as `explanations.json`.
 */
import { describeValue, LatheError, taskModuleUrl } from '../core/index.js';
import { encodeColumns } from '../data/index.js';
import type { JobContext } from '../jobs/index.js';
import { WorkerPool } from '../ml/index.js';
import type { ExplainMethod, ExplainTaskArgs, ExplainTaskResult } from './explain-task.js';
import { takeValues } from './fold-data.js';
import { chooseFeatures, columnsToRead, targetSplit } from './prepare.js';
import { loadRunModel, readRunJson } from './run-artifacts.js';
import type { TrainingDeps } from './train-job.js';
import type { TrainSpec } from './train-spec.js';

/** An explanation request. */
export interface ExplainSpec {
  runId: string;
  /** Test rows explained (default 500, at most 10,000). */
  rows?: number;
  method?: ExplainMethod;
}

/** What a finished explain job answers (the full explanations are the run's explanations.json). */
export interface ExplainResult {
  runId: string;
  artifact: 'explanations.json';
  method: string;
  rows: number;
  globalImportance: { feature: string; meanAbs: number }[];
}

const methods: readonly ExplainMethod[] = ['auto', 'tree', 'kernel', 'permutation'];
const taskModule = taskModuleUrl(import.meta.url, './explain-task');

/** Checks an explain spec; the run must hold a model package. */
export async function checkExplainSpec(input: unknown, deps: TrainingDeps): Promise<ExplainSpec> {
  const o = (typeof input === 'object' && input !== null ? input : {}) as Record<string, unknown>;
  for (const k of Object.keys(o))
    if (!['runId', 'rows', 'method'].includes(k))
      throw new LatheError('INVALID_ARGUMENT', `${k}: unknown field; valid fields are runId, rows, method`, {
        field: k,
      });
  if (typeof o['runId'] !== 'string' || !o['runId'])
    throw new LatheError(
      'INVALID_ARGUMENT',
      `runId: required, the id of a training run; got ${describeValue(o['runId'])}`,
      {
        field: 'runId',
      },
    );
  const rows = o['rows'] ?? 500;
  if (typeof rows !== 'number' || !Number.isInteger(rows) || rows < 1 || rows > 10_000)
    throw new LatheError(
      'INVALID_ARGUMENT',
      `rows: must be an integer 1..10000; got ${describeValue(rows)}`,
      { field: 'rows' },
    );
  const method = o['method'] ?? 'auto';
  if (!methods.includes(method as ExplainMethod))
    throw new LatheError(
      'INVALID_ARGUMENT',
      `method: must be one of ${methods.join(', ')}; got ${describeValue(method)}`,
      {
        field: 'method',
      },
    );
  const model = await loadRunModel(deps.tracking, o['runId']);
  if (method === 'tree' && !model.model.treeEnsemble)
    throw new LatheError(
      'INVALID_ARGUMENT',
      `method: tree needs a tree model; run ${o['runId']} holds ${model.metadata.family}`,
      {
        field: 'method',
      },
    );
  return { runId: o['runId'], rows, method: method as ExplainMethod };
}

/**
 * Runs a validated explain spec as job `context`: the run's model on the first `rows` of its own
 * test rows (the training split again, from training.json), the computation on a worker thread;
 * writes explanations.json to the run.
 */
export async function runExplainJob(
  spec: ExplainSpec,
  deps: TrainingDeps,
  context: JobContext,
): Promise<ExplainResult> {
  const { tracking, data } = deps;
  context.progress({ phase: 'loading', message: `loading the model of run ${spec.runId}` });
  const predictor = await loadRunModel(tracking, spec.runId);
  const meta = predictor.metadata;
  const training = await readRunJson<{ spec: TrainSpec }>(tracking, spec.runId, 'training.json');
  const trainSpec = training.spec;
  const version = await data.version(meta.training.dataset ?? trainSpec.data);
  const chosen = { inputs: meta.recipe?.input ?? [], excluded: [] };
  if (!chosen.inputs.length) Object.assign(chosen, chooseFeatures(version, trainSpec));
  const values = await data.columns(version.ref, columnsToRead(trainSpec, chosen));
  // The same split as training (same spec and seed); the rows are encoded with the model's own recipe.
  const { task, y, split } = targetSplit(version, values, trainSpec);
  const encode = (rows: Int32Array) => ({
    data: meta.recipe ? encodeColumns(meta.recipe, values, rows) : new Float64Array(0),
    rows: rows.length,
    cols: meta.features.length,
  });
  const n = Math.min(spec.rows ?? 500, split.test.length);
  const testRows = split.test.subarray(0, n);
  const bgRows = split.train.subarray(0, Math.min(100, split.train.length));
  context.progress({ phase: 'explaining', message: `explaining ${n} test rows`, done: 0, total: 1 });
  const args: ExplainTaskArgs = {
    saved: predictor.model.save(),
    task,
    features: meta.features,
    X: encode(testRows),
    y: takeValues(y, testRows),
    background: encode(bgRows),
    method: spec.method ?? 'auto',
    waterfallRows: 10,
  };
  // Cancelling ends the worker thread at once (SHAP on many rows has no stopping point of its own).
  const pool = new WorkerPool(1);
  const stop = () => void pool.close();
  context.signal.addEventListener('abort', stop, { once: true });
  let result: ExplainTaskResult;
  try {
    if (context.signal.aborted) throw context.signal.reason;
    result = await pool.run<ExplainTaskResult>(taskModule, 'explainModel', args);
  } finally {
    context.signal.removeEventListener('abort', stop);
    await pool.close();
  }
  const inputs = testRows.subarray(0, result.rows.length);
  const explanations = {
    ...result,
    features: meta.features,
    rowsExplained: n,
    classes: predictor.signature.classes ?? null,
    inputRows: Array.from(inputs, (r) =>
      Object.fromEntries(chosen.inputs.map((c) => [c.name, values[c.name]![r] ?? null])),
    ),
  };
  await tracking.artifacts.logArtifact(
    spec.runId,
    'explanations.json',
    new TextEncoder().encode(JSON.stringify(explanations)),
  );
  return {
    runId: spec.runId,
    artifact: 'explanations.json',
    method: result.method,
    rows: n,
    globalImportance: result.globalImportance.slice(0, 20),
  };
}
