import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { childRuns } from './search-runs.js';
import { openSearchFixture, type SearchFixture } from './search-fixture.js';
import type { TuneResult } from './tune-job.js';

describe('tune jobs', () => {
  let f: SearchFixture;
  const run = async (spec: Record<string, unknown>) => {
    const job = await f.training.tune(spec, null);
    await f.jobs.whenIdle();
    return f.jobs.get(job.id);
  };
  before(async () => {
    f = await openSearchFixture(500);
  });
  after(async () => {
    await f.close();
  });

  for (const sampler of ['random', 'tpe'] as const)
    it(`tunes a decision tree with ${sampler}: child runs, the best trial, a final model on the parent`, async () => {
      const job = await run({
        data: 'churn@1',
        target: 'churned',
        model: 'decision-tree',
        sampler,
        trials: 4,
        ...(sampler === 'tpe' ? { register: 'churn-tuned' } : {}),
      });
      assert.equal(job.status, 'succeeded', JSON.stringify(job.error));
      const r = job.result as TuneResult;
      assert.equal(r.metric, 'roc_auc');
      assert.equal(r.direction, 'maximize');
      assert.equal(r.trials.length, 4);
      const values = r.trials.filter((t) => t.state === 'complete').map((t) => t.value!);
      assert.equal(r.best!.value, Math.max(...values));
      const children = await childRuns(f.tracking, r.experimentId, r.parentRunId);
      assert.equal(children.length, 4);
      assert.deepEqual(new Set(children.map((c) => c.info.runId)), new Set(r.trials.map((t) => t.runId)));
      for (const c of children) {
        assert.equal(c.info.status, 'FINISHED');
        assert.ok(c.data.metrics.some((m) => m.key === 'cv_roc_auc_mean'));
        assert.ok(c.data.params.some((p) => p.key === 'maxDepth'));
      }
      const parent = await f.tracking.runs.get(r.parentRunId);
      assert.equal(parent.info.status, 'FINISHED');
      assert.equal(parent.data.metrics.find((m) => m.key === 'best_cv_roc_auc')?.value, r.best!.value);
      assert.ok(parent.data.metrics.some((m) => m.key === 'test_roc_auc'));
      const files = (await f.tracking.artifacts.listArtifacts(r.parentRunId)).files.map((x) => x.path);
      for (const name of ['model', 'evaluation.json', 'trials.json'])
        assert.ok(files.includes(name), `${name} in ${files}`);
      const predictor = await f.training.runModel(r.parentRunId);
      assert.equal(predictor.metadata.params?.['maxDepth'], r.best!.params['maxDepth']);
      assert.equal(r.final!.runId, r.parentRunId);
      if (sampler === 'tpe') assert.deepEqual(r.registered, { name: 'churn-tuned', version: '1' });
    });

  it('runs two trials at once with parallel 2, and prunes with ASHA', async () => {
    const job = await run({
      data: 'churn@1',
      target: 'churned',
      model: 'rf',
      sampler: 'random',
      trials: 4,
      parallel: 2,
      asha: true,
      cv: 2,
      space: {
        trees: { type: 'int', low: 3, high: 27 },
        maxDepth: { type: 'categorical', choices: [2, 4, 8] },
      },
    });
    assert.equal(job.status, 'succeeded', JSON.stringify(job.error));
    const r = job.result as TuneResult;
    const overlaps = r.trials.some((a) =>
      r.trials.some(
        (b) =>
          a !== b && a.startedAt < b.startedAt + b.durationMs && b.startedAt < a.startedAt + a.durationMs,
      ),
    );
    assert.ok(overlaps, 'some trials ran at the same time');
    // Ranks: the best trial first, every complete trial before any pruned one (its value comes
    // from a smaller budget).
    const ranked = r.trials.filter((t) => t.rank !== null).sort((a, b) => a.rank! - b.rank!);
    assert.equal(ranked[0]!.index, r.best!.trial);
    const lastComplete = ranked.map((t) => t.state).lastIndexOf('complete');
    assert.ok(ranked.slice(0, lastComplete + 1).every((t) => t.state === 'complete'));
    const children = await childRuns(f.tracking, r.experimentId, r.parentRunId);
    const runOverlap = children.some((a) =>
      children.some(
        (b) => a !== b && a.info.startTime! < b.info.endTime! && b.info.startTime! < a.info.endTime!,
      ),
    );
    assert.ok(runOverlap, 'child runs overlap in time');
    // A complete trial has its cv metric at every rung (3, 9, 27 trees); a pruned one fewer.
    const steps = await Promise.all(
      children.map(async (c) =>
        (await f.tracking.runs.metricHistory(c.info.runId, 'cv_roc_auc_mean')).items.map((h) => h.step),
      ),
    );
    assert.ok(
      steps.some((s) => s.join() === '0,1,2'),
      JSON.stringify(steps),
    );
    assert.equal(r.best!.params['trees'], 27);
    for (const t of r.trials) assert.ok(['complete', 'pruned'].includes(t.state), t.state);
  });

  it('refuses bad specs before queueing, naming the field', async () => {
    const base = { data: 'churn@1', target: 'churned', model: 'decision-tree' };
    const refuse = (extra: Record<string, unknown>, pattern: RegExp) =>
      assert.rejects(f.training.tune({ ...base, ...extra }, null), pattern);
    await refuse({ sampler: 'bayes' }, /sampler: must be one of grid, random, tpe; got the string "bayes"/);
    await refuse({ parallel: 999 }, /parallel: must be an integer 1\.\.\d+; got the number 999/);
    await refuse({ trials: 0 }, /trials: must be an integer 1\.\.10000/);
    await refuse(
      { metric: 'rmse' },
      /metric: unknown metric .*"rmse" for a binary task; valid metrics are accuracy/,
    );
    await refuse({ metric: 'nope' }, /unknown metric .*"nope"/);
    await refuse({ space: { depth: { type: 'int', low: 1, high: 3 } } }, /space: .*depth/);
    await refuse(
      { space: { maxDepth: { type: 'int', low: 5, high: 1 } } },
      /space: space.maxDepth: low \(5\) must be <= high/,
    );
    await refuse({ cv: 0 }, /cv: tuning scores every trial by cross-validation/);
    await refuse({ sampler: 'grid', trials: 2 }, /trials: the grid over the space has \d+ points/);
    await refuse({ target: 'nope' }, /has no column "nope"/);
    await refuse({ timeoutSeconds: -1 }, /timeoutSeconds: must be an integer 1\.\.86400/);
  });

  it('stops proposing at the timeout and fits the best so far', async () => {
    const job = await run({
      data: 'churn@1',
      target: 'churned',
      model: 'decision-tree',
      sampler: 'random',
      trials: 10_000,
      timeoutSeconds: 1,
    });
    assert.equal(job.status, 'succeeded', JSON.stringify(job.error));
    const r = job.result as TuneResult;
    assert.equal(r.stopped, true);
    assert.ok(r.trials.length < 10_000);
    assert.ok(r.final && r.final.metrics['roc_auc']! > 0.5);
    assert.equal((await f.tracking.runs.get(r.parentRunId)).info.status, 'FINISHED');
  });

  it('cancels a search: no more trials, the parent run KILLED, the best so far kept', async () => {
    const job = await f.training.tune(
      {
        data: 'churn@1',
        target: 'churned',
        model: 'rf',
        sampler: 'random',
        trials: 200,
        space: { trees: { type: 'int', low: 40, high: 60 } },
      },
      null,
    );
    for (let i = 0; i < 500; i++) {
      const j = await f.jobs.get(job.id);
      if ((j.progress?.done ?? 0) >= 1) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    await f.jobs.cancel(job.id, null);
    await f.jobs.whenIdle();
    const done = await f.jobs.get(job.id);
    assert.equal(done.status, 'cancelled');
    const r = done.result as TuneResult;
    assert.ok(r.trials.length < 200);
    assert.ok(r.best, 'the best trial so far is kept');
    assert.equal(r.final, null);
    const parent = await f.tracking.runs.get(r.parentRunId);
    assert.equal(parent.info.status, 'KILLED');
    const children = await childRuns(f.tracking, r.experimentId, r.parentRunId);
    assert.ok(children.every((c) => c.info.status !== 'RUNNING'));
  });
});
