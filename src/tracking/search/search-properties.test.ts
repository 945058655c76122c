import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import { isLatheError } from '../../core/index.js';
import type { MetaStore } from '../../storage/meta/index.js';
import type { SearchEntity } from './ast.js';
import { parseOrderBy } from './order-by.js';
import { parseFilter } from './parser.js';
import { searchExperimentIds } from './search-experiments.js';
import { searchTargets, seedExperiment, seedRun } from './search-fixtures.js';
import { searchModelVersionKeys, searchRegisteredModelNames } from './search-registry.js';
import { searchRunIds } from './search-runs.js';
import { quoteFilterKey, quoteFilterValue } from './tokenizer.js';

const entities: SearchEntity[] = ['runs', 'experiments', 'registered_models', 'model_versions'];

/** Passes when `fn` returns, or throws INVALID_ARGUMENT with a position inside (or just past) `input`. */
function onlyInvalidArgument(fn: () => unknown, input: string): void {
  try {
    fn();
  } catch (e) {
    if (!isLatheError(e) || e.code !== 'INVALID_ARGUMENT') throw e;
    const position = e.details?.position;
    assert.ok(typeof position === 'number' && position >= 1 && position <= input.length + 1, e.message);
    assert.match(e.message, new RegExp(`position ${position}:`));
  }
}

async function onlyInvalidArgumentAsync(fn: () => Promise<unknown>): Promise<void> {
  try {
    await fn();
  } catch (e) {
    if (!isLatheError(e) || e.code !== 'INVALID_ARGUMENT') throw e;
  }
}

/** Pieces of the language (and near misses) for token soups. */
const vocabulary = [
  'metrics.acc',
  'metric.loss',
  'params.lr',
  'param.x',
  'tags.env',
  'tags.`my tag`',
  'tags."a b"',
  'attributes.status',
  'attr.run_id',
  'run.start_time',
  'datasets.name',
  'dataset.context',
  'datasets.digest',
  'status',
  'run_id',
  'created',
  'end_time',
  'name',
  'version',
  'version_number',
  'source_path',
  'creation_time',
  'last_update_time',
  'timestamp',
  'experiment_id',
  'Metrics.x',
  'foo.bar',
  '=',
  '!=',
  '>',
  '>=',
  '<',
  '<=',
  '==',
  '<>',
  'LIKE',
  'ilike',
  'IN',
  'NOT',
  'NOT IN',
  'IS',
  'NULL',
  'AND',
  'and',
  'OR',
  'ASC',
  'DESC',
  '(',
  ')',
  ',',
  "'x'",
  '"y"',
  "'it''s'",
  "'a\\'b'",
  "'%'",
  "'_\\%'",
  "'",
  '"',
  '`',
  '0',
  '-1',
  '1.5',
  '-.5',
  '1e3',
  '1e999',
  '9007199254740993',
  '3e9',
  '.',
  ';',
  '--',
  '~',
  '\\',
];

const soup = fc
  .array(
    fc.oneof(
      { weight: 6, arbitrary: fc.constantFrom(...vocabulary) },
      { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 4 }) },
    ),
    { maxLength: 12 },
  )
  .chain((parts) =>
    fc
      .array(fc.constantFrom(' ', ' ', ' ', '', '\t', '\n', '  '), {
        minLength: parts.length,
        maxLength: parts.length,
      })
      .map((gaps) => parts.map((p, i) => p + (gaps[i] ?? ' ')).join('')),
  );

describe('search grammar: any input gives a result or INVALID_ARGUMENT, never another error', () => {
  it('random strings', () => {
    fc.assert(
      fc.property(
        fc.oneof(fc.string({ unit: 'binary' }), fc.string({ unit: 'grapheme' }), fc.string()),
        fc.constantFrom(...entities),
        (s, entity) => {
          onlyInvalidArgument(() => parseFilter(entity, s), s);
          onlyInvalidArgument(() => parseOrderBy(entity, [s]), s);
        },
      ),
      { numRuns: 600 },
    );
  });

  it('random token soups', () => {
    fc.assert(
      fc.property(soup, fc.constantFrom(...entities), (s, entity) => {
        onlyInvalidArgument(() => parseFilter(entity, s), s);
        onlyInvalidArgument(() => parseOrderBy(entity, [s]), s);
      }),
      { numRuns: 600 },
    );
  });
});

for (const target of searchTargets()) {
  describe(`search properties on a real database: ${target.name}`, { skip: target.skip }, () => {
    let store: MetaStore;
    let experimentId: number;
    let serial = 0;
    const nulFree = (s: string) => (target.name === 'postgres' ? s.replaceAll('\u0000', '') : s);

    before(async () => {
      store = await target.open();
      experimentId = await seedExperiment(store.db, { name: 'soup' });
      await seedRun(store.db, {
        id: 'f'.repeat(32),
        experimentId,
        metrics: { acc: 0.5, loss: Number.NaN },
        params: { lr: '0.1', x: '1' },
        tags: { env: 'prod', 'my tag': 'v', 'a b': 'w' },
        datasets: [{ name: 'd', digest: 'x', context: 'train' }],
      });
    });
    after(async () => {
      await store?.close();
      await target.cleanup();
    });

    it('token soups that parse also execute, for every entity', async () => {
      await fc.assert(
        fc.asyncProperty(soup, soup, async (filter, order) => {
          const page = { limit: 5, offset: 0 };
          const { dialect } = store;
          await onlyInvalidArgumentAsync(() =>
            searchRunIds(store.db, {
              dialect,
              experimentIds: [experimentId],
              filter,
              orderBy: [order],
              ...page,
            }),
          );
          await onlyInvalidArgumentAsync(() =>
            searchRunIds(store.db, {
              dialect,
              experimentIds: [experimentId],
              filter,
              ...page,
              strategy: { kind: 'driven', clause: 0 },
            }),
          );
          await onlyInvalidArgumentAsync(() =>
            searchExperimentIds(store.db, { dialect, filter, orderBy: [order], ...page }),
          );
          await onlyInvalidArgumentAsync(() =>
            searchRegisteredModelNames(store.db, {
              dialect: store.dialect,
              filter,
              orderBy: [order],
              ...page,
            }),
          );
          await onlyInvalidArgumentAsync(() =>
            searchModelVersionKeys(store.db, { dialect: store.dialect, filter, orderBy: [order], ...page }),
          );
        }),
        { numRuns: target.name === 'postgres' ? 150 : 300 },
      );
    });

    /** Strings full of SQL and filter metacharacters. */
    const nasty = fc
      .array(
        fc.oneof(
          fc.constantFrom(
            "'",
            "''",
            '"',
            '`',
            '%',
            '_',
            ';',
            '--',
            '\\',
            '/*',
            '*/',
            '\u0000',
            ' ',
            'é',
            'İ',
            '💥',
            'AND',
            'OR 1=1',
          ),
          fc.string({ unit: 'binary', maxLength: 4 }),
        ),
        { minLength: 1, maxLength: 8 },
      )
      .map((parts) => parts.join(''));

    it('filters built from any key and value find exactly the runs holding them (values are bound, never spliced)', async () => {
      await fc.assert(
        fc.asyncProperty(
          nasty,
          nasty,
          fc.double({ noNaN: true, min: -1e300, max: 1e300 }),
          async (rawKey, rawValue, metric) => {
            const key = nulFree(rawKey);
            const value = nulFree(rawValue);
            const other = key === 'other' ? 'other2' : 'other';
            const exp = await seedExperiment(store.db, { name: `rt-${++serial}` });
            const [a, b, c] = [1, 2, 3].map((i) => `${serial.toString(16).padStart(28, '0')}000${i}`) as [
              string,
              string,
              string,
            ];
            await seedRun(store.db, {
              id: a,
              experimentId: exp,
              startTime: 3,
              tags: { [key]: value },
              params: { [key]: value },
              metrics: { [key]: metric },
            });
            await seedRun(store.db, {
              id: b,
              experimentId: exp,
              startTime: 2,
              tags: { [key]: `${value}x` },
              params: { [other]: value },
            });
            await seedRun(store.db, { id: c, experimentId: exp, startTime: 1, tags: { [other]: value } });
            const k = quoteFilterKey(key);
            const v = quoteFilterValue(value);
            const find = (filter: string) =>
              searchRunIds(store.db, {
                dialect: store.dialect,
                experimentIds: [exp],
                filter,
                limit: 10,
                offset: 0,
              });
            assert.deepEqual(await find(`tags.${k} = ${v}`), [a]);
            assert.deepEqual(await find(`tags.${k} != ${v}`), [b]);
            assert.deepEqual(await find(`params.${k} = ${v} AND tags.${k} = ${v}`), [a]);
            assert.deepEqual(await find(`params.${k} != ${v}`), []);
            assert.deepEqual(await find(`metrics.${k} = ${metric}`), [a]);
            assert.deepEqual(await find(`metrics.${k} != ${metric}`), []);
            assert.deepEqual(await find(`run_id IN (${quoteFilterValue(a)}, ${v})`), [a]);
            assert.deepEqual(await find(`tags.${k} = ${quoteFilterValue(`${value}\u0000`)}`), []);
            if (!value.includes('\u0000')) {
              const pattern = quoteFilterValue(value.replace(/[\\%_]/g, (ch) => `\\${ch}`));
              assert.deepEqual(await find(`tags.${k} LIKE ${pattern}`), [a]);
              assert.deepEqual(await find(`tags.${k} ILIKE ${pattern}`), [a]);
            }
            const sorted = await searchRunIds(store.db, {
              dialect: store.dialect,
              experimentIds: [exp],
              orderBy: [`tags.${k} DESC`],
              limit: 10,
              offset: 0,
            });
            assert.deepEqual(sorted, [b, a, c]);
          },
        ),
        { numRuns: target.name === 'postgres' ? 60 : 150 },
      );
    });
  });
}
