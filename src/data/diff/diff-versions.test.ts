import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { isLatheError } from '../../core/index.js';
import { openTestData, type TestData } from '../data-fixture.js';
import type { DataService } from '../data-service.js';
import type { ColumnDiff, DatasetDiff } from './types.js';

const fixtures = path.resolve(import.meta.dirname, '../../../test/fixtures/diff');
/** numpy/scipy results on the fixture files (make-fixtures.py). */
const expected = JSON.parse(readFileSync(path.join(fixtures, 'expected.json'), 'utf8'));

function close(actual: number, want: number, rel: number, label: string) {
  assert.ok(
    Math.abs(actual - want) <= rel * Math.abs(want),
    `${label}: got ${actual}, scipy says ${want} (relative tolerance ${rel})`,
  );
}

const rejects = (p: Promise<unknown>, code: string, message?: RegExp) =>
  assert.rejects(p, (err: unknown) => {
    assert.ok(isLatheError(err), String(err));
    assert.equal(err.code, code, err.message);
    if (message) assert.match(err.message, message);
    return true;
  });

describe('diff of two dataset versions', () => {
  let t: TestData;
  let dir: string;
  let data: DataService;
  let diff: DatasetDiff;
  const column = (name: string, d = diff): ColumnDiff => {
    const c = d.columns.find((x) => x.name === name);
    assert.ok(c, `no column ${name} in the diff`);
    return c;
  };
  const ingest = (file: string, name: string) =>
    data.ingestFile(file, { name, filename: path.basename(file) }, null);

  before(async () => {
    t = await openTestData();
    ({ dir, data } = t);
    await ingest(path.join(fixtures, 'reference.csv'), 'people');
    await ingest(path.join(fixtures, 'current.csv'), 'people');
    diff = await data.diff('people@1', 'people@latest');
  });
  after(() => t?.close());

  it('reports both refs and the row counts', () => {
    assert.equal(diff.reference.ref, 'people@1');
    assert.equal(diff.current.ref, 'people@2');
    assert.deepEqual(diff.rows, { reference: 1000, current: 1200, change: 200, changeShare: 0.2 });
  });

  it('lists the dropped, added, retyped and newly nullable columns', () => {
    const s = diff.schema;
    assert.deepEqual(
      s.removed.map((c) => c.name),
      ['legacy_code'],
    );
    assert.deepEqual(
      s.added.map((c) => [c.name, c.type]),
      [['channel', 'VARCHAR']],
    );
    assert.deepEqual(s.typeChanged, [{ name: 'zip', from: 'BIGINT', to: 'VARCHAR' }]);
    assert.deepEqual(s.nullabilityChanged, [{ name: 'score', from: false, to: true }]);
    assert.equal(s.unchanged, false);
  });

  it('flags the shifted numeric column, with PSI, KS, JS and Wasserstein as scipy computes them', () => {
    const c = column('income');
    const want = expected.income;
    assert.equal(c.kind, 'numeric');
    assert.equal(c.drifted, true);
    assert.match(c.reasons.join('; '), /PSI 0\.365 ≥ 0\.2 \(KS p-value 2\.6e-27 < 0\.05\)/);
    assert.deepEqual(c.histogram!.edges.length, 21);
    for (const [i, e] of c.histogram!.edges.entries()) close(e, want.edges[i], 1e-12, `edge ${i}`);
    assert.deepEqual(c.histogram!.reference, want.reference);
    assert.deepEqual(c.histogram!.current, want.current);
    assert.ok(c.histogram!.currentAbove > 0, 'some current incomes lie above the reference range');
    const s = c.statistics!;
    close(s.psi, want.psi, 1e-12, 'PSI');
    close(s.jensenShannon, want.jensenShannon, 1e-12, 'Jensen–Shannon');
    close(s.ks!.statistic, want.ks.statistic, 1e-12, 'KS statistic');
    close(s.ks!.pValue!, want.ks.pValue, 1e-6, 'KS p-value');
    assert.equal(s.ks!.method, 'exact');
    close(s.wasserstein!, want.wasserstein, 1e-9, 'Wasserstein');
    assert.equal(c.sampled, false);
    assert.deepEqual(c.sample, { reference: 1000, current: 1200 });
    assert.ok(c.current.mean! > c.reference.mean! + 4000, 'the means side by side show the shift');
  });

  it('does not flag the stable numeric column: a significant KS p-value alone is not drift', () => {
    const c = column('age');
    const want = expected.age;
    close(c.statistics!.psi, want.psi, 1e-12, 'PSI');
    close(c.statistics!.ks!.statistic, want.ks.statistic, 1e-12, 'KS statistic');
    close(c.statistics!.ks!.pValue!, want.ks.pValue, 1e-6, 'KS p-value');
    // scipy's p-value is 0.018 here, but D = 0.066 < 0.1 and PSI = 0.038 < 0.2.
    assert.ok(c.statistics!.ks!.pValue! < 0.05);
    assert.equal(c.drifted, false);
    assert.deepEqual(c.reasons, []);
  });

  it('names the new category and tests the categorical shift with chi-squared as scipy does', () => {
    const c = column('city');
    const want = expected.city;
    assert.equal(c.kind, 'categorical');
    assert.deepEqual(c.categories!.newCategories, ['Lille']);
    assert.equal(c.categories!.newCount, 1);
    assert.deepEqual(c.categories!.vanishedCategories, []);
    assert.deepEqual(c.categories!.values, want.values);
    assert.deepEqual(c.categories!.reference, want.reference);
    assert.deepEqual(c.categories!.current, want.current);
    assert.equal(c.categories!.other, null);
    const s = c.statistics!;
    close(s.chiSquare!.statistic, want.chiSquare.statistic, 1e-12, 'chi²');
    close(s.chiSquare!.pValue, want.chiSquare.pValue, 1e-6, 'chi² p-value');
    assert.equal(s.chiSquare!.dof, want.chiSquare.dof);
    close(s.psi, want.psi, 1e-12, 'PSI');
    close(s.jensenShannon, want.jensenShannon, 1e-12, 'Jensen–Shannon');
    assert.equal(c.drifted, true);
  });

  it('compares a column whose type changed as categories of its text, and skips identifiers', () => {
    const zip = column('zip');
    assert.equal(zip.kind, 'categorical');
    assert.match(zip.note!, /type changed from BIGINT to VARCHAR/);
    assert.deepEqual(zip.categories!.newCategories.slice(0, 1), ['2A004']);
    assert.ok(zip.categories!.other, 'thousands of zip codes: the rest past 200 are pooled');
    assert.equal(zip.categories!.values.length, 200);
    const id = column('id');
    assert.equal(id.kind, 'identifier');
    assert.equal(id.statistics, null);
    assert.equal(id.drifted, false);
    assert.ok(diff.summary.notCompared.includes('id'));
  });

  it('sums it up: drifted columns of those compared, with the default thresholds', () => {
    assert.deepEqual(diff.summary.driftedColumns.sort(), ['city', 'income', 'zip']);
    assert.equal(diff.summary.compared, 5);
    assert.equal(diff.summary.drifted, 3);
    assert.deepEqual(diff.thresholds, { psi: 0.2, pValue: 0.05, ksStatistic: 0.1, jensenShannon: 0.1 });
    assert.ok(!diff.columns.some((c) => c.name === 'legacy_code' || c.name === 'channel'));
  });

  it('diffs versions of two datasets (train against a production sample)', async () => {
    await ingest(path.join(fixtures, 'current.csv'), 'people-prod');
    const d = await data.diff('people@1', 'people-prod');
    assert.equal(d.current.ref, 'people-prod@1');
    close(column('income', d).statistics!.psi, expected.income.psi, 1e-12, 'PSI');
  });

  it('finds nothing between a version and itself', async () => {
    const d = await data.diff('people@2', 'people@2');
    assert.equal(d.summary.drifted, 0);
    assert.ok(d.schema.unchanged);
    for (const c of d.columns) if (c.statistics) assert.equal(c.statistics.psi, 0, c.name);
  });

  it('samples large versions deterministically for KS and says so', async () => {
    const one = await data.diff('people@1', 'people@2', { sampleSize: 1000, seed: 7 });
    const two = await data.diff('people@1', 'people@2', { sampleSize: 1000, seed: 7 });
    const c = column('income', one);
    assert.equal(c.sampled, true);
    assert.deepEqual(c.sample, { reference: 1000, current: 1000 });
    assert.equal(c.statistics!.ks!.statistic, column('income', two).statistics!.ks!.statistic);
    // Histograms and PSI still count every row.
    close(c.statistics!.psi, expected.income.psi, 1e-12, 'PSI');
  });

  it('takes stricter thresholds', async () => {
    const d = await data.diff('people@1', 'people@2', { thresholds: { ksStatistic: 0.05 } });
    assert.equal(column('age', d).drifted, true);
    assert.match(column('age', d).reasons[0]!, /KS statistic 0\.0655 ≥ 0\.05/);
  });

  it('refuses bad references and options, and names unknown versions', async () => {
    await rejects(data.diff('people@x', 'people@2'), 'INVALID_ARGUMENT', /NAME@VERSION/);
    await rejects(data.diff('people@1', ''), 'INVALID_ARGUMENT');
    await rejects(data.diff('people@1', 'people@9'), 'NOT_FOUND', /no version 9/);
    await rejects(data.diff('nobody@1', 'people@2'), 'NOT_FOUND');
    await rejects(
      data.diff('people@1', 'people@2', { thresholds: { pValue: 2 } }),
      'INVALID_ARGUMENT',
      /thresholds\.pValue must be a number in \(0, 1\]; got the number 2/,
    );
    await rejects(data.diff('people@1', 'people@2', { sampleSize: 10 }), 'INVALID_ARGUMENT', /sampleSize/);
    await rejects(
      data.diff('people@1', 'people@2', { thresholds: { psii: 1 } as never }),
      'INVALID_ARGUMENT',
      /unknown threshold "psii"; valid: psi, pValue, ksStatistic, jensenShannon/,
    );
  });

  it('compares datetimes on time, text on length, booleans as categories, and redacts personal data', async () => {
    const csv = (shift: number, emails: string[]) => {
      const lines = ['signup,comment,active,contact'];
      for (let i = 0; i < 300; i++) {
        const day = String(1 + ((i + shift) % 28)).padStart(2, '0');
        const month = shift ? '06' : '03';
        const words = 'lorem ipsum dolor sit amet consectetur adipiscing elit sed do eiusmod'.split(' ');
        const comment = words.slice(0, 6 + ((i * 7) % 6) + shift).join(' ');
        lines.push(
          `2024-${month}-${day},${comment} ${i},${i % (shift ? 2 : 4) === 0},${emails[i % emails.length]}`,
        );
      }
      return `${lines.join('\n')}\n`;
    };
    const emails = ['ann@example.com', 'bob@example.org', 'cy@example.net'];
    writeFileSync(path.join(dir, 'k1.csv'), csv(0, emails));
    writeFileSync(path.join(dir, 'k2.csv'), csv(3, [...emails, 'dee@example.com']));
    await ingest(path.join(dir, 'k1.csv'), 'kinds');
    await ingest(path.join(dir, 'k2.csv'), 'kinds');
    const d = await data.diff('kinds@1', 'kinds@2');
    const signup = column('signup', d);
    assert.equal(signup.kind, 'datetime');
    assert.equal(signup.basis, 'epoch_ms');
    assert.equal(signup.drifted, true, 'March against June');
    assert.equal(signup.histogram!.currentAbove, 300);
    assert.equal(signup.reference.min, '2024-03-01T00:00:00.000Z');
    const comment = column('comment', d);
    assert.equal(comment.kind, 'text');
    assert.equal(comment.basis, 'length');
    assert.equal(comment.drifted, true, 'three more words per comment');
    const active = column('active', d);
    assert.equal(active.kind, 'boolean');
    assert.deepEqual(active.categories!.values, ['false', 'true']);
    assert.deepEqual(active.categories!.reference, [225, 75]);
    assert.deepEqual(active.categories!.current, [150, 150]);
    const contact = column('contact', d);
    assert.equal(contact.categories!.redacted, true);
    assert.ok(contact.categories!.values.every((v) => v.startsWith('<redacted #')));
    assert.deepEqual(contact.categories!.newCategories, []);
    assert.equal(contact.categories!.newCount, 1);
    assert.ok(!JSON.stringify(contact).includes('@example'), 'no email in the diff');
  });
});
