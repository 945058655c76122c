import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, beforeEach, describe, it } from 'node:test';
import { AuditLog, localPrincipal } from '../../auth/index.js';
import { isLatheError } from '../../core/index.js';
import { type DeliveryReport, signPayload, type WebhookEvent, Webhooks } from '../../registry/index.js';
import { type MetaStore, openMetaStore } from '../../storage/meta/index.js';
import type { Measurement, MonitorSource } from './monitor-evaluator.js';
import { MonitorService } from './monitor-service.js';
import type { MonitorSpec } from './monitor-spec.js';

const MIN = 60_000;
const T0 = Date.UTC(2026, 10, 24, 12, 0, 0);

/** A source answering whatever the test set for each monitor, recording each call. */
class FakeSource implements MonitorSource {
  values = new Map<string, Measurement | Error>();
  calls: { name: string; now: number }[] = [];
  onMeasure: (() => void) | null = null;
  async measure(spec: MonitorSpec, now: number): Promise<Measurement> {
    this.calls.push({ name: spec.name, now });
    this.onMeasure?.();
    const v = this.values.get(spec.name) ?? { value: null, samples: 0 };
    if (v instanceof Error) throw v;
    return v;
  }
}

const accuracy = {
  name: 'churn-accuracy',
  model: 'churn',
  kind: 'performance',
  metric: 'accuracy',
  window: '1d',
  warning: 0.85,
  critical: 0.8,
  degrade: 'churn',
};

describe('MonitorService', () => {
  let dir: string;
  let meta: MetaStore;
  let now = T0;
  let source: FakeSource;
  let events: { event: WebhookEvent; data: Record<string, unknown> }[];
  let degraded: [string, boolean, string][];
  let monitors: MonitorService;

  before(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'lathe-monitors-'));
    meta = await openMetaStore(`sqlite:${path.join(dir, 'lathe.db')}`);
  });
  beforeEach(async () => {
    for (const t of ['monitors', 'monitor_evaluations', 'alerts', 'webhooks'] as const)
      await meta.db.deleteFrom(t).execute();
    now = T0;
    source = new FakeSource();
    events = [];
    degraded = [];
    monitors = new MonitorService({
      meta,
      audit: new AuditLog(meta),
      webhooks: { emit: (event, data) => events.push({ event, data }) },
      source,
      degrade: async (d, on, reason) => {
        degraded.push([d, on, reason]);
      },
      clock: { now: () => now },
    });
  });
  after(async () => {
    await meta.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('applies specs all or nothing, audited, and tells created, updated and unchanged apart', async () => {
    await assert.rejects(
      monitors.apply([accuracy, { ...accuracy, name: 'bad', critical: 'low' }], localPrincipal),
      (err: unknown) =>
        isLatheError(err) &&
        err.code === 'INVALID_ARGUMENT' &&
        /monitors\[1\] \(bad\): critical/.test(err.message),
    );
    assert.deepEqual(await monitors.list(), [], 'nothing stored when one spec is bad');
    const yaml =
      'monitors:\n  - name: volume\n    model: churn\n    kind: volume\n    window: 1h\n    critical: 10\n';
    assert.deepEqual((await monitors.apply(yaml, localPrincipal)).monitors, [
      { name: 'volume', action: 'created' },
    ]);
    assert.deepEqual(
      (
        await monitors.apply(
          [accuracy, { name: 'volume', model: 'churn', kind: 'volume', window: '1h', critical: 10 }],
          localPrincipal,
        )
      ).monitors,
      [
        { name: 'churn-accuracy', action: 'created' },
        { name: 'volume', action: 'unchanged' },
      ],
    );
    assert.deepEqual((await monitors.apply({ ...accuracy, critical: 0.75 }, localPrincipal)).monitors, [
      { name: 'churn-accuracy', action: 'updated' },
    ]);
    const m = await monitors.get('churn-accuracy');
    assert.equal(m.spec.critical, 0.75);
    assert.equal(m.state, 'no_data');
    assert.equal(m.evaluatedAt, null);
    assert.equal(m.updatedBy, 'local');
    const audit = await meta.db
      .selectFrom('audit_log')
      .select('action')
      .where('object_type', '=', 'monitor')
      .execute();
    assert.deepEqual(audit.map((a) => a.action).sort(), [
      'monitor.create',
      'monitor.create',
      'monitor.update',
    ]);
    await assert.rejects(
      monitors.get('nope'),
      (err: unknown) =>
        isLatheError(err) && err.code === 'NOT_FOUND' && /churn-accuracy, volume/.test(err.message),
    );
  });

  it('walks ok → warning → firing → firing → ok with one alert, events on transitions and degrade on/off', async () => {
    await monitors.apply(accuracy, null);
    source.values.set('churn-accuracy', { value: 0.91, samples: 1234 });
    let r = await monitors.evaluate('churn-accuracy');
    assert.equal(r.state, 'ok');
    assert.equal(
      r.evaluation.message,
      'accuracy 0.91 >= warning 0.85 over 1,234 labelled rows in the last 1d',
    );
    assert.equal(r.alert, null);
    assert.equal(events.length, 0);

    now += 15 * MIN;
    source.values.set('churn-accuracy', { value: 0.83, samples: 1300 });
    r = await monitors.evaluate('churn-accuracy');
    assert.equal(r.state, 'warning');
    const alertId = r.alert?.id;
    assert.ok(alertId);
    assert.deepEqual(
      events.map((e) => e.event),
      ['monitor.warning'],
    );

    now += 15 * MIN;
    source.values.set('churn-accuracy', { value: 0.74, samples: 1234 });
    r = await monitors.evaluate('churn-accuracy');
    assert.equal(r.state, 'firing');
    assert.equal(r.previous, 'warning');
    assert.equal(
      r.evaluation.message,
      'accuracy 0.74 < critical 0.8 over 1,234 labelled rows in the last 1d',
    );
    assert.equal(r.alert?.id, alertId, 'escalated in place, not a second alert');
    assert.equal(r.alert?.severity, 'firing');
    assert.equal(r.alert?.evaluations, 2);
    assert.deepEqual(events[1], {
      event: 'monitor.firing',
      data: {
        monitor: 'churn-accuracy',
        model: 'churn',
        state: 'firing',
        previous: 'warning',
        value: 0.74,
        threshold: 0.8,
        message: 'accuracy 0.74 < critical 0.8 over 1,234 labelled rows in the last 1d',
        alertId,
        at: new Date(now).toISOString(),
      },
    });
    assert.deepEqual(
      degraded.map(([d, on]) => [d, on]),
      [['churn', true]],
    );

    now += 15 * MIN;
    r = await monitors.evaluate('churn-accuracy');
    assert.equal(r.event, null, 'staying firing emits nothing');
    assert.equal(r.alert?.evaluations, 3);
    assert.equal(events.length, 2);
    assert.equal(degraded.length, 1);
    assert.equal((await monitors.alerts()).length, 1);

    now += 15 * MIN;
    source.values.set('churn-accuracy', { value: 0.9, samples: 2000 });
    r = await monitors.evaluate('churn-accuracy');
    assert.equal(r.state, 'ok');
    assert.equal(r.event, 'monitor.resolved');
    assert.equal(r.alert?.state, 'resolved');
    assert.equal(r.alert?.resolvedAt, new Date(now).toISOString());
    assert.equal(events[2]?.data.alertId, alertId);
    assert.deepEqual(
      degraded.map(([d, on]) => [d, on]),
      [
        ['churn', true],
        ['churn', false],
      ],
    );
    const history = await monitors.history('churn-accuracy');
    assert.deepEqual(
      history.map((h) => h.state),
      ['ok', 'firing', 'firing', 'warning', 'ok'],
      'newest first',
    );
    assert.equal((await monitors.history('churn-accuracy', 2)).length, 2);
    const m = await monitors.get('churn-accuracy');
    assert.equal(m.state, 'ok');
    assert.equal(m.alert, null);
    assert.equal(m.changedAt, new Date(now).toISOString());
  });

  it('gives no_data for too few rows, no value or a failing source, and never fires then', async () => {
    await monitors.apply({ ...accuracy, degrade: undefined }, null);
    source.values.set('churn-accuracy', { value: 0.1, samples: 12 });
    let r = await monitors.evaluate('churn-accuracy');
    assert.equal(r.state, 'no_data');
    assert.equal(r.evaluation.message, 'only 12 labelled rows in the last 1d; 100 needed (minSamples)');
    source.values.set('churn-accuracy', {
      value: null,
      samples: 500,
      details: { reason: 'no actuals joined' },
    });
    r = await monitors.evaluate('churn-accuracy');
    assert.equal(r.state, 'no_data');
    assert.match(
      r.evaluation.message,
      /has no value over 500 labelled rows in the last 1d: no actuals joined/,
    );
    source.values.set('churn-accuracy', new Error('unknown model churn'));
    r = await monitors.evaluate('churn-accuracy');
    assert.equal(r.state, 'no_data');
    assert.equal(r.evaluation.message, 'could not measure accuracy: unknown model churn');
    assert.deepEqual(await monitors.alerts(), []);
    assert.equal(events.length, 0);
  });

  it('describes drift against its baseline and fires above the threshold', async () => {
    await monitors.apply(
      {
        name: 'age-psi',
        model: 'churn',
        kind: 'drift',
        metric: 'psi',
        feature: 'age',
        window: '7d',
        critical: 0.25,
        where: { region: 'eu' },
      },
      null,
    );
    source.values.set('age-psi', { value: 0.3141, samples: 5000 });
    const r = await monitors.evaluate('age-psi');
    assert.equal(r.state, 'firing');
    assert.equal(
      r.evaluation.message,
      'psi of age 0.3141 > critical 0.25 over 5,000 rows in the last 7d where region=eu against training',
    );
  });

  it('evaluates due monitors only, each at its own interval', async () => {
    await monitors.apply([accuracy, { ...accuracy, name: 'hourly', every: '1h' }], null);
    assert.equal((await monitors.evaluateDue()).length, 2, 'never evaluated: due');
    now += 10 * MIN;
    assert.deepEqual(await monitors.evaluateDue(), []);
    now += 5 * MIN;
    assert.deepEqual(
      (await monitors.evaluateDue()).map((r) => r.monitor),
      ['churn-accuracy'],
    );
    now += 45 * MIN;
    assert.deepEqual(
      (await monitors.evaluateDue()).map((r) => r.monitor),
      ['churn-accuracy', 'hourly'],
    );
    assert.equal((await monitors.evaluateAll()).length, 2);
  });

  it('runs the scheduler until closed', async () => {
    const ticking = new MonitorService({
      meta,
      audit: new AuditLog(meta),
      webhooks: { emit: () => {} },
      source,
      clock: { now: () => now },
      tickMs: 5,
    });
    await ticking.apply(accuracy, null);
    const measured = new Promise<void>((resolve) => {
      source.onMeasure = resolve;
    });
    // The scheduler's timer is unref'd: something must keep the test's event loop alive meanwhile.
    const alive = setInterval(() => {}, 1000);
    ticking.start();
    await measured;
    clearInterval(alive);
    await ticking.close();
    source.onMeasure = null;
    assert.equal(source.calls[0]?.name, 'churn-accuracy');
    assert.equal(source.calls[0]?.now, now);
  });

  it('lists alerts by state, acknowledges them (audited) and resolves them when a monitor is deleted', async () => {
    await monitors.apply(accuracy, null);
    source.values.set('churn-accuracy', { value: 0.5, samples: 1000 });
    const { alert } = await monitors.evaluate('churn-accuracy');
    assert.ok(alert);
    assert.equal((await monitors.alerts({ state: 'open' })).length, 1);
    assert.equal((await monitors.alerts({ state: 'resolved' })).length, 0);
    const acked = await monitors.acknowledge(alert.id, localPrincipal);
    assert.equal(acked.acknowledgedBy, 'local');
    assert.equal(acked.state, 'open', 'acknowledging does not resolve');
    now += MIN;
    assert.equal((await monitors.acknowledge(alert.id, null)).acknowledgedAt, acked.acknowledgedAt);
    await assert.rejects(
      monitors.acknowledge('alr_nope', null),
      (err: unknown) => isLatheError(err) && err.code === 'NOT_FOUND',
    );
    await assert.rejects(monitors.alerts({ state: 'closed' }), /open or resolved/);
    await monitors.delete('churn-accuracy', localPrincipal);
    assert.deepEqual(degraded.at(-1)?.slice(0, 2), ['churn', false], 'the deployment is cleared');
    const [gone] = await monitors.alerts();
    assert.equal(gone?.state, 'resolved');
    assert.deepEqual(await monitors.list(), []);
    await assert.rejects(
      monitors.delete('churn-accuracy', null),
      (err: unknown) => isLatheError(err) && err.code === 'NOT_FOUND',
    );
  });

  it('hands the degraded mark over when a firing monitor is re-applied with another deployment', async () => {
    await monitors.apply(accuracy, null);
    source.values.set('churn-accuracy', { value: 0.5, samples: 1000 });
    await monitors.evaluate('churn-accuracy');
    await monitors.apply({ ...accuracy, degrade: 'churn-v2' }, null);
    assert.deepEqual(
      degraded.map(([d, on]) => [d, on]),
      [
        ['churn', true],
        ['churn', false],
        ['churn-v2', true],
      ],
    );
    const r = await monitors.evaluate('churn-accuracy');
    assert.equal(r.alert?.message, 'accuracy 0.5 < critical 0.8 over 1,000 labelled rows in the last 1d');
    source.values.set('churn-accuracy', { value: 0.99, samples: 1000 });
    const resolved = await monitors.evaluate('churn-accuracy');
    assert.equal(resolved.alert?.state, 'resolved');
    assert.match(resolved.alert?.message ?? '', /accuracy 0\.5 < critical/, 'the alert keeps what was wrong');
    assert.deepEqual(degraded.at(-1)?.slice(0, 2), ['churn-v2', false]);
  });

  describe('with a webhook receiver', () => {
    let server: Server;
    let url: string;
    let received: { headers: IncomingHttpHeaders; body: string }[] = [];
    let failuresLeft = 0;

    before(async () => {
      server = createServer((req, res) => {
        let body = '';
        req.on('data', (c: Buffer) => {
          body += c.toString('utf8');
        });
        req.on('end', () => {
          received.push({ headers: req.headers, body });
          res.statusCode = failuresLeft-- > 0 ? 503 : 200;
          res.end();
        });
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/alerts`;
    });
    after(async () => {
      await new Promise((r) => server.close(r));
    });

    it('delivers a signed monitor.firing event, retrying a failing receiver', async () => {
      const reports: DeliveryReport[] = [];
      const webhooks = new Webhooks(meta, new AuditLog(meta), {
        backoffMs: 5,
        onDelivery: (r) => reports.push(r),
      });
      const { secret } = await webhooks.create({ url, events: ['monitor.firing', 'monitor.resolved'] }, null);
      const svc = new MonitorService({
        meta,
        audit: new AuditLog(meta),
        webhooks,
        source,
        clock: { now: () => now },
      });
      await svc.apply({ ...accuracy, warning: undefined, degrade: undefined }, null);
      received = [];
      failuresLeft = 1;
      source.values.set('churn-accuracy', { value: 0.7, samples: 400 });
      const r = await svc.evaluate('churn-accuracy');
      await webhooks.idle();
      assert.equal(received.length, 2, 'the first attempt got a 503 and was retried');
      const [first, second] = received as [(typeof received)[0], (typeof received)[0]];
      assert.equal(first.headers['x-lathe-delivery'], second.headers['x-lathe-delivery']);
      assert.equal(second.headers['x-lathe-signature'], signPayload(secret, second.body));
      assert.equal(second.headers['x-lathe-event'], 'monitor.firing');
      const body = JSON.parse(second.body);
      assert.equal(body.event, 'monitor.firing');
      assert.equal(body.data.monitor, 'churn-accuracy');
      assert.equal(body.data.alertId, r.alert?.id);
      assert.equal(body.data.value, 0.7);
      assert.deepEqual(
        reports.map((x) => [x.ok, x.attempts]),
        [[true, 2]],
      );
      source.values.set('churn-accuracy', { value: 0.95, samples: 400 });
      await svc.evaluate('churn-accuracy');
      await webhooks.idle();
      assert.equal(JSON.parse(received.at(-1)?.body ?? '{}').event, 'monitor.resolved');
      webhooks.close();
    });
  });
});
