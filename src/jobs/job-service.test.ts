import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { AuditLog } from '../auth/index.js';
import { LatheError } from '../core/index.js';
import { type MetaStore, openMetaStore } from '../storage/meta/index.js';
import { type JobContext, JobService } from './index.js';

/** A promise and the functions that settle it. */
function deferred<T = void>() {
  let resolve!: (v: T) => void;
  const promise = new Promise<T>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

/** Resolves once `signal` aborts. */
const aborted = (signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    if (signal.aborted) resolve();
    else signal.addEventListener('abort', () => resolve(), { once: true });
  });

const tick = () => new Promise((r) => setTimeout(r, 5));

describe('JobService', () => {
  let dir: string;
  let meta: MetaStore;
  let audit: AuditLog;

  before(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'lathe-jobs-test-'));
    meta = await openMetaStore(`sqlite:${path.join(dir, 'lathe.db')}`);
    audit = new AuditLog(meta);
  });
  after(async () => {
    await meta.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** A service with kind `echo` (answers its spec), `fail` (throws its spec) and `wait` (runs until released or cancelled). */
  function service(concurrency = 1) {
    const jobs = new JobService(meta, audit, { concurrency });
    const started: unknown[] = [];
    const release = deferred();
    jobs.register('echo', {
      validate: async (spec) => {
        if (spec === 'bad') throw new LatheError('INVALID_ARGUMENT', 'spec: bad', { field: 'spec' });
        return spec;
      },
      run: async (spec, ctx: JobContext) => {
        started.push(spec);
        ctx.progress({ phase: 'echoing', done: 1, total: 2 });
        return { echoed: spec };
      },
    });
    jobs.register('fail', {
      validate: async (spec) => spec,
      run: async (spec) => {
        started.push(spec);
        throw spec === 'plain' ? new Error('boom') : new LatheError('NOT_FOUND', 'no such thing');
      },
    });
    jobs.register('wait', {
      validate: async (spec) => spec,
      run: async (spec, ctx) => {
        started.push(spec);
        await Promise.race([release.promise, aborted(ctx.signal)]);
        return { waited: spec };
      },
    });
    return { jobs, started, release: () => release.resolve() };
  }

  it('runs a job to succeeded with its result; refuses an unknown kind and a bad spec before queueing', async () => {
    const { jobs } = service();
    const job = await jobs.start('echo', { a: 1 }, null);
    assert.equal(job.status, 'queued');
    await jobs.whenIdle();
    const done = await jobs.get(job.id);
    assert.equal(done.status, 'succeeded');
    assert.deepEqual(done.result, { echoed: { a: 1 } });
    assert.equal(done.progress?.phase, 'echoing');
    assert.ok(done.startedAt && done.endedAt);
    await assert.rejects(
      jobs.start('nope', {}, null),
      /unknown job kind "nope"; valid kinds are echo, fail, wait/,
    );
    const before = (await jobs.list({ limit: 500 })).length;
    await assert.rejects(jobs.start('echo', 'bad', null), { code: 'INVALID_ARGUMENT', message: 'spec: bad' });
    assert.equal((await jobs.list({ limit: 500 })).length, before);
    assert.throws(() => jobs.register('echo', { validate: async () => 0, run: async () => 0 }), {
      code: 'ALREADY_EXISTS',
    });
    await jobs.close();
  });

  it('ends a job that throws failed with its code (INTERNAL for a plain Error)', async () => {
    const { jobs } = service();
    const coded = await jobs.start('fail', 'coded', null);
    const plain = await jobs.start('fail', 'plain', null);
    await jobs.whenIdle();
    assert.deepEqual((await jobs.get(coded.id)).error, { code: 'NOT_FOUND', message: 'no such thing' });
    const p = await jobs.get(plain.id);
    assert.equal(p.status, 'failed');
    assert.deepEqual(p.error, { code: 'INTERNAL', message: 'boom' });
    await jobs.close();
  });

  it('runs queued jobs one at a time in order with concurrency 1', async () => {
    const { jobs, started, release } = service(1);
    const first = await jobs.start('wait', 1, null);
    const second = await jobs.start('echo', 2, null);
    const third = await jobs.start('echo', 3, null);
    await tick();
    assert.deepEqual(started, [1]);
    assert.equal((await jobs.get(first.id)).status, 'running');
    assert.equal((await jobs.get(second.id)).status, 'queued');
    release();
    await jobs.whenIdle();
    assert.deepEqual(started, [1, 2, 3]);
    for (const j of [first, second, third]) assert.equal((await jobs.get(j.id)).status, 'succeeded');
    await jobs.close();
  });

  it('cancels a queued job at once (it never runs) and a running one through its signal', async () => {
    const { jobs, started } = service(1);
    const running = await jobs.start('wait', 'r', null);
    const queued = await jobs.start('echo', 'q', null);
    await tick();
    const q = await jobs.cancel(queued.id, null);
    assert.equal(q.status, 'cancelled');
    assert.ok(q.endedAt);
    const r = await jobs.cancel(running.id, null);
    assert.ok(r.status === 'running' || r.status === 'cancelled');
    await jobs.whenIdle();
    const done = await jobs.get(running.id);
    assert.equal(done.status, 'cancelled');
    assert.equal(done.error, null);
    assert.deepEqual(started, ['r'], 'the cancelled queued job never ran');
    await assert.rejects(jobs.cancel(queued.id, null), {
      code: 'CONFLICT',
      message: `job ${queued.id} is cancelled; only queued or running jobs can be cancelled`,
    });
    await assert.rejects(jobs.get('job_unknown00'), { code: 'NOT_FOUND' });
    await assert.rejects(jobs.get('../etc'), { code: 'INVALID_ARGUMENT' });
    await jobs.close();
  });

  it('lists newest first, filtered by kind and status, at most limit; refuses a bad status or limit', async () => {
    const { jobs } = service();
    const ids: string[] = [];
    for (const kind of ['echo', 'fail', 'echo']) {
      ids.push((await jobs.start(kind, 'x', null)).id);
      await tick();
    }
    await jobs.whenIdle();
    const all = await jobs.list({ limit: 3 });
    assert.deepEqual(
      all.map((j) => j.id),
      [...ids].reverse(),
    );
    const echoes = await jobs.list({ kind: 'echo', status: 'succeeded' });
    assert.ok(echoes.every((j) => j.kind === 'echo' && j.status === 'succeeded'));
    assert.ok(ids.filter((_, i) => i !== 1).every((id) => echoes.some((j) => j.id === id)));
    assert.ok((await jobs.list({ status: 'failed' })).some((j) => j.id === ids[1]));
    assert.equal((await jobs.list({ limit: 1 })).length, 1);
    await assert.rejects(jobs.list({ status: 'done' }), {
      code: 'INVALID_ARGUMENT',
      message: 'status must be one of queued, running, succeeded, failed, cancelled; got "done"',
    });
    await assert.rejects(jobs.list({ limit: 0 }), { code: 'INVALID_ARGUMENT' });
    await jobs.close();
  });

  it('close() ends running and queued jobs cancelled with INTERRUPTED and refuses new ones', async () => {
    const { jobs } = service(1);
    const running = await jobs.start('wait', 'r', null);
    const queued = await jobs.start('echo', 'q', null);
    await tick();
    await jobs.close();
    for (const id of [running.id, queued.id]) {
      const j = await jobs.get(id);
      assert.equal(j.status, 'cancelled');
      assert.equal(j.error?.code, 'INTERRUPTED');
    }
    await assert.rejects(jobs.start('echo', 1, null), { code: 'UNAVAILABLE' });
  });

  it('recover() marks jobs a dead process left queued or running failed INTERRUPTED', async () => {
    const row = (id: string, status: string) => ({
      id,
      kind: 'echo',
      status,
      spec: '{}',
      progress: null,
      result: null,
      error: null,
      created_by: '',
      created_at: Date.now(),
      started_at: null,
      ended_at: null,
    });
    await meta.db
      .insertInto('jobs')
      .values([
        row('job_leftqueued', 'queued'),
        row('job_leftrunning', 'running'),
        row('job_leftdone', 'succeeded'),
      ])
      .execute();
    const { jobs } = service();
    assert.equal(await jobs.recover(), 2);
    for (const id of ['job_leftqueued', 'job_leftrunning']) {
      const j = await jobs.get(id);
      assert.equal(j.status, 'failed');
      assert.equal(j.error?.code, 'INTERRUPTED');
      assert.ok(j.endedAt);
    }
    assert.equal((await jobs.get('job_leftdone')).status, 'succeeded');
    assert.equal(await jobs.recover(), 0);
    await jobs.close();
  });
});
