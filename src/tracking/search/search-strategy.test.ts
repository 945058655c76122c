import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { MetaStore } from '../../storage/meta/index.js';
import { searchTargets, seedExperiment } from './search-fixtures.js';
import { type RunStrategy, compileSearchRuns, searchRunIds } from './search-runs.js';

const sqliteTarget = searchTargets()[0]!;

/** A small deterministic PRNG (mulberry32), so failures reproduce. */
function prng(seed: number): () => number {
  let s = seed;
  return () => {
    s = (s + 0x6d2b79f5) | 0;
    let t = Math.imul(s ^ (s >>> 15), s | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('run search strategies on an experiment large enough to use index estimates (SQLite)', () => {
  let store: MetaStore;
  let exp: number;
  let other: number;

  before(async () => {
    store = await sqliteTarget.open();
    exp = await seedExperiment(store.db, { name: 'big' });
    other = await seedExperiment(store.db, { name: 'other' });
    const rnd = prng(7);
    const runs = [];
    const latest = [];
    const params = [];
    const tags = [];
    for (let i = 0; i < 5000; i++) {
      const id = i.toString(16).padStart(32, '0');
      runs.push({
        run_uuid: id,
        experiment_id: i % 10 === 9 ? other : exp,
        name: `r${i}`,
        user_id: 'u',
        status: rnd() < 0.1 ? 'FAILED' : 'FINISHED',
        start_time: rnd() < 0.02 ? null : Math.floor(rnd() * 500),
        end_time: null,
        lifecycle_stage: rnd() < 0.05 ? 'deleted' : 'active',
        artifact_uri: 'mem:/',
        deleted_time: null,
      });
      for (const key of ['m0', 'm1']) {
        const r = rnd();
        if (r < 0.05) continue;
        const nan = r < 0.08;
        latest.push({
          run_uuid: id,
          key,
          step: 0,
          timestamp: 0,
          value: nan ? 0 : Math.round(rnd() * 100) / 100,
          is_nan: nan ? 1 : 0,
        });
      }
      params.push({ run_uuid: id, key: 'p0', value: `v${Math.floor(rnd() * 10)}` });
      if (rnd() < 0.9) params.push({ run_uuid: id, key: 'p1', value: `w${Math.floor(rnd() * 3)}` });
      tags.push({ run_uuid: id, key: 't0', value: `t${Math.floor(rnd() * 200)}` });
    }
    const chunk = <T>(rows: T[]) =>
      Array.from({ length: Math.ceil(rows.length / 200) }, (_, i) => rows.slice(i * 200, i * 200 + 200));
    for (const c of chunk(runs)) await store.db.insertInto('runs').values(c).execute();
    for (const c of chunk(latest)) await store.db.insertInto('latest_metrics').values(c).execute();
    for (const c of chunk(params)) await store.db.insertInto('params').values(c).execute();
    for (const c of chunk(tags)) await store.db.insertInto('tags').values(c).execute();
  });
  after(async () => {
    await store?.close();
    await sqliteTarget.cleanup();
  });

  const cases: [string | undefined, string[] | undefined][] = [
    [undefined, undefined],
    [undefined, ['metrics.m0 DESC']],
    [undefined, ['metrics.m1 ASC', 'params.p0 DESC']],
    [undefined, ['params.p1']],
    ["params.p0 = 'v3'", ['metrics.m0 DESC']],
    ["params.p0 = 'v3' AND metrics.m1 > 0.5", ['metrics.m0 ASC']],
    ["tags.t0 = 't17'", ['metrics.m0 DESC']],
    ["tags.t0 = 't17'", undefined],
    ['metrics.m0 > 0.98', ['metrics.m1 DESC']],
    ['metrics.m0 >= 0.5 AND metrics.m1 < 0.5', ['metrics.m0 DESC']],
    ["metrics.m0 != 0.5 AND status = 'FINISHED'", ['metrics.m1 DESC']],
    ["params.p1 = 'w1'", ['metrics.m1 DESC', 'start_time ASC']],
    ["params.p1 != 'w1' AND params.p0 LIKE 'v%'", ['tags.t0 DESC']],
    [
      `run_id IN ('${(17).toString(16).padStart(32, '0')}', '${(40).toString(16).padStart(32, '0')}')`,
      ['metrics.m0'],
    ],
    ['start_time > 250', undefined],
    ['metrics.m0 > 0.2', ['start_time DESC']],
  ];
  const pages = [
    { limit: 100, offset: 0 },
    { limit: 7, offset: 95 },
    { limit: 50, offset: 4300 },
  ];
  const strategies: RunStrategy[] = [
    { kind: 'ordered' },
    { kind: 'ordered', budget: 5 },
    { kind: 'ordered', budget: 400 },
    { kind: 'driven', clause: 0 },
    { kind: 'driven', clause: 1 },
  ];

  for (const [filter, orderBy] of cases) {
    it(`every strategy returns the scan's page: ${filter ?? '(no filter)'} ORDER BY ${orderBy?.join(', ') ?? 'default'}`, async () => {
      for (const page of pages) {
        for (const viewType of ['ACTIVE_ONLY', 'ALL'] as const) {
          const q = { dialect: store.dialect, experimentIds: [exp], filter, orderBy, viewType, ...page };
          const expected = await searchRunIds(store.db, { ...q, strategy: { kind: 'scan' } });
          assert.deepEqual(
            await searchRunIds(store.db, q),
            expected,
            `auto, ${JSON.stringify(page)}, ${viewType}`,
          );
          for (const strategy of strategies) {
            assert.deepEqual(
              await searchRunIds(store.db, { ...q, strategy }),
              expected,
              JSON.stringify({ strategy, page }),
            );
          }
        }
      }
    });
  }

  it('pages never overlap and cover every matching run once', async () => {
    const q = {
      dialect: store.dialect,
      experimentIds: [exp, other],
      filter: "params.p0 != 'v0'",
      orderBy: ['metrics.m0 DESC'],
    };
    const all = await searchRunIds(store.db, { ...q, limit: 10_000, offset: 0 });
    const paged: string[] = [];
    for (let offset = 0; offset < all.length + 300; offset += 300) {
      paged.push(...(await searchRunIds(store.db, { ...q, limit: 300, offset })));
    }
    assert.deepEqual(paged, all);
    assert.equal(new Set(all).size, all.length);
  });

  it('binds every value: no filter text reaches the SQL', () => {
    const evil = "x'; drop table runs; --";
    for (const strategy of [{ kind: 'scan' }, ...strategies] as RunStrategy[]) {
      const queries = compileSearchRuns(
        {
          experimentIds: [exp],
          filter: `tags.\`${evil}\` = '${evil.replace(/'/g, "''")}' AND params.p0 LIKE '%drop%' AND run_id IN ('drop')`,
          orderBy: [`metrics.\`${evil}\` DESC`],
          limit: 10,
          offset: 0,
        },
        'sqlite',
        strategy,
      );
      for (const query of queries) {
        const compiled = query.compile(store.db);
        assert.doesNotMatch(compiled.sql, /drop/);
        assert.ok(compiled.parameters.includes(evil));
      }
    }
  });
});
