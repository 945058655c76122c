// The shapes of the jobs API (/api/v1/jobs, /api/v1/training/models) and of the training artifacts
// (evaluation.json, feature_importance.json, explanations.json), as the Training UI reads them.
import type { LatheClient } from '../../../../src/sdk/index.js';

export type JobKind = 'train' | 'tune' | 'automl' | 'explain';
export type JobStatus = 'queued' | 'running' | 'succeeded' | 'failed' | 'cancelled';

export const jobKinds: JobKind[] = ['train', 'tune', 'automl', 'explain'];
export const jobStatuses: JobStatus[] = ['queued', 'running', 'succeeded', 'failed', 'cancelled'];

/** A job's latest progress report; `metrics` are the validation metrics at iteration `done`. */
export interface JobProgress {
  phase: string;
  message?: string;
  done?: number;
  total?: number;
  metrics?: Record<string, number>;
  etaSeconds?: number;
  updatedAt: string;
}

/** A background job as GET /api/v1/jobs/:id answers it. */
export interface Job {
  id: string;
  kind: string;
  status: JobStatus;
  spec: Record<string, unknown>;
  progress: JobProgress | null;
  result: unknown;
  error: { code: string; message: string } | null;
  createdBy: string;
  createdAt: string;
  startedAt: string | null;
  endedAt: string | null;
}

/** A model family: its tasks and its hyperparameters (name → help text). */
export interface ModelFamily {
  name: string;
  summary: string;
  tasks: string[];
  params: Record<string, string>;
}

/** What a finished `train` job answers. */
export interface TrainResult {
  runId: string;
  experimentId: string;
  model: string;
  task: string;
  data: string;
  target: string;
  features: string[];
  excluded: { column: string; reason: string }[];
  rows: { train: number; test: number };
  metrics: Record<string, number>;
  cv: Record<string, { mean: number; std: number }> | null;
  iterations: number | null;
  fitSeconds: number;
  stopped: boolean;
  registered: { name: string; version: string } | null;
}

/** One trial of a `tune` job. */
export interface TuneTrial {
  index: number;
  params: Record<string, unknown>;
  state: string;
  value?: number;
  runId: string;
  durationMs: number;
  /** Optional: the score's spread over the folds. */
  std?: number;
}

/** What a finished `tune` job answers. */
export interface TuneResult {
  parentRunId: string;
  experimentId?: string;
  metric: string;
  direction: 'maximize' | 'minimize';
  best: { trial: number; params: Record<string, unknown>; value: number; runId: string };
  trials: TuneTrial[];
  final?: { runId: string; metrics: Record<string, number> };
  registered?: { name: string; version: string } | null;
}

/** One row of an AutoML leaderboard. */
export interface LeaderboardEntry {
  rank: number;
  model: string;
  params: Record<string, unknown>;
  cv: { mean: number; std: number };
  fitSeconds?: number;
  latencyMsPerRow?: number;
  sizeBytes?: number;
  runId: string;
}

/** What a finished `automl` job answers. */
export interface AutomlResult {
  parentRunId: string;
  experimentId?: string;
  metric: string;
  direction: 'maximize' | 'minimize';
  leaderboard: LeaderboardEntry[];
  best: { model: string; runId: string };
  ensemble: { members: unknown[]; cv: { mean: number; std: number } } | null;
  registered?: { name: string; version: string } | null;
  /** Optional: every trial in the order it ran. */
  trials?: TuneTrial[];
}

/** evaluation.json: test-set metrics and chart data. */
export interface Evaluation {
  task: 'binary' | 'multiclass' | 'regression';
  rows: number;
  metrics: Record<string, number>;
  classes?: (string | number | boolean)[];
  confusion?: number[][];
  roc?: { fpr: number[]; tpr: number[] };
  pr?: { precision: number[]; recall: number[] };
  calibration?: { predicted: number[]; observed: number[]; counts: number[] };
  scatter?: { actual: number[]; predicted: number[] };
}

/** feature_importance.json, most important first. */
export type FeatureImportance = { feature: string; importance: number }[];

/** One explained row of explanations.json, in either of the two forms the explain job may write. */
export type ExplainedRow =
  | {
      index: number;
      base: number;
      output: number;
      contributions: { feature: string; value: number | string | null; shap: number }[];
    }
  | { index: number; values: Record<string, unknown>; shap: number[]; prediction: unknown };

/** explanations.json (written by an `explain` job). */
export interface Explanations {
  method: string;
  expectedValue: number | number[];
  features?: string[];
  globalImportance: { feature: string; meanAbs: number }[];
  beeswarm?: Record<string, { value: number | string | null; shap: number }[]>;
  /** A few rows for waterfalls: `contributions` (sorted by |SHAP|, the rest summed in one entry) or the per-feature form. */
  rows?: ExplainedRow[];
  permutationImportance?: { feature: string; mean: number; std: number }[];
  partialDependence?: Record<string, { grid: number[]; average: number[] }>;
}

export const isFinished = (status: JobStatus) => status !== 'queued' && status !== 'running';

/** A job's short ID for titles and tables: `job_p6c7sjf9uo…` → `p6c7sjf9`. */
export const shortJobId = (id: string) => id.replace(/^job_/, '').slice(0, 8);

/** `/training/jobs/ID`. */
export const jobUrl = (id: string) => `/training/jobs/${encodeURIComponent(id)}`;

/** `/training/runs/RUN`: opens a run's page once its experiment is known. */
export const trainingRunUrl = (runId: string) => `/training/runs/${encodeURIComponent(runId)}`;

export function listJobs(
  client: LatheClient,
  query: { kind?: string; status?: string; limit?: number },
): Promise<Job[]> {
  return client
    .request<{ jobs: Job[] }>('GET', '/api/v1/jobs', undefined, {
      kind: query.kind || undefined,
      status: query.status || undefined,
      limit: query.limit,
    })
    .then((r) => r.jobs);
}

export const getJob = (client: LatheClient, id: string) =>
  client.request<Job>('GET', `/api/v1/jobs/${encodeURIComponent(id)}`);

/** Starts a job; the server validates the spec first (400 names the field). */
export const startJob = (client: LatheClient, kind: string, spec: Record<string, unknown>) =>
  client.request<Job>('POST', '/api/v1/jobs', { kind, spec });

export const cancelJob = (client: LatheClient, id: string) =>
  client.request<Job>('POST', `/api/v1/jobs/${encodeURIComponent(id)}/cancel`);

export const listFamilies = (client: LatheClient) =>
  client.request<{ models: ModelFamily[] }>('GET', '/api/v1/training/models').then((r) => r.models);

/** A run's JSON artifact, or null when the run has no such file. */
export async function fetchJsonArtifact<T>(
  client: LatheClient,
  runId: string,
  path: string,
): Promise<T | null> {
  try {
    const blob = await client.tracking.fetchArtifact(runId, path);
    return JSON.parse(await blob.text()) as T;
  } catch (err) {
    if ((err as { code?: unknown }).code === 'NOT_FOUND') return null;
    throw err;
  }
}

/** A job's short description: `gbdt on churn@3 → churned`. */
export function jobSummary(job: Job): string {
  const s = job.spec;
  if (job.kind === 'explain') return `run ${String(s.runId ?? '').slice(0, 8)}`;
  const model =
    typeof s.model === 'string'
      ? s.model
      : Array.isArray(s.models)
        ? s.models.join(', ')
        : job.kind === 'automl'
          ? 'all models'
          : '';
  return [model, s.data ? `on ${String(s.data)}` : '', s.target ? `→ ${String(s.target)}` : '']
    .filter(Boolean)
    .join(' ');
}

/** How long a job ran (or has been running), in seconds; null before it started. */
export function jobSeconds(job: Job, now = Date.now()): number | null {
  if (!job.startedAt) return null;
  const end = job.endedAt ? Date.parse(job.endedAt) : now;
  return Math.max(0, (end - Date.parse(job.startedAt)) / 1000);
}
