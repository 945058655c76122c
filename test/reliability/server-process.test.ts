import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { createTestApp } from '../../src/api/testing.js';
import { LatheClient } from '../../src/sdk/index.js';
import { runCliProcess, startServerProcess } from '../support/server-process.js';

function integrityCheck(dataDir: string): string {
  const db = new Database(path.join(dataDir, 'lathe.db'), { readonly: true });
  try {
    return db.pragma('integrity_check', { simple: true }) as string;
  } finally {
    db.close();
  }
}

function tokenIds(dataDir: string): Set<string> {
  const db = new Database(path.join(dataDir, 'lathe.db'), { readonly: true });
  try {
    return new Set((db.prepare('select id from api_tokens').all() as { id: string }[]).map((r) => r.id));
  } finally {
    db.close();
  }
}

describe('durability and process safety', () => {
  it('keeps every acknowledged write when the server is killed with SIGKILL mid-stream', async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'lathe-kill-'));
    try {
      const server = await startServerProcess({ dataDir });
      const client = new LatheClient({ url: server.url, token: server.adminToken });
      const acknowledged: string[] = [];
      let stop = false;
      const writers = Array.from({ length: 4 }, async (_, w) => {
        for (let i = 0; !stop && i < 2000; i++) {
          try {
            const { token } = await client.tokens.create({ name: `w${w}-${i}` });
            acknowledged.push(token.id);
          } catch {
            return; // the server is gone
          }
        }
      });
      // Kill once a good number of writes are acknowledged and more are in flight.
      while (acknowledged.length < 60) await new Promise((r) => setTimeout(r, 5));
      server.child.kill('SIGKILL');
      stop = true;
      await Promise.all(writers);
      await server.stop();
      assert.equal(integrityCheck(dataDir), 'ok');
      const stored = tokenIds(dataDir);
      const lost = acknowledged.filter((id) => !stored.has(id));
      assert.deepEqual(lost, [], `${lost.length} of ${acknowledged.length} acknowledged tokens were lost`);
      // The store opens again and serves.
      const again = await startServerProcess({ dataDir });
      const list = await new LatheClient({ url: again.url, token: server.adminToken }).tokens.list();
      assert.ok(list.length >= acknowledged.length);
      await again.stop();
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('keeps every acknowledged metric point (group-committed) when the server is killed mid-stream', async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'lathe-kill-metrics-'));
    try {
      const server = await startServerProcess({ dataDir });
      const client = new LatheClient({ url: server.url, token: server.adminToken });
      const run = await client.tracking.startRun({ experimentName: 'kill' });
      const acknowledged: string[] = [];
      let stop = false;
      // Eight concurrent loggers: their points share commits, so a kill lands mid-group.
      const writers = Array.from({ length: 8 }, async (_, w) => {
        for (let i = 0; !stop && i < 5000; i++) {
          try {
            await client.tracking.logMetrics(run.info.runId, { [`w${w}`]: i }, { step: i });
            acknowledged.push(`w${w}:${i}`);
          } catch {
            return; // the server is gone
          }
        }
      });
      while (acknowledged.length < 400) await new Promise((r) => setTimeout(r, 5));
      server.child.kill('SIGKILL');
      stop = true;
      await Promise.all(writers);
      await server.stop();
      assert.equal(integrityCheck(dataDir), 'ok');
      const db = new Database(path.join(dataDir, 'lathe.db'), { readonly: true });
      const stored = new Set(
        (
          db
            .prepare('select s.key, m.step from metrics m join metric_series s on s.series_id = m.series_id')
            .all() as { key: string; step: number }[]
        ).map((r) => `${r.key}:${r.step}`),
      );
      db.close();
      const lost = acknowledged.filter((p) => !stored.has(p));
      assert.deepEqual(lost, [], `${lost.length} of ${acknowledged.length} acknowledged points were lost`);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('lets two servers share one SQLite file without losing or corrupting writes', async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'lathe-two-'));
    try {
      const a = await startServerProcess({ dataDir });
      const b = await startServerProcess({ dataDir });
      assert.ok(a.adminToken, 'the first server creates the admin');
      assert.equal(b.adminToken, null, 'the second finds the admin and prints no new token');
      const ca = new LatheClient({ url: a.url, token: a.adminToken });
      const cb = new LatheClient({ url: b.url, token: a.adminToken });
      const names: string[] = [];
      await Promise.all(
        [ca, cb].map(async (c, s) => {
          for (let i = 0; i < 25; i++) {
            const user = await c.users.create({ name: `u${s}-${i}`, role: 'viewer' });
            names.push(user.name);
          }
        }),
      );
      const seenByA = (await ca.users.list()).map((u) => u.name);
      const seenByB = (await cb.users.list()).map((u) => u.name);
      for (const n of names) {
        assert.ok(seenByA.includes(n), `server A sees ${n}`);
        assert.ok(seenByB.includes(n), `server B sees ${n}`);
      }
      assert.equal(await a.stop(), 0);
      assert.equal(await b.stop(), 0);
      assert.equal(integrityCheck(dataDir), 'ok');
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('drains in-flight requests on close and exits 0 on SIGTERM', async () => {
    const t = await createTestApp({ auth: { enabled: false } });
    t.app.get('/slow', async () => {
      await new Promise((r) => setTimeout(r, 400));
      return { done: true };
    });
    await t.app.listen({ host: '127.0.0.1', port: 0 });
    const { port } = t.app.server.address() as { port: number };
    const inFlight = fetch(`http://127.0.0.1:${port}/slow`).then(async (r) => ({
      body: await r.json(),
      connection: r.headers.get('connection'),
    }));
    await new Promise((r) => setTimeout(r, 50));
    const closed = t.close();
    const answer = await inFlight;
    assert.deepEqual(answer.body, { done: true }, 'the request started before close finishes');
    assert.equal(
      answer.connection,
      'close',
      'and its keep-alive connection is released so shutdown need not wait',
    );
    await closed;
    await assert.rejects(fetch(`http://127.0.0.1:${port}/healthz`), 'no new connections after close');

    const server = await startServerProcess({ env: { LATHE_LOG_LEVEL: 'info' } });
    assert.equal(await server.stop('SIGTERM'), 0);
    assert.match(server.output(), /shutdown complete/);
  });

  it('refuses to start with auth off beyond loopback, and says why', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'lathe-noauth-'));
    try {
      const flag = await runCliProcess(['server', '--host', '0.0.0.0', '--no-auth', '--data-dir', dir]);
      assert.equal(flag.code, 1);
      assert.match(flag.stderr, /AUTH_REQUIRED_OFF_LOOPBACK: refusing to start with auth off on 0\.0\.0\.0/);
      const env = await runCliProcess(['server', '--host', '192.0.2.1', '--data-dir', dir], {
        LATHE_AUTH: 'off',
      });
      assert.equal(env.code, 1);
      assert.match(env.stderr, /AUTH_REQUIRED_OFF_LOOPBACK/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('runs with auth off on loopback', async () => {
    const server = await startServerProcess({ auth: false });
    try {
      assert.equal(server.adminToken, null);
      const me = await new LatheClient({ url: server.url }).me();
      assert.equal(me.authEnabled, false);
    } finally {
      await server.stop();
    }
  });
});
