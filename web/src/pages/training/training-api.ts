// What the Training UI adds to the SDK's jobs and training clients (`lathe.jobs`, `lathe.training`,
// whose types it uses): the job filters, page URLs, job summaries, and reading a run's JSON artifacts
// (the SDK types them: `Evaluation`, `FeatureImportance`).
import type { Job, JobStatus, LatheClient } from '../../../../src/sdk/index.js';
import { formatDuration } from '../../format.js';

export type JobKind = 'train' | 'tune' | 'automl' | 'explain';

export const jobKinds: JobKind[] = ['train', 'tune', 'automl', 'explain'];
export const jobStatuses: JobStatus[] = ['queued', 'running', 'succeeded', 'failed', 'cancelled'];

/** A job's short ID for titles and tables: `job_p6c7sjf9uo…` → `p6c7sjf9`. */
export const shortJobId = (id: string) => id.replace(/^job_/, '').slice(0, 8);

/** `/training/jobs/ID`. */
export const jobUrl = (id: string) => `/training/jobs/${encodeURIComponent(id)}`;

/** `/training/runs/RUN`: opens a run's page once its experiment is known. */
export const trainingRunUrl = (runId: string) => `/training/runs/${encodeURIComponent(runId)}`;

/** What `request` resolves to, or null when the server answers NOT_FOUND (a run without that file). */
export async function orNotFound<T>(request: Promise<T>): Promise<T | null> {
  try {
    return await request;
  } catch (err) {
    if ((err as { code?: unknown }).code === 'NOT_FOUND') return null;
    throw err;
  }
}

/** A run's JSON artifact, or null when the run has no such file. */
export const fetchJsonArtifact = <T>(client: LatheClient, runId: string, path: string): Promise<T | null> =>
  orNotFound(
    client.tracking.fetchArtifact(runId, path).then(async (blob) => JSON.parse(await blob.text()) as T),
  );

/** A job's short description: `gbdt on churn@3 → churned`. */
export function jobSummary(job: Job): string {
  const s = job.spec as Record<string, unknown>;
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

/** How long a job ran (or has been running) as `2m 5s`, or `—` before it started. */
export function jobDuration(job: Job, now = Date.now()): string {
  if (!job.startedAt) return '—';
  const end = job.endedAt ? Date.parse(job.endedAt) : now;
  return formatDuration(Math.max(0, (end - Date.parse(job.startedAt)) / 1000));
}
