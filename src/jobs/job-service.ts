/**
 * Background jobs: long work (training, tuning, AutoML) started by a request and run off it, with
 * live progress, cancellation and a clear final status. Jobs are rows in the metadata store; the
 * runner is in this process (one queue, `concurrency` jobs at a time). A job that was queued or
 * running when the process stopped is marked failed (`INTERRUPTED`) at the next start.
 */
import type { AuditLog, Principal } from '../auth/index.js';
import { isLatheError, isoTime, LatheError, newId } from '../core/index.js';
import type { MetaStore } from '../storage/meta/index.js';

/** Where a job is in its life. */
export type JobStatus = 'queued' | 'running' | 'succeeded' | 'failed' | 'cancelled';
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

interface Live {
  job: Job;
  controller: AbortController;
  listeners: Set<JobListener>;
  lastStored: number;
  started: number;
  actor: Principal | null;
}

function rowToJob(r: {
  id: string;
  kind: string;
  status: string;
  spec: string;
  progress: string | null;
  result: string | null;
  error: string | null;
  created_by: string;
  created_at: number;
  started_at: number | null;
  ended_at: number | null;
}): Job {
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

const jobIdPattern = /^job_[a-z0-9]{6,40}$/;

/** Runs and records background jobs. HTTP-free; `api/` wraps it. */
export class JobService {
  readonly #kinds = new Map<string, JobKind<unknown>>();
  readonly #live = new Map<string, Live>();
  readonly #queue: string[] = [];
  #running = 0;
  #closed = false;
  readonly #idle: (() => void)[] = [];

  constructor(
    private readonly store: MetaStore,
    private readonly audit: AuditLog,
    private readonly options: { concurrency?: number } = {},
  ) {}

  /** Registers a kind of job; a name registered twice is refused. */
  register<Spec>(name: string, kind: JobKind<Spec>): void {
    if (this.#kinds.has(name))
      throw new LatheError('ALREADY_EXISTS', `job kind ${name} is registered already`);
    this.#kinds.set(name, kind as JobKind<unknown>);
  }

  /** The registered kinds. */
  kinds(): string[] {
    return [...this.#kinds.keys()];
  }

  /** Marks jobs left queued or running by a previous process as failed. Call once at start. */
  async recover(): Promise<number> {
    const r = await this.store.db
      .updateTable('jobs')
      .set({
        status: 'failed',
        ended_at: Date.now(),
        error: JSON.stringify({
          code: 'INTERRUPTED',
          message: 'the server stopped while the job was queued or running',
        }),
      })
      .where('status', 'in', ['queued', 'running'])
      .executeTakeFirst();
    return Number(r.numUpdatedRows);
  }

  /**
   * Validates `spec` with its kind and queues the job.
   * @throws LatheError INVALID_ARGUMENT for an unknown kind (naming the valid ones) or what the
   *   kind's `validate` refuses.
   */
  async start(kind: string, spec: unknown, actor: Principal | null): Promise<Job> {
    if (this.#closed) throw new LatheError('UNAVAILABLE', 'the job service is shutting down');
    const k = this.#kinds.get(kind);
    if (!k)
      throw new LatheError(
        'INVALID_ARGUMENT',
        `unknown job kind ${JSON.stringify(kind)}; valid kinds are ${this.kinds().join(', ')}`,
        { field: 'kind' },
      );
    const normalized = await k.validate(spec, actor);
    const now = Date.now();
    const id = newId('job_').toLowerCase();
    const row = {
      id,
      kind,
      status: 'queued',
      spec: JSON.stringify(normalized),
      progress: null,
      result: null,
      error: null,
      created_by: actor?.userName ?? '',
      created_at: now,
      started_at: null,
      ended_at: null,
    };
    await this.store.db.insertInto('jobs').values(row).execute();
    await this.audit.record({
      actor,
      action: 'job.start',
      objectType: 'job',
      objectId: id,
      details: { kind },
    });
    const job = rowToJob(row);
    this.#live.set(id, {
      job,
      controller: new AbortController(),
      listeners: new Set(),
      lastStored: 0,
      started: 0,
      actor,
    });
    this.#queue.push(id);
    this.#pump();
    return job;
  }

  /** One job; live jobs answer their latest progress. NOT_FOUND when unknown. */
  async get(id: unknown): Promise<Job> {
    if (typeof id !== 'string' || !jobIdPattern.test(id))
      throw new LatheError('INVALID_ARGUMENT', `a job id looks like job_…; got ${JSON.stringify(id)}`, {
        field: 'id',
      });
    const live = this.#live.get(id);
    if (live) return structuredClone(live.job);
    const row = await this.store.db.selectFrom('jobs').selectAll().where('id', '=', id).executeTakeFirst();
    if (!row) throw new LatheError('NOT_FOUND', `no job ${id}`);
    return rowToJob(row);
  }

  /** Jobs newest first, optionally of one kind or status; at most `limit` (1..500, default 50). */
  async list(q: { kind?: string; status?: string; limit?: number } = {}): Promise<Job[]> {
    const limit = q.limit ?? 50;
    if (!Number.isSafeInteger(limit) || limit < 1 || limit > 500)
      throw new LatheError('INVALID_ARGUMENT', `limit must be 1..500; got ${limit}`, { field: 'limit' });
    if (q.status !== undefined && !jobStatuses.includes(q.status as JobStatus))
      throw new LatheError(
        'INVALID_ARGUMENT',
        `status must be one of ${jobStatuses.join(', ')}; got ${JSON.stringify(q.status)}`,
        {
          field: 'status',
        },
      );
    let query = this.store.db
      .selectFrom('jobs')
      .selectAll()
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc')
      .limit(limit);
    if (q.kind) query = query.where('kind', '=', q.kind);
    if (q.status) query = query.where('status', '=', q.status);
    return (await query.execute()).map((r) => {
      const live = this.#live.get(r.id);
      return live ? structuredClone(live.job) : rowToJob(r);
    });
  }

  /**
   * Cancels a queued or running job: a queued job ends at once, a running one is asked to stop
   * (its signal aborts) and ends `cancelled` when its work returns. Cancelling a finished job is a
   * CONFLICT.
   */
  async cancel(id: unknown, actor: Principal | null): Promise<Job> {
    const job = await this.get(id);
    const live = this.#live.get(job.id);
    if (!live || (job.status !== 'queued' && job.status !== 'running'))
      throw new LatheError(
        'CONFLICT',
        `job ${job.id} is ${job.status}; only queued or running jobs can be cancelled`,
      );
    await this.audit.record({ actor, action: 'job.cancel', objectType: 'job', objectId: job.id });
    live.controller.abort(new LatheError('CONFLICT', 'the job was cancelled'));
    if (job.status === 'queued') {
      this.#queue.splice(this.#queue.indexOf(job.id), 1);
      await this.#finish(live, 'cancelled', null, null);
    }
    return structuredClone(live.job);
  }

  /** Calls `listener` on every change of a live job; answers the unsubscribe function (a no-op for finished jobs). */
  subscribe(id: string, listener: JobListener): () => void {
    const live = this.#live.get(id);
    if (!live) return () => {};
    live.listeners.add(listener);
    return () => live.listeners.delete(listener);
  }

  /** Resolves when no job is queued or running. */
  whenIdle(): Promise<void> {
    if (!this.#queue.length && !this.#running) return Promise.resolve();
    return new Promise((resolve) => this.#idle.push(resolve));
  }

  /** Cancels what runs, refuses new jobs and waits for running work to return. */
  async close(): Promise<void> {
    this.#closed = true;
    for (const id of this.#queue.splice(0)) {
      const live = this.#live.get(id);
      if (live)
        await this.#finish(live, 'cancelled', null, { code: 'INTERRUPTED', message: 'the server shut down' });
    }
    for (const live of this.#live.values())
      live.controller.abort(new LatheError('UNAVAILABLE', 'the server is shutting down'));
    await this.whenIdle();
  }

  #emit(live: Live): void {
    for (const l of live.listeners) {
      try {
        l(structuredClone(live.job));
      } catch {
        live.listeners.delete(l);
      }
    }
  }

  #pump(): void {
    const limit = this.options.concurrency ?? 1;
    while (this.#running < limit && this.#queue.length) {
      const id = this.#queue.shift()!;
      const live = this.#live.get(id);
      if (!live) continue;
      this.#running++;
      void this.#run(live).finally(() => {
        this.#running--;
        this.#pump();
        if (!this.#running && !this.#queue.length) for (const r of this.#idle.splice(0)) r();
      });
    }
  }

  async #run(live: Live): Promise<void> {
    const kind = this.#kinds.get(live.job.kind)!;
    const started = Date.now();
    live.started = started;
    live.job.status = 'running';
    live.job.startedAt = isoTime(started);
    await this.store.db
      .updateTable('jobs')
      .set({ status: 'running', started_at: started })
      .where('id', '=', live.job.id)
      .execute();
    this.#emit(live);
    const context: JobContext = {
      id: live.job.id,
      signal: live.controller.signal,
      actor: live.actor,
      progress: (p) => this.#progress(live, p),
    };
    try {
      const result = await kind.run(live.job.spec, context);
      if (live.controller.signal.aborted) await this.#finish(live, 'cancelled', result ?? null, null);
      else await this.#finish(live, 'succeeded', result ?? null, null);
    } catch (err) {
      if (live.controller.signal.aborted) await this.#finish(live, 'cancelled', null, null);
      else
        await this.#finish(live, 'failed', null, {
          code: isLatheError(err) ? err.code : 'INTERNAL',
          message: err instanceof Error ? err.message : String(err),
        });
    }
  }

  #progress(live: Live, p: Omit<JobProgress, 'updatedAt' | 'etaSeconds'>): void {
    const now = Date.now();
    const eta =
      p.done && p.total && p.done < p.total
        ? ((now - live.started) / 1000 / p.done) * (p.total - p.done)
        : undefined;
    live.job.progress = {
      ...p,
      ...(eta === undefined ? {} : { etaSeconds: Math.round(eta) }),
      updatedAt: isoTime(now),
    };
    this.#emit(live);
    if (now - live.lastStored >= 1000) {
      live.lastStored = now;
      void this.store.db
        .updateTable('jobs')
        .set({ progress: JSON.stringify(live.job.progress) })
        .where('id', '=', live.job.id)
        .execute()
        .catch(() => undefined);
    }
  }

  async #finish(live: Live, status: JobStatus, result: unknown, error: Job['error']): Promise<void> {
    const ended = Date.now();
    live.job.status = status;
    live.job.result = result;
    live.job.error = error;
    live.job.endedAt = isoTime(ended);
    await this.store.db
      .updateTable('jobs')
      .set({
        status,
        result: result === null ? null : JSON.stringify(result),
        error: error ? JSON.stringify(error) : null,
        progress: live.job.progress ? JSON.stringify(live.job.progress) : null,
        ended_at: ended,
      })
      .where('id', '=', live.job.id)
      .execute();
    this.#emit(live);
    this.#live.delete(live.job.id);
  }
}
