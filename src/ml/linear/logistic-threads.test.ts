import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isLatheError } from '../../core/index.js';
import { modelFamily } from '../families.js';
import { LogisticRegression } from './index.js';
import { data } from './logistic-test-data.js';
import { CHUNK_ROWS, chunkedObjective, servingWorkers } from './logistic-chunks.js';
import { localChunks, startChunkWorkers } from './logistic-parallel.js';

describe('logistic regression on worker threads (options.threads, fitAsync)', () => {
  const { X, y, sw } = data(3 * CHUNK_ROWS + 123, 6, 2);

  it('fits the same model on 1 and 2 threads, bit for bit', async () => {
    for (const options of [{ C: 0.5 }, { C: 2, fitIntercept: false }, { penalty: 'l1' as const, C: 0.1 }]) {
      const one = LogisticRegression.fit(X, y, options, { sampleWeight: sw });
      const two = await LogisticRegression.fitAsync(X, y, { ...options, threads: 2 }, { sampleWeight: sw });
      assert.deepEqual(two.coef, one.coef);
      assert.deepEqual(two.intercept, one.intercept);
      assert.equal(two.iterations, one.iterations);
      assert.deepEqual(two.predictProba(X), one.predictProba(X));
    }
  });

  it('shares the evaluation with a worker, which gives the same objective as the calling thread alone', async () => {
    const local = chunkedObjective(localChunks(X, y, sw, true), 1);
    const session = startChunkWorkers(X, y, sw, true, 2);
    try {
      const shared = chunkedObjective(session.chunks, 1);
      for (let waited = 0; servingWorkers(session.chunks.ctrl) === 0 && waited < 200; waited++)
        await new Promise((resolve) => setTimeout(resolve, 50));
      assert.equal(servingWorkers(session.chunks.ctrl), 1);
      const w = new Float64Array(7);
      const gLocal = new Float64Array(7);
      const gShared = new Float64Array(7);
      for (let k = 0; k < 60; k++) {
        for (let j = 0; j < 7; j++) w[j] = Math.sin(k + j) / 2;
        assert.equal(shared(w, gShared), local(w, gLocal));
        assert.deepEqual(gShared, gLocal);
      }
    } finally {
      session.stop();
    }
    const [served] = await session.served;
    assert.ok(served! > 0, 'the worker computed no chunk');
  });

  it('the logistic family fits asynchronously on threads to the same model as fit', async () => {
    const family = modelFamily('logistic');
    const context = { task: 'binary' as const, classes: 2, sampleWeight: sw };
    const a = await family.fitAsync!(X, y, { C: 0.3, threads: 2 }, context);
    const b = family.fit(X, y, { C: 0.3 }, context);
    assert.deepEqual(a.predictProba!(X), b.predictProba!(X));
  });

  it('keeps multinomial models and threads 1 on the calling thread; rejects a bad thread count', async () => {
    const y3 = y.map((v, i) => (v === 1 ? 1 + (i % 2) : 0));
    const a = LogisticRegression.fit(X, y3, { maxIter: 5 });
    const b = await LogisticRegression.fitAsync(X, y3, { maxIter: 5, threads: 2 });
    assert.deepEqual(b.coef, a.coef);
    const bad = (pattern: RegExp) => (err: unknown) =>
      isLatheError(err) && err.code === 'INVALID_ARGUMENT' && pattern.test(err.message);
    await assert.rejects(LogisticRegression.fitAsync(X, y, { threads: 0 }), bad(/threads/));
    assert.throws(
      () => LogisticRegression.fit(X, y, { threads: 1000 }),
      bad(/threads must be an integer 1..256/),
    );
  });
});
