import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createTestApp, type TestApp } from './testing.js';

describe('web UI serving', () => {
  let t: TestApp;
  let dir: string;
  before(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'lathe-web-'));
    mkdirSync(path.join(dir, 'assets'));
    writeFileSync(
      path.join(dir, 'index.html'),
      '<!doctype html><title>Lathe UI</title><div id="root"></div>',
    );
    writeFileSync(path.join(dir, 'assets', 'app-1234.js'), 'console.log(1)');
    t = await createTestApp({}, { webDir: dir });
  });
  after(async () => {
    await t.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('serves index.html at / without a token, never cached, with a content security policy', async () => {
    const res = await t.app.inject({ url: '/' });
    assert.equal(res.statusCode, 200);
    assert.match(res.body, /Lathe UI/);
    assert.equal(res.headers['cache-control'], 'no-cache');
    assert.match(String(res.headers['content-security-policy']), /default-src 'self'/);
  });

  it('serves hashed assets with a long cache lifetime', async () => {
    const res = await t.app.inject({ url: '/assets/app-1234.js' });
    assert.equal(res.statusCode, 200);
    assert.match(String(res.headers['cache-control']), /immutable/);
  });

  it('answers client-side routes of a browser with index.html', async () => {
    const res = await t.app.inject({
      url: '/settings',
      headers: { accept: 'text/html,application/xhtml+xml' },
    });
    assert.equal(res.statusCode, 200);
    assert.match(res.body, /Lathe UI/);
  });

  it('still answers unknown API routes and missing files with a JSON 404', async () => {
    const api = await t.app.inject({ url: '/api/v1/unknown', headers: { accept: 'text/html' } });
    assert.equal(api.statusCode, 404);
    assert.equal(api.json().error.code, 'NOT_FOUND');
    const file = await t.app.inject({ url: '/assets/missing.js', headers: { accept: 'text/html' } });
    assert.equal(file.statusCode, 404);
    const ajax = await t.app.inject({
      url: '/ajax-api/2.0/mlflow/unknown',
      headers: { accept: 'text/html' },
    });
    assert.equal(ajax.statusCode, 404);
    assert.match(String(ajax.headers['content-type']), /json/);
  });

  it('does not serve files outside the UI folder', async () => {
    const res = await t.app.inject({ url: '/../../etc/passwd' });
    assert.notEqual(res.statusCode, 200);
    const encoded = await t.app.inject({ url: '/%2e%2e/%2e%2e/etc/passwd' });
    assert.notEqual(encoded.statusCode, 200);
    assert.doesNotMatch(encoded.body, /root:/);
  });
});
