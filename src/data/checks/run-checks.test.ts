import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { isLatheError } from '../../core/index.js';
import type { BlobStore } from '../../storage/blobs/index.js';
import { openTestData, type TestData } from '../data-fixture.js';
import type { DataService } from '../data-service.js';
import { CheckContext } from './context.js';
import type { CheckResult, CheckRun } from './types.js';

const day = (start: string, n: number) =>
  new Date(Date.parse(`${start}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);

/** A clean customers table: 400 rows, unique ids, four cities, a 25% churn target, 400 days of signups. */
function cleanCsv(): string[] {
  const lines = ['customer_id,age,income,city,plan,segment,signup,refund,churn'];
  for (let i = 0; i < 400; i++)
    lines.push(
      [
        i + 1,
        20 + ((i * 7) % 50),
        30000 + ((i * 137) % 20000),
        ['Paris', 'Lyon', 'Nice', 'New York'][i % 4],
        ['free', 'pro'][i % 2],
        ['a', 'b'][(i >> 1) % 2],
        day('2022-01-01', i),
        i % 7,
        i % 4 === 0,
      ].join(','),
    );
  return lines;
}

/**
 * The next export, with every problem planted: duplicate ids and rows, a constant and a
 * near-constant column, 'New York' written three ways and a zero-width space, ages -3 and 150,
 * incomes of 9,000,000, a 5% target, a feature that leaks it, a conflicting label, a new plan, a
 * dropped column, 'N/A' among zip codes, 25% missing incomes and 20 days of history.
 */
function dirtyCsv(): string[] {
  const lines = ['customer_id,age,income,city,plan,signup,refund,churn,country,flag,zip'];
  const row = (i: number, churn: boolean, leak = churn) => {
    const city =
      i < 5
        ? '"new york "'
        : i < 8
          ? 'New-York'
          : i === 8
            ? 'Lyon\u200b'
            : ['Paris', 'Lyon', 'Nice', 'New York'][i % 4];
    const income = [10, 50, 90].includes(i) ? 9_000_000 : i % 4 === 1 ? '' : 30000 + ((i * 137) % 20000);
    return [
      (i % 390) + 1,
      i === 3 ? -3 : i === 4 ? 150 : 20 + ((i * 7) % 50),
      income,
      city,
      ['free', 'pro', 'platinum'][i % 3],
      day('2024-01-01', i % 20),
      leak ? 100 + (i % 3) : i % 5,
      churn,
      'FR',
      i % 40 === 0 ? 'y' : 'x',
      i % 30 === 0 ? 'N/A' : 75000 + i,
    ].join(',');
  };
  for (let i = 0; i < 400; i++) lines.push(row(i, i % 20 === 0));
  // Rows 401 and 402 repeat rows 21 and 22; row 403 has row 32's features with the other label.
  lines.push(lines[21]!, lines[22]!, row(31, true, false));
  return lines;
}

describe('quality checks on real files', () => {
  let t: TestData;
  let dir: string;
  let data: DataService;
  let blobs: BlobStore;
  let clean: CheckRun;
  let dirty: CheckRun;
  const file = (name: string, lines: string[]) => {
    const f = path.join(dir, name);
    writeFileSync(f, `${lines.join('\n')}\n`);
    return f;
  };
  const ingest = (name: string, lines: string[], target?: string) =>
    data.ingestFile(
      file(`${name}-${Math.random()}.csv`, lines),
      {
        name,
        filename: `${name}.csv`,
        ...(target ? { target } : {}),
      },
      null,
    );
  const result = (run: CheckRun, name: string): CheckResult => {
    const r = run.results.find((x) => x.name === name);
    assert.ok(r, `no result named ${name} in ${run.results.map((x) => x.name).join(', ')}`);
    return r;
  };
  const column = (r: CheckResult, col: string) => {
    const c = r.columns.find((x) => x.column === col);
    assert.ok(c, `${r.name} has no column ${col}: ${JSON.stringify(r.columns)}`);
    return c;
  };

  before(async () => {
    t = await openTestData();
    ({ dir, blobs, data } = t);
    await ingest('customers', cleanCsv(), 'churn');
    await ingest('customers', dirtyCsv(), 'churn');
    clean = await data.check('customers@1', undefined, null);
    dirty = await data.check('customers@2', undefined, null);
  });
  after(() => t?.close());

  it('passes a clean first version with the default suite; reference checks are skipped', () => {
    const bad = clean.results.filter((r) => r.status !== 'pass' && r.status !== 'skipped');
    assert.deepEqual(
      bad.map((r) => `${r.name}: ${r.message}`),
      [],
    );
    assert.equal(clean.status, 'pass');
    for (const name of ['new_categories', 'schema_change']) {
      const r = result(clean, name);
      assert.equal(r.status, 'skipped');
      assert.match(r.message, /customers@1 is the first version/);
    }
    assert.equal(clean.reference, null);
    assert.equal(clean.summary.pass + clean.summary.skipped, clean.results.length);
  });

  it('fails the dirty export, compared with the previous version', () => {
    assert.equal(dirty.status, 'fail');
    assert.equal(dirty.reference, 'customers@1');
    assert.equal(dirty.ref, 'customers@2');
    assert.equal(dirty.rows, 403);
  });

  it('missing values: the share per column, with example rows', () => {
    const r = result(dirty, 'missing_values');
    assert.equal(r.status, 'warn');
    const income = column(r, 'income');
    assert.equal(income.count, 101);
    assert.equal(income.status, 'warn');
    assert.deepEqual(income.rows, [2, 6, 10, 14, 18]);
    assert.equal(column(r, 'age').status, 'pass');
  });

  it('duplicate rows and duplicate ids, with the rows that repeat', () => {
    const rows = result(dirty, 'duplicate_rows');
    assert.equal(rows.status, 'warn');
    assert.equal(rows.details?.['duplicates'], 2);
    assert.deepEqual(
      (rows.details!['examples'] as { rows: number[] }[]).map((e) => e.rows),
      [
        [21, 401],
        [22, 402],
      ],
    );
    const ids = result(dirty, 'duplicate_ids');
    assert.equal(ids.status, 'fail');
    const id = column(ids, 'customer_id');
    assert.equal(id.details?.['groups'], 13);
    assert.deepEqual(id.rows!.slice(0, 2), [1, 391]);
    assert.deepEqual(id.examples, ['1', '2', '3']);
  });

  it('constant and near-constant columns', () => {
    const r = result(dirty, 'constant_columns');
    assert.equal(column(r, 'country').status, 'fail');
    assert.equal(column(r, 'country').value, 1);
    assert.deepEqual(column(r, 'country').examples, ['FR']);
    assert.equal(column(r, 'flag').status, 'warn');
    assert.equal(column(r, 'city').status, 'pass');
  });

  it('mixed types: text among numbers, with rows and values', () => {
    const r = result(dirty, 'mixed_types');
    const zip = column(r, 'zip');
    assert.equal(zip.status, 'warn');
    assert.equal(zip.count, 14);
    assert.deepEqual(zip.rows, [1, 31, 61, 91, 121]);
    assert.deepEqual(zip.examples, ['N/A']);
    assert.equal((zip.details!['kinds'] as Record<string, number>)['text'], 14 / 403);
  });

  it('string mismatches: one value written three ways, and a zero-width space', () => {
    const r = result(dirty, 'string_mismatches');
    const city = column(r, 'city');
    assert.equal(city.status, 'warn');
    const variants = city.details?.['variants'] as { value: string }[][];
    assert.deepEqual(variants[0]!.map((v) => v.value).sort(), ['New York', 'New-York', 'new york '].sort());
    assert.equal((city.details!['special'] as Record<string, number>)['non_printable'], 1);
    assert.equal(city.count, 9);
    assert.deepEqual(city.rows, [1, 2, 3, 4, 5]);
  });

  it('out of range: ages -3 and 150 fail a 0..120 rule', async () => {
    const run = await data.check(
      'customers@2',
      { checks: [{ check: 'out_of_range', column: 'age', min: 0, max: 120 }] },
      null,
    );
    const age = column(result(run, 'out_of_range(age)'), 'age');
    assert.equal(age.status, 'fail');
    assert.equal(age.count, 2);
    assert.deepEqual(age.rows, [4, 5]);
    assert.deepEqual(age.examples, [-3, 150]);
    assert.deepEqual(age.details, { below: 1, above: 1, min: 0, max: 120 });
    assert.equal(run.status, 'fail');
  });

  it('outliers: IQR and z-score find the planted incomes; the isolation forest ranks them first', async () => {
    const run = await data.check(
      'customers@2',
      {
        checks: [
          { check: 'outliers', columns: ['income'], warn: 0.005 },
          { check: 'outliers', method: 'zscore', columns: ['income'], warn: 0.005 },
          { check: 'outliers', method: 'isolation_forest', columns: ['income', 'age'], score: 0.7 },
        ],
      },
      null,
    );
    const [iqr, z, forest] = run.results;
    for (const r of [iqr!, z!]) {
      const income = column(r, 'income');
      assert.equal(income.count, 3, r.name);
      assert.equal(income.status, 'warn');
      assert.deepEqual(
        [...income.rows!].sort((a, b) => a - b),
        [11, 51, 91],
      );
      assert.deepEqual(income.examples, [9_000_000, 9_000_000, 9_000_000]);
    }
    const top = (forest!.details!['top'] as { row: number; score: number }[]).map((t) => t.row);
    assert.deepEqual(
      top.slice(0, 3).sort((a, b) => a - b),
      [11, 51, 91],
      JSON.stringify(forest!.details),
    );
    assert.equal(forest!.details?.['sampled'], false);
    assert.equal(forest!.details?.['scored'], 403);
    assert.match(forest!.message, /403 rows scored/);
  });

  it('class imbalance, conflicting labels and a leaking feature', () => {
    const imbalance = result(dirty, 'class_imbalance');
    assert.equal(imbalance.status, 'warn');
    assert.equal(imbalance.value, 22 / 403);
    const labels = result(dirty, 'conflicting_labels');
    assert.equal(labels.status, 'warn');
    assert.deepEqual(labels.details?.['examples'], [[32, 403]]);
    assert.equal(labels.details?.['rows'], 2);
    const leak = result(dirty, 'target_leakage');
    assert.equal(leak.status, 'warn');
    assert.ok(leak.value! > 0.97 && leak.value! < 0.98, String(leak.value));
    assert.equal(column(leak, 'refund').status, 'warn');
    assert.equal(column(leak, 'age').status, 'pass');
  });

  it('new categories and schema changes against the previous version', () => {
    const fresh = result(dirty, 'new_categories');
    assert.equal(fresh.status, 'fail');
    const plan = column(fresh, 'plan');
    assert.deepEqual(plan.examples, ['platinum']);
    assert.equal(plan.count, 134);
    assert.deepEqual(plan.rows, [3, 6, 9, 12, 15]);
    const schema = result(dirty, 'schema_change');
    assert.equal(schema.status, 'fail');
    assert.deepEqual(
      schema.columns.map((c) => [c.column, c.status, c.details?.['change']]),
      [
        ['segment', 'fail', 'removed'],
        ['customer_id', 'warn', 'semantic_changed'],
        ['country', 'warn', 'added'],
        ['flag', 'warn', 'added'],
        ['zip', 'warn', 'added'],
      ],
    );
  });

  it('insufficient history: 19 days fail; periods and gaps when asked', async () => {
    const run = await data.check(
      'customers@2',
      `checks:
  - check: insufficient_history
  - check: insufficient_history
    column: signup
    period: day
    min_periods: 30
    max_gap_days: 0.5
    fail: 10
    warn: 15
`,
      null,
    );
    const [plain, strict] = run.results;
    assert.equal(plain!.status, 'fail');
    assert.equal(plain!.value, 19);
    assert.match(plain!.message, /spans 19 days < 90/);
    assert.equal(strict!.status, 'fail');
    assert.match(strict!.message, /20 days hold rows < 30/);
    const c1 = await data.check('customers@1', { checks: [{ check: 'insufficient_history' }] }, null);
    assert.equal(c1.results[0]!.status, 'pass');
  });

  it('severity overrides turn failures into warnings and warnings into failures', async () => {
    const run = await data.check(
      'customers@2',
      {
        checks: [
          { check: 'constant_columns', severity: 'warn' },
          { check: 'mixed_types', severity: 'fail' },
        ],
      },
      null,
    );
    assert.deepEqual(
      run.results.map((r) => r.status),
      ['warn', 'fail'],
    );
    assert.equal(column(run.results[0]!, 'country').status, 'warn');
  });

  it('refuses a suite naming an unknown column or one of the wrong type, and stores nothing', async () => {
    const before = (await data.checkRuns('customers@2')).length;
    const cases: [unknown, RegExp][] = [
      [
        { checks: [{ check: 'missing_values', columns: ['age', 'salary'] }] },
        /checks\[0\] \(missing_values\), field "columns".*"salary".*customer_id, age/,
      ],
      [
        { checks: [{ check: 'out_of_range', column: 'city', min: 0 }] },
        /numeric or datetime column.*"city", a VARCHAR/,
      ],
      [{ checks: [{ check: 'outliers', columns: ['city'] }] }, /a numeric column/],
      [{ checks: [{ check: 'out_of_range', column: 'signup', min: 5 }] }, /an ISO date \(signup is DATE\)/],
      [{ reference: 'customers@9', checks: [{ check: 'schema_change' }] }, /field "reference".*no version 9/],
      [{ target: 'nope', checks: [{ check: 'class_imbalance' }] }, /field "target".*"nope"/],
    ];
    for (const [suite, pattern] of cases) {
      const err = await data.check('customers@2', suite, null).then(
        () => assert.fail(`accepted ${JSON.stringify(suite)}`),
        (e: unknown) => e,
      );
      assert.ok(isLatheError(err) && err.code === 'INVALID_ARGUMENT', String(err));
      assert.match(err.message, pattern);
    }
    assert.equal((await data.checkRuns('customers@2')).length, before);
  });

  it('isolates a check whose aggregate breaks the shared scan: it errors, the others still get theirs', async () => {
    const v = await data.version('customers@2');
    const ctx = new CheckContext(await data.engine(), v, blobs.localPath(v.digest)!, null, '', 'churn');
    ctx.own(0);
    ctx.agg(`max(error('boom') is null)`);
    ctx.own(1);
    const rows = ctx.agg('count(*)');
    await ctx.scan();
    assert.match(String(ctx.scanError(0)), /boom/);
    assert.equal(ctx.scanError(1), undefined);
    assert.equal(ctx.value(rows), 403);
  });

  it('stores every run; lists them newest first and reads one back', async () => {
    const runs = await data.checkRuns('customers@2');
    assert.ok(runs.length >= 5);
    const times = runs.map((r) => r.createdAt);
    assert.deepEqual(times, [...times].sort().reverse());
    assert.ok(runs.some((r) => r.id === dirty.id));
    const back = await data.checkRun('customers@2', dirty.id);
    assert.deepEqual(back, dirty);
    await assert.rejects(data.checkRun('customers@1', dirty.id), /customers@1 has no check run/);
  });

  it('never shows values of a column the profile flags as personal data', async () => {
    const lines = ['email,city,segment'];
    for (let i = 0; i < 60; i++) lines.push(`user${i % 50}@example.com,Paris,${i % 3}`);
    lines.push('USER1@example.com ,Paris,1', 'bad\u0007@example.com,Paris,2');
    await ingest('contacts', lines);
    const v = await data.version('contacts@1');
    assert.ok(v.profile.pii.some((f) => f.column === 'email'));
    const run = await data.check(
      'contacts@1',
      {
        checks: [
          { check: 'string_mismatches' },
          { check: 'duplicate_ids', column: 'email' },
          { check: 'constant_columns' },
          { check: 'mixed_types' },
        ],
      },
      null,
    );
    const text = JSON.stringify(run);
    assert.ok(!/example\.com/.test(text), text);
    const email = column(run.results[0]!, 'email');
    assert.equal(email.status, 'warn');
    assert.equal(email.examples, undefined);
    assert.ok(email.rows!.length > 0);
    assert.equal(column(run.results[1]!, 'email').status, 'fail');
  });

  it('copes with edge cases: one row, an all-missing column, no numeric column, a sample past max_rows', async () => {
    await ingest('tiny', ['a,b', 'x,']);
    const tiny = await data.check(
      'tiny@1',
      {
        checks: [
          { check: 'outliers', method: 'isolation_forest' },
          { check: 'constant_columns' },
          { check: 'missing_values' },
          { check: 'duplicate_rows' },
        ],
      },
      null,
    );
    assert.deepEqual(
      tiny.results.map((r) => r.status),
      ['skipped', 'fail', 'fail'].concat(['pass']),
    );
    assert.match(column(tiny.results[1]!, 'b').message, /every value is missing/);
    const lines = ['x,y'];
    for (let i = 0; i < 3000; i++) lines.push(`${(i * 37) % 101},${(i * 53) % 97}`);
    await ingest('wide', lines);
    const wide = await data.check(
      'wide@1',
      { checks: [{ check: 'outliers', method: 'isolation_forest', max_rows: 1000 }] },
      null,
    );
    const f = wide.results[0]!;
    assert.equal(f.details?.['sampled'], true);
    const scored = f.details?.['scored'] as number;
    assert.ok(scored > 800 && scored < 1200, String(scored));
    assert.match(f.message, /a random sample of 3,000/);
  });
});
