import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { assertExit, type CliServer, startCliServer } from '../support/cli-server.js';
import { findAll, parseXml } from '../support/xml.js';

describe('lathe data check', { concurrency: 1 }, () => {
  let cli: CliServer;
  let dir: string;
  const lathe = (args: string[]) => cli.lathe(args);

  before(async () => {
    cli = await startCliServer();
    dir = cli.dir;
    const lines = ['id,age,city,bought'];
    for (let i = 0; i < 200; i++)
      lines.push(`${i + 1},${20 + (i % 45)},${['Paris', 'Lyon', 'Nice'][i % 3]},${i % 4 === 0}`);
    // Two rows out of range, one written as "paris " among Paris.
    lines.push('201,-1,paris ,false', '202,140,Lyon,true');
    writeFileSync(path.join(dir, 'people.csv'), `${lines.join('\n')}\n`);
    writeFileSync(
      path.join(dir, 'suite.yaml'),
      [
        '# people: ages are 0..120',
        'checks:',
        '  - check: out_of_range',
        '    column: age',
        '    min: 0',
        '    max: 120',
        '  - check: string_mismatches',
        '  - check: missing_values',
        '  - check: class_imbalance',
        '    target: bought',
        '',
      ].join('\n'),
    );
    writeFileSync(
      path.join(dir, 'lenient.yaml'),
      'checks:\n  - check: missing_values\n  - check: string_mismatches\n',
    );
    writeFileSync(
      path.join(dir, 'bad.yaml'),
      'checks:\n  - check: out_of_range\n    column: height\n    max: 3\n',
    );
    assertExit(await lathe(['data', 'ingest', 'people.csv', '--name', 'people']), 0);
  });

  after(() => cli?.stop());

  it('exits 0 and prints the table when no check fails (warnings included)', async () => {
    const run = await lathe(['data', 'check', 'people@1', '--suite', 'lenient.yaml']);
    assertExit(run, 0);
    const [header] = run.stdout.split('\n');
    assert.match(header!, /^STATUS\s+CHECK\s+COLUMN\s+VALUE VS THRESHOLD\s+MESSAGE/);
    assert.match(
      run.stdout,
      /^WARN\s+string_mismatches\s+city\s+0\.495% > 0%\s+1 value written several ways/m,
    );
    assert.match(run.stdout, /^PASS\s+missing_values\s+/m);
    assert.match(run.stdout, /people@1: WARN \(1 warn, 1 pass\)/);
  });

  it('exits 1 when a check fails, and writes JUnit XML with one test case per check and column', async () => {
    const run = await lathe(['data', 'check', 'people@1', '--suite', 'suite.yaml', '--junit', 'out.xml']);
    assertExit(run, 1);
    assert.match(run.stdout, /^FAIL\s+out_of_range\(age\)\s+age\s+0\.99% > 0%\s+2 of 202 values/m);
    assert.match(run.stdout, /people@1: FAIL \(1 fail, 1 warn, 2 pass\)/);
    assert.equal(run.stderr, 'wrote JUnit XML to out.xml\n');
    const doc = parseXml(readFileSync(path.join(dir, 'out.xml'), 'utf8'));
    const suite = findAll(doc, 'testsuite')[0]!;
    const cases = findAll(doc, 'testcase');
    assert.equal(suite.attrs['tests'], String(cases.length));
    assert.equal(suite.attrs['failures'], '1');
    const names = cases.map((c) => c.attrs['name']);
    assert.deepEqual(names.slice(0, 2), ['out_of_range(age) [age]', 'string_mismatches [city]']);
    assert.ok(
      names.includes('missing_values [id]') && names.includes('class_imbalance [bought]'),
      names.join(),
    );
    const failure = findAll(cases[0]!, 'failure')[0]!;
    assert.match(failure.attrs['message']!, /2 of 202 values \(0\.99%\) outside 0\.\.120/);
    assert.match(failure.text, /"below": 1/);
    assert.match(findAll(cases[1]!, 'system-out')[0]!.text, /^WARNING: city: /);
  });

  it('--json prints the run; the run is stored and listed by `data checks`', async () => {
    const run = await lathe(['data', 'check', 'people', '--json']);
    assertExit(run, 0);
    const out = JSON.parse(run.stdout) as { id: string; ref: string; status: string; results: unknown[] };
    assert.equal(out.ref, 'people@1');
    assert.ok(out.results.length >= 10);
    const list = await lathe(['data', 'checks', 'people@1']);
    assertExit(list, 0);
    assert.match(list.stdout, /^ID\s+STATUS\s+CHECKS/);
    assert.equal(list.stdout.trim().split('\n').length, 1 + 3);
    assert.ok(list.stdout.split('\n')[1]!.startsWith(out.id));
  });

  it('an invalid suite or a missing file exits 1 with the reason, and writes no JUnit file', async () => {
    const bad = await lathe(['data', 'check', 'people@1', '--suite', 'bad.yaml', '--junit', 'bad.xml']);
    assertExit(bad, 1);
    assert.match(
      bad.stderr,
      /^error INVALID_ARGUMENT: invalid check suite: checks\[0\] \(out_of_range\), field "column"/m,
    );
    assert.match(bad.stderr, /"height"; valid: id, age, city, bought/);
    assert.throws(() => readFileSync(path.join(dir, 'bad.xml')));
    const missing = await lathe(['data', 'check', 'people@1', '--suite', 'nope.yaml']);
    assertExit(missing, 1);
    assert.match(missing.stderr, /cannot read the suite nope\.yaml: no such file/);
  });
});
