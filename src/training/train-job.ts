/**
 * One training job: dataset version → features → encoding → fit on a worker thread (with live
 * progress) → test metrics → a tracking run holding the params, metrics, per-iteration history,
 * evaluation charts and the model package → optionally a new registry version with lineage.
 */
import type { DataService } from '../data/index.js';
import type { JobContext } from '../jobs/index.js';
import { type FittedModel, modelFamily, type ParamSet, type SavedModel } from '../ml/index.js';
import { columnTypeOf, writeModelPackage } from '../models/index.js';
import type { RegistryService } from '../registry/index.js';
import type { TrackingService } from '../tracking/index.js';
import { type Evaluation, evaluateModel } from './evaluation.js';
import { fitInWorker } from './fit-in-worker.js';
import { earlyStoppingSplit } from './fold-data.js';
import { createJobRun, experimentId, logDatasetInput, register } from './job-runs.js';
import { type ExcludedColumn, type Prepared, readPrepared } from './prepare.js';
import { crossValidate } from './cross-validate.js';
import type { TrainSpec } from './train-spec.js';

/** Services a training job writes to. */
export interface TrainingDeps {
  data: DataService;
  tracking: TrackingService;
  registry: RegistryService;
}

/** What a finished training job answers. */
export interface TrainResult {
  runId: string;
  experimentId: string;
  model: string;
  task: string;
  data: string;
  target: string;
  features: string[];
  excluded: ExcludedColumn[];
  rows: { train: number; test: number };
  metrics: Record<string, number>;
  cv: Record<string, { mean: number; std: number }> | null;
  iterations: number | null;
  fitSeconds: number;
  /** True when the job was cancelled during the fit and kept what was built (on the run, KILLED). */
  stopped: boolean;
  /** The new model version; null when not asked for or when the job was cancelled. */
  registered: { name: string; version: string } | null;
}

/** The params a family gets: the spec's, plus the seed and category columns when it takes them. */
export function paramsFor(spec: TrainSpec, prepared: Prepared): ParamSet {
  const family = modelFamily(spec.model);
  const params: ParamSet = { ...(spec.params ?? {}) };
  if ('seed' in family.params && params['seed'] === undefined) params['seed'] = spec.seed ?? 0;
  if (
    family.preprocess.categorical === 'native' &&
    'categoricalFeatures' in family.params &&
    params['categoricalFeatures'] === undefined &&
    prepared.categoricalFeatures.length
  )
    (params as Record<string, unknown>)['categoricalFeatures'] = prepared.categoricalFeatures;
  return params;
}

/** How the test rows were chosen, in words: `holdout 0.2 stratified seed 0`, `holdout 0.2 by time (signup)`. */
function describeSplit(spec: TrainSpec, task: string): string {
  const size = spec.testSize ?? 0.2;
  const kind = spec.split?.kind ?? 'random';
  if (kind === 'time') return `holdout ${size} latest by ${spec.split!.column}`;
  if (kind === 'group') return `holdout ${size} by group ${spec.split!.column} seed ${spec.seed ?? 0}`;
  return `holdout ${size}${task === 'regression' ? '' : ' stratified'} seed ${spec.seed ?? 0}`;
}

const str = (v: unknown) => (typeof v === 'string' ? v : JSON.stringify(v));

/** Runs a validated training spec as job `context`. */
export async function runTrainJob(
  spec: TrainSpec,
  deps: TrainingDeps,
  context: JobContext,
): Promise<TrainResult> {
  const { data, tracking } = deps;
  const actor = context.actor;
  const family = modelFamily(spec.model);
  context.progress({ phase: 'loading', message: `reading ${spec.data}` });
  const { version, values, prepared } = await readPrepared(data, spec, family);
  const params = paramsFor(spec, prepared);

  const expId = await experimentId(tracking, spec.experiment ?? version.name, actor);
  const runId = await createJobRun(
    tracking,
    {
      experimentId: expId,
      runName: spec.runName ?? `${family.name}-${spec.target}`,
      jobId: context.id,
      family: family.name,
      dataset: version.ref,
      task: prepared.task,
    },
    actor,
  );
  try {
    await logDatasetInput(tracking, runId, version);
    await tracking.runs.logBatch(runId, {
      params: [
        { key: 'model', value: family.name },
        { key: 'data', value: version.ref },
        { key: 'target', value: spec.target },
        { key: 'task', value: prepared.task },
        { key: 'test_size', value: String(spec.testSize ?? 0.2) },
        { key: 'split', value: describeSplit(spec, prepared.task) },
        { key: 'features', value: String(prepared.features.length) },
        ...Object.entries(params).map(([k, v]) => ({ key: k, value: str(v).slice(0, 6000) })),
      ],
    });

    let cv: TrainResult['cv'] = null;
    if (spec.cv) {
      cv = await crossValidate(spec, prepared, values, params, context);
      await tracking.runs.logBatch(runId, {
        metrics: Object.entries(cv).flatMap(([k, s]) => [
          { key: `cv_${k}_mean`, value: s.mean, timestamp: Date.now(), step: 0 },
          { key: `cv_${k}_std`, value: s.std, timestamp: Date.now(), step: 0 },
        ]),
      });
    }
    // Cancelled while cross-validating: no final fit (the catch below ends the run KILLED).
    if (context.signal.aborted) throw context.signal.reason;

    const { fit, evaluation, stopped } = await fitEvaluateSave(deps, runId, spec, prepared, params, context);
    const registered = await register(deps, spec.register, runId, version.ref, actor, stopped);
    await tracking.runs.update(runId, { status: stopped ? 'KILLED' : 'FINISHED', endTime: Date.now() });
    return {
      runId,
      experimentId: expId,
      model: family.name,
      task: prepared.task,
      data: version.ref,
      target: spec.target,
      features: prepared.features,
      excluded: prepared.excluded,
      rows: { train: prepared.train.X.rows, test: prepared.test.X.rows },
      metrics: evaluation.metrics,
      cv,
      iterations: fit.iterations,
      fitSeconds: fit.fitSeconds,
      stopped,
      registered,
    };
  } catch (err) {
    await tracking.runs
      .update(runId, { status: context.signal.aborted ? 'KILLED' : 'FAILED', endTime: Date.now() })
      .catch(() => undefined);
    throw err;
  }
}

/**
 * Fits `params` on the whole training part (on a worker thread, progress as phase `fitting`),
 * evaluates on the test rows, logs the iteration history (`valid_*`), `test_*` metrics and
 * `fit_seconds` to `runId`, and saves the model package, evaluation.json, feature_importance.json
 * and training.json there. `stopped` is true when the job's signal stopped the fit early.
 */
export async function fitEvaluateSave(
  deps: TrainingDeps,
  runId: string,
  spec: TrainSpec,
  prepared: Prepared,
  params: ParamSet,
  context: JobContext,
) {
  const { tracking } = deps;
  const family = modelFamily(spec.model);
  const { train, validation } = earlyStoppingSplit(prepared.train, prepared.task, params);
  context.progress({
    phase: 'fitting',
    message: `fitting ${family.name} on ${prepared.train.X.rows} rows`,
  });
  const fit = await fitInWorker({
    family: family.name,
    X: train.X,
    y: train.y,
    params,
    task: prepared.task,
    classes: prepared.classes.length,
    // Without early stopping the test rows only feed the progress display, never a choice.
    validation: validation ?? { X: prepared.test.X, y: prepared.test.y },
    onProgress: (p) =>
      context.progress({
        phase: 'fitting',
        done: p.iteration,
        total: p.total,
        ...(p.metrics ? { metrics: p.metrics } : {}),
      }),
    signal: context.signal,
  });
  const stopped = context.signal.aborted;

  context.progress({ phase: 'evaluating', message: `scoring ${prepared.test.X.rows} test rows` });
  const evaluation = evaluateModel(
    fit.model,
    prepared.task,
    prepared.test.X,
    prepared.test.y,
    prepared.classes,
  );
  const now = Date.now();
  const history = fit.history.flatMap((h) =>
    Object.entries(h.metrics).map(([k, v]) => ({
      key: `valid_${k}`,
      value: v,
      timestamp: now,
      step: h.iteration,
    })),
  );
  for (let i = 0; i < history.length; i += 1000)
    await tracking.runs.logBatch(runId, { metrics: history.slice(i, i + 1000) });
  await tracking.runs.logBatch(runId, {
    metrics: [
      ...Object.entries(evaluation.metrics).map(([k, v]) => ({
        key: `test_${k}`,
        value: v,
        timestamp: now,
        step: 0,
      })),
      { key: 'fit_seconds', value: fit.fitSeconds, timestamp: now, step: 0 },
      ...informationCriteria(fit.model, prepared).map(([k, v]) => ({
        key: k,
        value: v,
        timestamp: now,
        step: 0,
      })),
    ],
  });

  context.progress({ phase: 'saving', message: 'writing the model package' });
  await saveArtifacts(deps, runId, spec, prepared, params, fit.saved, fit.model, evaluation);
  return { fit, evaluation, stopped };
}

/** AIC and BIC on the training rows, for the models that define them. */
function informationCriteria(model: FittedModel, prepared: Prepared): [string, number][] {
  if (!model.informationCriteria) return [];
  const { aic, bic } = model.informationCriteria(prepared.train.X, prepared.train.y);
  return [
    ['train_aic', aic],
    ['train_bic', bic],
  ];
}

/** Writes the model package and the JSON artifacts of a fitted model to run `runId`. */
async function saveArtifacts(
  deps: TrainingDeps,
  runId: string,
  spec: TrainSpec,
  prepared: Prepared,
  params: ParamSet,
  saved: SavedModel,
  model: FittedModel,
  evaluation: Evaluation,
): Promise<void> {
  const { artifacts } = deps.tracking;
  const targetType = prepared.version.columns.find((c) => c.name === spec.target)!.type;
  const pkg = writeModelPackage(saved, {
    flavor: 'native',
    createdAt: new Date().toISOString(),
    family: model.family,
    task: prepared.task,
    signature: {
      inputs: prepared.inputs.map((c) => ({ name: c.name, type: columnTypeOf(c.type), required: true })),
      outputs: [
        {
          name: 'prediction',
          type: prepared.task === 'regression' ? 'double' : columnTypeOf(targetType),
          required: true,
        },
      ],
      ...(prepared.task === 'regression' ? {} : { classes: prepared.classes }),
    },
    recipe: prepared.recipe,
    features: prepared.features,
    params,
    training: {
      dataset: prepared.version.ref,
      rows: prepared.train.X.rows,
      evaluation: describeSplit(spec, prepared.task),
    },
    metrics: evaluation.metrics,
    runId,
  });
  for (const [path, bytes] of pkg.files) await artifacts.logArtifact(runId, `model/${path}`, bytes);
  const json = (v: unknown) => new TextEncoder().encode(JSON.stringify(v));
  await artifacts.logArtifact(runId, 'evaluation.json', json(evaluation));
  const importances = model.featureImportances?.();
  if (importances)
    await artifacts.logArtifact(
      runId,
      'feature_importance.json',
      json(
        prepared.features
          .map((f, i) => ({ feature: f, importance: importances[i] ?? 0 }))
          .sort((a, b) => b.importance - a.importance),
      ),
    );
  await artifacts.logArtifact(
    runId,
    'training.json',
    json({ spec, features: prepared.features, excluded: prepared.excluded, classes: prepared.classes }),
  );
}
