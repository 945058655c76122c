import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createTestApp, type TestApp } from '../../testing.js';

describe('native tracking API (/api/v1)', () => {
  let t: TestApp;
  const auth = () => ({ authorization: `Bearer ${t.adminToken}` });
  const json = async (
    method: 'GET' | 'POST' | 'PATCH' | 'DELETE',
    url: string,
    payload?: object,
    status = 200,
  ) => {
    const res = await t.app.inject({ method, url, headers: auth(), ...(payload ? { payload } : {}) });
    assert.equal(res.statusCode, status, res.body);
    return res.body ? res.json() : null;
  };
  before(async () => {
    t = await createTestApp();
  });
  after(() => t.close());

  it('creates experiments and runs, logs atomically, and reads metric history', async () => {
    const { experiment } = await json(
      'POST',
      '/api/v1/experiments',
      { name: 'native', tags: [{ key: 'k', value: 'v' }] },
      201,
    );
    assert.equal(
      (await json('GET', '/api/v1/experiments/native?by=name')).experiment.experimentId,
      experiment.experimentId,
    );
    const { run } = await json(
      'POST',
      '/api/v1/runs',
      { experimentId: experiment.experimentId, runName: 'r1' },
      201,
    );
    const id = run.info.runId;
    await json(
      'POST',
      `/api/v1/runs/${id}/log`,
      {
        params: [{ key: 'lr', value: '0.1' }],
        metrics: [
          { key: 'loss', value: 1, step: 0 },
          { key: 'loss', value: 'NaN', step: 1 },
        ],
      },
      204,
    );
    const history = await json('GET', `/api/v1/runs/${id}/metrics/loss`);
    assert.deepEqual(
      history.metrics.map((m: { value: unknown }) => m.value),
      [1, 'NaN'],
    );
    const bad = await t.app.inject({
      method: 'POST',
      url: `/api/v1/runs/${id}/log`,
      headers: auth(),
      payload: { metrics: [{ key: 'x', value: 'lots' }] },
    });
    assert.equal(bad.statusCode, 400);
    assert.equal(bad.json().error.code, 'INVALID_ARGUMENT');
    const ended = await json('PATCH', `/api/v1/runs/${id}`, { status: 'FINISHED' });
    assert.equal(ended.runInfo.status, 'FINISHED');
    await json('DELETE', `/api/v1/experiments/${experiment.experimentId}`);
    assert.equal((await json('GET', `/api/v1/runs/${id}`)).run.info.lifecycleStage, 'deleted');
    await json('POST', `/api/v1/experiments/${experiment.experimentId}/restore`);
    assert.equal((await json('GET', `/api/v1/runs/${id}`)).run.info.lifecycleStage, 'active');
  });

  it('counts the matching runs (withTotal) consistently with the pages, whatever the order', async () => {
    const { experiment } = await json('POST', '/api/v1/experiments', { name: 'counted' }, 201);
    for (let i = 0; i < 7; i++) {
      const { run } = await json('POST', '/api/v1/runs', { experimentId: experiment.experimentId }, 201);
      await json(
        'POST',
        `/api/v1/runs/${run.info.runId}/log`,
        { metrics: [{ key: 'acc', value: i / 7 }], params: [{ key: 'odd', value: String(i % 2) }] },
        204,
      );
      if (i === 6) await json('DELETE', `/api/v1/runs/${run.info.runId}`, undefined, 204);
    }
    const cases: [object, number][] = [
      [{}, 6],
      [{ filter: 'metrics.acc > 0.3' }, 3],
      [{ filter: "params.odd = '1'", orderBy: ['metrics.acc DESC'] }, 3],
      [{ filter: 'metrics.acc > 0.3', viewType: 'ALL' }, 4],
      [{ filter: "params.odd = 'x'" }, 0],
    ];
    for (const [q, expected] of cases) {
      const page = await json('POST', '/api/v1/runs/search', {
        experimentIds: [experiment.experimentId],
        withTotal: true,
        maxResults: 2,
        ...q,
      });
      assert.equal(page.total, expected, JSON.stringify(q));
      const all = await json('POST', '/api/v1/runs/search', {
        experimentIds: [experiment.experimentId],
        maxResults: 1000,
        ...q,
      });
      assert.equal(all.runs.length, expected, JSON.stringify(q));
    }
  });

  it('uploads, lists and downloads run artifacts; active content is never served inline', async () => {
    const { run } = await json('POST', '/api/v1/runs', {}, 201);
    const id = run.info.runId;
    const put = (path: string, body: string | Buffer, type = 'application/octet-stream') =>
      t.app.inject({
        method: 'PUT',
        url: `/api/v1/runs/${id}/artifacts/content?path=${encodeURIComponent(path)}`,
        headers: { ...auth(), 'content-type': type },
        payload: body,
      });
    assert.equal((await put('metrics.csv', 'a,b\n1,2\n', 'text/csv')).statusCode, 201);
    assert.equal((await put('model/weights.bin', Buffer.from([0, 1, 2, 255]))).statusCode, 201);
    assert.equal((await put('report.html', '<script>alert(1)</script>', 'text/html')).statusCode, 201);
    const root = await json('GET', `/api/v1/runs/${id}/artifacts`);
    assert.deepEqual(
      root.files.map((f: { path: string; isDir: boolean }) => [f.path, f.isDir]),
      [
        ['metrics.csv', false],
        ['model', true],
        ['report.html', false],
      ],
    );
    const csv = await t.app.inject({
      url: `/api/v1/runs/${id}/artifacts/content?path=metrics.csv`,
      headers: auth(),
    });
    assert.equal(csv.body, 'a,b\n1,2\n');
    assert.match(String(csv.headers['content-type']), /text\/csv/);
    assert.equal(csv.headers['content-disposition'], 'inline');
    const html = await t.app.inject({
      url: `/api/v1/runs/${id}/artifacts/content?path=report.html`,
      headers: auth(),
    });
    assert.match(String(html.headers['content-disposition']), /^attachment/);
    assert.match(String(html.headers['content-security-policy']), /sandbox/);
    const bin = await t.app.inject({
      url: `/api/v1/runs/${id}/artifacts/content?path=model/weights.bin`,
      headers: auth(),
    });
    assert.deepEqual([...bin.rawPayload], [0, 1, 2, 255]);
    const traversal = await put('../../etc/passwd', 'x');
    assert.equal(traversal.statusCode, 400);
    const missing = await t.app.inject({
      url: `/api/v1/runs/${id}/artifacts/content?path=nope.txt`,
      headers: auth(),
    });
    assert.equal(missing.statusCode, 404);
  });
});
