import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createTestApp, type TestApp } from '../api/testing.js';
import { isLatheError, LatheClient } from './index.js';

describe('SDK tracking against a real server', () => {
  let t: TestApp;
  let lathe: LatheClient;
  before(async () => {
    t = await createTestApp();
    lathe = new LatheClient({ url: await t.listen(), token: t.adminToken });
  });
  after(() => t.close());

  it('starts a run in a named experiment (creating it), logs, ends it, and reads it back', async () => {
    const run = await lathe.tracking.startRun({
      experimentName: 'sdk-exp',
      runName: 'first',
      tags: { owner: 'ana' },
    });
    const id = run.info.runId;
    assert.equal(run.info.runName, 'first');
    await lathe.tracking.logParams(id, { lr: 0.1, depth: 6, balanced: true });
    for (let step = 0; step < 5; step++)
      await lathe.tracking.logMetrics(id, { loss: 1 / (step + 1), acc: step / 5 }, { step });
    await lathe.tracking.logMetrics(id, { weird: Number.NaN }, { step: 9 });
    const info = await lathe.tracking.endRun(id);
    assert.equal(info.status, 'FINISHED');
    assert.ok(info.endTime);
    const got = await lathe.tracking.getRun(id);
    assert.deepEqual(got.data.params, [
      { key: 'balanced', value: 'true' },
      { key: 'depth', value: '6' },
      { key: 'lr', value: '0.1' },
    ]);
    assert.equal(got.data.metrics.find((m) => m.key === 'loss')?.value, 0.2);
    assert.ok(Number.isNaN(got.data.metrics.find((m) => m.key === 'weird')?.value));
    const history = await lathe.tracking.metricHistory(id, 'loss');
    assert.deepEqual(
      history.map((m) => m.step),
      [0, 1, 2, 3, 4],
    );
    const exp = await lathe.tracking.getExperiment('sdk-exp', 'name');
    assert.equal(exp.experimentId, got.info.experimentId);
    // A second run in the same experiment reuses it.
    const second = await lathe.tracking.startRun({ experimentName: 'sdk-exp' });
    assert.equal(second.info.experimentId, exp.experimentId);
  });

  it('withRun ends the run FINISHED on success and FAILED on an exception, rethrowing it', async () => {
    let okId = '';
    const value = await lathe.tracking.withRun({ experimentName: 'sdk-with' }, async (run) => {
      okId = run.id;
      await run.logMetrics({ acc: 0.9 });
      return 42;
    });
    assert.equal(value, 42);
    assert.equal((await lathe.tracking.getRun(okId)).info.status, 'FINISHED');
    let failedId = '';
    await assert.rejects(
      lathe.tracking.withRun({ experimentName: 'sdk-with' }, async (run) => {
        failedId = run.id;
        throw new Error('training diverged');
      }),
      /training diverged/,
    );
    assert.equal((await lathe.tracking.getRun(failedId)).info.status, 'FAILED');
  });

  it('maps server errors to LatheError codes', async () => {
    await assert.rejects(
      lathe.tracking.getRun('0123456789abcdef0123456789abcdef'),
      (e: unknown) => isLatheError(e) && e.code === 'NOT_FOUND',
    );
    const run = await lathe.tracking.startRun();
    await lathe.tracking.logParams(run.info.runId, { lr: 1 });
    await assert.rejects(
      lathe.tracking.logParams(run.info.runId, { lr: 2 }),
      (e: unknown) =>
        isLatheError(e) && e.code === 'INVALID_ARGUMENT' && /Changing param values/.test(e.message),
    );
  });
});
