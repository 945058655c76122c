import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { createTestApp, type TestApp } from '../../testing.js';
import { MULTIPART_UNSUPPORTED_MESSAGE } from './artifact-routes.js';

const A = '/api/2.0/mlflow-artifacts';

describe('MLflow artifact proxy and artifacts/list', () => {
  let t: TestApp;
  let base: string;
  const put = (path: string, payload: string | Buffer, contentType = 'application/octet-stream') =>
    t.app.inject({
      method: 'PUT',
      url: `${A}/artifacts/${path}`,
      payload,
      headers: { 'content-type': contentType },
    });
  const get = (url: string) => t.app.inject({ method: 'GET', url });
  const listing = async (path?: string) => {
    const res = await get(`${A}/artifacts${path === undefined ? '' : `?path=${encodeURIComponent(path)}`}`);
    assert.equal(res.statusCode, 200, res.body);
    return res.json() as { files?: { path: string; is_dir: boolean; file_size?: number }[] };
  };

  /** A request sent byte-for-byte: inject() and fetch() normalize `..` and `%2e` away; attackers don't. */
  const raw = (method: string, path: string, body?: string) =>
    new Promise<{ status: number; json: Record<string, unknown> }>((resolve, reject) => {
      const url = new URL(base);
      const req = http.request(
        { host: url.hostname, port: url.port, method, path, headers: { 'content-type': 'text/plain' } },
        (res) => {
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (c: string) => {
            text += c;
          });
          res.on('end', () => resolve({ status: res.statusCode ?? 0, json: text ? JSON.parse(text) : {} }));
        },
      );
      req.on('error', reject);
      req.end(body);
    });

  before(async () => {
    t = await createTestApp({ auth: { enabled: false } });
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    const addr = t.app.server.address() as AddressInfo;
    base = `http://127.0.0.1:${addr.port}`;
  });
  after(() => t.close());

  it('uploads, downloads and deletes text and multi-MB binary files, streamed', async () => {
    assert.equal((await put('0/r1/artifacts/notes.txt', 'hello artifacts', 'text/plain')).statusCode, 200);
    const text = await get(`${A}/artifacts/0/r1/artifacts/notes.txt`);
    assert.equal(text.statusCode, 200);
    assert.equal(text.body, 'hello artifacts');
    assert.equal(text.headers['content-type'], 'text/plain');
    assert.equal(text.headers['content-length'], '15');
    assert.equal(text.headers['x-content-type-options'], 'nosniff');
    assert.match(String(text.headers['content-disposition']), /^attachment; filename="notes.txt"/);

    const big = randomBytes(5 * 1024 * 1024 + 17); // bigger than any default body limit
    const upload = await put('0/r1/artifacts/model/weights.bin', big);
    assert.equal(upload.statusCode, 200, upload.body);
    assert.deepEqual(upload.json(), {});
    const down = await get(`${A}/artifacts/0/r1/artifacts/model/weights.bin`);
    assert.equal(down.statusCode, 200);
    assert.equal(down.headers['content-type'], 'application/octet-stream');
    assert.equal(down.headers['content-length'], String(big.length));
    assert.ok(down.rawPayload.equals(big), 'binary content comes back byte for byte');

    // A JSON artifact is sent as application/json by MLflow clients: stored as bytes, not parsed.
    const json = '{"not": "parsed", "trailing": [1,2,3]}  ';
    assert.equal((await put('0/r1/artifacts/meta.json', json, 'application/json')).statusCode, 200);
    assert.equal((await get(`${A}/artifacts/0/r1/artifacts/meta.json`)).body, json);
    // Overwrite, and an empty file.
    assert.equal((await put('0/r1/artifacts/notes.txt', 'v2', 'text/plain')).statusCode, 200);
    assert.equal((await get(`${A}/artifacts/0/r1/artifacts/notes.txt`)).body, 'v2');
    assert.equal((await put('0/r1/artifacts/empty', '')).statusCode, 200);
    assert.equal((await get(`${A}/artifacts/0/r1/artifacts/empty`)).body, '');

    const del = await t.app.inject({ method: 'DELETE', url: `${A}/artifacts/0/r1/artifacts/notes.txt` });
    assert.equal(del.statusCode, 200);
    const gone = await get(`${A}/artifacts/0/r1/artifacts/notes.txt`);
    assert.equal(gone.statusCode, 404);
    assert.equal(gone.json().error_code, 'RESOURCE_DOES_NOT_EXIST');
    const again = await t.app.inject({ method: 'DELETE', url: `${A}/artifacts/0/r1/artifacts/notes.txt` });
    assert.equal(again.statusCode, 200, 'deleting nothing succeeds, as MLflow');
  });

  it('lists nested directories one level at a time, as MLflow FileInfo', async () => {
    await put('7/run/artifacts/model/MLmodel', 'flavors: {}', 'text/plain');
    await put('7/run/artifacts/model/data/model.pkl', Buffer.from([0, 1, 2, 255]));
    await put('7/run/artifacts/metrics.csv', 'a,b\n1,2\n', 'text/csv');
    assert.deepEqual(await listing('7/run/artifacts'), {
      files: [
        { path: 'metrics.csv', is_dir: false, file_size: 8 },
        { path: 'model', is_dir: true },
      ],
    });
    assert.deepEqual(await listing('7/run/artifacts/model'), {
      files: [
        { path: 'MLmodel', is_dir: false, file_size: 11 },
        { path: 'data', is_dir: true },
      ],
    });
    assert.deepEqual(await listing('7/run/artifacts/metrics.csv'), {}, 'a file lists as empty');
    assert.deepEqual(await listing('7/nothing'), {});
    const root = await listing();
    assert.ok(root.files?.some((f) => f.path === '7' && f.is_dir));

    const dir = await get(`${A}/artifacts/7/run/artifacts/model`);
    assert.equal(dir.statusCode, 404);
    assert.match(dir.json().message, /is a directory/);

    const clash = await put('7/run/artifacts/model/MLmodel/inner', 'x');
    assert.equal(clash.statusCode, 400);
    assert.equal(clash.json().error_code, 'INVALID_STATE');
    assert.equal((await put('7/run/artifacts/model', 'x')).json().error_code, 'INVALID_STATE');

    const del = await t.app.inject({ method: 'DELETE', url: `${A}/artifacts/7/run/artifacts/model` });
    assert.equal(del.statusCode, 200);
    assert.deepEqual(await listing('7/run/artifacts'), {
      files: [{ path: 'metrics.csv', is_dir: false, file_size: 8 }],
    });
  });

  it('answers artifacts/list for a run with paths relative to its artifact root', async () => {
    const created = await t.app.inject({ method: 'POST', url: '/api/2.0/mlflow/runs/create', payload: {} });
    const { run_id: runId, artifact_uri: uri } = created.json().run.info;
    assert.match(uri, /^mlflow-artifacts:\//);
    const root = uri.replace(/^mlflow-artifacts:\/+/, '');
    await put(`${root}/model/MLmodel`, 'x', 'text/plain');
    await put(`${root}/model/conda.yaml`, 'yy', 'text/yaml');
    await put(`${root}/loss.png`, Buffer.from([137, 80, 78, 71]), 'image/png');

    const top = await get(`/api/2.0/mlflow/artifacts/list?run_id=${runId}`);
    assert.equal(top.statusCode, 200, top.body);
    assert.deepEqual(top.json(), {
      root_uri: uri,
      files: [
        { path: 'loss.png', is_dir: false, file_size: 4 },
        { path: 'model', is_dir: true },
      ],
    });
    const model = await get(`/ajax-api/2.0/mlflow/artifacts/list?run_id=${runId}&path=model`);
    assert.deepEqual(model.json().files, [
      { path: 'model/MLmodel', is_dir: false, file_size: 1 },
      { path: 'model/conda.yaml', is_dir: false, file_size: 2 },
    ]);
    const png = await get(`${A}/artifacts/${root}/loss.png`);
    assert.equal(png.headers['content-type'], 'image/png');
    assert.deepEqual((await get(`/api/2.0/mlflow/artifacts/list?run_uuid=${runId}&path=none`)).json(), {
      root_uri: uri,
    });

    const missing = await get('/api/2.0/mlflow/artifacts/list');
    assert.equal(missing.statusCode, 400);
    assert.match(missing.json().message, /'run_id'/);
    const unknown = await get(`/api/2.0/mlflow/artifacts/list?run_id=${'f'.repeat(32)}`);
    assert.equal(unknown.statusCode, 404);
    assert.equal(unknown.json().error_code, 'RESOURCE_DOES_NOT_EXIST');
  });

  it('refuses run_id/path combinations in artifacts/list that would leave the run root', async () => {
    const a = (await t.app.inject({ method: 'POST', url: '/api/2.0/mlflow/runs/create', payload: {} })).json()
      .run.info;
    const b = (await t.app.inject({ method: 'POST', url: '/api/2.0/mlflow/runs/create', payload: {} })).json()
      .run.info;
    const rootB = b.artifact_uri.replace(/^mlflow-artifacts:\/+/, '');
    await put(`${rootB}/secret.txt`, 'b only', 'text/plain');
    // The store has no symlinks (files are content-addressed blobs named by digest, never by the
    // user), so the only way out of a run root is through the path, which is refused here.
    const attempts = [
      `../../${b.run_id}/artifacts`,
      `..%2F..%2F${b.run_id}%2Fartifacts`,
      `%252e%252e/%252e%252e/${b.run_id}/artifacts`,
      `/${rootB}`,
      'file:///etc',
      '..\\..',
      'a/../../..',
      '%c0%ae%c0%ae',
      '\uff0e\uff0e',
      'x%00',
    ];
    for (const path of attempts) {
      const res = await get(
        `/api/2.0/mlflow/artifacts/list?run_id=${a.run_id}&path=${encodeURIComponent(path)}`,
      );
      assert.equal(res.statusCode, 400, `path ${path}: ${res.body}`);
      assert.equal(res.json().error_code, 'INVALID_PARAMETER_VALUE');
      assert.match(res.json().message, /^Invalid path/);
    }
    for (const runId of ['../../etc', `${a.run_id}/../${b.run_id}`, `${a.run_id}%2f..`]) {
      const res = await get(`/api/2.0/mlflow/artifacts/list?run_id=${encodeURIComponent(runId)}`);
      assert.equal(res.statusCode, 404, `run_id ${runId}: ${res.body}`);
    }
    const own = await get(`/api/2.0/mlflow/artifacts/list?run_id=${a.run_id}`);
    assert.deepEqual(own.json(), { root_uri: a.artifact_uri }, "run a sees nothing of run b's files");
  });

  it('answers multipart upload with 501 and the message MLflow clients fall back to PUT on', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: `${A}/mpu/create/0/r9/artifacts/big.bin`,
      payload: { path: '/tmp/big.bin', num_parts: 3 },
    });
    assert.equal(res.statusCode, 501);
    assert.equal(res.json().error_code, 'NOT_IMPLEMENTED');
    assert.ok(String(res.json().message).startsWith(MULTIPART_UNSUPPORTED_MESSAGE));
    assert.equal(
      MULTIPART_UNSUPPORTED_MESSAGE,
      'Multipart upload is not supported for the current artifact repository',
    );
    for (const step of ['complete', 'abort']) {
      const r = await t.app.inject({ method: 'POST', url: `${A}/mpu/${step}/0/r9/x`, payload: {} });
      assert.equal(r.statusCode, 501);
    }
    const bad = await raw('POST', `${A}/mpu/create/..%2f..%2fx`, '{}');
    assert.equal(bad.status, 400);
  });

  it('refuses every known traversal shape on download, upload, delete and list, writing nothing', async () => {
    const before = await listing();
    const shapes = [
      '../../../etc/passwd',
      '..%2f..%2f..%2fetc%2fpasswd',
      '..%2F..%2Fetc%2Fpasswd',
      '%2e%2e/%2e%2e/etc/passwd',
      '%2e%2e%2f%2e%2e%2fetc%2fpasswd',
      '%252e%252e/%252e%252e/etc/passwd',
      '%252e%252e%252f%252e%252e%252fetc%252fpasswd',
      '..\\..\\etc\\passwd',
      '..%5c..%5cetc%5cpasswd',
      '/etc/passwd',
      '%2fetc%2fpasswd',
      'file:///etc/passwd',
      'file:%2f%2f%2fetc%2fpasswd',
      'C:%5cWindows%5cwin.ini',
      'C:/Windows/win.ini',
      'a/../../b',
      '0/r1/artifacts/../../../x',
      'x.txt%00.png',
      '%c0%ae%c0%ae/%c0%ae%c0%ae/etc/passwd',
      '%e0%80%ae%e0%80%ae/etc',
      '%ef%bc%8e%ef%bc%8e/etc/passwd',
      '%e2%80%a5/etc/passwd',
      'a/./b',
      'a%2f%2fb',
    ];
    for (const shape of shapes) {
      for (const method of ['PUT', 'GET', 'DELETE']) {
        const res = await raw(method, `${A}/artifacts/${shape}`, method === 'PUT' ? 'pwned' : undefined);
        assert.equal(res.status, 400, `${method} ${shape}: ${JSON.stringify(res.json)}`);
        assert.equal(res.json.error_code, 'INVALID_PARAMETER_VALUE', `${method} ${shape}`);
        // Overlong UTF-8 (%c0%ae) is refused by the router before the path check, in the same dialect.
        assert.match(String(res.json.message), /^Invalid path|not valid percent-encoded UTF-8/);
      }
      const list = await raw('GET', `${A}/artifacts?path=${shape}`);
      assert.equal(list.status, 400, `list ${shape}: ${JSON.stringify(list.json)}`);
      assert.equal(list.json.error_code, 'INVALID_PARAMETER_VALUE', `list ${shape}`);
    }
    assert.deepEqual(await listing(), before, 'nothing was written by any refused request');
    for (const p of ['etc/passwd', 'etc', 'x', 'b', 'pwned']) {
      assert.equal((await get(`${A}/artifacts/${p}`)).statusCode, 404);
    }
  });
});

describe('MLflow artifact proxy with auth on', () => {
  let t: TestApp;
  before(async () => {
    t = await createTestApp({ auth: { enabled: true } });
  });
  after(() => t.close());

  it('lets a viewer read but not upload or delete; anonymous callers get 401', async () => {
    const admin = { authorization: `Bearer ${t.adminToken}` };
    await t.app.inject({
      method: 'POST',
      url: '/api/v1/users',
      headers: admin,
      payload: { name: 'vic', role: 'viewer' },
    });
    const { secret } = (
      await t.app.inject({
        method: 'POST',
        url: '/api/v1/tokens',
        headers: admin,
        payload: { name: 'v', user: 'vic' },
      })
    ).json();
    const viewer = { authorization: `Bearer ${secret}` };
    const url = `${A}/artifacts/3/r/artifacts/a.txt`;
    const up = await t.app.inject({
      method: 'PUT',
      url,
      headers: { ...admin, 'content-type': 'text/plain' },
      payload: 'hi',
    });
    assert.equal(up.statusCode, 200, up.body);

    const denied = await t.app.inject({
      method: 'PUT',
      url,
      headers: { ...viewer, 'content-type': 'text/plain' },
      payload: 'overwrite',
    });
    assert.equal(denied.statusCode, 403);
    assert.equal(denied.json().error_code, 'PERMISSION_DENIED');
    const del = await t.app.inject({ method: 'DELETE', url, headers: viewer });
    assert.equal(del.statusCode, 403);
    const mpu = await t.app.inject({
      method: 'POST',
      url: `${A}/mpu/create/3/r/x`,
      headers: viewer,
      payload: {},
    });
    assert.equal(mpu.statusCode, 403);

    const read = await t.app.inject({ url, headers: viewer });
    assert.equal(read.statusCode, 200);
    assert.equal(read.body, 'hi', 'the refused upload changed nothing');
    assert.equal(
      (await t.app.inject({ url: `${A}/artifacts?path=3/r/artifacts`, headers: viewer })).statusCode,
      200,
    );
    const anon = await t.app.inject({ url });
    assert.equal(anon.statusCode, 401);
    assert.equal(anon.json().error_code, 'UNAUTHENTICATED');

    const deleted = await t.app.inject({ method: 'DELETE', url: `${A}/artifacts/3/r`, headers: admin });
    assert.equal(deleted.statusCode, 200);
    const audit = await t.app.inject({ url: '/api/v1/audit?action=artifact.delete', headers: admin });
    assert.match(audit.body, /artifact\.delete/);
  });
});

describe('artifact uploads over the size limit', () => {
  let t: TestApp;
  before(async () => {
    t = await createTestApp({ auth: { enabled: false }, server: { artifactLimitBytes: 1000 } });
  });
  after(() => t.close());

  it('refuses a file over server.artifactLimitBytes on both upload routes and stores nothing of it', async () => {
    const up = (payload: Buffer) =>
      t.app.inject({
        method: 'PUT',
        url: `${A}/artifacts/0/big.bin`,
        payload,
        headers: { 'content-type': 'application/octet-stream' },
      });
    assert.equal((await up(randomBytes(1000))).statusCode, 200, 'exactly the limit is accepted');
    const before = (await t.app.inject({ url: `${A}/artifacts/0/big.bin` })).rawPayload;
    const res = await up(randomBytes(1001));
    assert.equal(res.statusCode, 400);
    assert.equal(res.json().error_code, 'INVALID_PARAMETER_VALUE');
    assert.match(res.json().message, /larger than the 1000-byte limit \(server\.artifactLimitBytes\)/);
    const after = await t.app.inject({ url: `${A}/artifacts/0/big.bin` });
    assert.deepEqual(after.rawPayload, before, 'the file already there is untouched');

    const run = (await t.app.inject({ method: 'POST', url: '/api/v1/runs', payload: {} })).json().run;
    const native = await t.app.inject({
      method: 'PUT',
      url: `/api/v1/runs/${run.info.runId}/artifacts/content?path=big.bin`,
      payload: randomBytes(5000),
      headers: { 'content-type': 'application/octet-stream' },
    });
    assert.equal(native.statusCode, 413);
    assert.equal(native.json().error.code, 'PAYLOAD_TOO_LARGE');
    assert.equal(native.json().error.details.limit, 1000);
    const listing = await t.app.inject({ url: `/api/v1/runs/${run.info.runId}/artifacts` });
    assert.deepEqual(listing.json().files ?? [], []);
  });
});
