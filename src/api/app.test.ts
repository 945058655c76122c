import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createTestApp, type TestApp } from './testing.js';

const bearer = (token: string | null) => ({ authorization: `Bearer ${token}` });

describe('HTTP API with auth on', () => {
  let t: TestApp;
  before(async () => {
    t = await createTestApp();
  });
  after(() => t.close());

  it('answers the liveness and readiness probes without a token', async () => {
    const live = await t.app.inject({ url: '/healthz' });
    assert.equal(live.statusCode, 200);
    assert.deepEqual(live.json(), { status: 'ok' });
    const ready = await t.app.inject({ url: '/readyz' });
    assert.equal(ready.statusCode, 200);
    assert.deepEqual(ready.json().checks, { meta: { status: 'ok' }, blobs: { status: 'ok' } });
  });

  it('rejects API calls without a token with 401 and the error body', async () => {
    const res = await t.app.inject({ url: '/api/v1/me' });
    assert.equal(res.statusCode, 401);
    const body = res.json();
    assert.equal(body.error.code, 'UNAUTHENTICATED');
    assert.match(body.error.message, /Authorization: Bearer/);
    assert.equal(body.error.requestId, res.headers['x-request-id']);
  });

  it('rejects unknown, malformed and revoked tokens', async () => {
    const unknown = await t.app.inject({ url: '/api/v1/me', headers: bearer('lathe_nope') });
    assert.equal(unknown.statusCode, 401);
    assert.equal(unknown.json().error.code, 'UNAUTHENTICATED');
    const notBearer = await t.app.inject({ url: '/api/v1/me', headers: { authorization: 'Basic abc' } });
    assert.equal(notBearer.statusCode, 401);
    const created = await t.app.inject({
      method: 'POST',
      url: '/api/v1/tokens',
      headers: bearer(t.adminToken),
      payload: { name: 'short-lived' },
    });
    const { token, secret } = created.json();
    assert.equal((await t.app.inject({ url: '/api/v1/me', headers: bearer(secret) })).statusCode, 200);
    const revoked = await t.app.inject({
      method: 'DELETE',
      url: `/api/v1/tokens/${token.id}`,
      headers: bearer(t.adminToken),
    });
    assert.equal(revoked.statusCode, 200);
    assert.ok(revoked.json().token.revokedAt);
    const after = await t.app.inject({ url: '/api/v1/me', headers: bearer(secret) });
    assert.equal(after.statusCode, 401);
    assert.equal(after.json().error.code, 'TOKEN_REVOKED');
  });

  it('rejects an expired token with TOKEN_EXPIRED', async () => {
    const { secret } = await t.auth.createToken(
      { name: 'expiring', expiresAt: Date.now() + 50 },
      { actor: await t.auth.authenticate(t.adminToken!) },
    );
    await new Promise((r) => setTimeout(r, 80));
    const res = await t.app.inject({ url: '/api/v1/me', headers: bearer(secret) });
    assert.equal(res.statusCode, 401);
    assert.equal(res.json().error.code, 'TOKEN_EXPIRED');
  });

  it('tells the admin who they are', async () => {
    const res = await t.app.inject({ url: '/api/v1/me', headers: bearer(t.adminToken) });
    assert.equal(res.statusCode, 200);
    assert.deepEqual(res.json().user.name, 'admin');
    assert.deepEqual(res.json().permissions, ['read', 'write', 'admin']);
    assert.equal(res.json().authEnabled, true);
  });

  it('creates a token whose secret is shown once and stored only as a hash', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/tokens',
      headers: bearer(t.adminToken),
      payload: { name: 'ci', scopes: ['read'], expiresInDays: 30 },
    });
    assert.equal(res.statusCode, 201);
    const { token, secret } = res.json();
    assert.match(secret, /^lathe_[A-Za-z0-9_-]{40}$/);
    assert.deepEqual(token.scopes, ['read']);
    assert.ok(Date.parse(token.expiresAt) > Date.now() + 29 * 86_400_000);
    assert.ok(secret.startsWith(token.prefix));
    const list = await t.app.inject({ url: '/api/v1/tokens', headers: bearer(t.adminToken) });
    const listed = JSON.stringify(list.json());
    assert.ok(listed.includes(token.id));
    assert.ok(!listed.includes(secret), 'the secret never appears again');
  });

  it('enforces roles and scopes on routes', async () => {
    const viewer = await t.app.inject({
      method: 'POST',
      url: '/api/v1/users',
      headers: bearer(t.adminToken),
      payload: { name: 'vera', role: 'viewer' },
    });
    assert.equal(viewer.statusCode, 201);
    const vt = await t.app.inject({
      method: 'POST',
      url: '/api/v1/tokens',
      headers: bearer(t.adminToken),
      payload: { name: 'vera-token', user: 'vera' },
    });
    assert.equal(vt.statusCode, 201);
    const veraSecret = vt.json().secret;
    assert.deepEqual(vt.json().token.scopes, ['read']);
    const denied = await t.app.inject({ url: '/api/v1/users', headers: bearer(veraSecret) });
    assert.equal(denied.statusCode, 403);
    assert.equal(denied.json().error.code, 'PERMISSION_DENIED');
    assert.match(denied.json().error.message, /needs the admin permission; your token has read/);
    // A read-scoped token of the admin is read-only too.
    const ro = (
      await t.app.inject({
        method: 'POST',
        url: '/api/v1/tokens',
        headers: bearer(t.adminToken),
        payload: { name: 'ro', scopes: ['read'] },
      })
    ).json().secret;
    assert.equal((await t.app.inject({ url: '/api/v1/audit', headers: bearer(ro) })).statusCode, 403);
    // ...and cannot mint a token with more scopes than its own.
    const escalate = await t.app.inject({
      method: 'POST',
      url: '/api/v1/tokens',
      headers: bearer(ro),
      payload: { name: 'esc', scopes: ['admin'] },
    });
    assert.equal(escalate.statusCode, 403);
    // A viewer cannot get a write scope, and cannot create tokens for others or list all tokens.
    const beyondRole = await t.app.inject({
      method: 'POST',
      url: '/api/v1/tokens',
      headers: bearer(t.adminToken),
      payload: { name: 'x', user: 'vera', scopes: ['write'] },
    });
    assert.equal(beyondRole.statusCode, 400);
    assert.match(beyondRole.json().error.message, /scope write exceeds the role of vera \(viewer/);
    const forOther = await t.app.inject({
      method: 'POST',
      url: '/api/v1/tokens',
      headers: bearer(veraSecret),
      payload: { name: 'x', user: 'admin' },
    });
    assert.equal(forOther.statusCode, 403);
    assert.equal(
      (await t.app.inject({ url: '/api/v1/tokens?all=true', headers: bearer(veraSecret) })).statusCode,
      403,
    );
    // A viewer cannot revoke the admin's token: to them it does not exist.
    const adminTokenId = (await t.app.inject({ url: '/api/v1/me', headers: bearer(t.adminToken) })).json()
      .tokenId;
    const revoke = await t.app.inject({
      method: 'DELETE',
      url: `/api/v1/tokens/${adminTokenId}`,
      headers: bearer(veraSecret),
    });
    assert.equal(revoke.statusCode, 404);
  });

  it('answers a duplicate user with 409 ALREADY_EXISTS and keeps the first', async () => {
    await t.app.inject({
      method: 'POST',
      url: '/api/v1/users',
      headers: bearer(t.adminToken),
      payload: { name: 'dana', role: 'editor' },
    });
    const dup = await t.app.inject({
      method: 'POST',
      url: '/api/v1/users',
      headers: bearer(t.adminToken),
      payload: { name: 'dana', role: 'admin' },
    });
    assert.equal(dup.statusCode, 409);
    assert.equal(dup.json().error.code, 'ALREADY_EXISTS');
    const users = (await t.app.inject({ url: '/api/v1/users', headers: bearer(t.adminToken) })).json().users;
    assert.equal(users.find((u: { name: string }) => u.name === 'dana').role, 'editor');
  });

  it('records who did what in the audit log, newest first, with pagination', async () => {
    const res = await t.app.inject({ url: '/api/v1/audit?limit=2', headers: bearer(t.adminToken) });
    assert.equal(res.statusCode, 200);
    const page = res.json();
    assert.equal(page.events.length, 2);
    assert.ok(page.events[0].seq > page.events[1].seq);
    assert.ok(page.nextPageToken);
    const next = (
      await t.app.inject({
        url: `/api/v1/audit?limit=2&pageToken=${page.nextPageToken}`,
        headers: bearer(t.adminToken),
      })
    ).json();
    assert.ok(next.events[0].seq < page.events[1].seq);
    const created = (
      await t.app.inject({ url: '/api/v1/audit?action=user.create&limit=100', headers: bearer(t.adminToken) })
    ).json().events;
    const dana = created.find((e: { details: { name: string } }) => e.details.name === 'dana');
    assert.equal(dana.actorName, 'admin');
    assert.equal(dana.objectType, 'user');
    assert.ok(dana.requestId);
    const bad = await t.app.inject({ url: '/api/v1/audit?pageToken=zzz', headers: bearer(t.adminToken) });
    assert.equal(bad.statusCode, 400);
  });

  describe('bad input gets a 4xx with the error body, never a 500', () => {
    const post = (payload: string, contentType = 'application/json') =>
      t.app.inject({
        method: 'POST',
        url: '/api/v1/tokens',
        headers: { ...bearer(t.adminToken), 'content-type': contentType },
        payload,
      });

    it('malformed JSON', async () => {
      const res = await post('{"name": ');
      assert.equal(res.statusCode, 400);
      assert.equal(res.json().error.code, 'INVALID_ARGUMENT');
      assert.match(res.json().error.message, /valid JSON/);
    });
    it('a URL path that is not valid percent-encoded UTF-8', async () => {
      const res = await t.app.inject({
        method: 'GET',
        url: '/api/v1/users/%FF%FE',
        headers: bearer(t.adminToken),
      });
      assert.equal(res.statusCode, 400);
      assert.equal(res.json().error.code, 'INVALID_ARGUMENT');
      assert.match(res.json().error.message, /not valid percent-encoded UTF-8: "\/api\/v1\/users\/%FF%FE"/);
      assert.equal(res.json().error.requestId, res.headers['x-request-id']);
    });
    it('a wrong type, named with what arrived', async () => {
      const res = await post(JSON.stringify({ name: 42 }));
      assert.equal(res.statusCode, 400);
      assert.match(res.json().error.message, /body\.name must be string, got the number 42/);
    });
    it('a missing field and an unknown field', async () => {
      const res = await post(JSON.stringify({ scopes: ['read'], color: 'red' }));
      assert.equal(res.statusCode, 400);
      assert.match(res.json().error.message, /body\.name is required/);
      assert.match(res.json().error.message, /body\.color is not a known field/);
    });
    it('a value outside the allowed set', async () => {
      const res = await post(JSON.stringify({ name: 'x', scopes: ['root'] }));
      assert.equal(res.statusCode, 400);
      assert.match(res.json().error.message, /scopes/);
    });
    it('an empty body', async () => {
      const res = await post('');
      assert.equal(res.statusCode, 400);
    });
    it('a body of another content type', async () => {
      const res = await post('name=x', 'application/x-www-form-urlencoded');
      assert.equal(res.statusCode, 415);
      assert.equal(res.json().error.code, 'UNSUPPORTED_MEDIA_TYPE');
    });
    it('a query parameter of the wrong type', async () => {
      const res = await t.app.inject({ url: '/api/v1/audit?limit=many', headers: bearer(t.adminToken) });
      assert.equal(res.statusCode, 400);
      assert.match(res.json().error.message, /querystring\.limit must be integer, got the string "many"/);
    });
    it('an unknown route', async () => {
      const res = await t.app.inject({ url: '/api/v1/nothing-here', headers: bearer(t.adminToken) });
      assert.equal(res.statusCode, 404);
      assert.equal(res.json().error.code, 'NOT_FOUND');
    });
  });

  it('echoes a sane X-Request-Id and makes one up otherwise', async () => {
    const given = await t.app.inject({ url: '/healthz', headers: { 'x-request-id': 'trace-123' } });
    assert.equal(given.headers['x-request-id'], 'trace-123');
    const insane = await t.app.inject({ url: '/healthz', headers: { 'x-request-id': 'a b\u0000c' } });
    assert.match(String(insane.headers['x-request-id']), /^[0-9a-f-]{36}$/);
  });

  it('exposes Prometheus metrics per route template, not per raw URL', async () => {
    await t.app.inject({ url: '/api/v1/tokens/tok_abc', method: 'DELETE', headers: bearer(t.adminToken) });
    const res = await t.app.inject({ url: '/metrics' });
    assert.equal(res.statusCode, 200);
    assert.match(res.headers['content-type'] as string, /text\/plain/);
    assert.match(
      res.body,
      /lathe_http_requests_total\{method="GET",route="\/healthz",status_code="200"\} \d+/,
    );
    assert.match(res.body, /route="\/api\/v1\/tokens\/:id",status_code="404"/);
    assert.doesNotMatch(res.body, /tok_abc/);
    assert.match(res.body, /lathe_http_request_duration_seconds_bucket/);
    assert.match(res.body, /process_resident_memory_bytes/);
  });

  it('publishes an OpenAPI 3 document generated from the route schemas, and the docs page', async () => {
    const doc = (await t.app.inject({ url: '/api/openapi.json' })).json();
    assert.match(doc.openapi, /^3\./);
    assert.ok(doc.paths['/api/v1/tokens'].post.requestBody);
    assert.deepEqual(doc.paths['/healthz'].get.security, []);
    assert.ok(doc.components.securitySchemes.bearer);
    const docs = await t.app.inject({ url: '/api/docs/' });
    assert.equal(docs.statusCode, 200);
    assert.match(docs.body, /swagger/i);
  });
});

describe('HTTP API limits', () => {
  let t: TestApp;
  before(async () => {
    t = await createTestApp({ server: { bodyLimitBytes: 2048 } });
  });
  after(() => t.close());

  it('answers 413 for a body over the limit', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/tokens',
      headers: { ...bearer(t.adminToken), 'content-type': 'application/json' },
      payload: JSON.stringify({ name: 'x'.repeat(5000) }),
    });
    assert.equal(res.statusCode, 413);
    assert.equal(res.json().error.code, 'PAYLOAD_TOO_LARGE');
    assert.match(res.json().error.message, /limit of 2048 bytes/);
  });
});

describe('HTTP API with auth off', () => {
  let t: TestApp;
  before(async () => {
    t = await createTestApp({ auth: { enabled: false } });
  });
  after(() => t.close());

  it('serves every route as the local admin without a token', async () => {
    const me = await t.app.inject({ url: '/api/v1/me' });
    assert.equal(me.statusCode, 200);
    assert.equal(me.json().user.name, 'local');
    assert.equal(me.json().authEnabled, false);
    assert.equal((await t.app.inject({ url: '/api/v1/audit' })).statusCode, 200);
  });
});
