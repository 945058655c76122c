import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LiveStats } from './live-stats.js';

describe('live stats', () => {
  it('counts requests by version per second, with percentiles, and forgets old seconds', () => {
    let now = 1_000_000;
    const s = new LiveStats(10, () => now);
    for (let i = 0; i < 99; i++) s.answered('churn@1', 0.001, false);
    s.answered('churn@2', 0.5, true);
    s.failed();
    now += 1000;
    s.answered('churn@2', 0.002, false);
    const points = s.points(3);
    assert.deepEqual(
      points.map((p) => p.t),
      [999, 1000, 1001],
    );
    const [, first, second] = points;
    assert.deepEqual(first!.byModel, { 'churn@1': 99, 'churn@2': 1 });
    assert.deepEqual([first!.requests, first!.errors, first!.fallbacks], [100, 1, 1]);
    assert.ok(first!.p50Ms! >= 1 && first!.p50Ms! < 2, String(first!.p50Ms));
    assert.ok(first!.p99Ms! >= 1 && first!.p99Ms! < 2, 'p99 of 100 with one slow request is the 99th');
    assert.equal(second!.requests, 1);
    assert.equal(points[0]!.p50Ms, null);
    now += 20_000;
    assert.ok(
      s.points().every((p) => p.requests === 0),
      'seconds older than the window are gone',
    );
  });
});
