import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isLatheError } from '../core/index.js';
import { seededRandom, stableHash32, stickyBucket, TrafficRouter } from './router.js';

/** Pearson's chi-squared statistic of observed counts against expected shares (percentages). */
function chiSquared(counts: Map<string, number>, weights: Record<string, number>, n: number): number {
  let stat = 0;
  for (const [key, w] of Object.entries(weights)) {
    if (w === 0) continue;
    const expected = (n * w) / 100;
    const observed = counts.get(key) ?? 0;
    stat += (observed - expected) ** 2 / expected;
  }
  return stat;
}

function tally(pick: (i: number) => string, n: number): Map<string, number> {
  const counts = new Map<string, number>();
  for (let i = 0; i < n; i++) {
    const k = pick(i);
    counts.set(k, (counts.get(k) ?? 0) + 1);
  }
  return counts;
}

/** Reference: FNV-1a over Node's own UTF-8 encoding, then fmix32. */
function referenceHash(text: string): number {
  let h = 0x811c9dc5;
  for (const b of Buffer.from(text, 'utf8')) h = Math.imul(h ^ b, 0x01000193);
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

const expectInvalid = (fn: () => unknown, pattern: RegExp) =>
  assert.throws(fn, (err: unknown) => {
    assert.ok(isLatheError(err), `expected a LatheError, got ${String(err)}`);
    assert.equal(err.code, 'INVALID_ARGUMENT');
    assert.match(err.message, pattern);
    return true;
  });

describe('TrafficRouter', () => {
  const weights = { champion: 70, challenger: 20, baseline: 10, retired: 0 };
  const routes = Object.entries(weights).map(([key, weight]) => ({ key, weight }));
  // chi-squared, 2 degrees of freedom (three positive routes): P(X > 13.82) = 0.001
  const critical = 13.82;

  it('splits random traffic in proportion to the weights and never picks a zero-weight route', () => {
    const router = new TrafficRouter({ routes, seed: 7 });
    const n = 20_000;
    const counts = tally(() => router.pick(), n);
    assert.equal(counts.get('retired'), undefined);
    assert.ok(chiSquared(counts, weights, n) < critical, JSON.stringify([...counts]));
  });

  it('is reproducible with a seed and accepts an injected generator', () => {
    const a = new TrafficRouter({ routes, seed: 42 });
    const b = new TrafficRouter({ routes, seed: 42 });
    const seqA = Array.from({ length: 50 }, () => a.pick());
    const seqB = Array.from({ length: 50 }, () => b.pick());
    assert.deepEqual(seqA, seqB);
    const points = [0, 0.69999, 0.7, 0.89999, 0.9, 0.99999];
    let i = 0;
    const fixed = new TrafficRouter({ routes, random: () => points[i++]! });
    assert.deepEqual(
      points.map(() => fixed.pick()),
      ['champion', 'champion', 'challenger', 'challenger', 'baseline', 'baseline'],
    );
  });

  it('seededRandom answers uniform numbers in [0, 1)', () => {
    const rnd = seededRandom(1);
    let sum = 0;
    for (let i = 0; i < 10_000; i++) {
      const x = rnd();
      assert.ok(x >= 0 && x < 1);
      sum += x;
    }
    assert.ok(Math.abs(sum / 10_000 - 0.5) < 0.02);
  });

  it('keeps a sticky value on one route, whatever the seed', () => {
    const a = new TrafficRouter({ routes, sticky: { field: 'user_id' }, seed: 1 });
    const b = new TrafficRouter({ routes, sticky: { field: 'user_id' }, seed: 2 });
    for (let u = 0; u < 500; u++) {
      const first = a.pick({ stickyValue: `user-${u}` });
      for (let k = 0; k < 5; k++) assert.equal(a.pick({ stickyValue: `user-${u}` }), first);
      assert.equal(b.pick({ stickyValue: `user-${u}` }), first);
    }
    assert.equal(a.pick({ stickyValue: 42 }), a.pick({ stickyValue: '42' }));
  });

  it('spreads sequential sticky IDs in proportion to the weights', () => {
    const router = new TrafficRouter({ routes, sticky: { field: 'user_id' }, seed: 3 });
    const n = 20_000;
    const counts = tally((i) => router.pick({ stickyValue: `user-${i}` }), n);
    assert.equal(counts.get('retired'), undefined);
    assert.ok(chiSquared(counts, weights, n) < critical, JSON.stringify([...counts]));
    const numeric = tally((i) => router.pick({ stickyValue: i }), n);
    assert.ok(chiSquared(numeric, weights, n) < critical, JSON.stringify([...numeric]));
  });

  it('routes at random when a sticky request has no value', () => {
    const router = new TrafficRouter({ routes, sticky: { field: 'user_id' }, seed: 5 });
    const n = 20_000;
    const counts = tally((i) => router.pick(i % 2 ? { stickyValue: null } : {}), n);
    assert.ok(chiSquared(counts, weights, n) < critical, JSON.stringify([...counts]));
    assert.equal(router.stickyValueOf({ user_id: 'u1' }), 'u1');
    assert.equal(router.stickyValueOf({ user_id: 7 }), 7);
    assert.equal(router.stickyValueOf({ user_id: { nested: true } }), null);
    assert.equal(router.stickyValueOf({}), null);
    assert.equal(new TrafficRouter({ routes }).stickyValueOf({ user_id: 'u1' }), null);
  });

  it('keeps users on a canary when its share grows', () => {
    const sticky = { field: 'user_id' };
    for (const order of ['canary-last', 'canary-first'] as const) {
      const split = (canary: number) => {
        const r = [
          { key: 'champion', weight: 100 - canary },
          { key: 'canary', weight: canary },
        ];
        return new TrafficRouter({ routes: order === 'canary-last' ? r : r.reverse(), sticky });
      };
      const before = split(10);
      const after = split(25);
      let onCanary = 0;
      let moved = 0;
      for (let u = 0; u < 5000; u++) {
        const v = `user-${u}`;
        if (before.pick({ stickyValue: v }) === 'canary') {
          onCanary++;
          assert.equal(after.pick({ stickyValue: v }), 'canary', `${order}: ${v} left the canary`);
        } else if (after.pick({ stickyValue: v }) === 'canary') moved++;
      }
      assert.ok(onCanary > 350 && onCanary < 650, `${order}: ${onCanary} users on a 10% canary`);
      assert.ok(moved > 550 && moved < 950, `${order}: ${moved} users joined a grown canary`);
      // All traffic back on the champion: nobody sees the canary.
      assert.ok([0, 1, 2].every((u) => split(0).pick({ stickyValue: `user-${u}` }) === 'champion'));
    }
  });

  it('hashes UTF-8 like the reference encoding and is pinned across versions', () => {
    for (const s of ['', 'a', 'user-1', 'héllo', '中文', 'emoji 🎉', '\u{10ffff}', 'lone \ud800 surrogate'])
      assert.equal(stableHash32(s), referenceHash(s), s);
    // Changing the hash moves sticky users between models: these values must never change.
    assert.deepEqual([stableHash32('user-1'), stableHash32('42')], [2005895916, 686566589]);
    const b = stickyBucket('user-1');
    assert.ok(b >= 0 && b < 100);
  });

  it('refuses bad splits, naming the weights', () => {
    expectInvalid(
      () =>
        new TrafficRouter({
          routes: [
            { key: 'a', weight: 90 },
            { key: 'b', weight: 5 },
          ],
        }),
      /must sum to 100; got a=90, b=5 \(sum 95\)/,
    );
    expectInvalid(() => new TrafficRouter({ routes: [] }), /at least one route/);
    expectInvalid(
      () =>
        new TrafficRouter({
          routes: [
            { key: 'a', weight: 50 },
            { key: 'a', weight: 50 },
          ],
        }),
      /"a" is listed twice/,
    );
    expectInvalid(
      () =>
        new TrafficRouter({
          routes: [
            { key: 'a', weight: 110 },
            { key: 'b', weight: -10 },
          ],
        }),
      /"a" needs a traffic weight between 0 and 100 \(a percentage\); got the number 110/,
    );
    expectInvalid(
      () =>
        new TrafficRouter({
          routes: [
            { key: 'a', weight: 100 },
            { key: 'b', weight: -10 },
          ],
        }),
      /"b" needs a traffic weight between 0 and 100/,
    );
    expectInvalid(() => new TrafficRouter({ routes: [{ key: '', weight: 100 }] }), /non-empty string key/);
    expectInvalid(
      () => new TrafficRouter({ routes: [{ key: 'a', weight: Number.NaN }] }),
      /traffic weight .* got the number NaN/,
    );
    expectInvalid(
      () => new TrafficRouter({ routes: [{ key: 'a', weight: 100 }], sticky: { field: '' } }),
      /request field name/,
    );
    // float percentages that sum to 100 are fine
    const thirds = new TrafficRouter({
      routes: [
        { key: 'a', weight: 33.3 },
        { key: 'b', weight: 33.3 },
        { key: 'c', weight: 33.4 },
      ],
      random: () => 0.999999999,
    });
    assert.equal(thirds.pick(), 'c');
  });
});
