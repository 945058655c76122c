/** Batch scoring as a job kind: `predict` jobs on the job service (API, CLI and UI start them). */
import type { Principal } from '../auth/index.js';
import type { JobService } from '../jobs/index.js';
import { type BatchPredictDeps, runBatchPredict } from './batch-predict.js';
import { type BatchPredictSpec, checkBatchPredictSpec } from './batch-predict-spec.js';

/** Registers the `predict` job kind: specs are checked before they are queued. */
export class BatchScoring {
  constructor(
    deps: BatchPredictDeps,
    readonly jobs: JobService,
  ) {
    jobs.register<BatchPredictSpec>('predict', {
      validate: (spec) => checkBatchPredictSpec(spec, deps),
      run: (spec, context) => runBatchPredict(spec, deps, context),
    });
  }

  /** Starts a batch scoring job (see BatchPredictSpec). */
  start(spec: unknown, actor: Principal | null) {
    return this.jobs.start('predict', spec, actor);
  }
}
