import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { describe, it } from 'node:test';
import { createLogger } from '../../../core/index.js';
import { createTestApp } from '../../testing.js';

describe('metrics/get-history', () => {
  it('answers with pre-serialized JSON once, with no second send logged', async () => {
    const sink = new PassThrough();
    let logged = '';
    sink.on('data', (d) => (logged += d));
    const t = await createTestApp({ auth: { enabled: false } }, { logger: createLogger('info', sink) });
    try {
      const { run } = (
        await t.app.inject({ method: 'POST', url: '/api/2.0/mlflow/runs/create', payload: {} })
      ).json();
      const metrics = Array.from({ length: 500 }, (_, i) => ({
        key: 'loss',
        value: i === 7 ? 'NaN' : 1 / (i + 1),
        timestamp: i,
        step: i,
      }));
      await t.app.inject({
        method: 'POST',
        url: '/api/2.0/mlflow/runs/log-batch',
        payload: { run_id: run.info.run_id, metrics },
      });
      const r = await t.app.inject({
        url: `/api/2.0/mlflow/metrics/get-history?run_id=${run.info.run_id}&metric_key=loss`,
      });
      assert.equal(r.statusCode, 200);
      assert.match(String(r.headers['content-type']), /application\/json/);
      const body = r.json();
      assert.equal(body.metrics.length, 500);
      assert.equal(body.metrics[7].value, 'NaN');
      assert.deepEqual(body.metrics[1], { key: 'loss', value: 0.5, timestamp: 1, step: 1 });
      assert.doesNotMatch(logged, /already sent/);
    } finally {
      await t.close();
    }
  });
});
