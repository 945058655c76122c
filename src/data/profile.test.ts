import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { quoteLiteral, TableEngine } from '../storage/tables/index.js';
import { profileParquet } from './profile.js';
import { profileDerived } from './profile-derived.js';
import type { DatasetVersionDetails } from './types.js';

describe('profileParquet', () => {
  let dir: string;
  let engine: TableEngine;

  before(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'lathe-profile-'));
    engine = await TableEngine.create({ threads: 2 });
  });
  after(async () => {
    await engine.close();
    await rm(dir, { recursive: true, force: true });
  });

  /** Writes rows to Parquet; `plain` keeps the writer from dictionary-encoding them. */
  async function parquet(name: string, select: string, plain = false): Promise<string> {
    const file = path.join(dir, `${name}.parquet`);
    const options = plain ? ', dictionary_size_limit 1' : '';
    await engine.query(`copy (${select}) to ${quoteLiteral(file)} (format parquet${options})`);
    return file;
  }

  async function profile(file: string, signal?: AbortSignal) {
    const physical = await engine.describe(`select * from read_parquet(${quoteLiteral(file)})`);
    return profileParquet(engine, file, physical, signal ? { signal } : {});
  }

  it('counts every spelling of a number in a text column, and only those', async () => {
    // Everything DuckDB reads as a DOUBLE: leading/trailing whitespace, signs, a bare dot,
    // exponents, digit separators, inf/infinity/nan in any case.
    const numbers = [
      ' 1',
      '\t2',
      '+3',
      '-4',
      '.5',
      '6.',
      '1e5',
      '-2.5E-3',
      '1_000',
      ' inf',
      '-Infinity',
      'NaN',
      'nAn',
      '+nan',
      '7 ',
    ];
    const text = ['n/a', 'Nantes', 'info', 'Nice', 'e5', '0x10', '$1', '', 'none', '--1'];
    const values = [...numbers, ...Array.from({ length: 200 }, (_, i) => String(i)), ...text];
    const file = await parquet(
      'mixed',
      `select v from (values ${values.map((v, i) => `(${i}, ${quoteLiteral(v)})`).join(', ')}) t(i, v) order by i`,
    );
    const { profile: p, issues } = await profile(file);
    const v = p.columns[0]!;
    assert.equal(v.numericShare, (numbers.length + 200) / values.length);
    // The first rows holding text, by row number (1-based), in order.
    assert.deepEqual(
      issues.map((i) => [i.kind, i.row]),
      [215, 216, 217].map((row) => ['mixed_types', row + 1]),
    );
  });

  it('bins numbers in fixed-width bins that add up to the non-missing values', async () => {
    const file = await parquet(
      'numbers',
      `select case when i % 10 = 0 then null else i * 1.5 end as x, i % 7 as small, 'c' || (i % 3) as cat
       from range(1000) t(i)`,
    );
    const { profile: p } = await profile(file);
    const [x, small, cat] = p.columns;
    assert.equal(x!.histogram!.edges.length, 21);
    assert.equal(x!.histogram!.missing, 100);
    assert.equal(
      x!.histogram!.counts.reduce((a, b) => a + b, 0),
      900,
    );
    const width = (x!.max as number) / 20;
    const rows = await engine.query<{ b: number; n: number }>(
      `select least(floor(x / ${width}), 19)::integer as b, count(*) as n from read_parquet(${quoteLiteral(file)}) where x is not null group by b order by b`,
    );
    assert.deepEqual(
      x!.histogram!.counts,
      rows.map((r) => r.n),
    );
    // A small integer range: one bin per value.
    assert.deepEqual(small!.histogram!.counts, [143, 143, 143, 143, 143, 143, 142]);
    assert.deepEqual(cat!.top, [
      { value: 'c0', count: 334 },
      { value: 'c1', count: 333 },
      { value: 'c2', count: 333 },
    ]);
    assert.equal(p.correlations.find((c) => c.a === 'x' && c.b === 'small')?.r !== undefined, true);
  });

  for (const plain of [false, true]) {
    it(`profiles columns named like the names its queries use (${plain ? 'per-row aggregates' : 'value counts'})`, async () => {
      const names = ['v', 'n', 's', 'x', 'b', 'h', 'g', 't', 'p', 'k0', 'c0', 'len', 'num'];
      const file = await parquet(
        `names-${plain}`,
        `select ${names.map((c, j) => `(i + ${j}) % 5 as ${c}`).join(', ')}, 'w' || (i % 3) as "text"
         from range(300) t(i)`,
        plain,
      );
      const { profile: p } = await profile(file);
      for (const c of p.columns.slice(0, names.length)) {
        assert.equal(c.count, 300, c.name);
        assert.equal(c.distinct, 5, c.name);
        assert.deepEqual(c.histogram?.counts, [60, 60, 60, 60, 60], c.name);
        assert.equal(c.top?.length, 5, c.name);
      }
      assert.deepEqual(
        p.columns.at(-1)!.top,
        ['w0', 'w1', 'w2'].map((value) => ({ value, count: 100 })),
      );
    });
  }

  it('answers the same profile from value counts as from per-row aggregates', async () => {
    const select = `select i % 7 as small, case when i % 11 = 0 then null else (i % 5) * 0.25 end as frac,
        'c' || (i % 4) as cat, case when i % 9 = 0 then null when i % 3 = 0 then ' ' || i % 4 else 't' || i % 6 end as txt,
        i % 2 = 0 as flag
      from range(1000) t(i)`;
    const counted = (await profile(await parquet('same-counted', select))).profile;
    const scanned = (await profile(await parquet('same-scanned', select, true))).profile;
    const round = (v: unknown): unknown =>
      typeof v === 'number'
        ? Number(v.toPrecision(12))
        : Array.isArray(v)
          ? v.map(round)
          : v && typeof v === 'object'
            ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, round(x)]))
            : v;
    assert.deepEqual(round(counted), round(scanned));
  });

  it('profiles columns of few values from their counts, exactly, past the estimate threshold', async () => {
    // 200,000 rows: distinct counts and quantiles of columns with many values are estimates, but
    // the few-valued columns here are counted exactly (DuckDB's quantile_cont is the reference).
    const file = await parquet(
      'many',
      `select i % 97 as small, ((i % 13) * 0.5)::double as half, 'c' || (i % 7) as cat, i as many from range(200000) t(i)`,
    );
    const { profile: p } = await profile(file);
    const [small, half, cat, many] = p.columns;
    const [ref] = await engine.query<{ qs: number[]; q2: number[]; m: number; sd: number }>(
      `select quantile_cont(small::double, [0.01, 0.05, 0.25, 0.5, 0.75, 0.95, 0.99]) as qs,
         quantile_cont(half, [0.01, 0.05, 0.25, 0.5, 0.75, 0.95, 0.99]) as q2, avg(small) as m,
         stddev_samp(small) as sd
       from read_parquet(${quoteLiteral(file)})`,
    );
    assert.deepEqual(Object.values(small!.quantiles!), ref!.qs);
    assert.deepEqual(Object.values(half!.quantiles!), ref!.q2);
    assert.equal(small!.quantilesApproximate, false);
    assert.equal(small!.mean, ref!.m);
    assert.ok(Math.abs(small!.std! - ref!.sd) < 1e-9);
    assert.deepEqual([small!.distinct, half!.distinct, cat!.distinct], [97, 13, 7]);
    assert.equal(cat!.distinctApproximate, false);
    assert.deepEqual(cat!.length, { min: 2, max: 2, mean: 2 });
    assert.equal(many!.distinctApproximate, true);
    assert.equal(many!.quantilesApproximate, true);
  });

  it('stops after its first scan when aborted', async () => {
    const file = await parquet('abort', 'select i from range(100) t(i)');
    const stop = new AbortController();
    stop.abort(new Error('not needed'));
    await assert.rejects(profile(file, stop.signal), /not needed/);
  });

  it('profiles a derived version as a full profile would, added identifiers and constants left out of correlations', async () => {
    const rows = `select i as customer_id, sin(i) as x, sin(i) * 2 + cos(i * 7) as y, (i % 3 = 0) as churned
      from range(2000) t(i)`;
    const baseFile = await parquet('derived-base', rows);
    const base = await profileParquet(
      engine,
      baseFile,
      await engine.describe(`select * from read_parquet(${quoteLiteral(baseFile)})`),
      { target: 'churned' },
    );
    const file = await parquet(
      'derived',
      `select *, x * 0.5 + 0.1 as score, 7.0 as constant, customer_id + 100000 as prediction_id
       from (${rows})`,
    );
    const physical = await engine.describe(`select * from read_parquet(${quoteLiteral(file)})`);
    const kept = new Set(['customer_id', 'x', 'y', 'churned']);
    const derived = await profileDerived(
      engine,
      file,
      physical,
      { rows: 2000, columns: base.columns, profile: base.profile } as unknown as DatasetVersionDetails,
      kept,
      { target: 'churned' },
    );
    const full = await profileParquet(engine, file, physical, { target: 'churned' });
    assert.deepEqual(derived.profile, full.profile);
    assert.deepEqual(derived.columns, full.columns);
    const pairs = derived.profile.correlations.map((c) => `${c.a}~${c.b}`);
    assert.ok(pairs.includes('x~score') && pairs.includes('y~score'), pairs.join(' '));
    assert.ok(!pairs.some((p) => /constant|prediction_id|customer_id/.test(p)), pairs.join(' '));
  });
});
