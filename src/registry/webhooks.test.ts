import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, beforeEach, describe, it } from 'node:test';
import { AuditLog, localPrincipal, type Principal } from '../auth/index.js';
import { isLatheError } from '../core/index.js';
import { openBlobStore } from '../storage/blobs/index.js';
import { type MetaStore, openMetaStore } from '../storage/meta/index.js';
import { TrackingService } from '../tracking/index.js';
import { type DeliveryReport, RegistryService, signPayload, Webhooks } from './index.js';

interface Received {
  headers: IncomingHttpHeaders;
  body: string;
}

describe('Webhooks', () => {
  let dir: string;
  let meta: MetaStore;
  let server: Server;
  let url: string;
  let received: Received[] = [];
  let failuresLeft = 0;
  let reports: DeliveryReport[] = [];

  before(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'lathe-webhooks-'));
    meta = await openMetaStore(`sqlite:${path.join(dir, 'lathe.db')}`);
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => {
        body += c.toString('utf8');
      });
      req.on('end', () => {
        received.push({ headers: req.headers, body });
        if (failuresLeft > 0) {
          failuresLeft--;
          res.statusCode = 500;
        }
        res.end('ok');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  });
  beforeEach(async () => {
    received = [];
    reports = [];
    failuresLeft = 0;
    await meta.db.deleteFrom('webhooks').execute();
  });
  after(async () => {
    await new Promise((r) => server.close(r));
    await meta.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const hooks = () =>
    new Webhooks(meta, new AuditLog(meta), { backoffMs: 5, onDelivery: (r) => reports.push(r) });

  it('signs each delivery with HMAC-SHA256 of the raw body and names event and delivery', async () => {
    const w = hooks();
    const { webhook, secret } = await w.create(
      {
        url,
        events: ['model_version.created'],
        secret: 's3cret-key',
      },
      null,
    );
    assert.equal(secret, 's3cret-key');
    assert.deepEqual(webhook.events, ['model_version.created']);
    assert.equal(JSON.stringify(await w.list()).includes('s3cret-key'), false, 'list never shows the secret');
    w.emit('model_version.created', { name: 'm', version: '1' });
    w.emit('registered_model.created', { name: 'not subscribed' });
    await w.idle();
    assert.equal(received.length, 1);
    const [got] = received as [Received];
    const expected = `sha256=${createHmac('sha256', 's3cret-key').update(got.body).digest('hex')}`;
    assert.equal(got.headers['x-lathe-signature'], expected);
    assert.equal(signPayload('s3cret-key', got.body), expected);
    assert.equal(got.headers['x-lathe-event'], 'model_version.created');
    assert.equal(got.headers['content-type'], 'application/json');
    const body = JSON.parse(got.body);
    assert.equal(body.event, 'model_version.created');
    assert.equal(body.delivery_id, got.headers['x-lathe-delivery']);
    assert.deepEqual(body.data, { name: 'm', version: '1' });
  });

  it('retries after a 500 with the same delivery ID and gives up after 3 attempts', async () => {
    const w = hooks();
    await w.create({ url, events: ['model_version.alias_set'] }, null);
    failuresLeft = 1;
    w.emit('model_version.alias_set', { name: 'm', alias: 'a', version: '1' });
    await w.idle();
    assert.equal(received.length, 2);
    assert.equal(received[0]!.headers['x-lathe-delivery'], received[1]!.headers['x-lathe-delivery']);
    assert.deepEqual(
      reports.map((r) => [r.ok, r.attempts, r.status]),
      [[true, 2, 200]],
    );
    received = [];
    reports = [];
    failuresLeft = 5;
    w.emit('model_version.alias_set', { name: 'm', alias: 'a', version: '1' });
    await w.idle();
    assert.equal(received.length, 3);
    assert.deepEqual(
      reports.map((r) => [r.ok, r.attempts, r.status]),
      [[false, 3, 500]],
    );
  });

  it('never throws into the caller when the receiver is down', async () => {
    const w = hooks();
    await w.create({ url: 'http://127.0.0.1:1/closed', events: ['registered_model.created'] }, null);
    assert.doesNotThrow(() => w.emit('registered_model.created', { name: 'x' }));
    await w.idle();
    assert.equal(reports.length, 1);
    assert.equal(reports[0]!.ok, false);
    assert.equal(reports[0]!.attempts, 3);
  });

  it('records who created, paused and deleted a subscription in the audit log, never its secret', async () => {
    const w = hooks();
    const actor: Principal = {
      userId: 'u_admin',
      userName: 'ops',
      role: 'admin',
      tokenId: null,
      permissions: [],
    };
    const { webhook } = await w.create(
      { url, events: ['model_version.created'], secret: 'top-secret-value' },
      actor,
    );
    await w.setActive(webhook.id, false, actor);
    await w.delete(webhook.id, actor);
    const { events } = await new AuditLog(meta).list({ objectType: 'webhook', objectId: webhook.id });
    assert.deepEqual(
      events.map((e) => e.action),
      ['webhook.delete', 'webhook.pause', 'webhook.create'],
    );
    assert.ok(events.every((e) => e.actorName === 'ops'));
    assert.deepEqual(events[2]!.details, { name: url, url, events: ['model_version.created'] });
    assert.doesNotMatch(JSON.stringify(events), /top-secret-value/);
    // A failed change is not recorded.
    await assert.rejects(w.delete(webhook.id, actor), /no webhook/);
    assert.equal(
      (await new AuditLog(meta).list({ objectType: 'webhook', objectId: webhook.id })).events.length,
      3,
    );
  });

  it('accepts only http(s) URLs and known events', async () => {
    const w = hooks();
    for (const bad of ['file:///etc/passwd', 'ftp://x/y', 'not a url']) {
      await assert.rejects(w.create({ url: bad, events: ['model_version.created'] }, null), (e: unknown) => {
        return isLatheError(e) && e.code === 'INVALID_ARGUMENT' && /http/.test(e.message);
      });
    }
    await assert.rejects(w.create({ url, events: ['model.exploded'] }, null), /unknown webhook event/);
    await assert.rejects(w.create({ url, events: [] }, null), /non-empty/);
  });

  it('fires after registry writes without delaying them', async () => {
    const audit = new AuditLog(meta);
    const reg = new RegistryService(
      meta,
      audit,
      new TrackingService(
        meta,
        await openBlobStore(`file:${mkdtempSync(path.join(tmpdir(), 'lathe-wh-blobs-'))}`),
        audit,
      ),
      {
        webhookOptions: { backoffMs: 5 },
      },
    );
    await reg.webhooks.create(
      {
        url,
        events: [
          'registered_model.created',
          'model_version.created',
          'model_version.alias_set',
          'model_version.alias_deleted',
          'model_version.stage_transitioned',
        ],
      },
      null,
    );
    await reg.models.create({ name: 'hooked' }, localPrincipal);
    await reg.versions.create({ name: 'hooked', source: 's3://m' }, localPrincipal);
    await reg.models.setAlias('hooked', 'champion', 1, localPrincipal);
    await reg.versions.transitionStage('hooked', 1, 'Staging', false, localPrincipal);
    await reg.models.deleteAlias('hooked', 'champion', localPrincipal);
    await reg.webhooks.idle();
    const events = received.map((r) => r.headers['x-lathe-event']).sort();
    assert.deepEqual(events, [
      'model_version.alias_deleted',
      'model_version.alias_set',
      'model_version.created',
      'model_version.stage_transitioned',
      'registered_model.created',
    ]);
    const transition = received.find(
      (r) => r.headers['x-lathe-event'] === 'model_version.stage_transitioned',
    )!;
    assert.deepEqual(JSON.parse(transition.body).data, {
      name: 'hooked',
      version: '1',
      from_stage: 'None',
      to_stage: 'Staging',
      archived_versions: [],
    });
  });
});
