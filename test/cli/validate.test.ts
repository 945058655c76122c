import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { LatheClient } from '../../src/sdk/index.js';
import { churnCsv } from '../../src/training/search-fixture.js';
import { assertExit, type CliServer, startCliServer } from '../support/cli-server.js';

describe('lathe validate against a running server', { concurrency: 1 }, () => {
  let t: CliServer;
  let sdk: LatheClient;
  const lathe = (args: string[]) => t.lathe(args);

  before(async () => {
    t = await startCliServer();
    sdk = new LatheClient({ url: t.server.url, token: t.server.adminToken });
    const csv = new TextEncoder().encode(churnCsv(800, 4, { signup: true }));
    await sdk.data.ingest('churn', csv, { filename: 'churn.csv', target: 'churned' });
    for (const model of ['logistic', 'rf']) {
      const job = await sdk.training.train({ data: 'churn@1', target: 'churned', model, register: 'churn' });
      assert.equal((await sdk.jobs.wait(job.id)).status, 'succeeded');
    }
    writeFileSync(
      path.join(t.dir, 'release.yaml'),
      'name: release\nchecks:\n  - pipeline-consistency\n  - check: backtesting\n    params: { timeColumn: signup, windows: 4, warn: 0.5, fail: 0.9 }\n',
    );
    writeFileSync(
      path.join(t.dir, 'strict.yaml'),
      'checks:\n  - check: importance\n    params: { warn: 0, fail: 0, rows: 400 }\n',
    );
  });
  after(() => t?.stop());

  it('runs a suite, prints each check, writes JUnit, stores the report and exits 0 when it passes', async () => {
    const run = await lathe([
      'validate',
      '--model',
      'churn@1',
      '--test',
      'churn@1',
      '--production',
      'churn@1',
      '--seed',
      '0',
      '--suite',
      'release.yaml',
      '--junit',
      'out.xml',
      '--html',
      'report.html',
    ]);
    assertExit(run, 0);
    assert.match(run.stderr, /^started validate job job_\w+$/m);
    assert.match(run.stdout, /^(PASS|WARN): churn@1 on churn@1, suite release, [\d.]+s$/m);
    assert.match(run.stdout, /^pipeline-consistency +pass +0 /m);
    assert.match(run.stdout, /^backtesting +(pass|warn) /m);
    assert.match(run.stdout, /^report: runs:\/[0-9a-f]{32}\/validation\/job_\w+\/report\.json$/m);
    const html = readFileSync(path.join(t.dir, 'report.html'), 'utf8');
    assert.match(html, /Feature pipeline consistency/);
    assert.match(html, /<dt>Production sample<\/dt><dd>churn@1<\/dd>/);
    assert.doesNotMatch(html, /https?:\/\//);
    const xml = readFileSync(path.join(t.dir, 'out.xml'), 'utf8');
    assert.match(xml, /<testsuites name="lathe validate" tests="2" failures="0" errors="0" skipped="0"/);
    const gate = await sdk.registry.gate('churn@1');
    assert.equal(gate.validation?.suite, 'release');
  });

  it('exits 1 when a required check fails (against a baseline), and refuses a bad suite before running', async () => {
    const run = await lathe([
      'validate',
      '--model',
      'churn@2',
      '--test',
      'churn@1',
      '--baseline',
      'churn@1',
      '--suite',
      'strict.yaml',
    ]);
    assertExit(run, 1);
    assert.match(run.stdout, /^FAIL: churn@2 on churn@1 against churn@1, suite custom/m);
    assert.match(run.stdout, /^importance +fail /m);
    writeFileSync(path.join(t.dir, 'bad.yaml'), 'checks:\n  - nope\n');
    const bad = await lathe(['validate', '--model', 'churn@1', '--test', 'churn@1', '--suite', 'bad.yaml']);
    assertExit(bad, 1);
    assert.match(
      bad.stderr,
      /error INVALID_ARGUMENT: suite: checks\[0\]: unknown check "nope"; valid checks: /,
    );
    const missing = await lathe(['validate', '--model', 'churn@1', '--test', 'churn@1', '--target', 'nope']);
    assertExit(missing, 1);
    assert.match(missing.stderr, /target "nope" is not a column of churn@1/);
  });

  it('a gate policy refuses to move champion to a version until it passed the suite and another user approved it', async () => {
    const policy = await lathe([
      'models',
      'policy',
      'churn',
      '--aliases',
      'champion',
      '--suite',
      'release',
      '--approvals',
      '1',
      '--allow-warnings',
    ]);
    assertExit(policy, 0);
    assert.match(policy.stdout, /^ {2}guards +alias champion$/m);
    const badApprovals = await lathe(['models', 'policy', 'churn', '--approvals', 'many']);
    assertExit(badApprovals, 2);
    assert.match(badApprovals.stderr, /expected an integer >= 0, got "many"/);
    const early = await lathe(['models', 'alias', 'churn', 'champion', '2']);
    assertExit(early, 1);
    assert.match(
      early.stderr,
      /error GATE_REFUSED: the policy of churn refuses to move alias champion to version 2: churn@2 has no validation with suite release/,
    );
    assertExit(
      await lathe(['validate', '--model', 'churn@2', '--test', 'churn@1', '--suite', 'release.yaml']),
      0,
    );
    const unapproved = await lathe(['models', 'alias', 'churn', 'champion', '2']);
    assertExit(unapproved, 1);
    assert.match(
      unapproved.stderr,
      /churn@2 has 0 of the 1 approval it needs \(its creator admin does not count\)/,
    );
    // A reviewer other than the creator approves.
    await sdk.users.create({ name: 'rita', role: 'editor' });
    const { secret } = await sdk.tokens.create({ name: 'rita', user: 'rita' });
    const approve = await t.lathe(['models', 'approve', 'churn@2', '--comment', 'slices look fine'], {
      LATHE_TOKEN: secret,
    });
    assertExit(approve, 0);
    assert.match(approve.stdout, /^approved churn@2 as rita$/m);
    assert.match(approve.stdout, /^churn@2: may be promoted$/m);
    assertExit(await lathe(['models', 'alias', 'churn', 'champion', '2']), 0);
    assert.equal((await sdk.registry.resolve('churn@champion')).version, 2);
  });
});
