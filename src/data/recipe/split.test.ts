import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { BlobStore } from '../../storage/blobs/index.js';
import { openTestData, type TestData } from '../data-fixture.js';
import type { DataService } from '../data-service.js';
import { applyFittedRecipe } from './row-path.js';

const fixtures = path.resolve(import.meta.dirname, '../../../test/fixtures/recipe');
type Row = Record<string, unknown>;

describe('transform recipes: splits and joins', () => {
  let t: TestData;
  let blobs: BlobStore;
  let data: DataService;
  let input: Row[];
  const rowsOf = async (digest: string) =>
    (await data.engine()).query<Row>(
      `SELECT * EXCLUDE (file_row_number) FROM read_parquet('${blobs.localPath(digest)}', file_row_number = true) ORDER BY file_row_number`,
    );
  const split = async (spec: Record<string, unknown>, output: string) => {
    const result = await data.transform(
      'customers@1',
      { version: 1, steps: [{ select: ['customer_id', 'city', 'signup', 'churned'] }], split: spec, output },
      null,
    );
    const parts: Record<string, Row[]> = {};
    for (const o of result.outputs) parts[o.split!] = await rowsOf(o.version.digest);
    return { result, parts };
  };

  before(async () => {
    t = await openTestData({ piiSalt: 'x' });
    ({ blobs, data } = t);
    const v = await data.ingestFile(
      path.join(fixtures, 'customers.csv'),
      { name: 'customers', filename: 'customers.csv' },
      null,
    );
    await data.ingestFile(path.join(fixtures, 'plans.csv'), { name: 'plans', filename: 'plans.csv' }, null);
    input = await rowsOf(v.version.digest);
  });
  after(() => t?.close());

  it('a random split: exact ratios, every row once, one version per split with lineage, the same on every run', async () => {
    const spec = { kind: 'random', ratios: { train: 0.7, validation: 0.15, test: 0.15 }, seed: 42 };
    const { result, parts } = await split(spec, 'cust');
    assert.deepEqual(
      result.outputs.map((o) => [o.version.ref, o.split, o.created]),
      [
        ['cust-train@1', 'train', true],
        ['cust-validation@1', 'validation', true],
        ['cust-test@1', 'test', true],
      ],
    );
    for (const o of result.outputs) assert.deepEqual(o.version.parents, ['customers@1']);
    assert.deepEqual(
      [parts['train']!.length, parts['validation']!.length, parts['test']!.length],
      [225, 49, 48],
    );
    const ids = (rows: Row[]) => rows.map((r) => r['customer_id'] as number).sort((a, b) => a - b);
    assert.deepEqual(ids([...parts['train']!, ...parts['validation']!, ...parts['test']!]), ids(input));
    // Rows keep their input order inside each split.
    const pos = (r: Row) => input.findIndex((x) => x['customer_id'] === r['customer_id']);
    const order = parts['test']!.map(pos);
    assert.deepEqual(
      order,
      [...order].sort((a, b) => a - b),
    );
    // Deterministic: the same recipe gives the same content, so no new versions.
    const again = await split(spec, 'cust');
    assert.deepEqual(
      again.result.outputs.map((o) => [o.version.ref, o.created]),
      [
        ['cust-train@1', false],
        ['cust-validation@1', false],
        ['cust-test@1', false],
      ],
    );
    const reseeded = await split({ ...spec, seed: 7 }, 'cust');
    assert.deepEqual(
      reseeded.result.outputs.map((o) => o.version.ref),
      ['cust-train@2', 'cust-validation@2', 'cust-test@2'],
    );
    assert.notDeepEqual(ids(reseeded.parts['test']!), ids(parts['test']!));
  });

  it('a stratified split keeps the class shares in every split', async () => {
    const { parts } = await split(
      { kind: 'stratified', ratios: { train: 0.6, test: 0.4 }, column: 'churned', seed: 1 },
      'strat',
    );
    const share = (rows: Row[]) => rows.filter((r) => r['churned'] === true).length / rows.length;
    const overall = share(input);
    for (const name of ['train', 'test']) {
      const rows = parts[name]!;
      assert.ok(
        Math.abs(share(rows) - overall) <= 1.5 / rows.length,
        `${name}: ${share(rows)} vs ${overall}`,
      );
    }
    const churned = input.filter((r) => r['churned'] === true).length;
    assert.equal(parts['train']!.filter((r) => r['churned'] === true).length, Math.round(churned * 0.6));
  });

  it('a group split keeps every group whole', async () => {
    const { parts } = await split(
      { kind: 'group', ratios: { train: 0.5, validation: 0.25, test: 0.25 }, column: 'city', seed: 3 },
      'grouped',
    );
    const where = new Map<unknown, string>();
    let total = 0;
    for (const [name, rows] of Object.entries(parts)) {
      total += rows.length;
      for (const r of rows) {
        const seen = where.get(r['city']);
        assert.ok(seen === undefined || seen === name, `city ${String(r['city'])} is in ${seen} and ${name}`);
        where.set(r['city'], name);
      }
    }
    assert.equal(total, input.length);
    assert.ok(where.has(null), 'rows without a city form a group too');
    assert.equal(new Set(where.values()).size, 3);
  });

  it('a time split puts the earliest rows in train, the latest in test', async () => {
    const { parts } = await split(
      { kind: 'time', ratios: { train: 0.8, test: 0.2 }, column: 'signup' },
      'timed',
    );
    const times = (rows: Row[]) => rows.map((r) => r['signup'] as string).sort();
    assert.equal(parts['train']!.length, Math.round(input.length * 0.8));
    assert.ok(times(parts['train']!).at(-1)! <= times(parts['test']!)[0]!);
  });

  it('refuses a split on an unknown column, and ratios that do not add up, before making any version', async () => {
    const names = (await data.list()).map((d) => d.name);
    await assert.rejects(
      split({ kind: 'group', ratios: { train: 0.5, test: 0.5 }, column: 'region' }, 'bad'),
      /split: unknown column "region"; the columns after the steps are customer_id, city, signup, churned/,
    );
    await assert.rejects(
      split({ kind: 'random', ratios: { train: 0.5, test: 0.6 } }, 'bad'),
      /add up to 1; they add up to 1.1/,
    );
    await assert.rejects(
      split({ kind: 'stratified', ratios: { train: 0.5, test: 0.5 } }, 'bad'),
      /a stratified split needs column \(the label\)/,
    );
    assert.deepEqual(
      (await data.list()).map((d) => d.name),
      names,
    );
  });

  it('joins another version: its columns added, its version a parent; the row path takes them from the row', async () => {
    const recipe = {
      version: 1,
      steps: [
        { select: ['customer_id', 'plan_id', 'visits'] },
        { join: { with: 'plans@latest', on: 'plan_id', how: 'left' } },
        { derive: { monthly_cost: 'monthly_price * seats' } },
      ],
      output: 'customers-plans',
    };
    const result = await data.transform('customers@1', recipe, null);
    const v = result.outputs[0]!.version;
    assert.deepEqual(result.joined, ['plans@1']);
    assert.deepEqual(v.parents.sort(), ['customers@1', 'plans@1']);
    assert.deepEqual(
      v.columns.map((c) => c.name),
      ['customer_id', 'plan_id', 'visits', 'plan_name', 'monthly_price', 'seats', 'monthly_cost'],
    );
    const rows = await rowsOf(v.digest);
    assert.equal(rows.length, input.length);
    const price: Record<number, [string, number, number]> = {
      1: ['basic', 9.99, 1],
      2: ['pro', 29.5, 5],
      3: ['enterprise', 199, 50],
    };
    for (const [i, r] of rows.entries()) {
      assert.equal(r['customer_id'], input[i]!['customer_id'], 'input order kept');
      const [name, p, seats] = price[r['plan_id'] as number]!;
      assert.deepEqual(
        [r['plan_name'], r['monthly_price'], r['seats'], r['monthly_cost']],
        [name, p, seats, p * seats],
      );
    }
    const fitted = await data.fittedRecipe(v.ref);
    assert.throws(
      () => applyFittedRecipe(fitted, input[0]!),
      /joins plans@1, which the row path cannot do; pass the joined columns in the row \(missing: plan_name, monthly_price, seats\)/,
    );
    const served = applyFittedRecipe(fitted, {
      ...input[0]!,
      plan_name: 'basic',
      monthly_price: 9.99,
      seats: 1,
    });
    assert.deepEqual(served, rows[0]);

    await assert.rejects(
      data.transform(
        'customers@1',
        {
          version: 1,
          steps: [{ derive: { seats: 'visits' } }, { join: { with: 'plans@1', on: { plan_id: 'plan_id' } } }],
        },
        null,
      ),
      /step 2 \(join\): the joined column "seats" exists already; choose columns or set a prefix/,
    );
    const prefixed = await data.transform(
      'customers@1',
      {
        version: 1,
        steps: [
          { select: ['customer_id', 'plan_id'] },
          { join: { with: 'plans@1', on: ['plan_id'], how: 'inner', columns: ['seats'], prefix: 'plan_' } },
        ],
        output: 'cp2',
      },
      null,
    );
    assert.deepEqual(
      prefixed.outputs[0]!.version.columns.map((c) => c.name),
      ['customer_id', 'plan_id', 'plan_seats'],
    );
    await assert.rejects(
      data.transform(
        'customers@1',
        { version: 1, steps: [{ join: { with: 'plans@9', on: 'plan_id' } }] },
        null,
      ),
      /step 1 \(join\): dataset plans has no version 9/,
    );
  });
});
