import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createTestApp, type TestApp } from '../api/testing.js';
import { isLatheError, LatheClient } from './index.js';

describe('LatheClient against a real server', () => {
  let t: TestApp;
  let url: string;
  before(async () => {
    t = await createTestApp();
    url = `${await t.listen()}/`;
  });
  after(() => t.close());

  it('calls the API with the token and decodes typed answers', async () => {
    const admin = new LatheClient({ url, token: t.adminToken });
    assert.equal((await admin.health()).status, 'ok');
    assert.equal((await admin.ready()).status, 'ok');
    assert.equal((await admin.me()).user.role, 'admin');
    const info = await admin.systemInfo();
    assert.equal(info.metaStore, 'sqlite');
    assert.equal(info.authEnabled, true);
    const { token, secret } = await admin.tokens.create({ name: 'sdk', scopes: ['read'] });
    assert.ok((await admin.tokens.list()).some((x) => x.id === token.id));
    const ro = new LatheClient({ url, token: secret });
    assert.deepEqual((await ro.me()).permissions, ['read']);
    const revoked = await admin.tokens.revoke(token.id);
    assert.ok(revoked.revokedAt);
    const user = await admin.users.create({ name: 'sdk-user', role: 'editor' });
    assert.ok((await admin.users.list()).some((u) => u.id === user.id));
    const page = await admin.audit.list({ limit: 1, action: 'user.create' });
    assert.equal(page.events[0]?.objectId, user.id);
  });

  it('turns error answers into LatheError with the server code, message and status', async () => {
    const anonymous = new LatheClient({ url });
    const err = await anonymous.me().then(
      () => null,
      (e: unknown) => e,
    );
    assert.ok(isLatheError(err));
    assert.equal(err.code, 'UNAUTHENTICATED');
    assert.equal(err.details?.status, 401);
    assert.ok(err.details?.requestId);
    const admin = new LatheClient({ url, token: t.adminToken });
    await assert.rejects(
      admin.tokens.revoke('tok_missing'),
      (e: unknown) => isLatheError(e) && e.code === 'NOT_FOUND',
    );
    await assert.rejects(
      admin.users.create({ name: 'bad name!', role: 'viewer' }),
      (e: unknown) => isLatheError(e) && e.code === 'INVALID_ARGUMENT' && /body\.name/.test(e.message),
    );
  });

  it('reports an unreachable server as UNAVAILABLE naming the URL', async () => {
    const nowhere = new LatheClient({ url: 'http://127.0.0.1:1' });
    await assert.rejects(nowhere.health(), (e: unknown) => {
      assert.ok(isLatheError(e));
      assert.equal(e.code, 'UNAVAILABLE');
      assert.match(e.message, /127\.0\.0\.1:1/);
      return true;
    });
  });
});
