import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { histogram, histogramEdges } from '../../stats/index.js';
import { quoteLiteral, TableEngine } from '../../storage/tables/index.js';
import { binCounts, categoryCounts, sampleValues } from './diff-scans.js';

describe('diff scans', () => {
  let dir: string;
  let engine: TableEngine;
  let file: string;
  // Values on and around bin edges, out of range, infinite, NaN and missing.
  const values: (number | null)[] = [];
  for (let k = 0; k <= 20; k++) values.push(k / 20, k * 0.05, 0.05 * k + 1e-17, (k * 1) / 20 - 1e-12);
  for (let i = 0; i < 500; i++) values.push(((i * 7919) % 1000) / 999);
  values.push(-5, 7, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, Number.NaN, null, null);

  before(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'lathe-diff-scans-'));
    engine = await TableEngine.create();
    file = path.join(dir, 'x.parquet');
    const literal = (v: number | null) =>
      v === null ? 'null' : Number.isFinite(v) ? v.toExponential() : `'${v}'::double`;
    const list = `[${values.map(literal).join(', ')}]`;
    await engine.query(
      `copy (select x, (x * 100)::varchar as c, i from (select unnest(${list}) as x, generate_subscripts(${list}, 1) as i))
       to ${quoteLiteral(file)} (format parquet)`,
    );
  });
  after(async () => {
    await engine.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('bins exactly as histogram() of src/stats, on equal-width and other edges', async () => {
    const numeric = Float64Array.from(values, (v) => (v === null ? Number.NaN : v));
    const edgeSets = [
      histogramEdges(0, 1, 20),
      histogramEdges(0.1, 0.9, 7),
      Array.from({ length: 12 }, (_, k) => -0.5 + k / 10),
      [0, 0.01, 0.5, 0.9, 1],
      [0, 1],
    ];
    const got = await binCounts(
      engine,
      file,
      edgeSets.map((edges) => ({ expr: 'x', edges })),
    );
    edgeSets.forEach((edges, i) => {
      const want = histogram(numeric, edges);
      assert.deepEqual(got[i]!.counts, want.counts, `edges ${edges.join(' ')}`);
      const finiteOrInf = [...numeric].filter((v) => !Number.isNaN(v));
      assert.equal(got[i]!.below, finiteOrInf.filter((v) => v < edges[0]!).length, `below ${edges[0]}`);
      assert.equal(got[i]!.above, finiteOrInf.filter((v) => v > edges.at(-1)!).length);
    });
  });

  it('samples the same rows for the same seed, and only finite values', async () => {
    const rows = values.length;
    const all = await sampleValues(engine, file, rows, ['x'], 1000, 0);
    assert.equal(all.sampled, false);
    assert.equal(all.values[0]!.length, rows - 5, 'NaN, two NULLs and two infinities left out');
    const one = await sampleValues(engine, file, rows, ['x', 'i::double'], 100, 3);
    const two = await sampleValues(engine, file, rows, ['x', 'i::double'], 100, 3);
    const other = await sampleValues(engine, file, rows, ['x', 'i::double'], 100, 4);
    assert.equal(one.sampled, true);
    assert.equal(one.values[1]!.length, 100);
    assert.deepEqual(one.values[1], two.values[1]);
    assert.notDeepEqual(one.values[1], other.values[1]);
  });

  it('counts categories of both versions, pooling those past the limit', async () => {
    const n = values.length;
    const refOf = (i: number) => (i <= 100 ? 'a' : i <= 150 ? 'b' : `z${i % 5}`);
    const curOf = (i: number) => (i <= 30 ? 'new' : `z${i % 7}`);
    const [c] = await categoryCounts(
      engine,
      file,
      file,
      [
        {
          reference: "case when i <= 100 then 'a' when i <= 150 then 'b' else 'z' || (i % 5) end",
          current: "case when i <= 30 then 'new' else 'z' || (i % 7) end",
        },
      ],
      3,
    );
    const counts = new Map<string, [number, number]>();
    for (let i = 1; i <= n; i++) {
      const r = counts.get(refOf(i)) ?? [0, 0];
      r[0]++;
      counts.set(refOf(i), r);
      const q = counts.get(curOf(i)) ?? [0, 0];
      q[1]++;
      counts.set(curOf(i), q);
    }
    const ordered = [...counts].sort(
      (x, y) => y[1][0] + y[1][1] - (x[1][0] + x[1][1]) || (x[0] < y[0] ? -1 : 1),
    );
    assert.deepEqual(
      c!.top,
      ordered.slice(0, 3).map(([value, [reference, current]]) => ({ value, reference, current })),
    );
    const rest = ordered.slice(3);
    assert.deepEqual(c!.rest, {
      categories: rest.length,
      reference: rest.reduce((s, r) => s + r[1][0], 0),
      current: rest.reduce((s, r) => s + r[1][1], 0),
      onlyCurrent: rest.filter((r) => r[1][0] === 0).length,
      onlyReference: rest.filter((r) => r[1][1] === 0).length,
    });
  });
});
