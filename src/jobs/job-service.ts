/**
 * Background jobs: long work (training, tuning, AutoML) started by a request and run off it, with
 * live progress, cancellation and a clear final status. Jobs are rows in the metadata store; the
 * runner is in this process (one queue, `concurrency` jobs at a time). `close()` ends the jobs it
 * stops `cancelled` with error `INTERRUPTED`; a job left queued or running by a process that died is
 * marked failed (`INTERRUPTED`) by `recover()` at the next start.
 */
import type { AuditLog, Principal } from '../auth/index.js';
import { isLatheError, isoTime, LatheError, newId } from '../core/index.js';
import type { MetaStore } from '../storage/meta/index.js';
import {
  type Job,
  type JobContext,
  type JobKind,
  type JobListener,
  type JobProgress,
  type JobStatus,
  jobStatuses,
  rowToJob,
} from './job.js';

interface Live {
  job: Job;
  controller: AbortController;
  listeners: Set<JobListener>;
  lastStored: number;
  started: number;
  actor: Principal | null;
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
   * Validates `spec` with its kind and queues the job; answers it as queued (a copy).
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
    if (this.#closed) {
      // close() ran while this job was being recorded: it is not started.
      await this.#finish(this.#live.get(id)!, 'cancelled', null, {
        code: 'INTERRUPTED',
        message: 'the server shut down',
      });
      return structuredClone(job);
    }
    this.#queue.push(id);
    // The job as queued (a copy: the live record changes as soon as it starts).
    const queued = structuredClone(job);
    this.#pump();
    return queued;
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
    // Read the queue now, not the status read before the audit write: the job may have started since.
    const queued = this.#queue.indexOf(job.id);
    if (queued >= 0) {
      this.#queue.splice(queued, 1);
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

  /**
   * Refuses new jobs, ends queued ones `cancelled` and asks running ones to stop (they end
   * `cancelled`, both with error INTERRUPTED), and waits for running work to return.
   */
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
      void this.#run(live)
        .catch((err: unknown) => this.#lost(live, err))
        .finally(() => {
          this.#running--;
          this.#pump();
          if (!this.#running && !this.#queue.length) for (const r of this.#idle.splice(0)) r();
        });
    }
  }

  /**
   * The store failed while starting or finishing a job: the job ends failed in memory (listeners
   * see it end) and is dropped, so nothing waits on it; the next `recover()` settles its row.
   */
  #lost(live: Live, err: unknown): void {
    if (!this.#live.has(live.job.id)) return;
    live.job.status = 'failed';
    live.job.error = {
      code: 'INTERNAL',
      message: `the job's record could not be written: ${err instanceof Error ? err.message : String(err)}`,
    };
    live.job.endedAt = isoTime(Date.now());
    this.#emit(live);
    this.#live.delete(live.job.id);
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
      if (live.controller.signal.aborted)
        await this.#finish(live, 'cancelled', result ?? null, this.#abortError(live));
      else await this.#finish(live, 'succeeded', result ?? null, null);
    } catch (err) {
      if (live.controller.signal.aborted) await this.#finish(live, 'cancelled', null, this.#abortError(live));
      else
        await this.#finish(live, 'failed', null, {
          code: isLatheError(err) ? err.code : 'INTERNAL',
          message: err instanceof Error ? err.message : String(err),
        });
    }
  }

  /** Why an aborted job ended: null for a user's cancel, INTERRUPTED when the service closed. */
  #abortError(live: Live): Job['error'] {
    const reason: unknown = live.controller.signal.reason;
    return isLatheError(reason) && reason.code === 'UNAVAILABLE'
      ? { code: 'INTERRUPTED', message: 'the server shut down while the job ran' }
      : null;
  }

  #progress(live: Live, p: Omit<JobProgress, 'updatedAt' | 'etaSeconds'>): void {
    // Reports after the job ended (a worker's last poll) change nothing.
    if (live.job.status !== 'running') return;
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
