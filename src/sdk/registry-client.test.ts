import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createTestApp, type TestApp } from '../api/testing.js';
import { isLatheError, LatheClient } from './index.js';

const code = (c: string, message?: RegExp) => (e: unknown) =>
  isLatheError(e) && e.code === c && (!message || message.test(e.message));

describe('SDK registry against a real server', () => {
  let t: TestApp;
  let lathe: LatheClient;
  before(async () => {
    t = await createTestApp();
    lathe = new LatheClient({ url: await t.listen(), token: t.adminToken });
  });
  after(() => t.close());

  it('registers versions (creating the model once), reads and lists them', async () => {
    const run = await lathe.tracking.startRun({ experimentName: 'sdk-reg' });
    const v1 = await lathe.registry.registerModel('sdk/iris', {
      source: `runs:/${run.info.runId}/model`,
      runId: run.info.runId,
      description: 'first cut',
      tags: { algo: 'tree' },
    });
    assert.equal(v1.name, 'sdk/iris');
    assert.equal(v1.version, 1);
    assert.deepEqual(v1.tags, [{ key: 'algo', value: 'tree' }]);
    const v2 = await lathe.registry.registerModel('sdk/iris', { source: 's3://models/iris/2' });
    assert.equal(v2.version, 2);

    const model = await lathe.registry.getModel('sdk/iris');
    assert.deepEqual(
      model.versions.map((v) => v.version),
      [2, 1],
    );
    assert.equal((await lathe.registry.getVersion('sdk/iris', 1)).description, 'first cut');
    const { models, nextPageToken } = await lathe.registry.listModels({ filter: "name LIKE 'sdk/%'" });
    assert.deepEqual(
      models.map((m) => m.name),
      ['sdk/iris'],
    );
    assert.equal(nextPageToken, null);
    const { versions } = await lathe.registry.listVersions('sdk/iris', { orderBy: ['version_number ASC'] });
    assert.deepEqual(
      versions.map((v) => v.version),
      [1, 2],
    );
    const lineage = await lathe.registry.lineage('sdk/iris', 1);
    assert.equal(lineage.upstream.find((n) => n.type === 'run')?.id, run.info.runId);
  });

  it('sets and deletes aliases, resolves references and transitions stages', async () => {
    await lathe.registry.registerModel('ranker', { source: 'file:/m/1' });
    await lathe.registry.registerModel('ranker', { source: 'file:/m/2' });
    const champion = await lathe.registry.setAlias('ranker', 'champion', 1);
    assert.deepEqual(champion.aliases, ['champion']);
    await lathe.registry.setAlias('ranker', 'challenger', 2);
    assert.equal((await lathe.registry.resolve('ranker@champion')).version, 1);
    assert.equal((await lathe.registry.resolve('ranker@challenger')).version, 2);
    assert.equal((await lathe.registry.resolve('ranker@latest')).version, 2);
    assert.equal((await lathe.registry.resolve('models:/ranker@1')).source, 'file:/m/1');
    await lathe.registry.deleteAlias('ranker', 'champion');
    await assert.rejects(lathe.registry.resolve('ranker@champion'), code('NOT_FOUND', /champion/));
    await assert.rejects(lathe.registry.resolve('ranker'), code('INVALID_ARGUMENT', /NAME@VERSION/));
    await assert.rejects(lathe.registry.getVersion('ranker', 9), code('NOT_FOUND'));

    const prod = await lathe.registry.transitionStage('ranker', 2, 'Production');
    assert.equal(prod.currentStage, 'Production');
    await lathe.registry.transitionStage('ranker', 1, 'Production', { archiveExisting: true });
    assert.equal((await lathe.registry.getVersion('ranker', 2)).currentStage, 'Archived');
    const trail = await lathe.registry.audit('ranker', { limit: 3 });
    assert.equal(trail.events[0]!.action, 'model_version.stage_transition');
    assert.ok(trail.nextPageToken);
  });

  it('manages webhooks, and a read-only token cannot', async () => {
    const { webhook, secret } = await lathe.registry.webhooks.create({
      url: 'http://127.0.0.1:9/hook',
      events: ['model_version.alias_set'],
    });
    assert.ok(secret);
    assert.deepEqual(
      (await lathe.registry.webhooks.list()).map((w) => w.id),
      [webhook.id],
    );
    assert.equal((await lathe.registry.webhooks.setActive(webhook.id, false)).active, false);
    await lathe.registry.webhooks.delete(webhook.id);
    assert.deepEqual(await lathe.registry.webhooks.list(), []);
    await assert.rejects(lathe.registry.webhooks.delete(webhook.id), code('NOT_FOUND'));

    const { secret: readOnly } = await lathe.tokens.create({ name: 'ro', scopes: ['read'] });
    const ro = new LatheClient({ url: lathe.url, token: readOnly });
    await assert.rejects(ro.registry.webhooks.list(), code('PERMISSION_DENIED'));
    await assert.rejects(ro.registry.registerModel('x', { source: 'y' }), code('PERMISSION_DENIED'));
    assert.equal((await ro.registry.getModel('ranker')).name, 'ranker');
  });
});
