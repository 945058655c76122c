/**
 * Tracking runs of searches (tuning, AutoML): the parent run, a child run per trial (tag
 * `mlflow.parentRunId`), and reading the children of a parent back (AutoML resume).
 */
import type { Principal } from '../auth/index.js';
import type { DataService, DatasetVersionDetails } from '../data/index.js';
import type { ParamSet, Task } from '../ml/index.js';
import type { Run, TrackingService } from '../tracking/index.js';
import { encodeTarget } from './prepare.js';

/** A parameter value as a tracking param string. */
export const paramText = (v: unknown): string =>
  (typeof v === 'string' ? v : JSON.stringify(v)).slice(0, 6000);

/** Deterministic JSON of a parameter set (keys sorted): equal params give equal keys. */
export function paramsKey(model: string, params: ParamSet): string {
  const sorted = Object.fromEntries(Object.entries(params).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  return `${model} ${JSON.stringify(sorted)}`;
}

/** Tag holding a trial's exact params as JSON (params are strings; this reads back typed). */
export const PARAMS_TAG = 'lathe.params';

/** Creates the child run of one trial under `parentRunId`, with its params. */
export async function createTrialRun(
  tracking: TrackingService,
  input: {
    experimentId: string;
    parentRunId: string;
    name: string;
    jobId: string;
    model: string;
    params: ParamSet;
    extraTags?: { key: string; value: string }[];
  },
  actor: Principal | null,
): Promise<string> {
  const run = await tracking.runs.create(
    {
      experimentId: input.experimentId,
      runName: input.name,
      tags: [
        { key: 'mlflow.parentRunId', value: input.parentRunId },
        { key: 'lathe.job', value: input.jobId },
        { key: 'lathe.model.family', value: input.model },
        { key: PARAMS_TAG, value: JSON.stringify(input.params).slice(0, 7500) },
        ...(input.extraTags ?? []),
      ],
    },
    actor,
  );
  const runId = run.info.runId;
  await tracking.runs.logBatch(runId, {
    params: [
      { key: 'model', value: input.model },
      ...Object.entries(input.params).map(([k, v]) => ({ key: k, value: paramText(v) })),
    ],
  });
  return runId;
}

/** Ends a trial's run: FINISHED (complete), KILLED (pruned, stopped) or FAILED, with its state tag. */
export async function endTrialRun(
  tracking: TrackingService,
  runId: string,
  state: 'complete' | 'pruned' | 'failed' | 'aborted' | 'stopped',
  error?: string,
): Promise<void> {
  await tracking.runs.logBatch(runId, {
    tags: [
      { key: 'lathe.trial.state', value: state },
      ...(error ? [{ key: 'lathe.trial.error', value: error.slice(0, 5000) }] : []),
    ],
  });
  await tracking.runs.update(runId, {
    status: state === 'complete' ? 'FINISHED' : state === 'failed' ? 'FAILED' : 'KILLED',
    endTime: Date.now(),
  });
}

/** Every child run of `parentRunId` (any status), oldest first. */
export async function childRuns(
  tracking: TrackingService,
  experimentId: string,
  parentRunId: string,
): Promise<Run[]> {
  const out: Run[] = [];
  let pageToken: string | undefined;
  do {
    const page = await tracking.search.searchRuns({
      experimentIds: [experimentId],
      filter: `tags.\`mlflow.parentRunId\` = '${parentRunId}'`,
      orderBy: ['attributes.start_time ASC'],
      maxResults: 1000,
      ...(pageToken ? { pageToken } : {}),
    });
    out.push(...page.items);
    pageToken = page.nextPageToken ?? undefined;
  } while (pageToken);
  return out;
}

/** The run a job created with tag `lathe.job` = `jobId` and no parent (its parent run), if any. */
export async function parentRunOfJob(
  tracking: TrackingService,
  experimentId: string,
  jobId: string,
): Promise<Run | undefined> {
  const page = await tracking.search.searchRuns({
    experimentIds: [experimentId],
    filter: `tags.\`lathe.job\` = '${jobId}' and tags.\`lathe.search\` = 'parent'`,
    maxResults: 10,
  });
  return page.items[0];
}

/**
 * The task of a spec's target as training would infer it (reads the target column only of
 * `version`, the spec's dataset version already resolved).
 */
export async function targetTask(
  data: DataService,
  version: DatasetVersionDetails,
  spec: { target: string; task?: Task },
): Promise<Task> {
  const column = version.columns.find((c) => c.name === spec.target)!;
  const values = await data.columns(version.ref, [spec.target]);
  return encodeTarget(values[spec.target]!, column.type, spec.target, spec.task).task;
}
