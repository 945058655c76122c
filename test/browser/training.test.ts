// The Training area in a real Chromium against a real `lathe server`: the New training form (dataset
// version, target and model pickers, hyperparameters with their help), a `train` job watched live to
// its end with its result, the trained run's Evaluation, Feature importance and Explanations
// sections, the server's 400 shown next to the form, a failed job's message, and the jobs list.
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, Locator, Page } from 'playwright-core';
import { LatheClient } from '../../src/sdk/index.js';
import {
  browserSkip,
  closeUi,
  openPage,
  screenshot,
  screenshots,
  signIn,
  startUiServer,
  waitForPaint,
} from '../support/browser.js';
import type { ServerProcess } from '../support/server-process.js';

const plans = ['basic', 'pro', 'team'];

/** Customers: an identifier, age, income, plan and a 0/1 target that depends on age and plan. */
function customersCsv(rows: number): string {
  let s = 42;
  const rnd = () => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return s / 2147483648;
  };
  const lines = ['customer_id,age,income,plan,churned'];
  for (let i = 0; i < rows; i++) {
    const age = 18 + Math.floor(rnd() * 60);
    const plan = plans[i % 3]!;
    const income = (20000 + rnd() * 60000).toFixed(2);
    const p = (age < 35 ? 0.7 : 0.15) + (plan === 'basic' ? 0.15 : 0);
    lines.push(`${i + 1},${age},${income},${plan},${rnd() < p ? 1 : 0}`);
  }
  return `${lines.join('\n')}\n`;
}

/** Picks dataset `name` on the New training form and waits for its `churned` target to be offered. */
async function pickDataset(form: Locator, name: string): Promise<void> {
  await form.locator('select[name="dataset"]').selectOption(name);
  await form
    .locator('select[name="target"]')
    .locator('option', { hasText: 'churned' })
    .waitFor({ state: 'attached' });
}

describe('Training area in a browser', { skip: browserSkip() }, () => {
  let server: ServerProcess;
  let browser: Browser;
  let page: Page;
  let api: LatheClient;
  const pageErrors: string[] = [];
  const shot = (name: string, height?: number) => screenshot(page, name, height);

  before(async () => {
    server = await startUiServer();
    api = new LatheClient({ url: server.url, token: server.adminToken });
    await api.data.ingest('customers', new TextEncoder().encode(customersCsv(600)), {
      filename: 'customers.csv',
      target: 'churned',
    });
    await api.data.ingest('events', new TextEncoder().encode(customersCsv(20_000)), {
      filename: 'events.csv',
      target: 'churned',
    });
    ({ browser, page } = await openPage(pageErrors, 20_000));
    await signIn(page, server);
  });

  after(() => closeUi(browser, server));

  it('starts a train job from the form and watches it finish on the job page', async () => {
    await page
      .getByRole('navigation', { name: 'Main' })
      .getByRole('link', { name: /^Training/ })
      .click();
    await page.getByRole('heading', { level: 1, name: 'Training' }).waitFor();
    await page.getByRole('heading', { name: 'No training jobs yet' }).waitFor();
    await page.getByRole('link', { name: 'New training' }).first().click();
    const form = page.getByRole('form', { name: 'New training job' });
    await form.locator('select[name="dataset"]').selectOption('customers');
    await form
      .locator('select[name="version"]')
      .locator('option', { hasText: 'customers@1' })
      .waitFor({ state: 'attached' });
    // The version's target column is picked for the user.
    await form
      .locator('select[name="target"]')
      .locator('option', { hasText: 'churned' })
      .waitFor({ state: 'attached' });
    assert.equal(await form.locator('select[name="target"]').inputValue(), 'churned');
    // Columns to drop are ticked from the version's columns (the target is not offered).
    const drops = form.getByRole('group', { name: 'Drop (optional)' });
    assert.deepEqual(
      await drops.getByRole('checkbox').evaluateAll((els) => els.map((e) => e.getAttribute('value'))),
      ['customer_id', 'age', 'income', 'plan'],
    );
    await drops.getByRole('checkbox', { name: 'plan' }).check();
    await drops.getByRole('checkbox', { name: 'plan' }).uncheck();
    await form.locator('select[name="model"]').selectOption('rf');
    // The family's hyperparameters are optional fields with their help text.
    await form.getByText('number of trees, an integer >= 1 (default 100)').waitFor();
    await form.locator('input[name="params.trees"]').fill('25');
    await form.locator('input[name="params.maxDepth"]').fill('6');
    await form.locator('input[name="cv"]').fill('3');
    await form.locator('input[name="register"]').fill('churn-rf');
    await shot('training-form.png', 1500);

    await form.getByRole('button', { name: 'Start training' }).click();
    await page.getByRole('heading', { level: 1, name: /^Train job / }).waitFor();
    assert.match(page.url(), /\/training\/jobs\/[\w-]+$/);
    const result = page.getByRole('region', { name: 'Result' });
    await result.waitFor({ timeout: 40_000 });
    await page.locator('.page-header .run-status', { hasText: 'succeeded' }).waitFor();
    const facts = (await result.textContent()) ?? '';
    assert.match(facts, /rf/);
    assert.match(facts, /customers@1/);
    assert.match(facts, /churn-rf version 1/, 'the registered version is linked');
    const metrics = (await page.getByRole('table', { name: 'Test metrics' }).textContent()) ?? '';
    assert.match(metrics, /roc_auc/);
    assert.match(metrics, /accuracy/);
    assert.match(
      (await page.getByRole('table', { name: 'Cross-validation' }).textContent()) ?? '',
      /\d ± \d/,
      'cv metrics as mean ± std',
    );
    assert.match(
      (await page.getByRole('table', { name: 'Excluded columns' }).textContent()) ?? '',
      /customer_id/,
      'the identifier column was left out, with its reason',
    );
    assert.equal(await page.getByRole('button', { name: 'Cancel' }).count(), 0, 'no Cancel once finished');
    await shot('training-job.png', 1300);
  });

  it('opens the run with its evaluation, importance and explanations sections', async () => {
    await page.getByRole('link', { name: 'Open the run' }).click();
    await page.getByRole('heading', { level: 1, name: 'rf-churned' }).waitFor();
    const evaluation = page.getByRole('region', { name: 'Evaluation' });
    await evaluation.getByText(/^ROC curve \(AUC 0\.\d+\)/).waitFor();
    await evaluation.getByText(/^Precision–recall curve/).waitFor();
    await evaluation.getByText('Calibration curve').waitFor();
    const confusion = (await evaluation.getByRole('table', { name: 'Confusion matrix' }).textContent()) ?? '';
    assert.match(confusion, /actual \\ predicted/);
    assert.match(
      (await evaluation.getByRole('table', { name: 'Evaluation metrics' }).textContent()) ?? '',
      /log_loss/,
    );
    for (const label of [/^ROC curve/, /^Confusion matrix/])
      assert.ok(
        (await waitForPaint(
          page,
          `[aria-label^="${label.source.slice(1)}"]`.replace(/\\/g, ''),
          300,
          true,
        )) >= 300,
        `${label} is drawn`,
      );
    const importance = page.getByRole('region', { name: 'Feature importance' });
    await importance.getByRole('img', { name: /^Feature importance: / }).waitFor();
    assert.match((await importance.getByRole('img').getAttribute('aria-label')) ?? '', /age/);

    const explanations = page.getByRole('region', { name: 'Explanations' });
    await explanations.getByText('No explanations yet.').waitFor();
    // The sections scroll inside the page: each is shot on its own.
    await evaluation.screenshot({ path: path.join(screenshots, 'training-run-evaluation.png') });
    // The explain job kind may not be on this server yet: then its 400 is shown; else the charts come.
    await explanations.getByRole('button', { name: 'Explain' }).click();
    const refused = explanations.getByRole('alert');
    const charts = explanations.getByText('Global importance (mean |SHAP|)');
    await refused.or(charts).first().waitFor({ timeout: 40_000 });
    if (await charts.isVisible()) {
      await explanations.getByText(/^Summary \(beeswarm\)/).waitFor();
      await explanations.getByText('Single prediction (waterfall)').waitFor();
      await explanations.getByLabel('Row to explain').selectOption({ index: 1 });
      await page.waitForTimeout(500); // the chart's 300 ms transition to the chosen row
      await explanations.screenshot({ path: path.join(screenshots, 'training-run-explanations.png') });
    } else {
      assert.match((await refused.textContent()) ?? '', /explain/);
    }
  });

  it("shows the server's message next to the form, and a failed job's error", async () => {
    await page.goto(`${server.url}/training/new`);
    const form = page.getByRole('form', { name: 'New training job' });
    await pickDataset(form, 'customers');
    await form.locator('select[name="model"]').selectOption('logistic');
    await form.locator('input[name="cv"]').fill('1');
    await form.getByRole('button', { name: 'Start training' }).click();
    const alert = form.getByRole('alert');
    await alert.getByText('The server refused the job').waitFor();
    assert.match(
      (await alert.textContent()) ?? '',
      /^The server refused the jobcv: must be an integer 2\.\.20 \(or 0 for none\); got the number 1$/,
    );
    await form.locator('.field-error', { hasText: /got the number 1/ }).waitFor();
    assert.match(page.url(), /\/training\/new$/, 'nothing was queued');
    await shot('training-form-error.png', 1300);

    // An out-of-range hyperparameter value: the model refuses it when the fit starts (before any
    // training work), so the job fails and its page says why.
    await form.locator('input[name="cv"]').fill('');
    await form.locator('input[name="params.C"]').fill('-1');
    await form.getByRole('button', { name: 'Start training' }).click();
    await page.getByRole('heading', { level: 1, name: /^Train job / }).waitFor();
    const failed = page.getByRole('alert').filter({ hasText: 'The job failed (INVALID_ARGUMENT)' });
    await failed.waitFor({ timeout: 30_000 });
    assert.match((await failed.textContent()) ?? '', /C must be a finite number > 0; got the number -1/);
    await page.locator('.page-header .run-status', { hasText: 'failed' }).waitFor();
    await shot('training-job-failed.png');
  });

  it('tunes a model and runs AutoML from the form tabs, with leaderboards and trial charts', async () => {
    await page.goto(`${server.url}/training/new`);
    await page.getByRole('tab', { name: 'Tune' }).click();
    const form = page.getByRole('form', { name: 'New training job' });
    await pickDataset(form, 'customers');
    await form.locator('select[name="model"]').selectOption('rf');
    await form.locator('select[name="sampler"]').selectOption('random');
    await form.locator('input[name="trials"]').fill('5');
    await form.getByRole('button', { name: 'Start tuning' }).click();
    await page.getByRole('heading', { level: 1, name: /^Tune job / }).waitFor();
    const board = page.getByRole('table', { name: 'Leaderboard' });
    await board.waitFor({ timeout: 40_000 });
    const rows = await board.locator('tbody tr').allTextContents();
    assert.equal(rows.length, 5, 'one row per trial');
    assert.match(rows[0]!, /^1rf #\d/, 'ranked, best first');
    assert.match(
      (await page.getByRole('region', { name: 'Result' }).textContent()) ?? '',
      /roc_auc \(higher is better\)/,
    );
    await page.getByRole('img', { name: 'roc_auc by trial, with the best so far' }).waitFor();
    await page.getByRole('region', { name: 'Best score by trial' }).waitFor();
    await shot('training-tune.png', 1300);
    // A trial's link opens its child run.
    await board.getByRole('link').first().click();
    // The link goes to /training/runs/ID, which forwards to the run's page in its experiment.
    await page.waitForURL(/\/experiments\/[^/]+\/runs\/\w+$/);
    await page.getByRole('heading', { level: 1 }).waitFor();

    await page.goto(`${server.url}/training/new?mode=automl`);
    await pickDataset(form, 'customers');
    await form.getByRole('checkbox', { name: 'logistic' }).check();
    await form.getByRole('checkbox', { name: 'rf' }).check();
    await form.locator('input[name="budgetSeconds"]').fill('5');
    await form.getByRole('button', { name: 'Start AutoML' }).click();
    await form
      .getByText(/^budgetSeconds.*10/)
      .first()
      .waitFor();
    await form.locator('input[name="budgetSeconds"]').fill('10');
    await form.getByRole('button', { name: 'Start AutoML' }).click();
    await page.getByRole('heading', { level: 1, name: /^Automl job / }).waitFor();
    await board.waitFor({ timeout: 40_000 });
    const text = (await board.textContent()) ?? '';
    assert.match(text, /logistic|rf/);
    assert.match(text, / ms/, 'latency per row');
    await page
      .getByRole('img', { name: 'roc_auc of each leaderboard entry by rank, coloured by model family' })
      .waitFor();
    await shot('training-automl.png', 1300);
    const shown = await board.locator('tbody tr').count();
    const more = page.getByRole('button', { name: /^Show all \d+$/ });
    if (await more.count()) {
      assert.equal(shown, 25, 'a long leaderboard shows its top 25 first');
      await more.click();
      assert.ok((await board.locator('tbody tr').count()) > 25);
    }
  });

  it('follows a long job live (progress, ETA, validation metric) and cancels it', async () => {
    await page.goto(`${server.url}/training/new`);
    const form = page.getByRole('form', { name: 'New training job' });
    await pickDataset(form, 'events');
    await form.locator('select[name="model"]').selectOption('gbdt');
    await form.locator('input[name="params.rounds"]').fill('100000');
    await form.locator('input[name="params.learningRate"]').fill('0.01');
    await form.getByRole('button', { name: 'Start training' }).click();
    await page.getByRole('heading', { level: 1, name: /^Train job / }).waitFor();
    const bar = page.getByRole('progressbar', { name: 'Job progress' });
    await page.getByText(/^fitting · [\d,]+ \/ 100,000 · ETA /).waitFor({ timeout: 30_000 });
    assert.equal(await bar.getAttribute('max'), '100000');
    // The chart gathers the validation metric as it arrives, one point per report.
    const caption = page.locator('figcaption', { hasText: /^logloss 0\.\d+ at iteration [\d,]+$/ });
    await caption.waitFor();
    const first = await caption.textContent();
    let later = first;
    for (let i = 0; i < 50 && later === first; i++) {
      await page.waitForTimeout(100);
      later = await caption.textContent();
    }
    assert.notEqual(later, first, 'the chart moved on with the job');
    assert.ok((await waitForPaint(page, 'figure.metric-chart', 200)) >= 200, 'the live chart is drawn');
    await shot('training-job-running.png');
    await page.getByRole('button', { name: 'Cancel' }).click();
    await page.getByRole('status').filter({ hasText: 'The job was cancelled' }).waitFor({ timeout: 30_000 });
    await page.locator('.page-header .run-status', { hasText: 'cancelled' }).waitFor();
    assert.equal(await page.getByRole('button', { name: 'Cancel' }).count(), 0);
  });

  it('shows a finished job opened later with its validation history from the run', async () => {
    type Job = { id: string; status: string };
    let job = await api.request<Job>('POST', '/api/v1/jobs', {
      kind: 'train',
      spec: { data: 'customers@1', target: 'churned', model: 'gbdt', params: { rounds: 40 } },
    });
    for (let i = 0; i < 100 && (job.status === 'queued' || job.status === 'running'); i++) {
      await new Promise((r) => setTimeout(r, 200));
      job = await api.request<Job>('GET', `/api/v1/jobs/${job.id}`);
    }
    assert.equal(job.status, 'succeeded');
    await page.goto(`${server.url}/training/jobs/${job.id}`);
    const history = page.getByRole('region', { name: 'Validation metric by iteration' });
    await history.locator('figcaption', { hasText: 'valid_logloss' }).waitFor();
    assert.match((await history.getByRole('img').getAttribute('aria-label')) ?? '', /40 points/);
  });

  it('opens a regression run through its run link, with predicted vs actual', async () => {
    type Job = { id: string; status: string; result: { runId: string } | null };
    let job = await api.request<Job>('POST', '/api/v1/jobs', {
      kind: 'train',
      spec: { data: 'customers@1', target: 'income', model: 'ridge', drop: ['churned'] },
    });
    for (let i = 0; i < 100 && (job.status === 'queued' || job.status === 'running'); i++) {
      await new Promise((r) => setTimeout(r, 200));
      job = await api.request<Job>('GET', `/api/v1/jobs/${job.id}`);
    }
    assert.equal(job.status, 'succeeded');
    await page.goto(`${server.url}/training/runs/${job.result!.runId}`);
    await page.waitForURL(/\/experiments\/[^/]+\/runs\/\w+$/);
    const evaluation = page.getByRole('region', { name: 'Evaluation' });
    await evaluation.getByText('Predicted vs actual').waitFor();
    assert.match((await evaluation.textContent()) ?? '', /regression · 120 test rows/);
    assert.match(
      (await evaluation.getByRole('table', { name: 'Evaluation metrics' }).textContent()) ?? '',
      /rmse/,
    );
    assert.equal(await evaluation.getByText(/^ROC curve/).count(), 0, 'no classification charts');
    assert.ok((await waitForPaint(page, '[aria-label^="Predicted against actual"]', 300)) >= 300);
    // The training dataset is listed by its reference, not as the JSON MLflow stores.
    const inputs = page.getByRole('table', { name: 'Dataset inputs' });
    assert.equal(((await inputs.locator('tbody td').nth(3).textContent()) ?? '').trim(), 'customers@1');
  });

  it('lists the jobs, filtered by status', async () => {
    await page.goto(`${server.url}/training`);
    const table = page.getByRole('table', { name: 'Jobs' });
    await table.waitFor();
    assert.ok((await table.locator('tbody tr').count()) >= 2);
    assert.match((await table.textContent()) ?? '', /rf on customers@1 → churned/);
    assert.match((await table.textContent()) ?? '', /C must be a finite number > 0/, 'a failed job says why');
    await page.locator('select').nth(1).selectOption('succeeded');
    await page.waitForURL(/status=succeeded/);
    await table.locator('tbody tr').first().waitFor();
    // The rows of the unfiltered list stay until the filtered answer arrives.
    await table
      .locator('tbody tr')
      .filter({ hasNotText: 'succeeded' })
      .first()
      .waitFor({ state: 'detached' });
    const rows = await table.locator('tbody tr').allTextContents();
    assert.ok(rows.length >= 1 && rows.every((r) => /succeeded/.test(r)), rows.join('\n'));
    await shot('training-jobs.png');
    assert.deepEqual(pageErrors, []);
  });
});
