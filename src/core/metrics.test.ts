import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AggregatorRegistry, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { FastCounter, FastGauge, FastHistogram } from './metrics.js';

/** The samples of an exposition, as `name{labels sorted} value` lines, sorted. */
function samples(text: string): string[] {
  return text
    .split('\n')
    .filter((l) => l && !l.startsWith('#'))
    .map((l) => {
      const m = /^([^{ ]+)(?:\{(.*)\})? (.+)$/.exec(l)!;
      const labels = (m[2] ?? '').split(',').filter(Boolean).sort().join(',');
      return `${m[1]}{${labels}} ${Number(m[3])}`;
    })
    .sort();
}

const buckets = [0.001, 0.01, 0.1, 1];
const values = [0.0005, 0.001, 0.002, 0.05, 0.1, 0.7, 3, 12];

describe('fast metric families', () => {
  it('expose what prom-client exposes for the same updates', async () => {
    const theirs = new Registry();
    const ours = new Registry();
    const c1 = new Counter({ name: 'x_total', help: 'h', labelNames: ['a', 'b'], registers: [theirs] });
    const c2 = new FastCounter({ name: 'x_total', help: 'h', labelNames: ['a', 'b'], registers: [ours] });
    const g1 = new Gauge({ name: 'y', help: 'h', labelNames: ['a'], registers: [theirs] });
    const g2 = new FastGauge({ name: 'y', help: 'h', labelNames: ['a'], registers: [ours] });
    const h1 = new Histogram({
      name: 'z_seconds',
      help: 'h',
      labelNames: ['a'],
      buckets,
      registers: [theirs],
    });
    const h2 = new FastHistogram({
      name: 'z_seconds',
      help: 'h',
      labelNames: ['a'],
      buckets,
      registers: [ours],
    });
    for (const [a, b, n] of [
      ['e1', 'v1', 1],
      ['e1', 'v2', 3],
      ['e1', 'v1', 2],
      ['e"2', 'v\n1', 1],
    ] as const) {
      c1.labels({ a, b }).inc(n);
      c2.labels({ a, b }).inc(n);
      c1.inc({ a, b: 'direct' }, 2);
      c2.inc({ a, b: 'direct' }, 2);
    }
    const gauge = g2.labels({ a: 'e1' });
    for (const op of ['inc', 'inc', 'dec', 'inc'] as const) {
      g1.labels({ a: 'e1' })[op]();
      gauge[op]();
    }
    g1.set({ a: 'e2' }, 7);
    g2.labels({ a: 'e2' }).set(7);
    for (const v of values) {
      h1.labels({ a: v > 0.05 ? 'slow' : 'fast' }).observe(v);
      h2.labels({ a: v > 0.05 ? 'slow' : 'fast' }).observe(v);
    }
    assert.deepEqual(samples(await ours.metrics()), samples(await theirs.metrics()));
    // Label for label, in prom-client's order (a bucket's le first).
    const lines = (t: string) =>
      t
        .split('\n')
        .filter((l) => l.startsWith('z_seconds'))
        .sort();
    assert.deepEqual(lines(await ours.metrics()), lines(await theirs.metrics()));
    assert.match(await ours.metrics(), /# TYPE z_seconds histogram/);
  });

  it("add up across a cluster's workers as prom-client's do", async () => {
    const workers = [new Registry(), new Registry()];
    workers.forEach((r, i) => {
      new FastCounter({ name: 'n_total', help: 'h', labelNames: ['a'], registers: [r] }).inc(
        { a: 'x' },
        i + 1,
      );
      new FastHistogram({ name: 'd_seconds', help: 'h', buckets, registers: [r] })
        .labels()
        .observe(i ? 0.5 : 0.005);
    });
    const all = AggregatorRegistry.aggregate(await Promise.all(workers.map((r) => r.getMetricsAsJSON())));
    const text = samples(await all.metrics());
    assert.ok(text.includes('n_total{a="x"} 3'));
    assert.ok(text.includes('d_seconds_count{} 2'));
    assert.ok(text.includes('d_seconds_bucket{le="0.01"} 1'));
    assert.ok(text.includes('d_seconds_bucket{le="1"} 2'));
  });

  it('refuse what prom-client refuses: unknown labels, counters going down, NaN observations', () => {
    const c = new FastCounter({ name: 'c_total', help: 'h', labelNames: ['a'] });
    assert.throws(() => c.labels({ b: 'x' } as never), /has no label b; its labels are a/);
    c.labels({ a: 'x' }).inc();
    // Also once the series exists (an unknown name does not change the series' key).
    assert.throws(() => c.labels({ a: 'x', b: 'y' } as never), /has no label b/);
    assert.doesNotThrow(() => c.labels({ a: 'x' }));
    assert.throws(() => c.inc({ a: 'x' }, -1), /only goes up/);
    const h = new FastHistogram({ name: 'h', help: 'h', buckets });
    assert.throws(() => h.labels().observe(Number.NaN), /finite numbers/);
    assert.throws(() => new FastHistogram({ name: 'b', help: 'h', buckets: [1, 1] }), /ascend/);
  });
});
