import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createTestApp, type TestApp } from '../api/testing.js';
import { isJobFinished, isLatheError, type Job, LatheClient } from './index.js';

/** A binary task: y depends on x1 and the plan; an id column that training leaves out. */
function csv(rows: number): string {
  const lines = ['id,x1,x2,plan,y'];
  let s = 11;
  const r = () => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return s / 2147483648;
  };
  for (let i = 0; i < rows; i++) {
    const x1 = r() * 10;
    const x2 = r();
    const plan = r() < 0.5 ? 'a' : 'b';
    const y = x1 + (plan === 'a' ? 2 : 0) + r() * 4 > 9 ? 'yes' : 'no';
    lines.push(`u${i},${x1.toFixed(3)},${x2.toFixed(3)},${plan},${y}`);
  }
  return `${lines.join('\n')}\n`;
}

describe('SDK jobs and training against a real server', () => {
  let t: TestApp;
  let lathe: LatheClient;
  before(async () => {
    t = await createTestApp();
    lathe = new LatheClient({ url: await t.listen(), token: t.adminToken });
    await lathe.data.ingest('toy', new TextEncoder().encode(csv(300)), { filename: 'toy.csv' });
  });
  after(() => t.close());

  it('lists the model families with their tasks and hyperparameters', async () => {
    const models = await lathe.training.models();
    const rf = models.find((m) => m.name === 'rf');
    assert.ok(rf, models.map((m) => m.name).join(','));
    assert.ok(rf.tasks.includes('binary'));
    assert.match(rf.params['trees'] ?? '', /\d/);
  });

  it('trains and waits: onProgress sees the changes, the final job carries the result', async () => {
    const seen: Job[] = [];
    const job = await lathe.training.trainAndWait(
      { data: 'toy@1', target: 'y', model: 'logistic', params: { C: 2 }, cv: 3, register: 'toy' },
      { onProgress: (j) => seen.push(j), pollMs: 50 },
    );
    assert.equal(job.status, 'succeeded', JSON.stringify(job.error));
    assert.ok(isJobFinished(job));
    assert.ok(seen.length >= 2, 'onProgress saw the job running, then finished');
    assert.equal(seen.at(-1)!.status, 'succeeded');
    const r = job.result!;
    assert.match(r.runId, /^[0-9a-f]{32}$/);
    assert.equal(r.model, 'logistic');
    assert.equal(r.task, 'binary');
    assert.equal(r.data, 'toy@1');
    assert.deepEqual(r.rows, { train: 240, test: 60 });
    assert.deepEqual(r.excluded, [{ column: 'id', reason: 'identifier' }]);
    assert.ok(r.metrics['roc_auc']! > 0.8, JSON.stringify(r.metrics));
    assert.equal(typeof r.cv?.['roc_auc']?.std, 'number');
    assert.deepEqual(r.registered, { name: 'toy', version: '1' });
    assert.deepEqual(job.spec.params, { C: 2 });

    // The same job through get and list.
    assert.equal((await lathe.jobs.get(job.id)).status, 'succeeded');
    const listed = await lathe.jobs.list({ kind: 'train', status: 'succeeded', limit: 5 });
    assert.ok(listed.some((j) => j.id === job.id));
    await assert.rejects(lathe.jobs.cancel(job.id), (e: unknown) => isLatheError(e) && e.code === 'CONFLICT');
  });

  it('tunes and explains, and reads the explanations back', async (ctx) => {
    let tuned: Awaited<ReturnType<typeof lathe.training.tuneAndWait>>;
    try {
      tuned = await lathe.training.tuneAndWait(
        { data: 'toy@1', target: 'y', model: 'logistic', sampler: 'random', trials: 2, cv: 2 },
        { pollMs: 50 },
      );
    } catch (err) {
      if (isLatheError(err) && /unknown job kind/.test(err.message)) return ctx.skip('no tune kind here yet');
      throw err;
    }
    assert.equal(tuned.status, 'succeeded', JSON.stringify(tuned.error));
    const t = tuned.result!;
    assert.equal(t.trials.length, 2);
    assert.equal(t.metric, 'roc_auc');
    assert.ok(t.best && t.best.value > 0.5);
    assert.ok(t.final?.runId);
    const explained = await lathe.training.explainAndWait(
      { runId: t.final!.runId, rows: 40 },
      { pollMs: 50 },
    );
    assert.equal(explained.status, 'succeeded', JSON.stringify(explained.error));
    assert.equal(explained.result!.artifact, 'explanations.json');
    const e = await lathe.training.explanations(t.final!.runId);
    assert.deepEqual(
      e.globalImportance.map((g) => g.feature),
      explained.result!.globalImportance.map((g) => g.feature),
    );
    assert.ok(e.features.length >= 3);
  });

  it('refuses a bad spec before queueing, naming the field', async () => {
    await assert.rejects(
      lathe.training.train({ data: 'toy@1', target: 'y', model: 'rf', params: { depth: 3 } }),
      (e: unknown) =>
        isLatheError(e) &&
        e.code === 'INVALID_ARGUMENT' &&
        e.details?.['field'] === 'params.depth' &&
        /has no hyperparameter "depth"/.test(e.message),
    );
    await assert.rejects(
      lathe.jobs.start('no-such-kind', {}),
      (e: unknown) =>
        isLatheError(e) && /unknown job kind "no-such-kind"; valid kinds are .*train/.test(e.message),
    );
  });

  it('start, cancel and wait: a long job (20 folds) ends cancelled; an aborted wait rejects and leaves the job', async () => {
    const job = await lathe.training.train({
      data: 'toy@1',
      target: 'y',
      model: 'rf',
      params: { trees: 500 },
      cv: 20,
    });
    assert.equal(job.kind, 'train');
    assert.ok(['queued', 'running'].includes(job.status));
    const stop = new AbortController();
    stop.abort(new Error('stopped waiting'));
    await assert.rejects(lathe.jobs.wait(job.id, { signal: stop.signal }), /stopped waiting/);
    await lathe.jobs.cancel(job.id);
    const final = await lathe.jobs.wait(job.id, { pollMs: 50 });
    assert.equal(final.status, 'cancelled');
  });
});
