import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { assertExit, type CliServer, startCliServer } from '../support/cli-server.js';

const fixtures = path.resolve(import.meta.dirname, '../fixtures/recipe');

describe('lathe data transform against a running server', { concurrency: 1 }, () => {
  let cli: CliServer;
  let cwd: string;
  const lathe = (args: string[]) => cli.lathe(args);

  before(async () => {
    cli = await startCliServer({ env: { LATHE_PII_SALT: 'cli-test-salt' } });
    cwd = cli.dir;
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
  after(() => cli?.stop());

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
