import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { isLatheError } from '../../core/index.js';
import type { MetaStore } from '../../storage/meta/index.js';
import { searchExperimentIds } from './search-experiments.js';
import { type SearchTarget, seedExperiment } from './search-fixtures.js';
import { searchModelVersionKeys, searchRegisteredModelNames } from './search-registry.js';
import type { ViewType } from '../types.js';

/**
 * The experiment, registered model and model version search behaviour suite on `target`:
 * every attribute and comparator MLflow allows there, tags, ordering, defaults and ties.
 */
export function runSearchEntitiesConformance(target: SearchTarget): void {
  describe(`experiment and registry search: ${target.name}`, { skip: target.skip }, () => {
    let store: MetaStore;
    const experimentNames = new Map<number, string>();

    before(async () => {
      store = await target.open();
      const db = store.db;
      const experiments: Parameters<typeof seedExperiment>[1][] = [
        { name: 'alpha', created: 1000, updated: 5000, tags: { team: 'ml', 'my tag': 'x y' } },
        { name: 'beta', created: 2000, updated: 4000, tags: { team: 'ML' } },
        { name: 'Gamma', stage: 'deleted', created: 3000, updated: 3000 },
        { name: 'delta', created: 2000, updated: 1000 },
      ];
      for (const e of experiments) experimentNames.set(await seedExperiment(db, e), e.name);
      const models = [
        { name: 'model-a', creation_time: 1000, last_updated_time: 3000, tags: { stage: 'prod' } },
        { name: 'Model-B', creation_time: 2000, last_updated_time: 2000, tags: { stage: 'dev' } },
        { name: 'model-c', creation_time: 3000, last_updated_time: 1000, tags: {} },
      ];
      for (const { tags, ...m } of models) {
        await db
          .insertInto('registered_models')
          .values({ ...m, description: '', user_id: 'u' })
          .execute();
        for (const [key, value] of Object.entries(tags)) {
          await db.insertInto('registered_model_tags').values({ name: m.name, key, value }).execute();
        }
      }
      const versions = [
        {
          name: 'model-a',
          version: 1,
          created: 100,
          updated: 500,
          run: 'r1',
          source: 's3://b/1',
          tags: { ok: 'yes' },
        },
        { name: 'model-a', version: 2, created: 200, updated: 600, run: 'r2', source: 's3://b/2', tags: {} },
        {
          name: 'model-a',
          version: 3,
          created: 250,
          updated: 900,
          run: 'r1',
          source: 's3://b/3',
          deleted: 1,
          tags: {},
        },
        {
          name: 'Model-B',
          version: 1,
          created: 300,
          updated: 600,
          run: 'r1',
          source: 'file:/x',
          tags: { ok: 'no' },
        },
        { name: 'Model-B', version: 10, created: 400, updated: 100, run: null, source: 'file:/y', tags: {} },
      ];
      for (const v of versions) {
        await db
          .insertInto('model_versions')
          .values({
            name: v.name,
            version: v.version,
            creation_time: v.created,
            last_updated_time: v.updated,
            description: '',
            user_id: 'u',
            current_stage: 'None',
            source: v.source,
            run_id: v.run,
            run_link: null,
            status: 'READY',
            status_message: null,
            deleted: v.deleted ?? 0,
          })
          .execute();
        for (const [key, value] of Object.entries(v.tags)) {
          await db
            .insertInto('model_version_tags')
            .values({ name: v.name, version: v.version, key, value })
            .execute();
        }
      }
    });
    after(async () => {
      await store?.close();
      await target.cleanup();
    });

    describe('experiments', () => {
      const experiments = async (filter?: string, orderBy?: string[], viewType?: ViewType) => {
        const scoped = filter ? `${filter} AND name != 'Default'` : "name != 'Default'";
        const ids = await searchExperimentIds(store.db, {
          dialect: store.dialect,
          filter: scoped,
          orderBy,
          viewType,
          limit: 50,
          offset: 0,
        });
        return ids.map((i) => experimentNames.get(i));
      };
      const check = (
        filter: string | undefined,
        expected: string[],
        orderBy?: string[],
        viewType?: ViewType,
      ) =>
        it(`${filter ?? '(no filter)'}${orderBy ? ` ORDER BY ${orderBy.join(', ')}` : ''}${viewType ? ` ${viewType}` : ''}`, async () =>
          assert.deepEqual(await experiments(filter, orderBy, viewType), expected));

      check(undefined, ['beta', 'delta', 'alpha']);
      check(undefined, ['Gamma', 'beta', 'delta', 'alpha'], undefined, 'ALL');
      check(undefined, ['Gamma'], undefined, 'DELETED_ONLY');
      check(undefined, ['delta', 'beta', 'alpha'], ['creation_time DESC']);
      check(undefined, ['alpha', 'beta', 'delta'], ['name']);
      check(undefined, ['Gamma', 'alpha', 'beta', 'delta'], ['attributes.name ASC'], 'ALL');
      check(undefined, ['delta', 'beta', 'alpha'], ['last_update_time ASC']);
      check(undefined, ['delta', 'beta', 'alpha'], ['experiment_id DESC']);
      check("name = 'alpha'", ['alpha']);
      check("attributes.name LIKE 'a%'", ['alpha']);
      check("name ILIKE 'GAMMA'", ['Gamma'], undefined, 'ALL');
      check("name LIKE 'gamma'", [], undefined, 'ALL');
      check("attribute.name != 'beta'", ['delta', 'alpha']);
      check('creation_time >= 2000', ['beta', 'delta']);
      check('creation_time = 2000', ['beta', 'delta']);
      check('creation_time != 2000', ['alpha']);
      check('attributes.last_update_time < 4000.5', ['beta', 'delta']);
      check('last_update_time > 4999.5', ['alpha']);
      check("tags.team = 'ml'", ['alpha']);
      check("tags.team ILIKE 'ml'", ['beta', 'alpha']);
      check("tag.team != 'ml'", ['beta']);
      check("tags.`my tag` = 'x y'", ['alpha']);
      check('tags."my tag" LIKE \'x%\' and creation_time < 2000', ['alpha']);
    });

    describe('registered models', () => {
      const check = (filter: string | undefined, expected: string[], orderBy?: string[]) =>
        it(`${filter ?? '(no filter)'}${orderBy ? ` ORDER BY ${orderBy.join(', ')}` : ''}`, async () =>
          assert.deepEqual(
            await searchRegisteredModelNames(store.db, {
              dialect: store.dialect,
              filter,
              orderBy,
              limit: 50,
              offset: 0,
            }),
            expected,
          ));
      check(undefined, ['Model-B', 'model-a', 'model-c']);
      check(undefined, ['model-a', 'Model-B', 'model-c'], ['timestamp DESC']);
      check(undefined, ['model-c', 'Model-B', 'model-a'], ['last_updated_timestamp ASC']);
      check(undefined, ['model-c', 'Model-B', 'model-a'], ['creation_timestamp DESC']);
      check(undefined, ['model-c', 'model-a', 'Model-B'], ['name DESC']);
      check("name LIKE 'model%'", ['model-a', 'model-c']);
      check("name ILIKE 'model%'", ['Model-B', 'model-a', 'model-c']);
      check("name != 'model-a'", ['Model-B', 'model-c']);
      check("name = 'model-a'", ['model-a']);
      check("tags.stage = 'prod'", ['model-a']);
      check("tags.stage ILIKE 'DEV'", ['Model-B']);
      check("attributes.name LIKE '%-_' AND tag.stage != 'prod'", ['Model-B']);
      it('pages', async () => {
        assert.deepEqual(
          await searchRegisteredModelNames(store.db, { dialect: store.dialect, limit: 1, offset: 1 }),
          ['model-a'],
        );
        assert.deepEqual(
          await searchRegisteredModelNames(store.db, { dialect: store.dialect, limit: 0, offset: 0 }),
          [],
        );
      });
    });

    describe('model versions (deleted versions never match)', () => {
      const check = (filter: string | undefined, expected: string[], orderBy?: string[]) =>
        it(`${filter ?? '(no filter)'}${orderBy ? ` ORDER BY ${orderBy.join(', ')}` : ''}`, async () => {
          const keys = await searchModelVersionKeys(store.db, {
            dialect: store.dialect,
            filter,
            orderBy,
            limit: 50,
            offset: 0,
          });
          assert.deepEqual(
            keys.map((k) => `${k.name}/${k.version}`),
            expected,
          );
        });
      check(undefined, ['Model-B/1', 'model-a/2', 'model-a/1', 'Model-B/10']);
      check(undefined, ['Model-B/10', 'model-a/2', 'Model-B/1', 'model-a/1'], ['version_number DESC']);
      check(undefined, ['Model-B/1', 'Model-B/10', 'model-a/1', 'model-a/2'], ['name', 'version_number']);
      check(undefined, ['model-a/1', 'model-a/2', 'Model-B/1', 'Model-B/10'], ['creation_timestamp']);
      check(undefined, ['Model-B/10', 'model-a/1', 'Model-B/1', 'model-a/2'], ['last_updated_timestamp ASC']);
      check("name = 'model-a'", ['model-a/2', 'model-a/1']);
      check('version > 1', ['model-a/2', 'Model-B/10']);
      check('version_number >= 1.5', ['model-a/2', 'Model-B/10']);
      check('version_number = 1', ['Model-B/1', 'model-a/1']);
      check('version_number != 1.5', ['Model-B/1', 'model-a/2', 'model-a/1', 'Model-B/10']);
      check('version_number > 3e9', []);
      check('version_number < 3e9', ['Model-B/1', 'model-a/2', 'model-a/1', 'Model-B/10']);
      check("run_id = 'r1'", ['Model-B/1', 'model-a/1']);
      check("run_id IN ('r1', 'r2')", ['Model-B/1', 'model-a/2', 'model-a/1']);
      check("run_id != 'r1'", ['model-a/2']);
      check("run_id LIKE 'r%'", ['Model-B/1', 'model-a/2', 'model-a/1']);
      check("source_path LIKE 's3://%'", ['model-a/2', 'model-a/1']);
      check("source_path ILIKE 'FILE:%'", ['Model-B/1', 'Model-B/10']);
      check("tags.ok = 'yes'", ['model-a/1']);
      check("tags.ok != 'yes' AND name ILIKE 'model-b'", ['Model-B/1']);
    });

    it('reports grammar errors as INVALID_ARGUMENT with the position', async () => {
      const cases: [Promise<unknown>, RegExp][] = [
        [
          searchExperimentIds(store.db, {
            dialect: store.dialect,
            filter: 'metrics.a > 1',
            limit: 1,
            offset: 0,
          }),
          /position 1: unknown prefix/,
        ],
        [
          searchRegisteredModelNames(store.db, {
            dialect: store.dialect,
            filter: "name IN ('a')",
            limit: 1,
            offset: 0,
          }),
          /position 6/,
        ],
        [
          searchModelVersionKeys(store.db, {
            dialect: store.dialect,
            orderBy: ['tags.x'],
            limit: 1,
            offset: 0,
          }),
          /order_by\[0\]/,
        ],
        [
          searchModelVersionKeys(store.db, {
            dialect: store.dialect,
            filter: "source_path IN ('a')",
            limit: 1,
            offset: 0,
          }),
          /position 13/,
        ],
      ];
      for (const [promise, pattern] of cases) {
        await assert.rejects(promise, (e: unknown) => {
          assert.ok(isLatheError(e));
          assert.equal(e.code, 'INVALID_ARGUMENT');
          assert.match(e.message, pattern);
          return true;
        });
      }
    });
  });
}
