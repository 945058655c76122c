// The Models area in a real Chromium against a real `lathe server`: the models list with its filter,
// a model page (versions, aliases, audit trail), moving `champion` through the UI, and a version page
// with its lineage graph and stage control.
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { LatheClient } from '../../src/sdk/index.js';
import {
  browserSkip,
  closeUi,
  openPage,
  screenshots,
  signIn,
  startUiServer,
  waitForPaint,
} from '../support/browser.js';
import type { ServerProcess } from '../support/server-process.js';

const model = 'churn-classifier';

describe('Models area in a browser', {
  skip: browserSkip(),
}, () => {
  let server: ServerProcess;
  let browser: Browser;
  let page: Page;
  let api: LatheClient;
  let runId = '';
  let experimentId = '';
  const pageErrors: string[] = [];

  before(async () => {
    server = await startUiServer();
    api = new LatheClient({ url: server.url, token: server.adminToken });

    // A training run that logged a dataset input, through MLflow's REST API.
    const run = await api.tracking.startRun({ experimentName: 'churn-training', runName: 'gbm-depth-6' });
    runId = run.info.runId;
    experimentId = run.info.experimentId;
    const inputs = await fetch(`${server.url}/api/2.0/mlflow/runs/log-inputs`, {
      method: 'POST',
      headers: { authorization: `Bearer ${server.adminToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        run_id: runId,
        datasets: [
          {
            dataset: {
              name: 'customers-2025-01',
              digest: 'a1b2c3d4',
              source_type: 'local',
              source: '/data/customers-2025-01.parquet',
            },
            tags: [{ key: 'mlflow.data.context', value: 'train' }],
          },
        ],
      }),
    });
    assert.equal(inputs.status, 200, await inputs.text());
    await api.tracking.endRun(runId);

    // Three versions (v2 from the run), champion on v2, challenger on v3, and a second model.
    await api.registry.createModel(model, {
      description: 'Predicts which customers cancel within 30 days.',
      tags: { team: 'growth' },
    });
    await api.registry.registerModel(model, { source: 'file:/models/churn/baseline' });
    await api.registry.registerModel(model, { source: `runs:/${runId}/model`, runId });
    await api.registry.registerModel(model, { source: 's3://models/churn/v3', tags: { validated: 'no' } });
    await api.registry.setAlias(model, 'champion', 2);
    await api.registry.setAlias(model, 'challenger', 3);
    await api.registry.registerModel('fraud-detector', { source: 'file:/models/fraud/1' });

    // The 400 of a bad filter logs as a failed resource: not a page error.
    ({ browser, page } = await openPage(pageErrors));
    await signIn(page, server);
  });

  after(() => closeUi(browser, server));

  it('lists the models with their latest version and alias badges, and filters them', async () => {
    await page
      .getByRole('navigation', { name: 'Main' })
      .getByRole('link', { name: /^Models/ })
      .click();
    await page.getByRole('heading', { level: 1, name: 'Models' }).waitFor();
    const table = page.getByRole('table', { name: 'Registered models' });
    const row = table.getByRole('row', { name: new RegExp(model) });
    await row.waitFor();
    const text = (await row.textContent()) ?? '';
    assert.match(text, /v3/);
    assert.match((await row.locator('.alias-champion').textContent()) ?? '', /^champion\s*→ v2$/);
    assert.match(text, /challenger/);
    assert.match(text, /Predicts which customers cancel/);
    await row.locator('.alias-champion').waitFor();
    assert.equal(await table.getByRole('row').count(), 3, 'a header row and two models');

    await page.getByLabel('Filter', { exact: true }).fill("name LIKE '%churn%'");
    await page.getByRole('button', { name: 'Apply filter' }).click();
    await page.waitForURL(/filter=/);
    await table.getByRole('row', { name: /fraud-detector/ }).waitFor({ state: 'detached' });
    assert.equal(await table.getByRole('row').count(), 2);
    await page.screenshot({ path: path.join(screenshots, 'models-list.png'), fullPage: true });

    // A filter the server cannot parse shows its message inline, not a blank page.
    await page.getByLabel('Filter', { exact: true }).fill("name ~ 'x'");
    await page.getByRole('button', { name: 'Apply filter' }).click();
    const alert = page.getByRole('alert');
    await alert.waitFor();
    assert.match((await alert.textContent()) ?? '', /could not use this filter/i);
    await page.screenshot({ path: path.join(screenshots, 'models-filter-error.png') });
    await page.getByRole('button', { name: 'Clear' }).click();
    await table.getByRole('row', { name: /fraud-detector/ }).waitFor();
  });

  it('shows a model: versions with their run, aliases and the audit trail', async () => {
    await page.getByRole('table', { name: 'Registered models' }).getByRole('link', { name: model }).click();
    await page.getByRole('heading', { level: 1, name: model }).waitFor();
    assert.equal(new URL(page.url()).pathname, `/models/${model}`);
    await page.getByText('Predicts which customers cancel within 30 days.').first().waitFor();
    await page.getByRole('list', { name: 'Model tags' }).getByText('team=growth').waitFor();

    const versions = page.getByRole('table', { name: 'Versions' });
    await versions.getByRole('link', { name: `Version 3 of ${model}` }).waitFor();
    assert.equal(await versions.getByRole('row').count(), 4, 'a header row and three versions');
    const v2 = versions.getByRole('row', { name: /runs:\// });
    const runLink = v2.getByRole('link', { name: `Run ${runId}` });
    await runLink.waitFor();
    assert.equal(await runLink.getAttribute('href'), `/experiments/${experimentId}/runs/${runId}`);
    assert.match((await v2.textContent()) ?? '', /champion/);

    const aliases = page.getByRole('table', { name: 'Aliases' });
    const champion = aliases.getByRole('row', { name: /champion/ });
    assert.match((await champion.textContent()) ?? '', /v2/);

    const audit = page.getByRole('table', { name: 'Audit trail' });
    await audit.getByRole('cell', { name: 'model_version.alias_set' }).first().waitFor();
    const rows = await audit.getByRole('row').allTextContents();
    assert.match(rows[1]!, /model_version\.alias_set.*alias=challenger/, 'newest first');
    assert.match(rows.at(-1)!, /registered_model\.create/);
    assert.match(rows[1]!, /admin/);
  });

  it('moves champion to another version after a confirmation, and the API sees it', async () => {
    const aliases = page.getByRole('table', { name: 'Aliases' });
    await aliases.getByLabel('New version for champion').selectOption('3');
    await page.getByRole('button', { name: 'Move champion' }).click();
    const dialog = page.getByRole('dialog', { name: 'Move champion to version 3?' });
    await dialog.waitFor();
    await page.screenshot({ path: path.join(screenshots, 'model-confirm-move.png') });
    await dialog.getByRole('button', { name: 'Move champion' }).click();
    await page.getByText('Moved champion from version 2 to version 3.').waitFor();

    assert.equal((await api.registry.resolve(`${model}@champion`)).version, 3);
    const champion = aliases.getByRole('row', { name: /champion/ });
    await champion.getByRole('link', { name: `Version 3 of ${model}` }).waitFor();
    const audit = page.getByRole('table', { name: 'Audit trail' });
    await audit
      .getByRole('cell', { name: /alias=champion/ })
      .first()
      .waitFor();
    assert.match(
      (await audit.getByRole('row').nth(1).textContent()) ?? '',
      /churn-classifier\/3\s*alias=champion previousVersion=2/,
    );
    await page.screenshot({ path: path.join(screenshots, 'model.png'), fullPage: true });
  });

  it('shows a version with its lineage graph and moves it to a stage', async () => {
    await page
      .getByRole('table', { name: 'Versions' })
      .getByRole('link', { name: `Version 2 of ${model}` })
      .click();
    await page.getByRole('heading', { level: 1, name: `${model} · version 2` }).waitFor();
    const graph = page.getByRole('img', { name: /Lineage graph of churn-classifier version 2: 3 nodes/ });
    await graph.locator('canvas').waitFor();
    // ECharts draws after a frame: wait until the canvas holds the coloured nodes.
    const painted = await waitForPaint(page, '[aria-label^="Lineage graph"]', 2000);
    assert.ok(painted >= 2000, `the lineage canvas is drawn (${painted} painted pixels)`);

    const nodes = page.getByRole('list', { name: 'Lineage nodes' });
    await nodes.getByText('customers-2025-01', { exact: true }).waitFor();
    await nodes.getByText('a1b2c3d4').waitFor();
    const run = nodes.getByRole('link', { name: 'gbm-depth-6' });
    assert.equal(await run.getAttribute('href'), `/experiments/${experimentId}/runs/${runId}`);
    await page.screenshot({ path: path.join(screenshots, 'version.png'), fullPage: true });

    await page.getByLabel('New stage').selectOption('Production');
    await page.getByRole('button', { name: 'Transition' }).click();
    await page.getByText('Version 2 moved from None to Production.').waitFor();
    assert.equal((await api.registry.getVersion(model, 2)).currentStage, 'Production');
    await page.locator('.stage-production').first().waitFor();

    // The run node in the graph is clickable: it sits in the middle of the plot (grid top 36, bottom 12).
    const box = await graph.boundingBox();
    assert.ok(box);
    await page.mouse.click(box.x + box.width / 2, box.y + 36 + (box.height - 48) / 2);
    await page.waitForURL(`**/experiments/${experimentId}/runs/${runId}`);
  });

  it('shows honest states for a missing model and a version without lineage', async () => {
    await page.goto(`${server.url}/models/no-such-model`);
    await page.getByText('Model no-such-model is not in the registry').waitFor();
    await page.goto(`${server.url}/models/${model}/versions/1`);
    await page.getByRole('heading', { level: 1, name: `${model} · version 1` }).waitFor();
    await page.getByText(/No lineage: this version was registered without a run/).waitFor();
    assert.deepEqual(pageErrors, []);
  });
});
