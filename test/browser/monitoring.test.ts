// Monitoring in a real Chromium against a real `lathe server`: a classifier `churn` logged through the
// SDK as an external server would — a training environment, then two days of production where, on
// the last day, every answer for region=eu is wrong and the feature `usage` has moved far from
// training (both days). The monitoring list shows the model and its alerts; the dashboard charts
// volume, latency and accuracy with ground-truth coverage, marks `usage` drifted in the heatmap and
// the drift table; the slice explorer puts eu last; the root-cause page names region=eu first;
// prediction lookup shows the actual and the logged SHAP values; an applied monitor that fires
// shows an open alert in the inbox, which is acknowledged from the page.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { LatheClient, type PredictionInput } from '../../src/sdk/index.js';
import {
  browserSkip,
  closeUi,
  openPage,
  screenshot,
  signIn,
  startUiServer,
  waitForPaint,
} from '../support/browser.js';
import type { ServerProcess } from '../support/server-process.js';

const HOUR = 3_600_000;
const REGIONS = ['eu', 'us', 'apac'];
/** A deterministic pseudo-random number in [0, 1) for record i and stream k. */
const rand = (i: number, k: number) => {
  const x = Math.sin(i * 12.9898 + k * 78.233) * 43_758.5453;
  return x - Math.floor(x);
};

/**
 * Record i of an environment: the true label follows tenure; the model is right 9 times in 10,
 * except (`brokenEu`) in region eu, where it is always wrong; `usageShift` moves `usage`.
 */
function record(
  id: string,
  i: number,
  env: string,
  timestamp: number,
  o: { brokenEu?: boolean; usageShift?: number } = {},
) {
  const tenure = Math.round(rand(i, 1) * 60);
  const usage = 100 + (rand(i, 2) - 0.5) * 40 + (o.usageShift ?? 0);
  const plan = rand(i, 3) < 0.5 ? 'basic' : 'pro';
  const region = REGIONS[i % 3]!;
  const actual = tenure < 20 ? 'yes' : 'no';
  const wrong = (o.brokenEu && region === 'eu') || i % 10 === 0;
  const prediction = wrong ? (actual === 'yes' ? 'no' : 'yes') : actual;
  const p = 0.6 + rand(i, 4) * 0.35;
  const input: PredictionInput = {
    predictionId: id,
    model: 'churn',
    modelVersion: '3',
    environment: env,
    timestamp,
    features: { tenure, usage, plan },
    prediction,
    probabilities: prediction === 'yes' ? { yes: p, no: 1 - p } : { yes: 1 - p, no: p },
    tags: { region },
    latencyMs: 4 + rand(i, 5) * 20,
    shap: { tenure: (20 - tenure) / 40, usage: (usage - 100) / 200, plan: plan === 'pro' ? -0.05 : 0.05 },
  };
  return { input, actual };
}

describe('Monitoring in a browser', { skip: browserSkip() }, () => {
  let server: ServerProcess;
  let browser: Browser;
  let page: Page;
  let api: LatheClient;
  const pageErrors: string[] = [];

  before(async () => {
    server = await startUiServer();
    api = new LatheClient({ url: server.url, token: server.adminToken });
    const now = Date.now();
    const records: ReturnType<typeof record>[] = [];
    for (let i = 0; i < 600; i++) records.push(record(`train-${i}`, i, 'training', now - 10 * 24 * HOUR));
    // Yesterday: fine apart from usage; today: eu answers all wrong.
    for (let i = 0; i < 300; i++)
      records.push(record(`prev-${i}`, i, 'production', now - 47 * HOUR + i * 264_000, { usageShift: 60 }));
    for (let i = 0; i < 300; i++)
      records.push(
        record(`cur-${i}`, i, 'production', now - 23 * HOUR + i * 264_000, {
          usageShift: 60,
          brokenEu: true,
        }),
      );
    const logged = await api.monitoring.logPredictions(records.map((r) => r.input));
    assert.deepEqual([logged.accepted, logged.rejected], [1200, 0], JSON.stringify(logged.errors));
    // A record with text for a numeric feature is refused on its own (and counted as refused).
    const bad = record('bad-0', 1, 'production', now - HOUR);
    const refused = await api.monitoring.logPredictions([
      { ...bad.input, features: { ...bad.input.features, usage: 'lots' } },
    ]);
    assert.equal(refused.rejected, 1);
    // Ground truth for 9 production predictions in 10, and all of training.
    const actuals = records
      .filter((r, k) => r.input.environment === 'training' || k % 10 !== 5)
      .map((r) => ({ predictionId: r.input.predictionId, actual: r.actual }));
    const matched = await api.monitoring.logActuals(actuals);
    assert.equal(matched.unknown, 0);
    await api.monitoring.applyMonitors({
      name: 'churn-eu-accuracy',
      model: 'churn',
      kind: 'performance',
      metric: 'accuracy',
      window: '1d',
      where: { region: 'eu' },
      critical: 0.5,
      minSamples: 20,
    });
    const evaluated = await api.monitoring.evaluate('churn-eu-accuracy');
    assert.equal(evaluated.state, 'firing', evaluated.evaluation.message);
    ({ browser, page } = await openPage(pageErrors, 30_000));
    await signIn(page, server);
  });

  after(() => closeUi(browser, server));

  it('lists the monitored model with its traffic, coverage, alerts and monitors', async () => {
    await page
      .getByRole('navigation', { name: 'Main' })
      .getByRole('link', { name: /^Monitoring/ })
      .click();
    await page.getByRole('heading', { level: 1, name: 'Monitoring' }).waitFor();
    const table = page.getByRole('table', { name: 'Monitored models' });
    await table.getByRole('link', { name: 'churn', exact: true }).waitFor();
    const cells = await table.locator('tbody tr').first().locator('td').allTextContents();
    assert.equal(cells[0], 'churn');
    assert.equal(cells[1], 'classification');
    assert.equal(cells[2], '3');
    assert.equal(cells[3], '300', 'the rows of the last 24 hours');
    assert.equal(cells[4], '90.0%', 'ground-truth coverage of production');
    assert.equal(cells[6], '1', 'one open alert');
    assert.equal(cells[7], '1 firing');
    const inbox = page.getByRole('table', { name: 'Open alerts' });
    await inbox.getByRole('cell', { name: 'churn-eu-accuracy', exact: true }).waitFor();
  });

  it('charts volume, latency and accuracy with coverage, and marks the drifted feature', async () => {
    await page
      .getByRole('table', { name: 'Monitored models' })
      .getByRole('link', { name: 'churn', exact: true })
      .click();
    await page.getByRole('heading', { level: 1, name: 'churn' }).waitFor();
    assert.equal(new URL(page.url()).pathname, '/monitoring/churn');
    await page.locator('[data-testid="window-rows"]', { hasText: /^600$/ }).waitFor();
    const accuracy = Number(await page.getByTestId('window-metric').textContent());
    // Yesterday 0.9; today 0.9 outside eu and 0 in eu: about 0.75 over both.
    assert.ok(accuracy > 0.65 && accuracy < 0.82, `accuracy over 7 days: ${accuracy}`);
    assert.match((await page.getByTestId('window-coverage').textContent()) ?? '', /^90\.0%/);
    for (const chart of ['volume', 'latency', 'performance'])
      assert.ok(
        (await waitForPaint(page, `.monitoring-chart-${chart}`, 200)) >= 200,
        `the ${chart} chart painted`,
      );

    const heatmap = page.getByRole('table', { name: 'Drift heatmap' });
    await heatmap.waitFor();
    const usage = heatmap.locator('tbody tr', { has: page.getByRole('rowheader', { name: 'usage' }) });
    const tenure = heatmap.locator('tbody tr', { has: page.getByRole('rowheader', { name: 'tenure' }) });
    assert.ok((await usage.locator('td[data-drifted]').count()) >= 1, 'usage is drifted on some day');
    assert.equal(await tenure.locator('td[data-drifted]').count(), 0, 'tenure never drifts');
    const psi = Number(
      (await usage.locator('td[data-drifted]').first().textContent())?.replace(/drifted/, ''),
    );
    assert.ok(psi > 0.25, `usage's PSI ${psi}`);

    const drift = page.getByRole('table', { name: 'Drift against training' });
    const driftRow = async (f: string) =>
      (
        await drift
          .locator('tbody tr', { has: page.getByRole('cell', { name: f, exact: true }) })
          .allTextContents()
      )[0];
    assert.match((await driftRow('usage')) ?? '', /drifted/);
    assert.match((await driftRow('tenure')) ?? '', /no$/);
    assert.match((await driftRow('plan')) ?? '', /no$/);
    assert.match((await page.getByTestId('drift-share').textContent()) ?? '', /of 3 features drifted/);

    const monitors = page.getByRole('table', { name: 'Monitors of the model' });
    assert.match(
      (await monitors.locator('tbody tr').first().textContent()) ?? '',
      /churn-eu-accuracy\s*firing/,
    );
    await page.locator('.content').evaluate((el) => el.scrollTo(0, 0));
    await screenshot(page, 'monitoring.png', 2000);

    // The window picker: the last day holds today's 300 predictions, in 4-hour drift cells.
    await page.getByRole('button', { name: 'Last 1d' }).click();
    await page.locator('[data-testid="window-rows"]', { hasText: /^300$/ }).waitFor();
    assert.equal(new URL(page.url()).searchParams.get('window'), '1d');
    await heatmap
      .locator('thead th', { hasText: /^\d\d-\d\d \d\d:00$/ })
      .first()
      .waitFor();
    assert.equal(await heatmap.locator('thead th').count(), 7, 'a feature column and six 4-hour cells');
    await page.getByRole('button', { name: 'Last 7d' }).click();
    await page.locator('[data-testid="window-rows"]', { hasText: /^600$/ }).waitFor();
  });

  it('shows data quality against training', async () => {
    const quality = page.getByRole('table', { name: 'Data quality' });
    const failed = page.getByRole('alert').filter({ hasText: 'Could not load data quality' });
    await quality.or(failed).first().waitFor();
    if (await failed.count()) assert.fail(`the quality panel failed: ${await failed.textContent()}`);
    await quality.locator('tbody tr').first().waitFor();
    assert.equal(await quality.locator('tbody tr').count(), 3);
    const usageQuality = (await quality.locator('tbody tr', { hasText: 'usage' }).allTextContents())[0] ?? '';
    assert.match(usageQuality, /0\.0% → 0\.0%/, 'no missing values');
    assert.match(usageQuality, /0\.0% → 0\.0%100\.0%/, 'every usage value is out of the training range');
    assert.match((await page.getByTestId('refused').textContent()) ?? '', /^1 \(0\.17%\)/);
  });

  it('finds eu worst in the slice explorer, and filters slices', async () => {
    await page.getByRole('button', { name: 'Slice explorer' }).click();
    const slices = page.getByRole('table', { name: 'Slices' });
    await slices.waitFor();
    assert.equal(await page.locator('select[name="slice-by"]').inputValue(), 'region');
    const first = await slices.locator('tbody tr').first().locator('td').allTextContents();
    assert.equal(first[0], 'eu');
    assert.equal(first[1], '200');
    assert.ok(Number(first[4]) < 0.6, `eu accuracy ${first[4]}`);
    const last = await slices.locator('tbody tr').nth(2).locator('td').allTextContents();
    assert.ok(Number(last[4]) >= 0.85, `${last[0]} accuracy ${last[4]}`);
    assert.ok((await waitForPaint(page, '.monitoring-chart-slices', 200)) >= 200, 'the slice chart painted');
    await screenshot(page, 'monitoring-slices.png');

    await page.locator('input[name="slice-where"]').fill('plan=pro');
    await page.getByRole('form', { name: 'Slice' }).getByRole('button', { name: 'Apply' }).click();
    const totalCell = slices.locator('tbody tr.monitoring-total td').nth(1);
    let total = 600;
    for (let i = 0; i < 100 && total === 600; i++) {
      await page.waitForTimeout(100);
      total = Number(await totalCell.textContent());
    }
    assert.ok(total > 200 && total < 400, `rows with plan=pro: ${total}`);
    await page.locator('input[name="slice-where"]').fill('plan');
    await page.getByRole('form', { name: 'Slice' }).getByRole('button', { name: 'Apply' }).click();
    await page
      .getByRole('alert')
      .filter({ hasText: /"plan" is not KEY=VALUE/ })
      .waitFor();
  });

  it('looks a prediction up with its actual and its explanation', async () => {
    await page.getByRole('button', { name: 'Prediction lookup' }).click();
    const form = page.getByRole('form', { name: 'Prediction lookup' });
    await form.locator('input[name="prediction-id"]').fill('cur-0');
    await form.getByRole('button', { name: 'Look up' }).click();
    const found = page.getByTestId('prediction');
    await found.waitFor();
    const expected = record('cur-0', 0, 'production', 0, { usageShift: 60, brokenEu: true });
    assert.equal(await page.getByTestId('prediction-value').textContent(), expected.input.prediction);
    assert.equal(await page.getByTestId('prediction-actual').textContent(), expected.actual);
    assert.match((await found.textContent()) ?? '', /wrong/);
    assert.match((await found.textContent()) ?? '', /region=eu/);
    const features = page.getByRole('table', { name: 'Features of the prediction' });
    assert.equal(await features.locator('tbody tr').count(), 3);
    assert.ok((await waitForPaint(page, '.monitoring-chart-shap', 200)) >= 200, 'the SHAP chart painted');
    assert.equal(new URL(page.url()).searchParams.get('id'), 'cur-0');
    await screenshot(page, 'monitoring-lookup.png');

    // A prediction without an actual says so; an unknown ID is refused with the server's message.
    await form.locator('input[name="prediction-id"]').fill('cur-5');
    await form.getByRole('button', { name: 'Look up' }).click();
    await page.getByTestId('prediction-actual').filter({ hasText: 'not known yet' }).waitFor();
    await form.locator('input[name="prediction-id"]').fill('nope');
    await form.getByRole('button', { name: 'Look up' }).click();
    await page
      .getByRole('alert')
      .filter({ hasText: /no logged prediction has the ID "nope"/ })
      .waitFor();
  });

  it('names region=eu first on the root-cause page', async () => {
    await page.getByRole('link', { name: 'Root cause' }).click();
    await page.getByRole('heading', { level: 1, name: 'Root cause · churn' }).waitFor();
    const summary = page.getByTestId('root-cause-summary');
    await summary.waitFor();
    assert.match(
      (await summary.textContent()) ?? '',
      /^accuracy went from 0\.8\d+ to 0\.[56]\d+ \(-0\.\d+\); most of it in region=eu \(-0\.\d+, accuracy 0 there\)/,
    );
    const table = page.getByRole('table', { name: 'Slices by contribution' });
    const first = await table.locator('tbody tr').first().locator('td').allTextContents();
    assert.equal(first[0], 'region=eu');
    assert.ok(Number(first[1]) >= 0.85, `eu before: ${first[1]}`);
    assert.equal(first[2], '0');
    assert.match(first[6]!, /^−0\.\d+/);
    assert.ok(
      (await waitForPaint(page, '.monitoring-chart-contrib', 200)) >= 200,
      'the contribution chart painted',
    );
    assert.equal(await page.getByRole('table', { name: 'Suspect features' }).locator('tbody tr').count(), 3);
    await screenshot(page, 'monitoring-root-cause.png', 1400);
  });

  it('acknowledges the open alert from the inbox', async () => {
    await page
      .getByRole('navigation', { name: 'Breadcrumbs' })
      .getByRole('link', { name: 'Monitoring' })
      .click();
    const inbox = page.getByRole('table', { name: 'Open alerts' });
    const row = inbox.locator('tbody tr', { hasText: 'churn-eu-accuracy' });
    await row.waitFor();
    assert.match((await row.textContent()) ?? '', /firing/);
    await row.getByRole('button', { name: 'Acknowledge the alert of churn-eu-accuracy' }).click();
    await page.getByText('Acknowledged the alert of churn-eu-accuracy.').waitFor();
    await row.getByText(/^by \S+/).waitFor();
    const [alert] = await api.monitoring.alerts({ state: 'open' });
    assert.equal(alert?.monitor, 'churn-eu-accuracy');
    assert.ok(alert?.acknowledgedAt, 'acknowledged on the server');
    await screenshot(page, 'monitoring-list.png');
    await page.getByRole('link', { name: 'All alerts' }).click();
    await page.getByRole('heading', { level: 1, name: 'Alerts' }).waitFor();
    const open = page.getByRole('table', { name: 'Open alerts' });
    assert.match((await open.locator('tbody tr').first().textContent()) ?? '', /churn-eu-accuracy.*by \S+/);
    await page.getByText('No resolved alerts yet.').waitFor();
    assert.deepEqual(pageErrors, []);
  });
});
