import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { openTestData } from '../data/data-fixture.js';
import type { InferenceRecord } from '../serving/index.js';
import { MonitoringService } from './monitoring-service.js';
import { LOG_THREAD_NICENESS } from './served-log-entry.js';
import { ServedLogThread } from './served-log-thread.js';

/** The nice values of this process's threads (Linux). */
const threadNiceness = () =>
  readdirSync('/proc/self/task').map((tid) => {
    const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16]);
  });

const served = (i: number, prediction: unknown = i % 2): InferenceRecord => ({
  id: `p-${i}`,
  timestamp: Date.now() - 1000,
  endpoint: 'churn-api',
  model: 'churn@3',
  ref: 'churn@champion',
  requestId: `req-${i}`,
  inputs: { age: 20 + i, plan: i % 3 === 0 ? 'pro' : 'basic', ...(i === 5 ? { tensor: [1, 2] } : {}) },
  prediction,
  probabilities: [0.3, 0.7],
  classes: ['0', '1'],
  latencyMs: 1.5,
});

describe('ServedLogThread: a serving process logs on a thread of its own', () => {
  it('stores served records durably in its own part of the shared store, refusing bad ones by count', async () => {
    const t = await openTestData();
    const dir = path.join(t.dir, 'monitoring');
    const linux = existsSync('/proc/self/task');
    if (linux) assert.ok(!threadNiceness().includes(LOG_THREAD_NICENESS));
    const log = await ServedLogThread.start({
      meta: `sqlite:${path.join(t.dir, 'lathe.db')}`,
      blobs: `file:${path.join(t.dir, 'blobs')}`,
      dir,
      part: 'w7',
    });
    const server = await MonitoringService.open(t.meta, t.blobs, { dir, compactMs: 0 });
    try {
      // The log thread yields to the request thread: it runs a little below its priority.
      if (linux) assert.ok(threadNiceness().includes(LOG_THREAD_NICENESS));
      const batch = Array.from({ length: 300 }, (_, i) => served(i));
      batch.push(served(300, { not: 'a scalar' }));
      const result = await log.logServed(batch);
      assert.equal(result.accepted, 300);
      assert.equal(result.rejected, 1);
      assert.match(result.errors[0]!.error, /prediction must be a finite number, a string or a boolean/);
      const key = (await server.catalog.get('churn')).key;
      assert.deepEqual(
        readdirSync(path.join(dir, 'wal', key)).map((f) => f.split('-')[0]),
        ['w7'],
        'the thread writes its own files',
      );
      const status = await server.status('churn');
      assert.equal(status.environments.find((e) => e.environment === 'production')?.rows, 300);
      const found = await server.prediction('p-12');
      assert.equal(found.features.age, 32);
      assert.equal(found.features.plan, 'pro');
      const odd = await server.prediction('p-5');
      assert.equal(odd.features.age, 25);
      assert.equal('tensor' in odd.features, false, 'non-scalar inputs are not features');
      assert.equal(found.modelVersion, '3');
      // A later batch the schema already holds is formatted straight from the packed arrays.
      const later = Array.from({ length: 50 }, (_, i) => {
        const r = served(1000 + i);
        r.inputs = { age: 20 + i, plan: i % 2 ? 'pro' : 'basic' };
        return r;
      });
      later[3]!.shadow = true;
      const second = await log.logServed(later);
      assert.deepEqual([second.accepted, second.rejected], [50, 0]);
      const again = await server.prediction('p-1010');
      assert.deepEqual([again.features.age, again.features.plan], [30, 'basic']);
      assert.deepEqual(again.probabilities, { '0': 0.3, '1': 0.7 });
      assert.equal(
        (await server.status('churn')).environments.find((e) => e.environment === 'shadow')?.rows,
        1,
      );
    } finally {
      await log.close();
      await server.close();
      await t.close();
    }
    await assert.rejects(log.logServed([served(1)]), /inference log thread stopped/);
  });
});
