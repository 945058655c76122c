import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { AutomlResult } from './automl-job.js';
import { childRuns, PARAMS_TAG, paramsKey } from './search-runs.js';
import { openSearchFixture, type SearchFixture } from './search-fixture.js';

describe('automl jobs', () => {
  let f: SearchFixture;
  before(async () => {
    f = await openSearchFixture(400);
  });
  after(async () => {
    await f.close();
  });

  const keysOf = async (r: { experimentId: string; parentRunId: string }) =>
    (await childRuns(f.tracking, r.experimentId, r.parentRunId)).map((c) =>
      paramsKey(
        c.data.tags.find((t) => t.key === 'lathe.model.family')!.value,
        JSON.parse(c.data.tags.find((t) => t.key === PARAMS_TAG)!.value),
      ),
    );

  it('searches families within the budget: a ranked leaderboard, an ensemble, a registered winner', async () => {
    const job = await f.training.automl(
      {
        data: 'churn@1',
        target: 'churned',
        budgetSeconds: 10,
        models: ['decision-tree', 'rf', 'extra-trees'],
        register: 'churn-auto',
      },
      null,
    );
    await f.jobs.whenIdle();
    const done = await f.jobs.get(job.id);
    assert.equal(done.status, 'succeeded', JSON.stringify(done.error));
    const r = done.result as AutomlResult;
    assert.equal(r.metric, 'roc_auc');
    const board = r.leaderboard;
    assert.ok(board.length >= 4, `${board.length} candidates`);
    for (let i = 1; i < board.length; i++) assert.ok(board[i - 1]!.cv.mean >= board[i]!.cv.mean);
    assert.deepEqual(
      board.map((b) => b.rank),
      board.map((_, i) => i + 1),
    );
    for (const row of board) {
      assert.ok(row.fitSeconds >= 0 && row.latencyMsPerRow >= 0 && row.sizeBytes > 0, JSON.stringify(row));
      assert.ok(row.runId);
    }
    // Every family was started at its cheap start.
    for (const m of ['decision-tree', 'rf', 'extra-trees'])
      assert.ok(
        board.some((b) => b.model === m),
        m,
      );
    assert.ok(r.ensemble, 'an ensemble of the top models was scored');
    assert.ok(r.ensemble.members.length >= 2);
    assert.ok(board.some((b) => b.model === 'ensemble' && b.runId === r.ensemble!.runId));
    assert.equal(r.best!.model, board[0]!.model);
    assert.deepEqual(r.registered, { name: 'churn-auto', version: '1' });
    const predictor = await f.training.runModel(r.parentRunId);
    assert.equal(predictor.metadata.family, board[0]!.model);
    const rows = (await f.t.data.rows('churn@1', { limit: 5 })).rows;
    assert.equal((await predictor.predict(rows)).predictions.length, 5);
    const parent = await f.tracking.runs.get(r.parentRunId);
    assert.equal(parent.info.status, 'FINISHED');
    const children = await childRuns(f.tracking, r.experimentId, r.parentRunId);
    assert.ok(children.length >= r.candidates.scored);
    assert.ok(children.every((c) => c.info.status !== 'RUNNING'));
    const lineage = await f.registry.lineage('churn-auto', 1);
    assert.ok(JSON.stringify(lineage).includes('churn@1'));
  });

  it('resumes a cancelled job: finished candidates are read back, none is run twice', async () => {
    const spec = {
      data: 'churn@1',
      target: 'churned',
      budgetSeconds: 12,
      models: ['logistic', 'naive-bayes', 'rf'],
    };
    const first = await f.training.automl(spec, null);
    for (let i = 0; i < 400; i++) {
      const j = await f.jobs.get(first.id);
      if ((j.progress?.message ?? '').startsWith('3 candidates')) break;
      await new Promise((r) => setTimeout(r, 25));
    }
    await f.jobs.cancel(first.id, null);
    await f.jobs.whenIdle();
    const cancelled = await f.jobs.get(first.id);
    assert.equal(cancelled.status, 'cancelled');
    const before = cancelled.result as AutomlResult;
    assert.ok(before.leaderboard.length >= 1);
    const kept = await keysOf(before);

    await assert.rejects(
      f.training.automl({ resume: first.id, cv: 5 }, null),
      /cv: resuming job .* keeps cv the number 3; got the number 5/,
    );
    // The parent run is looked up in the old job's experiment, so that cannot change.
    await assert.rejects(
      f.training.automl({ resume: first.id, experiment: 'elsewhere' }, null),
      /experiment: resuming job .* keeps experiment/,
    );
    const second = await f.training.automl({ resume: first.id, budgetSeconds: 12 }, null);
    await f.jobs.whenIdle();
    const done = await f.jobs.get(second.id);
    assert.equal(done.status, 'succeeded', JSON.stringify(done.error));
    const r = done.result as AutomlResult;
    assert.equal(r.parentRunId, before.parentRunId, 'the same parent run goes on');
    assert.equal(r.candidates.reused, before.leaderboard.length);
    const keys = await keysOf(r);
    assert.equal(new Set(keys).size, keys.length, 'no params were tried twice');
    for (const k of kept) assert.ok(keys.includes(k));
    for (const row of before.leaderboard)
      assert.ok(
        r.leaderboard.some((x) => x.runId === row.runId),
        'the earlier candidates are on the leaderboard',
      );
    await assert.rejects(
      f.training.automl({ resume: second.id }, null),
      /is succeeded; only failed, cancelled/,
    );
  });

  it('refuses bad specs before queueing', async () => {
    const base = { data: 'churn@1', target: 'churned', budgetSeconds: 10 };
    await assert.rejects(
      f.training.automl({ ...base, budgetSeconds: 5 }, null),
      /budgetSeconds: required, a number of seconds 10\.\.86400/,
    );
    await assert.rejects(
      f.training.automl({ ...base, models: ['ridge'] }, null),
      /models: model ridge does not do binary/,
    );
    await assert.rejects(f.training.automl({ ...base, metric: 'r2' }, null), /metric: unknown metric/);
    await assert.rejects(f.training.automl({ ...base, speed: 1 }, null), /speed: unknown field/);
    await assert.rejects(f.training.automl({ ...base, resume: 'job_nope000' }, null), { code: 'NOT_FOUND' });
  });
});
