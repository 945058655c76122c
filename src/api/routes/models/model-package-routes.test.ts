import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { nativeFixture } from '../../../models/flavors/native/native-fixture.js';
import { writeTar } from '../../../models/index.js';
import { createTestApp, type TestApp } from '../../testing.js';

describe('model import, package and predict API', () => {
  let t: TestApp;
  let auth: Record<string, string>;
  const fixture = nativeFixture(40);
  const tar = writeTar(fixture.source.files as Map<string, Uint8Array>);

  const upload = (name: string, query: string, payload: Uint8Array, type = 'application/x-tar') =>
    t.app.inject({
      method: 'POST',
      url: `/api/v1/models/${name}/import?${query}`,
      payload: Buffer.from(payload),
      headers: { ...auth, 'content-type': type },
    });
  const versions = async (name: string) => {
    const res = await t.app.inject({ method: 'GET', url: `/api/v1/models/${name}/versions`, headers: auth });
    return res.statusCode === 404 ? [] : (res.json().versions as unknown[]);
  };

  before(async () => {
    t = await createTestApp({ server: { modelUploadLimitBytes: 200_000 } });
    auth = { authorization: `Bearer ${t.adminToken}` };
  });
  after(() => t.close());

  it('imports a package directory as a new version linked to its import run, and describes it', async () => {
    const res = await upload('risk', 'filename=risk-model.tar&description=first', tar);
    assert.equal(res.statusCode, 201, res.body);
    const body = res.json();
    assert.equal(body.version.name, 'risk');
    assert.equal(body.version.version, 1);
    assert.equal(body.version.source, `runs:/${body.runId}/model`);
    assert.equal(body.version.runId, body.runId);
    assert.equal(body.flavor, 'native');
    assert.equal(body.example.synthetic, false);
    assert.equal(body.example.result.predictions.length, 3);
    assert.deepEqual(body.signature.classes, ['no', 'yes']);

    const info = await t.app.inject({
      method: 'GET',
      url: '/api/v1/models/risk/versions/1/package',
      headers: auth,
    });
    assert.equal(info.statusCode, 200, info.body);
    const pkg = info.json();
    assert.equal(pkg.manifest.flavor, 'native');
    assert.equal(pkg.manifest.family, 'gbdt');
    assert.deepEqual(pkg.manifest.inputExample, fixture.rows.slice(0, 3));
    assert.ok(pkg.files.some((f: { path: string }) => f.path === 'lathe-model.json'));
    assert.equal(
      pkg.size,
      pkg.files.reduce((s: number, f: { size: number }) => s + f.size, 0),
    );
    assert.ok(pkg.size > 1000);

    const lineage = await t.app.inject({
      method: 'GET',
      url: '/api/v1/models/risk/versions/1/lineage',
      headers: auth,
    });
    assert.equal(lineage.statusCode, 200);
    assert.match(lineage.body, new RegExp(body.runId));
  });

  it('predicts rows and columns with a version, by number or alias, enforcing the signature', async () => {
    const rows = fixture.rows.slice(0, 5);
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/models/risk/versions/latest/predict',
      payload: { rows: rows.map((r) => ({ ...r, extra: 1 })) },
      headers: auth,
    });
    assert.equal(res.statusCode, 200, res.body);
    const out = res.json();
    assert.deepEqual(out.model, { name: 'risk', version: 1 });
    assert.deepEqual(out.predictions, fixture.expected.predictions.slice(0, 5));
    for (const [i, p] of out.probabilities.entries())
      assert.ok(Math.abs(p[1] - fixture.expected.probabilities![i]![1]!) < 1e-12);
    assert.match(out.warnings[0], /ignored column the model does not read: extra/);

    const cols = await t.app.inject({
      method: 'POST',
      url: '/api/v1/models/risk/versions/1/predict',
      payload: { columns: ['x0', 'x1', 'x2'], data: rows.map((r) => [r['x0'], r['x1'], r['x2']]) },
      headers: auth,
    });
    assert.deepEqual(cols.json().predictions, out.predictions);

    const missing = await t.app.inject({
      method: 'POST',
      url: '/api/v1/models/risk/versions/1/predict',
      payload: { rows: [{ x0: 1 }] },
      headers: auth,
    });
    assert.equal(missing.statusCode, 400);
    assert.match(missing.json().error.message, /missing required columns x1, x2/);
    const wrong = await t.app.inject({
      method: 'POST',
      url: '/api/v1/models/risk/versions/1/predict',
      payload: { rows: [{ x0: 'high', x1: 1, x2: 2 }] },
      headers: auth,
    });
    assert.equal(wrong.statusCode, 400);
    assert.match(
      wrong.json().error.message,
      /row 0: column x0 expects a number \(double\); got the string "high"/,
    );
  });

  it('answers null with a warning where a model answers NaN (missing values it cannot handle)', async () => {
    const onnx = new Uint8Array(
      readFileSync(
        new URL('../../../../test/fixtures/models/onnx/sklearn-linear-zipmap.onnx', import.meta.url),
      ),
    );
    assert.equal(
      (await upload('lin', 'filename=linear.onnx', onnx, 'application/octet-stream')).statusCode,
      201,
    );
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/models/lin/versions/1/predict',
      payload: {
        rows: [
          { x0: null, x1: null, x2: null, x3: null },
          { x0: 5.1, x1: 3.5, x2: 1.4, x3: 0.2 },
        ],
      },
      headers: auth,
    });
    assert.equal(res.statusCode, 200, res.body);
    const out = res.json();
    assert.equal(out.predictions[0], null);
    assert.ok(out.probabilities[0].every((p: unknown) => p === null));
    assert.equal(out.predictions[1], 'setosa');
    assert.match(out.warnings.join(' '), /the model answered NaN for 1 row \(sent as null\)/);
  });

  it('refuses pickles, corrupt files and unknown formats with 422, registering nothing', async () => {
    const pickle = await upload(
      'bad',
      'filename=model.pkl',
      new Uint8Array([0x80, 4, 0x95, 1, 2, 3]),
      'application/octet-stream',
    );
    assert.equal(pickle.statusCode, 422);
    assert.match(pickle.json().error.message, /model\.pkl: it is a Python pickle.*arbitrary code.*skl2onnx/);
    const files = new Map(fixture.source.files as Map<string, Uint8Array>);
    const arrayFile = [...files.keys()]
      .filter((p) => p.startsWith('arrays/'))
      .sort((a, b) => files.get(b)!.length - files.get(a)!.length)[0]!;
    files.set(arrayFile, files.get(arrayFile)!.subarray(0, 10));
    const truncated = await upload('bad', 'filename=m.tar', writeTar(files));
    assert.equal(truncated.statusCode, 422);
    assert.match(truncated.json().error.message, /holds 10 bytes; the manifest says/);
    const text = await upload('bad', 'filename=notes.txt', new TextEncoder().encode('hello'), 'text/plain');
    assert.equal(text.statusCode, 422);
    assert.match(text.json().error.message, /notes\.txt is not a model format Lathe reads/);
    const badTar = await upload('bad', 'filename=m.tar', tar.subarray(0, 700));
    assert.equal(badTar.statusCode, 422);
    assert.match(badTar.json().error.message, /not a readable tar archive/);
    const flavor = await upload('bad', 'filename=m.tar&flavor=pytorch', tar);
    assert.equal(flavor.statusCode, 400);
    assert.match(
      flavor.json().error.message,
      /unknown model flavor "pytorch"; valid flavors: native, mlflow/,
    );
    assert.deepEqual(await versions('bad'), []);
  });

  it('imports an MLflow directory, and refuses one whose input example disagrees with its signature', async () => {
    const fixtures = new URL('../../../../test/fixtures/models/xgboost/', import.meta.url);
    const model = new Uint8Array(readFileSync(new URL('binary.json', fixtures)));
    const names = ['age', 'income', 'score', 'tenure', 'visits'];
    const mlmodel = (example: string) =>
      new Map([
        [
          'MLmodel',
          new TextEncoder().encode(
            `flavors:\n  xgboost:\n    data: model.xgb\n    model_format: xgb\nrun_id: 0123abcd\nsaved_input_example_info:\n  artifact_path: input_example.json\n  pandas_orient: split\n  type: dataframe\nsignature:\n  inputs: '${JSON.stringify(names.map((name) => ({ type: 'double', name })))}'\n`,
          ),
        ],
        ['model.xgb', model],
        ['input_example.json', new TextEncoder().encode(example)],
      ]);
    const good = await upload(
      'mlf',
      'filename=mlflow-model',
      writeTar(mlmodel(JSON.stringify({ columns: names, data: [[1, 2, 3, 4, 5]] }))),
    );
    assert.equal(good.statusCode, 201, good.body);
    assert.equal(good.json().flavor, 'xgboost');
    assert.deepEqual(good.json().example.rows, [{ age: 1, income: 2, score: 3, tenure: 4, visits: 5 }]);
    const bad = await upload(
      'mlf',
      'filename=mlflow-model',
      writeTar(mlmodel(JSON.stringify({ columns: names.slice(1), data: [[2, 3, 4, 5]] }))),
    );
    assert.equal(bad.statusCode, 422);
    assert.match(
      bad.json().error.message,
      /the model's input example disagrees with its signature: missing required column age/,
    );
    assert.equal((await versions('mlf')).length, 1, 'the refused import registered nothing');
  });

  it('refuses an upload over the limit by its length, before reading it, registering nothing', async () => {
    const streamed = await upload('big', 'filename=m.tar', new Uint8Array(300_000));
    assert.equal(streamed.statusCode, 413);
    assert.match(
      streamed.json().error.message,
      /larger than the 200000-byte limit \(server\.modelUploadLimitBytes\)/,
    );
    // A client announcing 2 GiB is answered at once, without the server reading 2 GiB.
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    const { port } = t.app.server.address() as AddressInfo;
    const answer = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = request(
        {
          host: '127.0.0.1',
          port,
          method: 'POST',
          path: '/api/v1/models/big/import?filename=huge.onnx',
          headers: {
            ...auth,
            'content-type': 'application/octet-stream',
            'content-length': String(2 * 1024 ** 3),
          },
        },
        (res) => {
          let body = '';
          res.on('data', (c) => {
            body += c;
          });
          res.on('end', () => resolve({ status: res.statusCode!, body }));
        },
      );
      req.on('error', reject);
      req.write(Buffer.alloc(1024));
    });
    assert.equal(answer.status, 413);
    assert.match(answer.body, /2147483648 bytes, larger than the 200000-byte limit/);
    assert.deepEqual(await versions('big'), []);
  });
});
