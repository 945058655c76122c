import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { settings } from '../../src/core/index.js';
import { runCliProcess, type ServerProcess, startServerProcess } from '../support/server-process.js';

/** Every LATHE_* variable blanked, so the runner's environment cannot leak in. */
const cleanEnv: Record<string, string> = Object.fromEntries([
  ...settings.map((s) => [s.env, '']),
  ['LATHE_CONFIG', ''],
]);
const fixtures = path.resolve(import.meta.dirname, '../fixtures/recipe');

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function assertExit(run: Run, code: number): void {
  assert.equal(
    run.code,
    code,
    `exit code ${run.code}, expected ${code}\nstdout:\n${run.stdout}\nstderr:\n${run.stderr}`,
  );
}

describe('lathe data transform against a running server', { concurrency: 1 }, () => {
  let server: ServerProcess;
  let cwd: string;
  let lathe: (args: string[]) => Promise<Run>;

  before(async () => {
    cwd = mkdtempSync(path.join(tmpdir(), 'lathe-transform-cli-'));
    server = await startServerProcess({ env: { LATHE_PII_SALT: 'cli-test-salt' } });
    assert.ok(server.adminToken, 'the server printed an admin token');
    lathe = (args) =>
      runCliProcess(args, { ...cleanEnv, LATHE_URL: server.url, LATHE_TOKEN: server.adminToken! }, cwd);
    assertExit(
      await lathe([
        'data',
        'ingest',
        path.join(fixtures, 'customers.csv'),
        '--name',
        'customers',
        '--target',
        'churned',
      ]),
      0,
    );
    assertExit(await lathe(['data', 'ingest', path.join(fixtures, 'plans.csv'), '--name', 'plans']), 0);
  });
  after(async () => {
    await server?.stop();
    rmSync(cwd, { recursive: true, force: true });
  });

  it('applies a YAML recipe and prints the created versions, their rows and lineage', async () => {
    writeFileSync(
      path.join(cwd, 'recipe.yaml'),
      [
        'version: 1',
        'steps:',
        '  - select: [customer_id, email, age, plan_id, churned]',
        '  - join: { with: "plans@1", on: plan_id, columns: [monthly_price] }',
        '  - impute: { age: median }',
        '  - pii: { email: hash }',
        'split: { kind: random, ratios: { train: 0.75, test: 0.25 }, seed: 42 }',
        'output: churn',
        '',
      ].join('\n'),
    );
    const run = await lathe([
      'data',
      'transform',
      'customers@1',
      '--recipe',
      'recipe.yaml',
      '-m',
      'first features',
    ]);
    assertExit(run, 0);
    assert.match(run.stdout, /^fitted on customers@1, joined plans@1$/m);
    assert.match(run.stdout, /^fitted recipe [0-9a-f]{64} \(lathe data recipe churn-train@1\)$/m);
    assert.match(
      run.stdout,
      /churn-train@1\s+train\s+242\s+6\s+created\s+customers@1 \+ plans@1 -> churn-train@1/,
    );
    assert.match(
      run.stdout,
      /churn-test@1\s+test\s+80\s+6\s+created\s+customers@1 \+ plans@1 -> churn-test@1/,
    );

    const again = await lathe(['data', 'transform', 'customers@1', '--recipe', 'recipe.yaml', '--json']);
    assertExit(again, 0);
    const result = JSON.parse(again.stdout);
    assert.deepEqual(
      result.outputs.map((o: { created: boolean }) => o.created),
      [false, false],
    );

    const recipe = await lathe(['data', 'recipe', 'churn-test@1']);
    assertExit(recipe, 0);
    const fitted = JSON.parse(recipe.stdout);
    assert.equal(fitted.fittedOn, 'customers@1');
    assert.ok(!recipe.stdout.includes('cli-test-salt'), 'the salt is never printed');
    assert.equal(fitted.steps[2].columns.age.strategy, 'median');

    const shown = await lathe(['data', 'show', 'churn-train@1']);
    assertExit(shown, 0);
    assert.match(shown.stdout, /parents\s+customers@1, plans@1/);
  });

  it('a bad recipe exits 1 with RECIPE_INVALID, where it went wrong and what was expected', async () => {
    writeFileSync(path.join(cwd, 'bad.yaml'), 'version: 1\nsteps:\n  - filter: "age >= 18 and ;"\n');
    const run = await lathe(['data', 'transform', 'customers@1', '--recipe', 'bad.yaml']);
    assertExit(run, 1);
    assert.match(run.stderr, /RECIPE_INVALID/);
    assert.match(
      run.stderr,
      /step 1 \(filter\): expected a column, number, string or '\(' at position 15, got ';'/,
    );
    const missing = await lathe(['data', 'transform', 'customers@1', '--recipe', 'nope.yaml']);
    assertExit(missing, 1);
    assert.match(missing.stderr, /cannot read the recipe nope.yaml: no such file/);
  });
});
