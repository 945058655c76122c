import { enc, type Transport } from './transport.js';
import type {
  AutomlResult,
  AutomlSpec,
  ExplainResult,
  ExplainSpec,
  Explanations,
  Job,
  JobListQuery,
  ModelFamilyInfo,
  TrainResult,
  TrainSpec,
  TuneResult,
  TuneSpec,
} from './types.js';

/** The statuses after which a job no longer changes. */
export const finalJobStatuses = ['succeeded', 'failed', 'cancelled'] as const;

/** True when `job` has reached `succeeded`, `failed` or `cancelled`. */
export function isJobFinished(job: Pick<Job, 'status'>): boolean {
  return (finalJobStatuses as readonly string[]).includes(job.status);
}

/** How {@link JobsClient.wait} waits. */
export interface WaitOptions<J extends Job = Job> {
  /** Called with the job each time its status or progress changes (the first time at once). */
  onProgress?: (job: J) => void;
  /** Stops waiting (the promise rejects with the signal's reason); the job itself keeps running. */
  signal?: AbortSignal;
  /** Milliseconds between polls, at least 50 (default 500). */
  pollMs?: number;
}

/** A change worth reporting: a new status or a newer progress report. */
const stamp = (j: Job) => `${j.status}|${j.progress?.updatedAt ?? ''}`;

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal!.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * Background jobs through /api/v1/jobs: start one, read it, list them, cancel one, wait for the end.
 * Waiting polls (plain `fetch`, so it runs in browsers too); the CLI follows the event stream.
 */
export class JobsClient {
  constructor(private readonly t: Transport) {}

  /**
   * Starts a job of `kind` (`train`, `tune`, `automl`, `explain`). The spec is checked before it is
   * queued: a bad one throws INVALID_ARGUMENT (or NOT_FOUND for a missing dataset or run) naming the
   * field. Resolves to the queued job.
   */
  start<Spec = unknown, Result = unknown>(kind: string, spec: Spec): Promise<Job<Spec, Result>> {
    return this.t.request('POST', '/api/v1/jobs', { kind, spec });
  }

  /** One job with its latest progress. NOT_FOUND when unknown. */
  get<Spec = unknown, Result = unknown>(id: string): Promise<Job<Spec, Result>> {
    return this.t.request('GET', `/api/v1/jobs/${enc(id)}`);
  }

  /** Jobs newest first, optionally of one kind or status; at most `limit` (1..500, default 50). */
  list(query: JobListQuery = {}): Promise<Job[]> {
    return this.t
      .request<{ jobs: Job[] }>('GET', '/api/v1/jobs', undefined, { ...query })
      .then((r) => r.jobs);
  }

  /**
   * Asks a queued or running job to stop. A queued job ends `cancelled` at once; a running one ends
   * `cancelled` when its work returns (use {@link wait}). CONFLICT when it has finished already.
   */
  cancel<Spec = unknown, Result = unknown>(id: string): Promise<Job<Spec, Result>> {
    return this.t.request('POST', `/api/v1/jobs/${enc(id)}/cancel`);
  }

  /**
   * Polls job `id` until it is `succeeded`, `failed` or `cancelled` and resolves to that final job
   * (it does not throw for a failed job: look at `status` and `error`). `onProgress` sees each change.
   */
  async wait<Spec = unknown, Result = unknown>(
    id: string,
    options: WaitOptions<Job<Spec, Result>> = {},
  ): Promise<Job<Spec, Result>> {
    const pollMs = Math.max(50, options.pollMs ?? 500);
    let last = '';
    for (;;) {
      if (options.signal?.aborted) throw options.signal.reason;
      const job = await this.get<Spec, Result>(id);
      if (stamp(job) !== last) {
        last = stamp(job);
        options.onProgress?.(job);
      }
      if (isJobFinished(job)) return job;
      await sleep(pollMs, options.signal);
    }
  }
}

/**
 * Training through the jobs API: the model families, and `train`, `tune`, `automl` and `explain`
 * jobs. Each method starts a job and resolves to it queued; its `…AndWait` twin resolves to the
 * final job (check `status`: `succeeded` jobs carry `result`, `failed` ones `error`).
 */
export class TrainingClient {
  readonly #t: Transport;
  readonly #jobs: JobsClient;
  constructor(transport: Transport, jobs: JobsClient) {
    this.#t = transport;
    this.#jobs = jobs;
  }

  /** The model families training can fit, with their tasks and hyperparameters (with help texts). */
  models(): Promise<ModelFamilyInfo[]> {
    return this.#t
      .request<{ models: ModelFamilyInfo[] }>('GET', '/api/v1/training/models')
      .then((r) => r.models);
  }

  /** Starts a `train` job. */
  train(spec: TrainSpec): Promise<Job<TrainSpec, TrainResult>> {
    return this.#jobs.start('train', spec);
  }

  /** Starts a `train` job and waits for its end. */
  trainAndWait(spec: TrainSpec, options: WaitOptions<Job<TrainSpec, TrainResult>> = {}) {
    return this.#startAndWait<TrainSpec, TrainResult>('train', spec, options);
  }

  /** Starts a `tune` job (a hyperparameter search; each trial is a child run). */
  tune(spec: TuneSpec): Promise<Job<TuneSpec, TuneResult>> {
    return this.#jobs.start('tune', spec);
  }

  /** Starts a `tune` job and waits for its end. */
  tuneAndWait(spec: TuneSpec, options: WaitOptions<Job<TuneSpec, TuneResult>> = {}) {
    return this.#startAndWait<TuneSpec, TuneResult>('tune', spec, options);
  }

  /** Starts an `automl` job (a time-boxed search over families with a leaderboard). */
  automl(spec: AutomlSpec): Promise<Job<AutomlSpec, AutomlResult>> {
    return this.#jobs.start('automl', spec);
  }

  /** Starts an `automl` job and waits for its end. */
  automlAndWait(spec: AutomlSpec, options: WaitOptions<Job<AutomlSpec, AutomlResult>> = {}) {
    return this.#startAndWait<AutomlSpec, AutomlResult>('automl', spec, options);
  }

  /** Starts an `explain` job for a trained run (SHAP values, importances, partial dependence). */
  explain(spec: ExplainSpec): Promise<Job<ExplainSpec, ExplainResult>> {
    return this.#jobs.start('explain', spec);
  }

  /** Starts an `explain` job and waits for its end. */
  explainAndWait(spec: ExplainSpec, options: WaitOptions<Job<ExplainSpec, ExplainResult>> = {}) {
    return this.#startAndWait<ExplainSpec, ExplainResult>('explain', spec, options);
  }

  /** The `explanations.json` an explain job wrote to run `runId`. NOT_FOUND before one ran. */
  async explanations(runId: string): Promise<Explanations> {
    const blob = await this.#t.blob(`/api/v1/runs/${enc(runId)}/artifacts/content`, {
      path: 'explanations.json',
    });
    return JSON.parse(await blob.text()) as Explanations;
  }

  async #startAndWait<Spec, Result>(
    kind: string,
    spec: Spec,
    options: WaitOptions<Job<Spec, Result>>,
  ): Promise<Job<Spec, Result>> {
    const job = await this.#jobs.start<Spec, Result>(kind, spec);
    return this.#jobs.wait<Spec, Result>(job.id, options);
  }
}
