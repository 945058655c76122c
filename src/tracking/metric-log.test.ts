import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { AuditLog } from '../auth/index.js';
import { isLatheError } from '../core/index.js';
import { openBlobStore } from '../storage/blobs/index.js';
import type { MetaStore } from '../storage/meta/index.js';
import { searchTargets } from './search/search-fixtures.js';
import { TrackingService } from './tracking-service.js';

// Metric logging and history on SQLite and (when LATHE_TEST_POSTGRES_URI is set) PostgreSQL.
for (const target of searchTargets()) {
  describe(`metric logging and history: ${target.name}`, { skip: target.skip }, () => {
    let store: MetaStore;
    let tracking: TrackingService;
    let blobDir: string;
    before(async () => {
      store = await target.open();
      blobDir = mkdtempSync(path.join(tmpdir(), 'lathe-metrics-'));
      tracking = new TrackingService(store, await openBlobStore(`file:${blobDir}`), new AuditLog(store));
    });
    after(async () => {
      await store?.close();
      await target.cleanup();
      rmSync(blobDir, { recursive: true, force: true });
    });
    const newRun = async () => (await tracking.runs.create({ experimentId: '0' }, null)).info.runId;

    it('answers a history as JSON ordered by step, time and value, every double exact', async () => {
      const runId = await newRun();
      const values = [0.1 + 0.2, 1e-300, 5e-324, 123456789.12345679, -2.5, 1 / 3, Math.PI * 1e20, 7];
      // Logged out of order, in two batches, with a repeated point (stored once).
      const points = values.map((value, i) => ({
        key: 'loss',
        value,
        timestamp: 1000 - i,
        step: (i * 5) % 8,
      }));
      await tracking.runs.logBatch(runId, { metrics: points.slice(4) });
      await tracking.runs.logBatch(runId, { metrics: [...points.slice(0, 4), points[5]!] });
      await tracking.runs.logBatch(runId, {
        metrics: [
          { key: 'loss', value: Number.NaN, timestamp: 5, step: 9 },
          { key: 'loss', value: Number.POSITIVE_INFINITY, timestamp: 6, step: 10 },
        ],
      });
      const json = JSON.parse(await tracking.runs.metricHistoryJson(runId, 'loss'));
      const expected = [...points]
        .sort((a, b) => a.step - b.step || a.timestamp - b.timestamp || a.value - b.value)
        .concat([
          { key: 'loss', value: 'NaN' as unknown as number, timestamp: 5, step: 9 },
          { key: 'loss', value: Number.MAX_VALUE, timestamp: 6, step: 10 },
        ]);
      assert.deepEqual(json, expected);
      // The paged reader agrees point for point.
      const paged = await tracking.runs.metricHistory(runId, 'loss', { maxResults: 100 });
      assert.deepEqual(
        paged.items.map((m) => ({ ...m, value: Number.isNaN(m.value) ? 'NaN' : m.value })),
        expected,
      );
    });

    it('names the key in each point and answers [] for a metric never logged', async () => {
      const runId = await newRun();
      const key = 'eval/acc top-1.v2';
      await tracking.runs.logBatch(runId, { metrics: [{ key, value: 1, timestamp: 1, step: 0 }] });
      assert.deepEqual(JSON.parse(await tracking.runs.metricHistoryJson(runId, key)), [
        { key, value: 1, timestamp: 1, step: 0 },
      ]);
      assert.equal(await tracking.runs.metricHistoryJson(runId, 'never'), '[]');
      await assert.rejects(
        tracking.runs.metricHistoryJson('nosuchrun', key),
        (e) => isLatheError(e) && e.code === 'NOT_FOUND',
      );
    });

    it('keeps every point of many concurrent loggers, and a failing batch stores nothing', async () => {
      const runId = await newRun();
      await tracking.runs.logBatch(runId, { params: [{ key: 'lr', value: '0.1' }] });
      const calls = Array.from({ length: 40 }, (_, i) =>
        tracking.runs.logBatch(runId, {
          metrics: [
            { key: `c${i % 4}`, value: i, timestamp: i, step: i },
            { key: 'shared', value: i, timestamp: i, step: i },
          ],
          // Batch 13 changes a logged param: refused whole, its metrics included.
          params: i === 13 ? [{ key: 'lr', value: '0.2' }] : [],
        }),
      );
      const results = await Promise.allSettled(calls);
      assert.deepEqual(
        results.flatMap((r, i) => (r.status === 'rejected' ? [i] : [])),
        [13],
      );
      assert.match(
        String((results[13] as PromiseRejectedResult).reason),
        /Changing param values is not allowed/,
      );
      const shared = JSON.parse(await tracking.runs.metricHistoryJson(runId, 'shared')) as { step: number }[];
      assert.deepEqual(
        shared.map((p) => p.step),
        Array.from({ length: 40 }, (_, i) => i).filter((i) => i !== 13),
      );
      const c1 = JSON.parse(await tracking.runs.metricHistoryJson(runId, 'c1')) as { step: number }[];
      assert.deepEqual(
        c1.map((p) => p.step),
        [1, 5, 9, 17, 21, 25, 29, 33, 37],
      );
      const run = await tracking.runs.get(runId);
      assert.deepEqual(
        run.data.metrics.find((m) => m.key === 'shared'),
        { key: 'shared', value: 39, timestamp: 39, step: 39 },
      );
    });

    it('picks the same latest point whether points arrive in one batch or several (NaN included)', async () => {
      const points = [
        { key: 'm', value: -5, timestamp: 1, step: 0 },
        { key: 'm', value: Number.NaN, timestamp: 1, step: 0 },
      ];
      const together = await newRun();
      await tracking.runs.logBatch(together, { metrics: points });
      const apart = await newRun();
      for (const p of points) await tracking.runs.logBatch(apart, { metrics: [p] });
      const latest = async (id: string) =>
        (await tracking.runs.get(id)).data.metrics.find((m) => m.key === 'm');
      assert.deepEqual(await latest(together), await latest(apart));
    });

    it('applies a page token to the history also without max_results', async () => {
      const runId = await newRun();
      await tracking.runs.logBatch(runId, {
        metrics: Array.from({ length: 6 }, (_, step) => ({ key: 'p', value: step, timestamp: step, step })),
      });
      const first = await tracking.runs.metricHistory(runId, 'p', { maxResults: 2 });
      const rest = await tracking.runs.metricHistory(runId, 'p', { pageToken: first.nextPageToken! });
      assert.deepEqual(
        rest.items.map((m) => m.step),
        [2, 3, 4, 5],
      );
      assert.equal(rest.nextPageToken, null);
    });

    it('loads any number of runs at once (past the database limit of bound values)', async () => {
      const ids = [await newRun(), ...Array.from({ length: 40_000 }, (_, i) => `missing${i}`)];
      const runs = await tracking.runs.getMany(ids);
      assert.deepEqual(
        runs.map((r) => r.info.runId),
        [ids[0]],
      );
    });

    it('refuses points for a deleted run, also when they arrive together with good ones', async () => {
      const [live, gone] = [await newRun(), await newRun()];
      await tracking.runs.setLifecycle(gone, 'deleted', null);
      const [a, b] = await Promise.allSettled([
        tracking.runs.logBatch(live, { metrics: [{ key: 'x', value: 1, timestamp: 1, step: 0 }] }),
        tracking.runs.logBatch(gone, { metrics: [{ key: 'x', value: 1, timestamp: 1, step: 0 }] }),
      ]);
      assert.equal(a.status, 'fulfilled');
      assert.equal(b.status, 'rejected');
      assert.match(String((b as PromiseRejectedResult).reason), /must be in the 'active' state/);
      assert.equal(JSON.parse(await tracking.runs.metricHistoryJson(live, 'x')).length, 1);
      assert.equal(await tracking.runs.metricHistoryJson(gone, 'x'), '[]');
    });
  });
}
