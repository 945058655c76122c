import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { describe, it } from 'node:test';
import { createLogger } from '../core/index.js';
import { createTestApp } from './testing.js';

describe('unexpected errors', () => {
  it('answer 500 INTERNAL naming the request ID, and log the stack without sending it', async () => {
    const sink = new PassThrough();
    let logged = '';
    sink.on('data', (d) => (logged += d));
    const t = await createTestApp({ auth: { enabled: false } }, { logger: createLogger('info', sink) });
    try {
      t.app.get('/boom', async () => {
        throw new Error('database password is hunter2');
      });
      const res = await t.app.inject({ url: '/boom', headers: { 'x-request-id': 'req-boom-1' } });
      assert.equal(res.statusCode, 500);
      const { error } = res.json();
      assert.equal(error.code, 'INTERNAL');
      assert.match(error.message, /request req-boom-1/);
      assert.doesNotMatch(res.body, /hunter2|at .*\.ts/);
      assert.match(logged, /database password is hunter2/);
      assert.match(logged, /"stack":"Error: database password/);
      assert.match(logged, /"reqId":"req-boom-1"/);
    } finally {
      await t.close();
    }
  });

  it('refuse to start when an API route declares no permission', async () => {
    const t = await createTestApp({ auth: { enabled: false } });
    try {
      assert.throws(
        () => t.app.get('/api/v1/forgotten', async () => ({})),
        /route GET \/api\/v1\/forgotten declares no permission/,
      );
    } finally {
      await t.close();
    }
  });
});
