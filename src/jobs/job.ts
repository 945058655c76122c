/**
 * The job record: its status, progress, spec, result and error, what a running job can do, and the
 * mapping from the `jobs` table. Shared by the service and the API; no I/O here.
 */
import type { Principal } from '../auth/index.js';
import { isoTime } from '../core/index.js';
import type { JobsTable } from '../storage/meta/index.js';

/** Where a job is in its life. */
export type JobStatus = 'queued' | 'running' | 'succeeded' | 'failed' | 'cancelled';
/** Every status, in life order. */
export const jobStatuses: readonly JobStatus[] = ['queued', 'running', 'succeeded', 'failed', 'cancelled'];

/** A job's last progress report. */
export interface JobProgress {
  /** What it is doing, e.g. `loading`, `fitting`, `cross-validating`, `saving`. */
  phase: string;
  /** A line for people. */
  message?: string;
  /** Units done and planned (rounds, trees, trials). */
  done?: number;
  total?: number;
  /** Latest metrics (validation loss, best score so far…). */
  metrics?: Record<string, number>;
  /** Estimated seconds left, when `done` and `total` say. */
  etaSeconds?: number;
  /** ISO 8601 UTC. */
  updatedAt: string;
}

/** A job as stored and answered (the API's Job JSON). */
export interface Job {
  id: string;
  kind: string;
  status: JobStatus;
  spec: unknown;
  progress: JobProgress | null;
  result: unknown;
  error: { code: string; message: string } | null;
  createdBy: string;
  /** ISO 8601 UTC. */
  createdAt: string;
  startedAt: string | null;
  endedAt: string | null;
}

/** What a running job can do. */
export interface JobContext {
  readonly id: string;
  /** Aborted when the job is cancelled or the service closes. */
  readonly signal: AbortSignal;
  readonly actor: Principal | null;
  /** Reports progress (kept in memory at once, stored at most once a second). */
  progress(p: Omit<JobProgress, 'updatedAt' | 'etaSeconds'>): void;
}

/** One kind of job: checks a spec before it is queued, then runs it. */
export interface JobKind<Spec = unknown> {
  /**
   * Checks and normalises a spec; throws LatheError (INVALID_ARGUMENT, NOT_FOUND…) so a bad
   * request is refused before anything is queued.
   */
  validate(spec: unknown, actor: Principal | null): Promise<Spec>;
  /** Does the work; resolves to the job's result (JSON). Throwing fails the job. */
  run(spec: Spec, context: JobContext): Promise<unknown>;
}

/** A listener of a job's changes (status or progress). */
export type JobListener = (job: Job) => void;

/** A `jobs` table row as a Job (JSON columns parsed, epoch-ms times as ISO 8601 UTC). */
export function rowToJob(r: JobsTable): Job {
  return {
    id: r.id,
    kind: r.kind,
    status: r.status as JobStatus,
    spec: JSON.parse(r.spec),
    progress: r.progress ? JSON.parse(r.progress) : null,
    result: r.result ? JSON.parse(r.result) : null,
    error: r.error ? JSON.parse(r.error) : null,
    createdBy: r.created_by,
    createdAt: isoTime(Number(r.created_at)),
    startedAt: r.started_at === null ? null : isoTime(Number(r.started_at)),
    endedAt: r.ended_at === null ? null : isoTime(Number(r.ended_at)),
  };
}
