import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { signPayload } from '../../../registry/index.js';
import { createTestApp, type TestApp } from '../../testing.js';

const bearer = (token: string | null) => ({ authorization: `Bearer ${token}` });

describe('native registry API', () => {
  let t: TestApp;
  let admin: Record<string, string>;
  let viewer: Record<string, string>;
  let editor: Record<string, string>;

  /** `inject` as the admin unless `headers` says otherwise; returns status and JSON. */
  const call = async (method: string, url: string, payload?: unknown, headers = admin) => {
    const res = await t.app.inject({ method: method as 'GET', url, payload: payload as object, headers });
    return { status: res.statusCode, body: res.body ? res.json() : undefined };
  };

  before(async () => {
    t = await createTestApp();
    admin = bearer(t.adminToken);
    for (const [name, role] of [
      ['vera', 'viewer'],
      ['eddie', 'editor'],
    ] as const) {
      assert.equal((await call('POST', '/api/v1/users', { name, role })).status, 201);
    }
    viewer = bearer((await call('POST', '/api/v1/tokens', { name: 'v', user: 'vera' })).body.secret);
    editor = bearer((await call('POST', '/api/v1/tokens', { name: 'e', user: 'eddie' })).body.secret);
  });
  after(() => t.close());

  it('creates, gets, lists, renames, describes and deletes models', async () => {
    const created = await call('POST', '/api/v1/models', {
      name: 'churn',
      description: 'who leaves',
      tags: [{ key: 'team', value: 'growth' }],
    });
    assert.equal(created.status, 201);
    assert.equal(created.body.model.name, 'churn');
    assert.deepEqual(created.body.model.tags, [{ key: 'team', value: 'growth' }]);
    assert.deepEqual(created.body.model.versions, []);
    assert.equal((await call('POST', '/api/v1/models', { name: 'churn' })).status, 409);
    assert.equal((await call('POST', '/api/v1/models', { name: 'fraud' }, editor)).status, 201);

    const list = await call('GET', '/api/v1/models?maxResults=1&orderBy=name%20DESC');
    assert.equal(list.status, 200);
    assert.deepEqual(
      list.body.models.map((m: { name: string }) => m.name),
      ['fraud'],
    );
    assert.ok(list.body.nextPageToken);
    const next = await call(
      'GET',
      `/api/v1/models?maxResults=1&orderBy=name%20DESC&pageToken=${list.body.nextPageToken}`,
    );
    assert.deepEqual(
      next.body.models.map((m: { name: string }) => m.name),
      ['churn'],
    );
    assert.equal(next.body.nextPageToken, null);
    const filtered = await call('GET', `/api/v1/models?filter=${encodeURIComponent("tags.team = 'growth'")}`);
    assert.deepEqual(
      filtered.body.models.map((m: { name: string }) => m.name),
      ['churn'],
    );
    const badFilter = await call('GET', `/api/v1/models?filter=${encodeURIComponent('owner = 1')}`);
    assert.equal(badFilter.status, 400);
    assert.equal(badFilter.body.error.code, 'INVALID_ARGUMENT');

    const renamed = await call('PATCH', '/api/v1/models/churn', { name: 'churn-v2' });
    assert.equal(renamed.status, 200);
    assert.equal(renamed.body.model.name, 'churn-v2');
    assert.equal(renamed.body.model.description, 'who leaves', 'a rename keeps the description');
    const described = await call('PATCH', '/api/v1/models/churn-v2', { description: 'churn, again' });
    assert.equal(described.body.model.description, 'churn, again');
    assert.equal((await call('PATCH', '/api/v1/models/churn-v2', { name: 'fraud' })).status, 409);
    assert.equal((await call('PATCH', '/api/v1/models/churn-v2', {})).status, 400);
    assert.equal((await call('GET', '/api/v1/models/churn')).status, 404);

    assert.equal((await call('PUT', '/api/v1/models/churn-v2/tags/owner', { value: 'ana' })).status, 204);
    assert.deepEqual((await call('GET', '/api/v1/models/churn-v2')).body.model.tags, [
      { key: 'owner', value: 'ana' },
      { key: 'team', value: 'growth' },
    ]);
    assert.equal((await call('DELETE', '/api/v1/models/churn-v2/tags/team')).status, 204);

    assert.equal((await call('DELETE', '/api/v1/models/churn-v2')).status, 204);
    const gone = await call('GET', '/api/v1/models/churn-v2');
    assert.equal(gone.status, 404);
    assert.equal(gone.body.error.code, 'NOT_FOUND');
    assert.match(gone.body.error.message, /churn-v2/);
  });

  it('creates versions, reads, updates, transitions, lists and deletes them', async () => {
    await call('POST', '/api/v1/models', { name: 'iris' });
    const v1 = await call('POST', '/api/v1/models/iris/versions', {
      source: 's3://models/iris/1',
      description: 'first',
      tags: [{ key: 'algo', value: 'tree' }],
    });
    assert.equal(v1.status, 201);
    assert.equal(v1.body.modelVersion.version, 1);
    assert.equal(typeof v1.body.modelVersion.version, 'number');
    assert.equal(v1.body.modelVersion.status, 'READY');
    assert.equal(v1.body.modelVersion.currentStage, 'None');
    const v2 = await call('POST', '/api/v1/models/iris/versions', { source: 's3://models/iris/2' }, editor);
    assert.equal(v2.body.modelVersion.version, 2);
    assert.equal((await call('POST', '/api/v1/models/nope/versions', { source: 'x' })).status, 404);
    assert.equal((await call('POST', '/api/v1/models/iris/versions', {})).status, 400);
    const badRun = await call('POST', '/api/v1/models/iris/versions', { source: 'x', runId: 'f'.repeat(32) });
    assert.equal(badRun.status, 404);

    const got = await call('GET', '/api/v1/models/iris/versions/1');
    assert.equal(got.body.modelVersion.source, 's3://models/iris/1');
    assert.deepEqual(got.body.modelVersion.tags, [{ key: 'algo', value: 'tree' }]);
    assert.equal((await call('GET', '/api/v1/models/iris/versions/9')).status, 404);
    assert.equal((await call('GET', '/api/v1/models/iris/versions/abc')).status, 400);

    const patched = await call('PATCH', '/api/v1/models/iris/versions/2', {
      description: 'second',
      stage: 'production',
    });
    assert.equal(patched.status, 200);
    assert.equal(patched.body.modelVersion.description, 'second');
    assert.equal(patched.body.modelVersion.currentStage, 'Production');
    const moved = await call('PATCH', '/api/v1/models/iris/versions/1', {
      stage: 'Production',
      archiveExisting: true,
    });
    assert.equal(moved.body.modelVersion.currentStage, 'Production');
    assert.equal(
      (await call('GET', '/api/v1/models/iris/versions/2')).body.modelVersion.currentStage,
      'Archived',
    );
    const badStage = await call('PATCH', '/api/v1/models/iris/versions/1', { stage: 'Live' });
    assert.equal(badStage.status, 400);
    assert.match(badStage.body.error.message, /None, Staging, Production, Archived/);
    assert.equal(
      (await call('PATCH', '/api/v1/models/iris/versions/1', { archiveExisting: true })).status,
      400,
    );

    assert.equal((await call('PUT', '/api/v1/models/iris/versions/1/tags/ok', { value: 'yes' })).status, 204);
    const tagged = await call(
      'GET',
      `/api/v1/models/iris/versions?filter=${encodeURIComponent("tags.ok = 'yes'")}`,
    );
    assert.deepEqual(
      tagged.body.versions.map((v: { version: number }) => v.version),
      [1],
    );
    assert.equal((await call('DELETE', '/api/v1/models/iris/versions/1/tags/ok')).status, 204);

    const list = await call('GET', '/api/v1/models/iris/versions');
    assert.deepEqual(
      list.body.versions.map((v: { version: number }) => v.version),
      [2, 1],
    );
    assert.equal((await call('GET', '/api/v1/models/nope/versions')).status, 404);

    const model = await call('GET', '/api/v1/models/iris');
    assert.deepEqual(
      model.body.model.versions.map((v: { version: number; currentStage: string }) => [
        v.version,
        v.currentStage,
      ]),
      [
        [2, 'Archived'],
        [1, 'Production'],
      ],
    );

    assert.equal((await call('DELETE', '/api/v1/models/iris/versions/2')).status, 204);
    assert.equal((await call('GET', '/api/v1/models/iris/versions/2')).status, 404);
    const v3 = await call('POST', '/api/v1/models/iris/versions', { source: 's3://models/iris/3' });
    assert.equal(v3.body.modelVersion.version, 3, 'numbers are never reused');
  });

  it('sets, moves and deletes aliases and resolves model references', async () => {
    await call('POST', '/api/v1/models', { name: 'ranker' });
    for (const n of [1, 2, 3])
      await call('POST', '/api/v1/models/ranker/versions', { source: `file:/m/${n}` });
    const set = await call('PUT', '/api/v1/models/ranker/aliases/champion', { version: 1 });
    assert.equal(set.status, 200);
    assert.deepEqual(set.body.modelVersion.aliases, ['champion']);
    await call('PUT', '/api/v1/models/ranker/aliases/challenger', { version: 2 });
    const movedAlias = await call('PUT', '/api/v1/models/ranker/aliases/champion', { version: 2 });
    assert.deepEqual(movedAlias.body.modelVersion.aliases, ['challenger', 'champion']);
    assert.deepEqual((await call('GET', '/api/v1/models/ranker')).body.model.aliases, [
      { alias: 'challenger', version: 2 },
      { alias: 'champion', version: 2 },
    ]);
    assert.equal((await call('PUT', '/api/v1/models/ranker/aliases/latest', { version: 1 })).status, 400);
    assert.equal((await call('PUT', '/api/v1/models/ranker/aliases/x', { version: 7 })).status, 404);
    assert.equal((await call('PUT', '/api/v1/models/ranker/aliases/x', { version: '1' })).status, 400);

    const resolve = (ref: string) =>
      call('GET', `/api/v1/model-refs/${encodeURIComponent(ref)}`, undefined, viewer);
    assert.equal((await resolve('ranker@champion')).body.modelVersion.version, 2);
    assert.equal((await resolve('ranker@1')).body.modelVersion.version, 1);
    assert.equal((await resolve('ranker@v3')).body.modelVersion.version, 3);
    assert.equal((await resolve('ranker@latest')).body.modelVersion.version, 3);
    assert.equal((await call('GET', '/api/v1/model-refs/ranker@latest', undefined, viewer)).status, 200);
    const noAlias = await resolve('ranker@gold');
    assert.equal(noAlias.status, 404);
    assert.match(noAlias.body.error.message, /gold/);
    assert.equal((await resolve('ghost@latest')).status, 404);
    const malformed = await resolve('ranker');
    assert.equal(malformed.status, 400);
    assert.match(malformed.body.error.message, /NAME@VERSION/);

    assert.equal((await call('DELETE', '/api/v1/models/ranker/aliases/champion')).status, 204);
    assert.equal((await call('DELETE', '/api/v1/models/ranker/aliases/champion')).status, 204);
    assert.equal((await resolve('ranker@champion')).status, 404);
  });

  it('shows the lineage of a version: its run and the datasets the run used', async () => {
    const run = (await call('POST', '/api/v1/runs', { runName: 'train' })).body.run.info.runId;
    const inputs = await call('POST', '/api/2.0/mlflow/runs/log-inputs', {
      run_id: run,
      datasets: [
        { dataset: { name: 'train.csv', digest: 'd1g', source_type: 'local', source: '/data/train.csv' } },
      ],
    });
    assert.equal(inputs.status, 200);
    await call('POST', '/api/v1/models', { name: 'lineaged' });
    await call('POST', '/api/v1/models/lineaged/versions', { source: `runs:/${run}/model`, runId: run });
    const res = await call('GET', '/api/v1/models/lineaged/versions/1/lineage', undefined, viewer);
    assert.equal(res.status, 200);
    const { lineage } = res.body;
    assert.equal(lineage.runId, run);
    assert.deepEqual(lineage.upstream.map((n: { type: string }) => n.type).sort(), ['dataset', 'run']);
    const ds = lineage.upstream.find((n: { type: string }) => n.type === 'dataset');
    assert.equal(ds.name, 'train.csv');
    assert.equal(ds.digest, 'd1g');
    assert.equal(lineage.upstream.find((n: { type: string }) => n.type === 'run').id, run);
    assert.deepEqual(lineage.downstream, []);
    assert.equal((await call('GET', '/api/v1/models/lineaged/versions/5/lineage')).status, 404);
  });

  it("forgets a deleted model's lineage: a model created again under its name starts clean", async () => {
    const run = (await call('POST', '/api/v1/runs', { runName: 'old' })).body.run.info.runId;
    await call('POST', '/api/v1/models', { name: 'reborn' });
    await call('POST', '/api/v1/models/reborn/versions', { source: `runs:/${run}/model`, runId: run });
    assert.equal((await call('DELETE', '/api/v1/models/reborn')).status, 204);
    await call('POST', '/api/v1/models', { name: 'reborn' });
    await call('POST', '/api/v1/models/reborn/versions', { source: 's3://bucket/model' });
    const { lineage } = (await call('GET', '/api/v1/models/reborn/versions/1/lineage')).body;
    assert.deepEqual(lineage.upstream, []);
  });

  it('serves models whose names hold quotes and backslashes', async () => {
    for (const name of ["it's", 'a\\b', 'back\\', "x\\'y"]) {
      const path = `/api/v1/models/${encodeURIComponent(name)}`;
      assert.equal((await call('POST', '/api/v1/models', { name })).status, 201, name);
      assert.equal((await call('POST', `${path}/versions`, { source: 's3://b/m' })).status, 201, name);
      const got = await call('GET', path);
      assert.equal(got.status, 200, `${name}: ${JSON.stringify(got.body)}`);
      assert.deepEqual(
        got.body.model.versions.map((v: { version: number }) => v.version),
        [1],
        name,
      );
      const listed = await call('GET', `${path}/versions`);
      assert.deepEqual(
        listed.body.versions.map((v: { version: number }) => v.version),
        [1],
        name,
      );
    }
  });

  it('reports a versions filter error at the position the user typed', async () => {
    const path = `/api/v1/models/${encodeURIComponent("o'pos")}/versions`;
    assert.equal((await call('POST', '/api/v1/models', { name: "o'pos" })).status, 201);
    assert.equal((await call('POST', path, { source: 's3://b/m' })).status, 201);
    const filter = "tags.k != 'v' AND owner = 'me'";
    const bad = await call('GET', `${path}?filter=${encodeURIComponent(filter)}`);
    assert.equal(bad.status, 400);
    assert.equal(bad.body.error.code, 'INVALID_ARGUMENT');
    const position = filter.indexOf('owner') + 1;
    assert.equal(bad.body.error.details.position, position);
    assert.match(bad.body.error.message, new RegExp(`position ${position}:`));
    const ok = await call('GET', `${path}?filter=${encodeURIComponent('version_number >= 1')}`);
    assert.deepEqual(
      ok.body.versions.map((v: { name: string; version: number }) => [v.name, v.version]),
      [["o'pos", 1]],
    );
  });

  it('refuses a version update with an unknown stage whole: the description is not changed', async () => {
    await call('POST', '/api/v1/models', { name: 'halfway' });
    await call('POST', '/api/v1/models/halfway/versions', { source: 's3://b/m', description: 'before' });
    const res = await call('PATCH', '/api/v1/models/halfway/versions/1', {
      description: 'after',
      stage: 'Bogus',
    });
    assert.equal(res.status, 400);
    const { modelVersion } = (await call('GET', '/api/v1/models/halfway/versions/1')).body;
    assert.equal(modelVersion.description, 'before');
    assert.equal(modelVersion.currentStage, 'None');
  });

  it('lists the audit trail of a model and its versions only, newest first, paged', async () => {
    await call('POST', '/api/v1/models', { name: 'aud' });
    await call('POST', '/api/v1/models', { name: 'aud/sub' });
    await call('POST', '/api/v1/models', { name: 'aud%' });
    await call('POST', '/api/v1/models/aud/versions', { source: 'x' }, editor);
    await call('POST', '/api/v1/models/aud/sub/versions', { source: 'x' });
    await call('POST', '/api/v1/models/aud%25/versions', { source: 'x' });
    await call('PUT', '/api/v1/models/aud/aliases/champion', { version: 1 });
    const res = await call('GET', '/api/v1/models/aud/audit', undefined, viewer);
    assert.equal(res.status, 200);
    assert.deepEqual(
      res.body.events.map((e: { action: string; objectId: string }) => [e.action, e.objectId]),
      [
        ['model_version.alias_set', 'aud/1'],
        ['model_version.create', 'aud/1'],
        ['registered_model.create', 'aud'],
      ],
    );
    assert.equal(res.body.events[1].actorName, 'eddie');
    const first = await call('GET', '/api/v1/models/aud/audit?limit=2');
    assert.equal(first.body.events.length, 2);
    const rest = await call('GET', `/api/v1/models/aud/audit?limit=2&pageToken=${first.body.nextPageToken}`);
    assert.deepEqual(
      rest.body.events.map((e: { action: string }) => e.action),
      ['registered_model.create'],
    );
    assert.equal(rest.body.nextPageToken, null);
    assert.equal((await call('GET', '/api/v1/models/aud/audit?pageToken=zz')).status, 400);
  });

  it('requires read for reads and write for writes', async () => {
    await call('POST', '/api/v1/models', { name: 'guarded' });
    await call('POST', '/api/v1/models/guarded/versions', { source: 'x' });
    for (const [method, url] of [
      ['GET', '/api/v1/models'],
      ['GET', '/api/v1/models/guarded'],
      ['GET', '/api/v1/models/guarded/versions'],
      ['GET', '/api/v1/models/guarded/versions/1'],
      ['GET', '/api/v1/models/guarded/audit'],
    ]) {
      assert.equal((await call(method!, url!, undefined, viewer)).status, 200, `${method} ${url}`);
      assert.equal((await call(method!, url!, undefined, {})).status, 401, `${method} ${url} anonymous`);
    }
    for (const [method, url, body] of [
      ['POST', '/api/v1/models', { name: 'nope' }],
      ['PATCH', '/api/v1/models/guarded', { description: 'x' }],
      ['DELETE', '/api/v1/models/guarded', undefined],
      ['POST', '/api/v1/models/guarded/versions', { source: 'x' }],
      ['PATCH', '/api/v1/models/guarded/versions/1', { stage: 'Staging' }],
      ['DELETE', '/api/v1/models/guarded/versions/1', undefined],
      ['PUT', '/api/v1/models/guarded/aliases/champion', { version: 1 }],
      ['DELETE', '/api/v1/models/guarded/aliases/champion', undefined],
      ['PUT', '/api/v1/models/guarded/tags/k', { value: 'v' }],
    ] as const) {
      const res = await call(method, url, body, viewer);
      assert.equal(res.status, 403, `${method} ${url}`);
      assert.equal(res.body.error.code, 'PERMISSION_DENIED');
      assert.match(res.body.error.message, /needs the write permission/);
    }
    assert.equal(
      (await call('GET', '/api/v1/models/guarded/versions/1')).body.modelVersion.currentStage,
      'None',
    );
  });

  describe('webhooks', () => {
    let receiver: Server;
    let receiverUrl: string;
    const received: { headers: Record<string, unknown>; body: string }[] = [];
    before(async () => {
      receiver = createServer((req, res) => {
        let body = '';
        req.on('data', (d) => (body += d));
        req.on('end', () => {
          received.push({ headers: req.headers, body });
          res.end('ok');
        });
      });
      await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
      receiverUrl = `http://127.0.0.1:${(receiver.address() as { port: number }).port}/hook`;
    });
    after(() => new Promise<void>((r) => receiver.close(() => r())));

    it('admins create, list, pause and delete webhooks; the secret is shown once', async () => {
      const created = await call('POST', '/api/v1/webhooks', {
        name: 'ci',
        url: receiverUrl,
        events: ['model_version.created', 'model_version.alias_set'],
      });
      assert.equal(created.status, 201);
      const { webhook, secret } = created.body;
      assert.ok(secret.length >= 8);
      assert.equal(webhook.active, true);
      assert.deepEqual(webhook.events, ['model_version.created', 'model_version.alias_set']);
      const listed = await call('GET', '/api/v1/webhooks');
      assert.deepEqual(
        listed.body.webhooks.map((w: { id: string }) => w.id),
        [webhook.id],
      );
      assert.ok(!JSON.stringify(listed.body).includes(secret), 'the list never shows the secret');

      await call('POST', '/api/v1/models', { name: 'hooked' });
      await call('POST', '/api/v1/models/hooked/versions', { source: 's3://x' });
      for (let i = 0; i < 100 && received.length < 1; i++) await new Promise((r) => setTimeout(r, 20));
      assert.equal(received.length, 1);
      const delivery = received[0]!;
      assert.equal(delivery.headers['x-lathe-event'], 'model_version.created');
      assert.equal(delivery.headers['x-lathe-signature'], signPayload(secret, delivery.body));
      assert.equal(JSON.parse(delivery.body).data.name, 'hooked');

      const paused = await call('PATCH', `/api/v1/webhooks/${webhook.id}`, { active: false });
      assert.equal(paused.status, 200);
      assert.equal(paused.body.webhook.active, false);
      assert.equal((await call('PATCH', '/api/v1/webhooks/wh_nope', { active: false })).status, 404);
      assert.equal((await call('DELETE', `/api/v1/webhooks/${webhook.id}`)).status, 204);
      assert.equal((await call('DELETE', `/api/v1/webhooks/${webhook.id}`)).status, 404);
      assert.deepEqual((await call('GET', '/api/v1/webhooks')).body.webhooks, []);
    });

    it('rejects bad webhooks with 400 and non-admins with 403', async () => {
      const badEvent = await call('POST', '/api/v1/webhooks', {
        url: receiverUrl,
        events: ['model.exploded'],
      });
      assert.equal(badEvent.status, 400);
      const badUrl = await call('POST', '/api/v1/webhooks', {
        url: 'ftp://example.com',
        events: ['model_version.created'],
      });
      assert.equal(badUrl.status, 400);
      assert.match(badUrl.body.error.message, /http/);
      for (const headers of [viewer, editor]) {
        assert.equal((await call('GET', '/api/v1/webhooks', undefined, headers)).status, 403);
        const res = await call(
          'POST',
          '/api/v1/webhooks',
          { url: receiverUrl, events: ['model_version.created'] },
          headers,
        );
        assert.equal(res.status, 403);
        assert.match(res.body.error.message, /needs the admin permission/);
        assert.equal((await call('DELETE', '/api/v1/webhooks/wh_x', undefined, headers)).status, 403);
        assert.equal((await call('PATCH', '/api/v1/webhooks/wh_x', { active: true }, headers)).status, 403);
      }
    });
  });
});
