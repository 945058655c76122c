import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { request } from 'node:http';
import { createServer } from 'node:net';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { LatheClient } from '../../src/sdk/index.js';
import { type ServerProcess, startServerProcess } from '../support/server-process.js';

const cli = path.resolve(import.meta.dirname, '../../src/cli/main.ts');
const tsx = import.meta.resolve('tsx');
const xgb = readFileSync(new URL('../fixtures/models/xgboost/binary.json', import.meta.url));
const row = { age: 1, income: 2, score: 0.5, tenure: 3, visits: 1 };

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

async function until<T>(what: string, fn: () => Promise<T | undefined>, ms = 20_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn().catch(() => undefined);
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('lathe serve --workers 2 beside lathe server on the same stores', { concurrency: 1 }, () => {
  let server: ServerProcess;
  let serve: ChildProcess;
  let out = '';
  let base: string;
  let sdk: LatheClient;
  let headers: Record<string, string>;

  before(async () => {
    server = await startServerProcess();
    sdk = new LatheClient({ url: server.url, token: server.adminToken! });
    headers = { authorization: `Bearer ${server.adminToken}`, 'content-type': 'application/json' };
    for (let i = 0; i < 2; i++)
      await sdk.models.importModel('churn', new Uint8Array(xgb), { filename: 'model.json' });
    await sdk.registry.setAlias('churn', 'champion', 1);
    await sdk.serving.apply({ name: 'churn', models: ['churn@champion'] });
    const port = await freePort();
    serve = spawn(
      process.execPath,
      ['--import', tsx, cli, 'serve', '--workers', '2', '--port', String(port), '--data-dir', server.dataDir],
      { env: { ...process.env, LATHE_LOG_LEVEL: 'warn' }, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    serve.stdout!.on('data', (d) => (out += d));
    serve.stderr!.on('data', (d) => (out += d));
    base = `http://127.0.0.1:${port}`;
    await until(
      'the serving workers',
      async () => ((await fetch(`${base}/healthz`)).ok ? true : undefined),
      30_000,
    );
  });
  after(async () => {
    if (serve && serve.exitCode === null) {
      const exited = new Promise((r) => serve.on('exit', r));
      serve.kill('SIGTERM');
      await exited;
    }
    await server?.stop();
  });

  it('predicts through the deployment the server stored, in both workers, and follows a moved alias', async () => {
    // A new connection per request (no keep-alive): the primary hands connections to the workers
    // in turn, so both answer.
    const predict = () =>
      new Promise<{ model: string }>((resolve, reject) => {
        const req = request(
          `${base}/api/v1/endpoints/churn/predict`,
          { method: 'POST', headers, agent: false },
          (res) => {
            let text = '';
            res.on('data', (d) => (text += d));
            res.on('end', () => {
              if (res.statusCode !== 200) reject(new Error(`${res.statusCode} ${text}\n${out}`));
              else resolve(JSON.parse(text) as { model: string });
            });
          },
        );
        req.on('error', reject);
        req.end(JSON.stringify([row]));
      });
    // Fresh connections land on either worker; all answer from churn@1.
    const first = await Promise.all(Array.from({ length: 20 }, predict));
    assert.ok(first.every((a) => a.model === 'churn@1'));
    await sdk.registry.setAlias('churn', 'champion', 2);
    // Each worker syncs with the store every 2 s and swaps to churn@2.
    await until('both workers on churn@2', async () => {
      const answers = await Promise.all(Array.from({ length: 20 }, predict));
      return answers.every((a) => a.model === 'churn@2') ? true : undefined;
    });
    const unknown = await fetch(`${base}/api/v1/endpoints/nope/predict`, {
      method: 'POST',
      headers,
      body: '[]',
    });
    assert.equal(unknown.status, 404);
    const anonymous = await fetch(`${base}/api/v1/endpoints/churn/predict`, { method: 'POST', body: '[]' });
    assert.equal(anonymous.status, 401);
  });

  it('answers /metrics for the whole group and logs every prediction into the shared inference store', async () => {
    const text = await (await fetch(`${base}/metrics`)).text();
    const m = /lathe_serving_predictions_total\{endpoint="churn",model_version="churn@1"\} (\d+)/.exec(text);
    assert.ok(m, text.slice(0, 2000));
    assert.ok(Number(m[1]) >= 20, 'counts from both workers are summed');
    const served = [
      ...text.matchAll(/lathe_serving_predictions_total\{endpoint="churn",model_version="[^"]+"\} (\d+)/g),
    ]
      .map((x) => Number(x[1]))
      .reduce((a, b) => a + b, 0);
    // Each worker writes its own files into the store; the server reads them all.
    const rows = await until('the inference store', async () => {
      const status = await sdk.monitoring.status('churn');
      const n = status.environments.find((e) => e.environment === 'production')?.rows ?? 0;
      return n === served ? n : undefined;
    });
    assert.equal(rows, served);
  });
});
