/**
 * AutoML resume: the candidates an interrupted job already scored, read back from the child runs
 * of its parent run (params from the `lathe.params` tag, scores from the runs' metrics), and the
 * parent run taken over by the job that goes on.
 */
import { modelFamily, type ParamSet } from '../ml/index.js';
import type { RunStatus, TrackingService } from '../tracking/index.js';
import type { Candidate } from './automl-job.js';
import { encodingPlan, planKey } from './fold-data.js';
import { childRuns, endTrialRun, PARAMS_TAG, paramsKey, parentRunOfJob } from './search-runs.js';

/** A child run read back: a candidate, whether it completed, its run status and how long it ran. */
export type ReadBack = Candidate & { complete: boolean; status: RunStatus; ranMs: number };

const m = (metrics: { key: string; value: number }[], key: string) =>
  metrics.find((x) => x.key === key)?.value;

/**
 * Every child run of `parentRunId` with readable params, as a candidate; `complete` when it
 * FINISHED with a `cv_<metric>_mean`. The others only mark their params as tried.
 */
async function readBackCandidates(
  tracking: TrackingService,
  experimentId: string,
  parentRunId: string,
  metric: string,
): Promise<ReadBack[]> {
  const out: ReadBack[] = [];
  for (const run of await childRuns(tracking, experimentId, parentRunId)) {
    const tag = (k: string) => run.data.tags.find((t) => t.key === k)?.value;
    const model = tag('lathe.model.family');
    let params: ParamSet;
    try {
      params = JSON.parse(tag(PARAMS_TAG) ?? '');
    } catch {
      continue;
    }
    if (!model) continue;
    const mean = m(run.data.metrics, `cv_${metric}_mean`);
    out.push({
      model,
      params,
      key: paramsKey(model, params),
      plan: model === 'ensemble' ? '' : planKey(encodingPlan(modelFamily(model))),
      cv: { mean: mean ?? Number.NaN, std: m(run.data.metrics, `cv_${metric}_std`) ?? 0 },
      fitSeconds: m(run.data.metrics, 'fit_seconds') ?? 0,
      latencyMsPerRow: m(run.data.metrics, 'latency_ms_per_row') ?? 0,
      sizeBytes: m(run.data.metrics, 'size_bytes') ?? 0,
      runId: run.info.runId,
      complete: run.info.status === 'FINISHED' && mean !== undefined,
      status: run.info.status,
      ranMs:
        run.info.endTime !== null && run.info.startTime !== null ? run.info.endTime - run.info.startTime : 0,
    });
  }
  return out;
}

/** Where a resumed AutoML job goes on from. */
export interface Resumed {
  parentRunId: string;
  /** Milliseconds the interrupted job's candidates took (the search budget already spent). */
  spentMs: number;
  /** The completed candidates, to reuse. */
  candidates: Candidate[];
  /** Params keys of every candidate tried, complete or not: none is tried again. */
  tried: string[];
}

/**
 * Takes over the parent run of automl job `oldJobId` for job `jobId`: the run goes back to
 * RUNNING (tags `lathe.job` = `jobId`, `lathe.resumed.from`), child runs a dead process left
 * RUNNING end KILLED, and the candidates are read back. Undefined when the old job made no parent
 * run in `experimentId`.
 */
export async function resumeParent(
  tracking: TrackingService,
  input: { experimentId: string; oldJobId: string; jobId: string; metric: string },
): Promise<Resumed | undefined> {
  const parent = await parentRunOfJob(tracking, input.experimentId, input.oldJobId);
  if (!parent) return undefined;
  const parentRunId = parent.info.runId;
  await tracking.runs.update(parentRunId, { status: 'RUNNING' });
  await tracking.runs.logBatch(parentRunId, {
    tags: [
      { key: 'lathe.job', value: input.jobId },
      { key: 'lathe.resumed.from', value: input.oldJobId },
    ],
  });
  const read = await readBackCandidates(tracking, input.experimentId, parentRunId, input.metric);
  for (const c of read)
    if (c.status === 'RUNNING') await endTrialRun(tracking, c.runId, 'aborted', 'the job was interrupted');
  return {
    parentRunId,
    // Candidates run one at a time, so their durations add up to the search time spent (the time
    // between the interruption and the resume is not counted).
    spentMs: read.reduce((s, c) => s + c.ranMs, 0),
    candidates: read
      .filter((c) => c.complete)
      .map(({ complete: _c, status: _s, ranMs: _r, ...candidate }) => candidate),
    tried: read.map((c) => c.key),
  };
}
