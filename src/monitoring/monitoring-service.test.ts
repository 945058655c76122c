import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { openTestData, type TestData } from '../data/data-fixture.js';
import { SeededRandom } from '../ml/index.js';
import { ks2Samp, wasserstein1 } from '../stats/index.js';
import { MonitoringService } from './monitoring-service.js';

const DAY = 86_400_000;
const NOW = Date.parse('2026-06-15T12:00:00Z');

/** A churn-like record: `age` shifts by +15 when `shifted`; region eu answers wrongly when `broken`. */
function record(
  i: number,
  rnd: SeededRandom,
  o: { env?: string; ts?: number; shifted?: boolean; version?: string } = {},
) {
  const region = ['eu', 'us', 'apac'][i % 3]!;
  const age = 30 + rnd.normal() * 8 + (o.shifted ? 15 : 0);
  const score = 1 / (1 + Math.exp(-(age - 35) / 5));
  return {
    predictionId: `${o.env ?? 'production'}-${o.version ?? '1'}-${i}`,
    model: 'churn',
    modelVersion: o.version ?? '1',
    environment: o.env ?? 'production',
    timestamp: o.ts ?? NOW - 3_600_000,
    features: { age, plan: i % 4 === 0 ? 'pro' : 'basic', region, active: i % 2 === 0 },
    prediction: score > 0.5 ? 'yes' : 'no',
    probabilities: { no: 1 - score, yes: score },
    latencyMs: 2 + (i % 5),
    tags: { region },
  };
}

describe('monitoring: the inference store, actuals, drift and performance', () => {
  let t: TestData;
  let m: MonitoringService;
  const dir = () => path.join(t.dir, 'monitoring');
  const prodRnd = new SeededRandom(2);
  // Production: the last day; region eu's answers turn wrong below, age drifts upward.
  const prod = Array.from({ length: 900 }, (_, i) =>
    record(i, prodRnd, { shifted: i % 3 === 0, ts: NOW - DAY + i * 60_000 }),
  );
  const open = () => MonitoringService.open(t.meta, t.blobs, { dir: dir(), compactMs: 0, now: () => NOW });

  before(async () => {
    t = await openTestData();
    m = await open();
  });
  after(async () => {
    await m.close();
    await t.close();
  });

  it('stores valid records and refuses bad ones one by one, saying why', async () => {
    const rnd = new SeededRandom(1);
    const good = Array.from({ length: 600 }, (_, i) =>
      record(i, rnd, { env: 'training', ts: NOW - 30 * DAY }),
    );
    const res = await m.logPredictions([
      ...good,
      {
        ...record(1, rnd),
        predictionId: 'bad-1',
        features: { age: 'forty', plan: 'pro', region: 'eu', active: true },
      },
      {
        ...record(2, rnd),
        predictionId: 'bad-2',
        modelVersion: '1',
        environment: 'training',
        features: { age: 3, height: 180 },
      },
      { ...record(3, rnd), predictionId: 'bad-3', timestamp: NOW + 3 * DAY },
      { predictionId: 'bad-4', model: 'churn', features: { age: 1 } },
      'not a record',
    ]);
    assert.equal(res.accepted, 600);
    assert.equal(res.rejected, 5);
    assert.deepEqual(
      res.errors.map((e) => e.index),
      [600, 601, 602, 603, 604],
    );
    assert.match(res.errors[0]!.error, /features\.age must be a number.*got the string "forty"/);
    assert.match(res.errors[1]!.error, /unknown feature "height"/);
    assert.match(res.errors[2]!.error, /more than a day in the future/);
    assert.match(res.errors[3]!.error, /prediction is required/);
    assert.match(res.errors[4]!.error, /must be an object/);
    const model = await m.catalog.get('churn');
    assert.deepEqual(
      model.features.map((f) => `${f.name}:${f.kind}`),
      ['age:numeric', 'plan:categorical', 'region:categorical', 'active:boolean'],
    );
    assert.equal(model.task, 'classification');
    assert.deepEqual(model.classes.sort(), ['no', 'yes']);
  });

  it('answers queries from the write-ahead buffer at once, and the same after compaction and a restart', async () => {
    const rnd = new SeededRandom(5);
    assert.equal((await m.logPredictions(prod)).accepted, 900);
    const before = await m.status('churn');
    assert.deepEqual(
      before.environments.map((e) => [e.environment, e.rows]),
      [
        ['production', 900],
        ['training', 600],
      ],
    );
    await m.compact(true);
    assert.equal(readdirSync(path.join(dir(), 'wal', (await m.catalog.get('churn')).key)).length, 0);
    const after = await m.status('churn');
    assert.deepEqual(after.environments, before.environments);
    // Records acknowledged after the compaction survive a process that never closes.
    await m.logPredictions([record(5000, rnd)]);
    const again = await open();
    try {
      const s = await again.status('churn');
      assert.equal(s.environments.find((e) => e.environment === 'production')!.rows, 901);
    } finally {
      await again.close();
    }
  });

  it('joins actuals by ID: unknown IDs and duplicates are counted, the last actual wins', async () => {
    const actuals = prod.map((r, i) => ({
      predictionId: r.predictionId,
      // Right everywhere except region eu (i % 3 === 0), where the opposite happens.
      actual: i % 3 === 0 ? (r.prediction === 'yes' ? 'no' : 'yes') : r.prediction,
    }));
    const res = await m.logActuals([
      ...actuals,
      { predictionId: 'never-logged', actual: 'yes' },
      { actual: 'yes' },
    ]);
    assert.equal(res.accepted, 901);
    assert.equal(res.matched, 900);
    assert.equal(res.unknown, 1);
    assert.deepEqual(res.unknownIds, ['never-logged']);
    assert.equal(res.rejected, 1);
    assert.match(res.errors[0]!.error, /predictionId must be a non-empty string/);
    const perf = await m.performance('churn', { environment: 'production' }, { by: 'region' });
    assert.equal(perf.overall.labeled, 900);
    const eu = perf.groups.find((g) => g.key === 'eu')!;
    const us = perf.groups.find((g) => g.key === 'us')!;
    assert.equal(eu.metrics.accuracy, 0);
    assert.equal(us.metrics.accuracy, 1);
    assert.ok(perf.overall.metrics.roc_auc !== undefined);
    // A second actual for the same prediction replaces the first.
    const fix = await m.logActuals([{ predictionId: prod[0]!.predictionId, actual: prod[0]!.prediction }]);
    assert.equal(fix.duplicates, 1);
    const again = await m.performance('churn', { environment: 'production', where: { region: 'eu' } });
    assert.equal(again.overall.metrics.accuracy, 1 / 300);
    const found = await m.prediction(prod[0]!.predictionId);
    assert.equal(found.actual, prod[0]!.prediction);
    assert.equal(found.features.region, 'eu');
    assert.equal(found.tags.region, 'eu');
  });

  it('finds the drifted feature between training and production, and not the stable ones', async () => {
    const report = await m.drift('churn', {
      baseline: { environment: 'training' },
      current: { environment: 'production' },
    });
    assert.equal(report.baseline.rows, 600);
    assert.equal(report.current.rows, 901);
    const age = report.features.find((f) => f.feature === 'age')!;
    assert.equal(age.drifted, true, JSON.stringify(age.statistics));
    assert.ok(age.histogram && age.histogram.edges.length > 2);
    for (const name of ['plan', 'region', 'active'])
      assert.equal(report.features.find((f) => f.feature === name)!.drifted, false, name);
    assert.deepEqual(report.drifted, ['age']);
    assert.equal(report.driftShare, 0.25);
    assert.equal(report.prediction?.kind, 'categorical');
    await assert.rejects(
      m.drift('churn', { baseline: { environment: 'training', where: { colour: 'red' } }, current: {} }),
      /no such tag or feature; tags: region/,
    );
    await assert.rejects(
      m.drift('nope', { baseline: {}, current: {} }),
      /no monitored model named "nope"; monitored models: churn/,
    );
  });

  it('thins old records to a share, then drops them past the retention', async () => {
    await m.compact(true);
    const rows = async (env: string) =>
      (await m.status('churn')).environments.find((e) => e.environment === env)?.rows ?? 0;
    assert.equal(await rows('training'), 600);
    const thinned = await m.setRetention('churn', null, { afterDays: 7, keep: 0.5 });
    assert.ok(thinned.thinned > 200 && thinned.thinned < 400, `thinned ${thinned.thinned}`);
    assert.equal(await rows('training'), 600 - thinned.thinned);
    assert.equal(await rows('production'), 901, 'recent records are whole');
    // Thinned once: applying again removes nothing more.
    assert.deepEqual(await m.applyRetention(), { churn: { dropped: 0, thinned: 0 } });
    await assert.rejects(
      m.setRetention('churn', 5, { afterDays: 7, keep: 0.5 }),
      /downsample.afterDays \(7\) must be less than days \(5\)/,
    );
    await assert.rejects(
      m.setRetention('churn', 20, { afterDays: 7, keep: 1 }),
      /keep must be a share in \(0, 1\)/,
    );
    const dropped = await m.setRetention('churn', 20);
    assert.equal(dropped.dropped, 600 - thinned.thinned);
    assert.equal(await rows('training'), 0);
    assert.equal(await rows('production'), 901);
  });
});

describe('monitoring: a serving worker and the server sharing one store', () => {
  it("the worker never compacts while serving; the server compacts the worker's files once idle", async () => {
    const t = await openTestData();
    const dir = path.join(t.dir, 'monitoring');
    const worker = await MonitoringService.open(t.meta, t.blobs, {
      dir,
      part: 'w1',
      compactMs: 0,
      segmentMs: 10,
    });
    const server = await MonitoringService.open(t.meta, t.blobs, {
      dir,
      compactMs: 0,
      segmentMs: 10,
      compactOthers: true,
    });
    try {
      const rnd = new SeededRandom(9);
      assert.equal(
        (await worker.logPredictions(Array.from({ length: 50 }, (_, i) => record(i, rnd)))).accepted,
        50,
      );
      const key = (await server.catalog.get('churn')).key;
      const files = () => readdirSync(path.join(dir, 'wal', key));
      assert.equal(files().length, 1);
      await server.compact();
      assert.equal(files().length, 1, 'written just now: left to its writer');
      await new Promise((r) => setTimeout(r, 60));
      await server.compact();
      assert.equal(files().length, 0, 'idle: compacted by the server');
      // The worker's next records go to a new file; nothing is counted twice.
      await worker.logPredictions([record(50, rnd)]);
      const rows = (await server.status('churn')).environments.find(
        (e) => e.environment === 'production',
      )?.rows;
      assert.equal(rows, 51);
    } finally {
      await worker.close();
      await server.close();
      await t.close();
    }
  });
});

describe('monitoring: scheduled compaction', () => {
  it('moves sealed files into segments in the background and keeps every record once', async () => {
    const t = await openTestData();
    const dir = path.join(t.dir, 'monitoring');
    const m = await MonitoringService.open(t.meta, t.blobs, { dir, compactMs: 50, segmentMs: 20 });
    try {
      const rnd = new SeededRandom(4);
      const batch = (from: number) => Array.from({ length: 40 }, (_, i) => record(from + i, rnd));
      assert.equal((await m.logPredictions(batch(0))).accepted, 40);
      assert.equal((await m.logPredictions(batch(40))).accepted, 40);
      const key = (await m.catalog.get('churn')).key;
      const segments = () =>
        t.meta.db.selectFrom('monitoring_segments').select('rows').where('model_key', '=', key).execute();
      const deadline = Date.now() + 30_000;
      while ((await segments()).length === 0 || readdirSync(path.join(dir, 'wal', key)).length > 0) {
        assert.ok(Date.now() < deadline, 'compaction did not run within 30 s');
        await new Promise((r) => setTimeout(r, 50));
      }
      const stored = (await segments()).reduce((n, s) => n + Number(s.rows), 0);
      assert.equal(stored, 80);
      const rows = (await m.status('churn')).environments.find((e) => e.environment === 'production')?.rows;
      assert.equal(rows, 80);
    } finally {
      await m.close();
      await t.close();
    }
  });
});

describe('monitoring: drift of many numeric features', () => {
  it('measures each feature on its own values, whichever group of columns it was read in', async () => {
    const t = await openTestData();
    const m = await MonitoringService.open(t.meta, t.blobs, {
      dir: path.join(t.dir, 'monitoring'),
      compactMs: 0,
      now: () => NOW,
    });
    try {
      const rnd = new SeededRandom(9);
      const features = 9;
      // Feature k shifts by k/4 in production; f3 is missing in every fifth row.
      const side = (env: string, rows: number, shift: number) =>
        Array.from({ length: rows }, (_, i) => ({
          predictionId: `${env}-${i}`,
          model: 'wide',
          modelVersion: '1',
          environment: env,
          timestamp: NOW - DAY + i,
          features: Object.fromEntries(
            Array.from({ length: features }, (_, k) => [
              `f${k}`,
              k === 3 && i % 5 === 0 ? null : rnd.normal() + shift * (k / 4),
            ]),
          ),
          prediction: i % 2,
        }));
      const training = side('training', 300, 0);
      const production = side('production', 400, 1);
      for (const batch of [training, production])
        assert.equal((await m.logPredictions(batch)).accepted, batch.length);
      const report = await m.drift('wide', {
        baseline: { environment: 'training' },
        current: { environment: 'production' },
      });
      const values = (records: typeof training, k: number) =>
        Float64Array.from(records.map((r) => r.features[`f${k}`]).filter((v): v is number => v !== null));
      for (let k = 0; k < features; k++) {
        const f = report.features.find((x) => x.feature === `f${k}`)!;
        const a = values(training, k);
        const b = values(production, k);
        assert.equal(f.rows.baseline, a.length, `f${k} rows`);
        assert.equal(f.statistics!.ks!.statistic, ks2Samp(a, b).statistic, `f${k} KS`);
        assert.equal(f.statistics!.wasserstein, wasserstein1(a, b).statistic, `f${k} Wasserstein`);
      }
      assert.ok(report.drifted.includes('f8') && !report.drifted.includes('f0'), report.drifted.join(', '));
    } finally {
      await m.close();
      await t.close();
    }
  });
});
