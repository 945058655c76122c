import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { type CliServer, startCliServer } from '../support/cli-server.js';

const fixtures = path.resolve(import.meta.dirname, '../fixtures/diff');

describe('lathe data diff against a real server', () => {
  let cli: CliServer;
  const lathe = (...args: string[]) => cli.lathe(args);

  before(async () => {
    cli = await startCliServer();
    for (const [file, name] of [
      ['reference.csv', 'people'],
      ['current.csv', 'people'],
      ['current.csv', 'prod'],
    ]) {
      const r = await lathe('data', 'ingest', path.join(fixtures, file!), '--name', name!);
      assert.equal(r.code, 0, r.stderr);
    }
  });
  after(() => cli?.stop());

  it('prints row counts, schema changes and a drift table with drifted columns first', async () => {
    const r = await lathe('data', 'diff', 'people@1', 'people@2');
    assert.equal(r.code, 0, r.stderr);
    const lines = r.stdout.split('\n');
    assert.equal(lines[0], 'people@1 → people@2');
    assert.match(r.stdout, /^rows {5}1,000 → 1,200 \(\+200, \+20\.0%\)$/m);
    assert.match(r.stdout, /^ {2}\+ channel {2}VARCHAR categorical \(added\)$/m);
    assert.match(r.stdout, /^ {2}- legacy_code {2}BIGINT numeric \(removed\)$/m);
    assert.match(r.stdout, /^ {2}~ zip {2}type BIGINT → VARCHAR$/m);
    assert.match(r.stdout, /^drift {4}3 of 5 compared columns drifted/m);
    const header = lines.findIndex((l) => l.startsWith('COLUMN'));
    assert.match(
      lines[header]!,
      /^COLUMN\s+KIND\s+PSI\s+TEST\s+STAT\s+P\s+JS\s+DRIFTED\s+REFERENCE → CURRENT$/,
    );
    const rows = lines.slice(header + 1, header + 7).map((l) => l.split(/\s+/));
    assert.deepEqual(
      rows.map((cells) => [cells[0], cells[1], cells[7]]),
      [
        ['zip', 'categorical', 'DRIFT'],
        ['city', 'categorical', 'DRIFT'],
        ['income', 'numeric', 'DRIFT'],
        ['age', 'numeric', '-'],
        ['score', 'numeric', '-'],
        ['id', 'identifier', '-'],
      ],
    );
    assert.match(
      r.stdout,
      /^income\s+numeric\s+0\.365\s+KS\s+0\.237\s+2\.6e-27\s+0\.251\s+DRIFT\s+[▁-█ ]+ → [▁-█ ]+$/m,
    );
    assert.match(r.stdout, /city: 1 new category \(Lille\)/);
    assert.match(r.stdout, /income: PSI 0\.365 ≥ 0\.2 \(KS p-value 2\.6e-27 < 0\.05\)/);
  });

  it('prints the whole diff as JSON with --json, across datasets and with thresholds', async () => {
    const r = await lathe(
      'data',
      'diff',
      'people@1',
      'prod',
      '--json',
      '--ks',
      '0.05',
      '--sample-size',
      '1000',
    );
    assert.equal(r.code, 0, r.stderr);
    const d = JSON.parse(r.stdout);
    assert.equal(d.current.ref, 'prod@1');
    assert.equal(d.thresholds.ksStatistic, 0.05);
    assert.equal(d.sampleSize, 1000);
    const income = d.columns.find((c: { name: string }) => c.name === 'income');
    assert.equal(income.histogram.edges.length, 21);
    assert.equal(income.sampled, true);
  });

  it('exits 1 naming an unknown version, and 2 for a bad option', async () => {
    const missing = await lathe('data', 'diff', 'people@1', 'people@9');
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /error NOT_FOUND: dataset people has no version 9/);
    const bad = await lathe('data', 'diff', 'people@1', 'people@2', '--psi', 'lots');
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /expected a number > 0, got "lots"/);
  });
});
