/**
 * AutoML resume: the candidates an interrupted job already scored, read back from the child runs
 * of its parent run (params from the `lathe.params` tag, scores from the runs' metrics).
 */
import { modelFamily, type ParamSet } from '../ml/index.js';
import type { TrackingService } from '../tracking/index.js';
import type { Candidate } from './automl-job.js';
import { encodingPlan, planKey } from './fold-data.js';
import { childRuns, PARAMS_TAG, paramsKey } from './search-runs.js';

const m = (metrics: { key: string; value: number }[], key: string) =>
  metrics.find((x) => x.key === key)?.value;

/**
 * Every child run of `parentRunId` with readable params, as a candidate; `complete` when it
 * FINISHED with a `cv_<metric>_mean`. The others only mark their params as tried.
 */
export async function readBackCandidates(
  tracking: TrackingService,
  experimentId: string,
  parentRunId: string,
  metric: string,
): Promise<(Candidate & { complete: boolean })[]> {
  const out: (Candidate & { complete: boolean })[] = [];
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
    });
  }
  return out;
}
