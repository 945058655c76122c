import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { AuditLog, AuthService } from '../../../auth/index.js';
import { blobStoreUri, loadConfig, metaStoreUri } from '../../../core/index.js';
import type { Measurement } from '../../../monitoring/index.js';
import { MonitorService } from '../../../monitoring/index.js';
import { type BlobStore, openBlobStore } from '../../../storage/blobs/index.js';
import { type MetaStore, openMetaStore } from '../../../storage/meta/index.js';
import { createCoreApp, type LatheApp } from '../../app.js';
import { monitorRoutes } from './monitor-routes.js';

const yaml = `monitors:
  - name: churn-accuracy
    model: churn
    kind: performance
    metric: accuracy
    window: 1d
    critical: 0.8
  - name: churn-volume
    model: churn
    kind: volume
    window: 1h
    critical: 10
`;

describe('monitor routes', () => {
  let dir: string;
  let meta: MetaStore;
  let blobs: BlobStore;
  let app: LatheApp;
  let admin: Record<string, string>;
  let measurement: Measurement = { value: 0.7, samples: 500 };

  before(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'lathe-monitor-routes-'));
    const { config } = loadConfig({ env: {}, cwd: dir, flags: { dataDir: dir } });
    meta = await openMetaStore(metaStoreUri(config));
    blobs = await openBlobStore(blobStoreUri(config));
    const auth = new AuthService(meta);
    const token = (await auth.bootstrapAdmin())?.secret;
    admin = { authorization: `Bearer ${token}` };
    ({ app } = await createCoreApp({ config, meta, blobs, auth }));
    const monitors = new MonitorService({
      meta,
      audit: new AuditLog(meta),
      webhooks: { emit: () => {} },
      source: { measure: async () => measurement },
    });
    await app.register(monitorRoutes, { monitors });
    await app.ready();
  });
  after(async () => {
    await app.close();
    await blobs.close();
    await meta.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const call = async (
    method: 'GET' | 'POST' | 'PUT' | 'DELETE',
    url: string,
    payload?: unknown,
    headers = admin,
  ) => {
    const res = await app.inject({
      method,
      url,
      headers: typeof payload === 'string' ? { ...headers, 'content-type': 'application/yaml' } : headers,
      ...(payload !== undefined ? { payload: payload as object } : {}),
    });
    return { status: res.statusCode, body: res.body ? res.json() : null };
  };

  it('applies YAML and JSON specs, refusing a bad list whole', async () => {
    const bad = await call('POST', '/api/v1/monitors', [{ name: 'x' }]);
    assert.equal(bad.status, 400);
    assert.equal(bad.body.error.code, 'INVALID_ARGUMENT');
    assert.match(bad.body.error.message, /model/);
    const created = await call('PUT', '/api/v1/monitors', yaml);
    assert.equal(created.status, 201, JSON.stringify(created.body));
    assert.deepEqual(created.body.monitors, [
      { name: 'churn-accuracy', action: 'created' },
      { name: 'churn-volume', action: 'created' },
    ]);
    const again = await call('POST', '/api/v1/monitors', yaml);
    assert.equal(again.status, 200);
    const list = await call('GET', '/api/v1/monitors');
    assert.deepEqual(
      list.body.monitors.map((m: { name: string; state: string }) => [m.name, m.state]),
      [
        ['churn-accuracy', 'no_data'],
        ['churn-volume', 'no_data'],
      ],
    );
    const unauth = await call('POST', '/api/v1/monitors', yaml, {});
    assert.equal(unauth.status, 401);
  });

  it('evaluates, shows history and the alerts inbox, acknowledges and deletes', async () => {
    const r = await call('POST', '/api/v1/monitors/churn-accuracy/evaluate');
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.equal(r.body.state, 'firing');
    assert.match(r.body.evaluation.message, /accuracy 0\.7 < critical 0\.8 over 500 labelled rows/);
    const all = await call('POST', '/api/v1/monitors/evaluate');
    assert.equal(all.body.results.length, 2);
    const shown = await call('GET', '/api/v1/monitors/churn-accuracy');
    assert.equal(shown.body.state, 'firing');
    assert.equal(shown.body.alert.evaluations, 2);
    const history = await call('GET', '/api/v1/monitors/churn-accuracy/history?limit=1');
    assert.equal(history.body.evaluations.length, 1);
    assert.equal((await call('GET', '/api/v1/alerts?state=open')).body.alerts.length, 2);
    const open = await call('GET', '/api/v1/alerts?state=open&monitor=churn-accuracy');
    assert.equal(open.body.alerts.length, 1);
    const id = open.body.alerts[0].id;
    assert.equal((await call('GET', `/api/v1/alerts/${id}`)).body.monitor, 'churn-accuracy');
    const acked = await call('POST', `/api/v1/alerts/${id}/acknowledge`);
    assert.equal(acked.status, 200);
    assert.ok(acked.body.acknowledgedAt);
    assert.equal((await call('GET', '/api/v1/alerts?state=closed')).status, 400);
    assert.equal((await call('GET', '/api/v1/alerts/alr_nope')).status, 404);
    assert.equal((await call('DELETE', '/api/v1/monitors/churn-accuracy')).status, 204);
    const gone = await call('GET', '/api/v1/monitors/churn-accuracy');
    assert.equal(gone.status, 404);
    assert.match(gone.body.error.message, /churn-volume/);
    measurement = { value: null, samples: 0 };
  });
});
