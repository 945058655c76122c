import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { isLatheError } from '../../core/index.js';
import type { MetaStore } from '../../storage/meta/index.js';
import { type RunSeed, type SearchTarget, runId, seedExperiment, seedRun } from './search-fixtures.js';
import { type RunStrategy, type SearchRunsQuery, searchRunIds } from './search-runs.js';
import type { ViewType } from '../types.js';

/** Names of the seeded runs by id, to read results as names. */
const names = new Map<string, string>();
const id = (n: number) => runId(n);

/**
 * The run search behaviour suite: every operator, prefix alias, quoting form, ordering rule,
 * view type and page shape, asserted under every query strategy (they must agree) on `target`.
 */
export function runSearchRunsConformance(target: SearchTarget): void {
  describe(`run search: ${target.name}`, { skip: target.skip }, () => {
    let store: MetaStore;
    let expA: number;
    let expB: number;

    before(async () => {
      store = await target.open();
      const db = store.db;
      expA = await seedExperiment(db, { name: 'runs-a' });
      expB = await seedExperiment(db, { name: 'runs-b' });
      const seeds: (RunSeed & { name: string })[] = [
        {
          id: id(1),
          experimentId: expA,
          name: 'alpha-1',
          userId: 'alice',
          status: 'FINISHED',
          startTime: 1000,
          endTime: 2000,
          metrics: { acc: 0.9, loss: 0.1, 'f1 score': 0.8 },
          params: { lr: '0.01', model: 'xgb', 'batch size': '32' },
          tags: { 'mlflow.user': 'alice', 'my tag': 'hello world', env: 'prod', note: "it's" },
          datasets: [{ name: 'train-ds', digest: 'd1', context: 'training' }],
        },
        {
          id: id(2),
          experimentId: expA,
          name: 'alpha-2',
          userId: 'bob',
          status: 'FAILED',
          startTime: 2000,
          metrics: { acc: 0.5, loss: Number.NaN },
          params: { lr: '0.1', model: 'XGB' },
          tags: { env: 'Prod', note: '50% off' },
          datasets: [{ name: 'eval-ds', digest: 'd2', context: 'eval' }],
        },
        {
          id: id(3),
          experimentId: expA,
          name: 'beta-1',
          userId: 'alice',
          status: 'RUNNING',
          startTime: 3000,
          endTime: 4000,
          metrics: { acc: 0.5, loss: -1000 },
          params: { lr: '1e-3', model: 'lgbm' },
          tags: { env: 'dev', note: 'a_b' },
          datasets: [
            { name: 'train-ds', digest: 'd1', context: 'training' },
            { name: 'eval-ds', digest: 'd2', context: 'eval' },
          ],
        },
        {
          id: id(4),
          experimentId: expA,
          name: 'beta-2',
          userId: 'carol',
          startTime: 3000,
          endTime: 3500,
          lifecycleStage: 'deleted',
          metrics: { acc: 0.7 },
          params: { model: 'xgb' },
          tags: { env: 'prod' },
        },
        {
          id: id(5),
          experimentId: expA,
          name: 'gamma',
          userId: 'dave',
          status: 'KILLED',
          startTime: null,
          artifactUri: 's3://bucket/x',
          params: { model: '50%_off' },
          tags: { note: 'back\\slash' },
        },
        {
          id: id(6),
          experimentId: expB,
          name: 'other',
          startTime: 5000,
          metrics: { acc: 0.99 },
          params: { model: 'xgb' },
        },
      ];
      for (const s of seeds) {
        names.set(s.id, s.name);
        await seedRun(db, s);
      }
    });
    after(async () => {
      await store?.close();
      await target.cleanup();
    });

    /** Runs the search under every strategy, checks they agree, returns run names. */
    async function search(
      filter?: string,
      orderBy?: string[],
      opts: { viewType?: ViewType; limit?: number; offset?: number; experiments?: number[] } = {},
    ): Promise<string[]> {
      const q: SearchRunsQuery = {
        dialect: store.dialect,
        experimentIds: opts.experiments ?? [expA],
        filter,
        orderBy,
        viewType: opts.viewType,
        limit: opts.limit ?? 100,
        offset: opts.offset ?? 0,
      };
      const strategies: (RunStrategy | undefined)[] = [
        undefined,
        { kind: 'scan' },
        { kind: 'ordered' },
        { kind: 'ordered', budget: 1 },
        { kind: 'ordered', budget: 3 },
      ];
      for (let i = 0; i < 4; i++) strategies.push({ kind: 'driven', clause: i });
      const results = await Promise.all(
        strategies.map((strategy) => searchRunIds(store.db, { ...q, strategy })),
      );
      for (const [i, r] of results.entries()) {
        assert.deepEqual(r, results[0], `strategy ${JSON.stringify(strategies[i])} disagrees for ${filter}`);
      }
      return results[0]!.map((r) => names.get(r) ?? r);
    }

    const check = (filter: string, expected: string[], orderBy?: string[]) =>
      it(`${filter}${orderBy ? ` ORDER BY ${orderBy.join(', ')}` : ''}`, async () => {
        assert.deepEqual(await search(filter, orderBy), expected);
      });

    describe('metric comparisons use the latest value; NaN only satisfies !=; a missing metric never matches', () => {
      check('metrics.acc > 0.5', ['alpha-1']);
      check('metrics.acc >= 0.5', ['beta-1', 'alpha-2', 'alpha-1']);
      check('metrics.acc = 0.5', ['beta-1', 'alpha-2']);
      check('metrics.acc != 0.5', ['alpha-1']);
      check('metrics.acc < 0.9', ['beta-1', 'alpha-2']);
      check('metrics.acc <= 0.9', ['beta-1', 'alpha-2', 'alpha-1']);
      check('metrics.acc != 123', ['beta-1', 'alpha-2', 'alpha-1']);
      check('metrics.loss != 0', ['beta-1', 'alpha-2', 'alpha-1']);
      check('metrics.loss = 0', []);
      check('metrics.loss > -1e3', ['alpha-1']);
      check('metrics.loss >= -1E3', ['beta-1', 'alpha-1']);
      check('metrics.loss < -999.5', ['beta-1']);
      check('metrics.loss > -.5', ['alpha-1']);
      check('metrics.acc < 1e999', ['beta-1', 'alpha-2', 'alpha-1']);
      check('metric.acc > 0.8', ['alpha-1']);
      check('metrics."f1 score" = 0.8', ['alpha-1']);
      check('metrics.`f1 score` >= 0.8', ['alpha-1']);
      check('metrics.nothing > 0', []);
    });

    describe('params and tags compare as strings', () => {
      check("params.lr = '0.01'", ['alpha-1']);
      check('params.lr = "0.1"', ['alpha-2']);
      check("params.lr != '0.01'", ['beta-1', 'alpha-2']);
      check("param.lr = '1e-3'", ['beta-1']);
      check("parameter.lr = '1e-3'", ['beta-1']);
      check("parameters.lr = '1e-3'", ['beta-1']);
      check("params.`batch size` = '32'", ['alpha-1']);
      check('params."batch size" = \'32\'', ['alpha-1']);
      check("params.model LIKE 'xgb'", ['alpha-1']);
      check("params.model ILIKE 'xgb'", ['alpha-2', 'alpha-1']);
      check("params.model like 'x%'", ['alpha-1']);
      check("params.model LIKE '%G%'", ['alpha-2']);
      check("params.model LIKE '_gbm'", ['beta-1']);
      check("params.model LIKE '50\\%\\_off'", ['gamma']);
      check("params.model LIKE '50\\%%'", ['gamma']);
      check("tags.env = 'prod'", ['alpha-1']);
      check("tags.env ILIKE 'PROD'", ['alpha-2', 'alpha-1']);
      check("tag.env = 'dev'", ['beta-1']);
      check("tags.`my tag` = 'hello world'", ['alpha-1']);
      check('tags."my tag" LIKE \'hello%\'', ['alpha-1']);
      check("tags.mlflow.user = 'alice'", ['alpha-1']);
      check("tags.`mlflow.user` = 'alice'", ['alpha-1']);
      check("tags.note = 'it''s'", ['alpha-1']);
      check('tags.note = "it\'s"', ['alpha-1']);
      check("tags.note = 'it\\'s'", ['alpha-1']);
      check("tags.note LIKE '50\\% %'", ['alpha-2']);
      check("tags.note LIKE 'a\\_b'", ['beta-1']);
      check("tags.note = 'back\\\\slash'", ['gamma']);
      check("tags.note = 'back\\slash'", ['gamma']);
    });

    describe('run attributes', () => {
      check("attributes.status = 'FAILED'", ['alpha-2']);
      check("status != 'FAILED'", ['beta-1', 'alpha-1', 'gamma']);
      check("attribute.status = 'KILLED'", ['gamma']);
      check("attr.status = 'RUNNING'", ['beta-1']);
      check("run.status LIKE '%ED'", ['alpha-2', 'alpha-1', 'gamma']);
      check(`attributes.run_id = '${id(1)}'`, ['alpha-1']);
      check(`run_id IN ('${id(1)}', '${id(3)}', 'nope')`, ['beta-1', 'alpha-1']);
      check(`run_id NOT IN ('${id(1)}')`, ['beta-1', 'alpha-2', 'gamma']);
      check("run_id LIKE '%3'", ['beta-1']);
      check("run_name = 'alpha-1'", ['alpha-1']);
      check("`run name` LIKE 'alpha%'", ['alpha-2', 'alpha-1']);
      check('attributes."Run Name" ILIKE \'BETA%\'', ['beta-1']);
      check("user_id = 'alice'", ['beta-1', 'alpha-1']);
      check("artifact_uri LIKE 's3://%'", ['gamma']);
      check('start_time > 1500', ['beta-1', 'alpha-2']);
      check('attributes.start_time >= 2000', ['beta-1', 'alpha-2']);
      check('created < 2000.5', ['alpha-2', 'alpha-1']);
      check('Created > 1999.5', ['beta-1', 'alpha-2']);
      check('start_time = 2000.5', []);
      check('start_time != 2000.5', ['beta-1', 'alpha-2', 'alpha-1']);
      check('start_time <= 1000.9', ['alpha-1']);
      check('end_time <= 2000', ['alpha-1']);
      check('end_time > 0', ['beta-1', 'alpha-1']);
      check('start_time > 1e30', []);
      check('start_time < 1e30', ['beta-1', 'alpha-2', 'alpha-1']);
      check('start_time >= -1e30', ['beta-1', 'alpha-2', 'alpha-1']);
    });

    describe('dataset inputs: a run matches when any of its datasets does', () => {
      check("datasets.name = 'train-ds'", ['beta-1', 'alpha-1']);
      check("dataset.name IN ('eval-ds')", ['beta-1', 'alpha-2']);
      check("datasets.digest = 'd2'", ['beta-1', 'alpha-2']);
      check("datasets.context = 'training'", ['beta-1', 'alpha-1']);
      check("datasets.context IN ('eval', 'x')", ['beta-1', 'alpha-2']);
      check("datasets.name NOT IN ('train-ds')", ['beta-1', 'alpha-2']);
      check("datasets.name != 'train-ds'", ['beta-1', 'alpha-2']);
      check("datasets.name LIKE 'eval%'", ['beta-1', 'alpha-2']);
      check("datasets.digest ILIKE 'D1'", ['beta-1', 'alpha-1']);
    });

    describe('AND joins comparisons, in any case', () => {
      check("metrics.acc >= 0.5 and params.model ILIKE 'xgb' AND tags.env != 'dev'", ['alpha-2', 'alpha-1']);
      check("metrics.acc >= 0.5 And metrics.acc <= 0.5 aNd status = 'FAILED'", ['alpha-2']);
      check(`run_id = '${id(3)}' AND metrics.acc = 0.5 AND params.lr = '1e-3'`, ['beta-1']);
    });

    describe('ordering: missing keys last in both directions, ties by start_time DESC then run_uuid', () => {
      const order = (orderBy: string[], expected: string[], filter?: string) =>
        it(`ORDER BY ${orderBy.join(', ')}`, async () =>
          assert.deepEqual(await search(filter, orderBy), expected));
      it('defaults to start_time DESC (missing last), then run_uuid', async () => {
        assert.deepEqual(await search(), ['beta-1', 'alpha-2', 'alpha-1', 'gamma']);
        assert.deepEqual(await search(undefined, undefined, { viewType: 'ALL' }), [
          'beta-1',
          'beta-2',
          'alpha-2',
          'alpha-1',
          'gamma',
        ]);
      });
      order(['metrics.acc DESC'], ['alpha-1', 'beta-1', 'alpha-2', 'gamma']);
      order(['metrics.acc ASC'], ['beta-1', 'alpha-2', 'alpha-1', 'gamma']);
      order(['metrics.acc'], ['beta-1', 'alpha-2', 'alpha-1', 'gamma']);
      order(['metrics.loss ASC'], ['beta-1', 'alpha-1', 'alpha-2', 'gamma']);
      order(['metrics.loss desc'], ['alpha-1', 'beta-1', 'alpha-2', 'gamma']);
      order(['metrics.`f1 score` DESC'], ['alpha-1', 'beta-1', 'alpha-2', 'gamma']);
      order(['params.model ASC'], ['gamma', 'alpha-2', 'beta-1', 'alpha-1']);
      order(['params.lr DESC'], ['beta-1', 'alpha-2', 'alpha-1', 'gamma']);
      order(['tags.env'], ['alpha-2', 'beta-1', 'alpha-1', 'gamma']);
      order(['attributes.end_time ASC'], ['alpha-1', 'beta-1', 'alpha-2', 'gamma']);
      order(['end_time DESC'], ['beta-1', 'alpha-1', 'alpha-2', 'gamma']);
      order(['run_name'], ['alpha-1', 'alpha-2', 'beta-1', 'gamma']);
      order(['created ASC'], ['alpha-1', 'alpha-2', 'beta-1', 'gamma']);
      order(['status'], ['alpha-2', 'alpha-1', 'gamma', 'beta-1']);
      order(['user_id DESC', 'metrics.acc ASC'], ['gamma', 'alpha-2', 'beta-1', 'alpha-1']);
      order(['tags.env DESC', 'params.lr'], ['alpha-1', 'beta-1', 'alpha-2', 'gamma']);
      order(['metrics.acc DESC', 'start_time ASC'], ['alpha-1', 'alpha-2', 'beta-1', 'gamma']);
      order(['metrics.acc DESC'], ['alpha-1', 'beta-1', 'alpha-2'], 'metrics.acc > 0');
      order(
        ['metrics.acc DESC'],
        ['alpha-1', 'beta-1', 'alpha-2'],
        "tags.env ILIKE '%d%' AND metrics.acc >= 0.5",
      );
    });

    describe('scope and pages', () => {
      it('searches several experiments together', async () => {
        assert.deepEqual(await search('metrics.acc > 0.8', undefined, { experiments: [expA, expB] }), [
          'other',
          'alpha-1',
        ]);
        assert.deepEqual(await search(undefined, ['metrics.acc DESC'], { experiments: [expB, expA, expB] }), [
          'other',
          'alpha-1',
          'beta-1',
          'alpha-2',
          'gamma',
        ]);
      });
      it('finds nothing in no experiment', async () => {
        assert.deepEqual(await search(undefined, undefined, { experiments: [] }), []);
      });
      it('honours view types', async () => {
        assert.deepEqual(await search(undefined, undefined, { viewType: 'DELETED_ONLY' }), ['beta-2']);
        assert.deepEqual(await search('metrics.acc = 0.7', undefined, { viewType: 'ALL' }), ['beta-2']);
        assert.deepEqual(await search('metrics.acc = 0.7', undefined, { viewType: 'ACTIVE_ONLY' }), []);
        assert.deepEqual(await search("lifecycle_stage = 'deleted'", undefined, { viewType: 'ALL' }), [
          'beta-2',
        ]);
      });
      it('pages with limit and offset, also across the runs lacking the sort key', async () => {
        assert.deepEqual(await search(undefined, undefined, { limit: 2, offset: 1 }), ['alpha-2', 'alpha-1']);
        assert.deepEqual(await search(undefined, ['metrics.acc DESC'], { limit: 2, offset: 2 }), [
          'alpha-2',
          'gamma',
        ]);
        assert.deepEqual(await search(undefined, ['metrics.acc DESC'], { limit: 2, offset: 3 }), ['gamma']);
        assert.deepEqual(await search(undefined, ['metrics.loss DESC'], { limit: 1, offset: 3 }), ['gamma']);
        assert.deepEqual(await search(undefined, ['metrics.acc DESC'], { limit: 5, offset: 9 }), []);
        assert.deepEqual(await search(undefined, undefined, { limit: 0 }), []);
      });
    });

    describe('errors', () => {
      const rejects = (q: Partial<SearchRunsQuery>, pattern: RegExp) =>
        assert.rejects(
          searchRunIds(store.db, {
            dialect: store.dialect,
            experimentIds: [expA],
            limit: 10,
            offset: 0,
            ...q,
          }),
          (e: unknown) => {
            assert.ok(isLatheError(e));
            assert.equal(e.code, 'INVALID_ARGUMENT');
            assert.match(e.message, pattern);
            return true;
          },
        );
      it('reports filter, order_by, view type and page errors as INVALID_ARGUMENT', async () => {
        await rejects({ filter: 'metrics.acc ~ 1' }, /position 13/);
        await rejects({ orderBy: ['metrics.acc sideways'] }, /order_by\[0\] at position 13/);
        await rejects({ viewType: 'SOME' as ViewType }, /ACTIVE_ONLY, DELETED_ONLY or ALL/);
        await rejects({ limit: -1 }, /limit/);
        await rejects({ offset: 2 ** 60 }, /offset/);
        await rejects({ experimentIds: [1.5] }, /experiment ids must be integers/);
        await rejects({ experimentIds: [], filter: 'oops' }, /unknown run attribute/);
      });
    });
  });
}
