/**
 * Training as a service: registers the training job kinds with the job service and loads trained
 * models back from their runs. HTTP-free; `api/` wraps it.
 */
import type { Principal } from '../auth/index.js';
import type { JobService } from '../jobs/index.js';
import { MODEL_FAMILIES } from '../ml/index.js';
import type { NativePredictor } from '../models/index.js';
import { checkExplainSpec, type ExplainSpec, runExplainJob } from './explain-job.js';
import { chooseFeatures } from './prepare.js';
import { loadRunModel } from './run-artifacts.js';
import { runTrainJob, type TrainingDeps } from './train-job.js';
import { checkTrainSpec, type TrainSpec } from './train-spec.js';
import { runTuneJob } from './tune-job.js';
import { checkTuneSpec, metricForTask, type TuneSpec } from './tune-spec.js';
import { runAutomlJob } from './automl-job.js';
import { type AutomlSpec, checkAutomlSpec } from './automl-spec.js';
import { targetTask } from './search-runs.js';

/** A model family as the API and the UI describe it. */
export interface ModelFamilyInfo {
  name: string;
  summary: string;
  tasks: string[];
  params: Record<string, string>;
}

/**
 * Registers the `train`, `tune`, `automl` and `explain` job kinds on `jobs` (each spec validated
 * against the data before it is queued) and starts them; reads trained models back from runs.
 */
export class TrainingService {
  constructor(
    private readonly deps: TrainingDeps,
    readonly jobs: JobService,
  ) {
    jobs.register<TrainSpec>('train', {
      validate: async (spec) => {
        const checked = checkTrainSpec(spec);
        // Unknown versions and columns are refused now, not after the job was queued.
        chooseFeatures(await deps.data.version(checked.data), checked);
        return checked;
      },
      run: (spec, context) => runTrainJob(spec, deps, context),
    });
    jobs.register<TuneSpec>('tune', {
      validate: async (spec) => {
        const checked = checkTuneSpec(spec);
        const version = await deps.data.version(checked.data);
        chooseFeatures(version, checked);
        const task = await targetTask(deps.data, version, checked);
        checked.metric = metricForTask(checked.metric, task);
        return checked;
      },
      run: (spec, context) => runTuneJob(spec, deps, context),
    });
    jobs.register<AutomlSpec>('automl', {
      validate: (spec) => checkAutomlSpec(spec, deps, jobs),
      run: (spec, context) => runAutomlJob(spec, deps, context),
    });
    jobs.register<ExplainSpec>('explain', {
      validate: (spec) => checkExplainSpec(spec, deps),
      run: (spec, context) => runExplainJob(spec, deps, context),
    });
  }

  /** Every model family, for help texts and forms. */
  families(): ModelFamilyInfo[] {
    return MODEL_FAMILIES.map((f) => ({
      name: f.name,
      summary: f.summary,
      tasks: [...f.tasks],
      params: { ...f.params },
    }));
  }

  /** Starts a training job (validated first; see TrainSpec). */
  train(spec: unknown, actor: Principal | null) {
    return this.jobs.start('train', spec, actor);
  }

  /** Starts a tuning job (validated first; see TuneSpec). */
  tune(spec: unknown, actor: Principal | null) {
    return this.jobs.start('tune', spec, actor);
  }

  /** Starts an AutoML job (validated first; see AutomlSpec). */
  automl(spec: unknown, actor: Principal | null) {
    return this.jobs.start('automl', spec, actor);
  }

  /** The model a run logged under `model/`, ready to predict; see `loadRunModel`. */
  runModel(runId: string, options: { piiSalt?: string } = {}): Promise<NativePredictor> {
    return loadRunModel(this.deps.tracking, runId, options);
  }
}
