import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { quoteLiteral, TableEngine } from '../storage/tables/index.js';
import { profileParquet } from './profile.js';

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

  async function parquet(name: string, select: string): Promise<string> {
    const file = path.join(dir, `${name}.parquet`);
    await engine.query(`copy (${select}) to ${quoteLiteral(file)} (format parquet)`);
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

  it('stops after its first scan when aborted', async () => {
    const file = await parquet('abort', 'select i from range(100) t(i)');
    const stop = new AbortController();
    stop.abort(new Error('not needed'));
    await assert.rejects(profile(file, stop.signal), /not needed/);
  });
});
