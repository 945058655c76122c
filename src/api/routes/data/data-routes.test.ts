import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createTestApp, type TestApp } from '../../testing.js';
import { type DataRouteFixture, dataRouteFixture } from './data-route-fixture.js';

/** A churn-like CSV: id, age, city, signup time, a score with gaps, a boolean target. */
function churnCsv(rows: number, start = 0): string {
  const lines = ['id,age,city,signup,score,churn'];
  for (let i = start; i < start + rows; i++) {
    const day = String(1 + (i % 28)).padStart(2, '0');
    const score = i % 10 === 0 ? '' : (i * 0.37).toFixed(2);
    lines.push(
      `${i},${20 + (i % 50)},${['Paris', 'Lyon', 'Nice'][i % 3]},2024-03-${day} 10:00:00,${score},${i % 4 === 0}`,
    );
  }
  return `${lines.join('\n')}\n`;
}

describe('datasets API', () => {
  let t: TestApp;
  let admin: Record<string, string>;
  let viewer: Record<string, string>;
  let api: DataRouteFixture;

  before(async () => {
    t = await createTestApp();
    api = dataRouteFixture(t);
    admin = api.admin;
    viewer = await api.viewer();
  });
  after(() => t.close());

  it('ingests a CSV upload as version 1 with schema, semantic types and a profile', async () => {
    const res = await api.upload(
      'churn',
      churnCsv(200),
      '?filename=churn.csv&target=churn&message=first%20cut',
    );
    assert.equal(res.status, 201, JSON.stringify(res.body));
    const v = res.body.version;
    assert.equal(v.ref, 'churn@1');
    assert.equal(v.rows, 200);
    assert.equal(v.message, 'first cut');
    assert.match(v.digest, /^[0-9a-f]{64}$/);
    assert.deepEqual(
      v.columns.map((c: { name: string; semantic: string }) => [c.name, c.semantic]),
      [
        ['id', 'identifier'],
        ['age', 'numeric'],
        ['city', 'categorical'],
        ['signup', 'datetime'],
        ['score', 'numeric'],
        ['churn', 'target'],
      ],
    );
    const score = v.profile.columns.find((c: { name: string }) => c.name === 'score');
    assert.equal(score.missing, 20);
    assert.equal(score.missingShare, 0.1);
    assert.equal(
      score.histogram.counts.reduce((a: number, b: number) => a + b, 0),
      180,
    );
    const age = v.profile.columns.find((c: { name: string }) => c.name === 'age');
    assert.equal(age.min, 20);
    assert.equal(age.max, 69);
    assert.equal(age.quantiles.p50, 44.5);
    const city = v.profile.columns.find((c: { name: string }) => c.name === 'city');
    assert.deepEqual(
      city.top.map((x: { value: string }) => x.value),
      ['Lyon', 'Paris', 'Nice'], // 67, 67, 66 rows: ties in name order
    );
    const signup = v.profile.columns.find((c: { name: string }) => c.name === 'signup');
    assert.equal(signup.datetime.period, 'day');
    assert.equal(signup.datetime.perPeriod.length, 28);
    assert.equal(v.report.rowsRejected, 0);
    assert.equal(v.source.kind, 'upload');
    assert.equal(v.source.filename, 'churn.csv');
  });

  it('answers the existing version for identical content, and appends a batch as a new version with lineage', async () => {
    const same = await api.upload('churn', churnCsv(200), '?filename=again.csv&target=churn');
    assert.equal(same.status, 200);
    assert.equal(same.body.created, false);
    assert.equal(same.body.version.ref, 'churn@1');
    // No target given: the appended version keeps the target (and semantic types) of churn@1.
    const appended = await api.upload('churn', churnCsv(50, 200), '?filename=more.csv&append=true');
    assert.equal(appended.status, 201);
    assert.deepEqual(
      appended.body.version.columns.map((c: { semantic: string }) => c.semantic),
      (await api.get('/api/v1/datasets/churn/versions/1')).body.columns.map(
        (c: { semantic: string }) => c.semantic,
      ),
    );
    assert.ok(
      appended.body.version.columns.some(
        (c: { name: string; semantic: string }) => c.name === 'churn' && c.semantic === 'target',
      ),
    );
    assert.ok(appended.body.version.profile.targetCorrelations?.length, 'target correlations are profiled');
    assert.equal(appended.body.version.ref, 'churn@2');
    assert.equal(appended.body.version.rows, 250);
    assert.deepEqual(appended.body.version.parents, ['churn@1']);
    assert.equal(appended.body.version.source.kind, 'append');
    const ds = await api.get('/api/v1/datasets/churn');
    assert.deepEqual(
      ds.body.versions.map((v: { ref: string }) => v.ref),
      ['churn@2', 'churn@1'],
    );
    assert.equal(ds.body.latestVersion, 2);
    assert.equal(ds.body.latestRows, 250, 'the latest version has 250 rows');
    assert.equal(ds.body.latestSize, appended.body.version.size);
    const latest = await api.get('/api/v1/datasets/churn/versions/latest');
    assert.equal(latest.body.ref, 'churn@2');
    const list = await api.get('/api/v1/datasets');
    assert.ok(
      list.body.datasets.some(
        (d: { name: string; versionCount: number }) => d.name === 'churn' && d.versionCount === 2,
      ),
    );
  });

  it('reads an appended batch in the types of the version it extends: a value that does not fit is a skipped line', async () => {
    assert.equal((await api.upload('typed', 'x,y\n1,a\n2,b\n')).status, 201);
    const res = await api.upload('typed', 'x,y\n3,c\nN/A,d\n4,e\n', '?append=true');
    assert.equal(res.status, 201, JSON.stringify(res.body));
    assert.equal(res.body.version.rows, 4);
    assert.equal(res.body.version.report.rowsRejected, 1);
    const skipped = res.body.version.report.issues.find((i: { kind: string }) => i.kind === 'rejected_row');
    assert.equal(skipped.line, 3);
    const rows = await api.get('/api/v1/datasets/typed/versions/2/rows');
    assert.deepEqual(
      rows.body.rows.map((r: { x: number }) => r.x),
      [1, 2, 3, 4],
    );
  });

  it('refuses an appended batch whose columns differ, naming them, and keeps the versions as they were', async () => {
    const res = await api.upload('churn', 'id,age,town\n1,2,x\n', '?append=true');
    assert.equal(res.status, 422);
    assert.equal(res.body.error.code, 'DATA_SOURCE_INVALID');
    assert.match(res.body.error.message, /missing: city, signup, score, churn; not in churn@2: town/);
    assert.equal((await api.get('/api/v1/datasets/churn')).body.versionCount, 2);
  });

  it('skips ragged rows and lists them with line numbers; strict mode refuses the file and stores nothing', async () => {
    const csv = 'a,b,c\n1,2,3\n4,5\n6,7,8\n9,10,11,12\n13,14,15\n';
    const res = await api.upload('ragged', csv);
    assert.equal(res.status, 201, JSON.stringify(res.body));
    assert.equal(res.body.version.rows, 3);
    assert.equal(res.body.version.report.rowsRejected, 2);
    const lines = res.body.version.report.issues
      .filter((i: { kind: string }) => i.kind === 'rejected_row')
      .map((i: { line: number }) => i.line);
    assert.deepEqual(lines, [3, 5]);
    const strict = await api.upload('ragged-strict', csv, '?strict=true');
    assert.equal(strict.status, 422);
    assert.equal(strict.body.error.code, 'DATA_SOURCE_INVALID');
    assert.match(strict.body.error.message, /2 malformed row\(s\) in strict mode; the first: line 3/);
    assert.equal((await api.get('/api/v1/datasets/ragged-strict')).status, 404);
  });

  it('reports empty and duplicate column names and a column of numbers with some text', async () => {
    const lines = ['x,,x,v'];
    for (let i = 0; i < 120; i++) lines.push(`${i},a,${i},${i === 57 ? 'n/a' : i * 2}`);
    const res = await api.upload('names', `${lines.join('\n')}\n`);
    assert.equal(res.status, 201);
    const issues = res.body.version.report.issues;
    assert.deepEqual(
      res.body.version.columns.map((c: { name: string }) => c.name),
      ['x', 'column1', 'x_1', 'v'],
    );
    assert.ok(
      issues.some(
        (i: { kind: string; column: string }) => i.kind === 'empty_column_name' && i.column === 'column1',
      ),
    );
    assert.ok(
      issues.some(
        (i: { kind: string; column: string }) => i.kind === 'duplicate_column_name' && i.column === 'x_1',
      ),
    );
    const mixed = issues.find((i: { kind: string }) => i.kind === 'mixed_types');
    assert.equal(mixed.column, 'v');
    assert.equal(mixed.line, 59);
    assert.match(mixed.message, /"n\/a"; kept as text/);
  });

  it('finds PII columns by their values and names, and keeps the values out of the profile', async () => {
    const lines = ['customer_id,contact,first_name,card,note'];
    for (let i = 0; i < 60; i++)
      lines.push(
        `${1000 + i},user${i}@example.com,Ann,${i % 2 ? '4111 1111 1111 1111' : '5500-0000-0000-0004'},ok`,
      );
    const res = await api.upload('people', `${lines.join('\n')}\n`);
    assert.equal(res.status, 201, JSON.stringify(res.body));
    const pii = res.body.version.profile.pii.map((f: { column: string; kind: string; matches: number }) => [
      f.column,
      f.kind,
      f.matches,
    ]);
    assert.deepEqual(pii, [
      ['contact', 'email', 60],
      ['first_name', 'person_name', 0],
      ['card', 'credit_card', 60],
    ]);
    const profile = JSON.stringify(res.body.version.profile);
    assert.ok(!profile.includes('example.com') && !profile.includes('4111'), 'no PII value in the profile');
    const note = res.body.version.profile.columns.find((c: { name: string }) => c.name === 'note');
    assert.deepEqual(note.top, [{ value: 'ok', count: 60 }]);
  });

  it('reads Latin-1 files as Latin-1 and says so', async () => {
    const body = Buffer.from('name,city\nRené,Zürich\nJosé,Málaga\n', 'latin1');
    const res = await api.upload('latin', body, '?filename=people.csv');
    assert.equal(res.status, 201, JSON.stringify(res.body));
    const rows = await api.get('/api/v1/datasets/latin/versions/1/rows');
    assert.deepEqual(rows.body.rows, [
      { name: 'René', city: 'Zürich' },
      { name: 'José', city: 'Málaga' },
    ]);
    assert.equal(res.body.version.report.encoding, 'latin-1');
    assert.ok(res.body.version.report.issues.some((i: { kind: string }) => i.kind === 'encoding'));
  });

  it('refuses empty files and header-only files with a clear error', async () => {
    const empty = await api.upload('empty', '');
    assert.equal(empty.status, 422);
    assert.match(empty.body.error.message, /the file is empty/);
    const header = await api.upload('header-only', 'a,b,c\n');
    assert.equal(header.status, 422);
    assert.match(header.body.error.message, /no rows/);
    assert.equal((await api.get('/api/v1/datasets/header-only')).status, 404);
  });

  it('pages, sorts and filters rows; bad columns and operators get 400', async () => {
    const page = await api.get(
      '/api/v1/datasets/churn/versions/1/rows?orderBy=age&desc=true&limit=5&offset=2',
    );
    assert.equal(page.status, 200);
    assert.equal(page.body.total, 200);
    assert.equal(page.body.rows.length, 5);
    assert.ok(page.body.rows.every((r: { age: number }) => r.age === 69 || r.age === 68));
    const filtered = await api.get(
      '/api/v1/datasets/churn/versions/1/rows?filterColumn=age&filterOp=%3E%3D&filterValue=65',
    );
    assert.equal(filtered.body.total, 20);
    const contains = await api.get(
      '/api/v1/datasets/churn/versions/1/rows?filterColumn=city&filterOp=contains&filterValue=YO',
    );
    assert.ok(contains.body.rows.every((r: { city: string }) => r.city === 'Lyon'));
    const nulls = await api.get('/api/v1/datasets/churn/versions/1/rows?filterColumn=score&filterOp=is_null');
    assert.equal(nulls.body.total, 20);
    const bad = await api.get('/api/v1/datasets/churn/versions/1/rows?orderBy=nope');
    assert.equal(bad.status, 400);
    assert.match(bad.body.error.message, /orderBy names no column of churn@1: "nope"; columns: id, age/);
    const notANumber = await api.get(
      '/api/v1/datasets/churn/versions/1/rows?filterColumn=age&filterOp=%3C&filterValue=abc',
    );
    assert.equal(notANumber.status, 400);
    assert.match(
      notANumber.body.error.message,
      /filter value "abc" is not a BIGINT, the type of column "age"/,
    );
    const seen = new Set<number>();
    for (let offset = 0; offset < 200; offset += 30) {
      const page = await api.get(
        `/api/v1/datasets/churn/versions/1/rows?orderBy=city&limit=30&offset=${offset}`,
      );
      for (const r of page.body.rows as { id: number }[]) seen.add(r.id);
    }
    assert.equal(seen.size, 200, 'pages sorted on a column with ties hold every row once');
    const injection = await api.get(
      `/api/v1/datasets/churn/versions/1/rows?filterColumn=city&filterValue=${encodeURIComponent("x' or 1=1 --")}`,
    );
    assert.equal(injection.body.total, 0);
  });

  it('exports CSV and Parquet', async () => {
    const csv = await api.get('/api/v1/datasets/churn/versions/1/export?format=csv');
    assert.equal(csv.status, 200);
    assert.match(csv.res.headers['content-disposition'] as string, /churn-v1\.csv/);
    const lines = (csv.body as string).trim().split('\n');
    assert.equal(lines[0], 'id,age,city,signup,score,churn');
    assert.equal(lines.length, 201);
    const pq = await t.app.inject({
      method: 'GET',
      url: '/api/v1/datasets/churn/versions/1/export?format=parquet',
      headers: admin,
    });
    assert.equal(pq.rawPayload.subarray(0, 4).toString(), 'PAR1');
  });

  it('answers 404 for unknown datasets and versions, 400 for bad names, 403 when a viewer ingests', async () => {
    assert.equal((await api.get('/api/v1/datasets/nope')).status, 404);
    const v9 = await api.get('/api/v1/datasets/churn/versions/9');
    assert.equal(v9.status, 404);
    assert.match(v9.body.error.message, /dataset churn has no version 9/);
    assert.equal((await api.get('/api/v1/datasets/churn/versions/0')).status, 400);
    assert.equal((await api.upload('bad%20name', 'a\n1\n')).status, 400);
    const denied = await api.upload('mine', 'a\n1\n', '', viewer);
    assert.equal(denied.status, 403);
    assert.equal((await api.get('/api/v1/datasets/churn', viewer)).status, 200);
  });
});
