/**
 * The tracking and registry writes every training job makes (train, tune, AutoML): the experiment,
 * the job's own run with its tags, the link to the dataset version it reads, and the registration
 * of the model it saved.
 */
import type { Principal } from '../auth/index.js';
import type { LatheError } from '../core/index.js';
import type { TrackingService } from '../tracking/index.js';
import type { Prepared } from './prepare.js';
import type { TrainingDeps } from './train-job.js';

/** The ID of experiment `name`, created when absent. */
export async function experimentId(
  tracking: TrackingService,
  name: string,
  actor: Principal | null,
): Promise<string> {
  try {
    return (await tracking.experiments.getByName(name)).experimentId;
  } catch (err) {
    if ((err as LatheError).code !== 'NOT_FOUND') throw err;
    return tracking.experiments.create({ name }, actor);
  }
}

/** What the run of a job is tagged with. */
export interface JobRunInput {
  experimentId: string;
  runName: string;
  jobId: string;
  /** The model family (`automl` for an AutoML parent run). */
  family: string;
  /** The dataset version read, `name@3`. */
  dataset: string;
  task: string;
  /** A search's parent run (tag `lathe.search=parent`): tuning and AutoML. */
  searchParent?: boolean;
}

/**
 * Creates the run of a job, tagged `lathe.job`, `lathe.model.family`, `lathe.dataset`, `lathe.task`
 * (and `lathe.search=parent` for a search); answers its ID.
 */
export async function createJobRun(
  tracking: TrackingService,
  input: JobRunInput,
  actor: Principal | null,
): Promise<string> {
  const run = await tracking.runs.create(
    {
      experimentId: input.experimentId,
      runName: input.runName,
      tags: [
        { key: 'lathe.job', value: input.jobId },
        ...(input.searchParent ? [{ key: 'lathe.search', value: 'parent' }] : []),
        { key: 'lathe.model.family', value: input.family },
        { key: 'lathe.dataset', value: input.dataset },
        { key: 'lathe.task', value: input.task },
      ],
    },
    actor,
  );
  return run.info.runId;
}

/** Links run `runId` to the dataset version it trains on (MLflow dataset input + Lathe lineage). */
export async function logDatasetInput(
  tracking: TrackingService,
  runId: string,
  version: Prepared['version'],
): Promise<void> {
  await tracking.runs.logInputs(runId, [
    {
      tags: [{ key: 'mlflow.data.context', value: 'training' }],
      dataset: {
        name: version.name,
        digest: version.digest.slice(0, 36),
        sourceType: 'lathe',
        source: JSON.stringify({ ref: version.ref }),
      },
    },
  ]);
  await tracking.runs.linkSource(runId, { type: 'dataset_version', id: version.ref });
}

/**
 * Registers `runs:/<runId>/model` as a new version of model `name` (created when absent), unless
 * the job was stopped: a cancelled job's partly built model is kept on its run, never registered.
 */
export async function register(
  deps: TrainingDeps,
  name: string | undefined,
  runId: string,
  data: string,
  actor: Principal | null,
  stopped = false,
): Promise<{ name: string; version: string } | null> {
  if (!name || stopped) return null;
  const { registry } = deps;
  try {
    await registry.models.get(name);
  } catch (err) {
    if ((err as LatheError).code !== 'NOT_FOUND') throw err;
    await registry.models.create({ name, description: `Trained by Lathe from ${data}` }, actor);
  }
  const v = await registry.versions.create({ name, source: `runs:/${runId}/model`, runId }, actor);
  return { name: v.name, version: String(v.version) };
}
