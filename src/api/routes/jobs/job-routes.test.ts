import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { SeededRandom } from '../../../ml/index.js';
import { createTestApp, type TestApp } from '../../testing.js';
import { type DataRouteFixture, dataRouteFixture } from '../data/data-route-fixture.js';

function csv(rows: number): string {
  const random = new SeededRandom(5);
  const lines = ['x1,x2,colour,label'];
  for (let i = 0; i < rows; i++) {
    const x1 = random.uniform();
    const x2 = random.uniform();
    const colour = ['red', 'green', 'blue'][random.int(3)]!;
    const label = x1 + 0.5 * x2 + (colour === 'red' ? 0.3 : 0) + random.normal() * 0.1 > 0.9 ? 'high' : 'low';
    lines.push(`${x1.toFixed(4)},${x2.toFixed(4)},${colour},${label}`);
  }
  return `${lines.join('\n')}\n`;
}

describe('jobs API', () => {
  let t: TestApp;
  let api: DataRouteFixture;
  const call = async (method: 'GET' | 'POST', url: string, payload?: unknown, headers = api.admin) => {
    const res = await t.app.inject({
      method,
      url,
      headers,
      ...(payload !== undefined ? { payload: payload as object } : {}),
    });
    return {
      status: res.statusCode,
      body: res.headers['content-type']?.toString().includes('json') ? res.json() : res.body,
    };
  };

  before(async () => {
    t = await createTestApp();
    api = dataRouteFixture(t);
    await api.ingest('points', csv(400));
  });
  after(async () => t.close());

  it('lists the model families with their hyperparameters', async () => {
    const { status, body } = await call('GET', '/api/v1/training/models');
    assert.equal(status, 200);
    const rf = body.models.find((m: { name: string }) => m.name === 'rf');
    assert.deepEqual(rf.tasks, ['binary', 'multiclass', 'regression']);
    assert.match(rf.params.trees, /number of trees/);
  });

  it('starts a training job, streams its progress and answers the result', async () => {
    const started = await call('POST', '/api/v1/jobs', {
      kind: 'train',
      spec: { data: 'points@1', target: 'label', model: 'rf', params: { trees: 20 } },
    });
    assert.equal(started.status, 202, JSON.stringify(started.body));
    assert.equal(started.body.kind, 'train');
    assert.match(started.body.status, /queued|running/);
    const events = await call('GET', `/api/v1/jobs/${started.body.id}/events`);
    assert.equal(events.status, 200);
    const jobs = String(events.body)
      .split('\n\n')
      .filter((e) => e.startsWith('data: '))
      .map((e) => JSON.parse(e.slice(6)));
    const last = jobs.at(-1);
    assert.equal(last.status, 'succeeded', JSON.stringify(last.error));
    assert.ok(last.result.metrics.accuracy > 0.7);
    assert.ok(last.result.runId);
    const got = await call('GET', `/api/v1/jobs/${started.body.id}`);
    assert.equal(got.body.status, 'succeeded');
    // The stream of a finished job is that job, once.
    const again = await call('GET', `/api/v1/jobs/${started.body.id}/events`);
    const finals = String(again.body)
      .split('\n\n')
      .filter((e) => e.startsWith('data: '));
    assert.equal(finals.length, 1);
    assert.equal(JSON.parse(finals[0]!.slice(6)).status, 'succeeded');
    assert.equal((await call('GET', '/api/v1/jobs/job_missing00/events')).status, 404);
    const list = await call('GET', '/api/v1/jobs?kind=train');
    assert.equal(list.body.jobs[0].id, started.body.id);
    const artifacts = await call('GET', `/api/v1/runs/${last.result.runId}/artifacts?path=model`);
    assert.ok(artifacts.body.files.some((f: { path: string }) => f.path === 'model/lathe-model.json'));
    const cancel = await call('POST', `/api/v1/jobs/${started.body.id}/cancel`);
    assert.equal(cancel.status, 409);
    assert.match(cancel.body.error.message, /is succeeded; only queued or running jobs can be cancelled/);
  });

  it('refuses a bad spec with 400 naming the field, and an unknown kind naming the valid ones', async () => {
    const bad = await call('POST', '/api/v1/jobs', {
      kind: 'train',
      spec: { data: 'points@1', target: 'label', model: 'rf', params: { depth: 4 } },
    });
    assert.equal(bad.status, 400);
    assert.match(bad.body.error.message, /params.depth: model rf has no hyperparameter "depth"/);
    const kind = await call('POST', '/api/v1/jobs', { kind: 'bake', spec: {} });
    assert.equal(kind.status, 400);
    assert.match(kind.body.error.message, /unknown job kind "bake"; valid kinds are train/);
    const missing = await call('POST', '/api/v1/jobs', {
      kind: 'train',
      spec: { data: 'nope@1', target: 'label', model: 'rf' },
    });
    assert.equal(missing.status, 404);
    const unknownJob = await call('GET', '/api/v1/jobs/job_doesnotexist00');
    assert.equal(unknownJob.status, 404);
  });

  it('needs the write permission to start a job', async () => {
    const viewer = await api.viewer();
    const res = await call('POST', '/api/v1/jobs', { kind: 'train', spec: {} }, viewer);
    assert.equal(res.status, 403);
    assert.equal((await call('GET', '/api/v1/jobs', undefined, viewer)).status, 200);
  });
});
