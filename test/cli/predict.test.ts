import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { nativeFixture } from '../../src/models/flavors/native/native-fixture.js';
import { LatheClient } from '../../src/sdk/index.js';
import { churnCsv } from '../../src/training/search-fixture.js';
import { assertExit, type CliServer, startCliServer } from '../support/cli-server.js';

describe('lathe models import and lathe predict against a running server', { concurrency: 1 }, () => {
  let t: CliServer;
  let sdk: LatheClient;
  const lathe = (args: string[]) => t.lathe(args);
  const csv = churnCsv(600, 11);

  before(async () => {
    t = await startCliServer();
    sdk = new LatheClient({ url: t.server.url, token: t.server.adminToken });
    await sdk.data.ingest('churn', new TextEncoder().encode(csv), {
      filename: 'churn.csv',
      target: 'churned',
    });
    const job = await sdk.training.train({
      data: 'churn@1',
      target: 'churned',
      model: 'logistic',
      register: 'churn',
    });
    assert.equal((await sdk.jobs.wait(job.id)).status, 'succeeded');
    writeFileSync(path.join(t.dir, 'churn.csv'), csv);
  });
  after(() => t?.stop());

  it('imports a model directory, shows its package, and refuses a pickle with the reason', async () => {
    const dir = path.join(t.dir, 'risk-model');
    for (const [p, bytes] of nativeFixture(30).source.files) {
      mkdirSync(path.dirname(path.join(dir, p)), { recursive: true });
      writeFileSync(path.join(dir, p), bytes);
    }
    const run = await lathe([
      'models',
      'import',
      'risk-model',
      '--name',
      'risk',
      '--description',
      'imported',
    ]);
    assertExit(run, 0);
    assert.match(run.stdout, /^imported risk version 1 \(ref risk@1\)$/m);
    assert.match(run.stdout, /^ {2}flavor +native \(gbdt\), task binary$/m);
    assert.match(run.stdout, /^ {2}inputs +x0:double, x1:double, x2:double$/m);
    assert.match(run.stdout, /^ {2}checked +on 3 input example row\(s\): (yes|no), /m);

    const show = await lathe(['models', 'show', 'risk@latest']);
    assertExit(show, 0);
    assert.match(show.stdout, /^ {2}flavor +native \(gbdt\), task binary$/m);
    assert.match(show.stdout, /^ {2}size +[\d.]+ KB in \d+ file\(s\)$/m);

    writeFileSync(path.join(t.dir, 'model.pkl'), Buffer.from([0x80, 4, 0x95, 0, 0]));
    const pickle = await lathe(['models', 'import', 'model.pkl', '--name', 'risk']);
    assertExit(pickle, 1);
    assert.match(
      pickle.stderr,
      /error MODEL_PACKAGE_INVALID: refusing to load model\.pkl: it is a Python pickle/,
    );
    const missing = await lathe(['models', 'import', 'nope.onnx', '--name', 'risk']);
    assertExit(missing, 2);
    assert.match(missing.stderr, /no file or directory at nope\.onnx/);
  });

  it('scores a dataset version into a new version as a job with progress', async () => {
    const run = await lathe([
      'predict',
      '--model',
      'churn@latest',
      '--data',
      'churn@1',
      '--out',
      'churn-scored',
      '--chunk-rows',
      '1000',
      '--keep',
      'customer_id',
    ]);
    assertExit(run, 0);
    assert.match(run.stderr, /^started predict job job_\w+$/m);
    assert.match(run.stdout, /^wrote 600 predictions of churn@1 on churn@1 to churn-scored@1 in [\d.]+s$/m);
    const scored = await sdk.data.rows('churn-scored@1', { limit: 5 });
    assert.deepEqual(Object.keys(scored.rows[0]!), [
      'customer_id',
      'prediction',
      'probability_left',
      'probability_stayed',
    ]);
    const bad = await lathe(['predict', '--model', 'churn@1', '--data', 'churn@1']);
    assertExit(bad, 2);
    assert.match(bad.stderr, /give --data DATASET@VERSION and --out NAME/);
  });

  it('scores a local CSV into a CSV in batches, and goes on from where an output stops', async () => {
    const run = await lathe([
      'predict',
      '--model',
      'churn@1',
      '--input',
      'churn.csv',
      '--output',
      'scored.csv',
      '--batch-rows',
      '100',
    ]);
    assertExit(run, 0);
    assert.match(run.stdout, /^wrote 600 predictions of churn@1 to scored\.csv in [\d.]+s$/m);
    assert.match(run.stderr, /^predicting \[#+\] 100% {2}600 rows$/m);
    const full = readFileSync(path.join(t.dir, 'scored.csv'), 'utf8');
    const lines = full.trimEnd().split('\n');
    assert.equal(lines.length, 601);
    assert.equal(lines[0], `${csv.split('\n')[0]},prediction,probability_left,probability_stayed`);
    const expected = await sdk.models.predict(
      'churn@1',
      [
        Object.fromEntries(
          csv
            .split('\n')[0]!
            .split(',')
            .map((h, j) => [h, csv.split('\n')[1]!.split(',')[j]]),
        ),
      ],
      { numericStrings: true },
    );
    assert.ok(
      lines[1]!.endsWith(`,${expected.predictions[0]},${expected.probabilities![0]!.join(',')}`),
      lines[1],
    );

    const again = await lathe([
      'predict',
      '--model',
      'churn@1',
      '--input',
      'churn.csv',
      '--output',
      'scored.csv',
    ]);
    assertExit(again, 2);
    assert.match(again.stderr, /scored\.csv exists: --resume to go on from its last row, or --overwrite/);
    writeFileSync(path.join(t.dir, 'scored.csv'), `${lines.slice(0, 251).join('\n')}\n`);
    const resumed = await lathe([
      'predict',
      '--model',
      'churn@1',
      '--input',
      'churn.csv',
      '--output',
      'scored.csv',
      '--resume',
    ]);
    assertExit(resumed, 0);
    assert.match(resumed.stdout, /^wrote 600 predictions of churn@1 to scored\.csv \(250 already there\)/m);
    assert.equal(readFileSync(path.join(t.dir, 'scored.csv'), 'utf8'), full);
  });
});
