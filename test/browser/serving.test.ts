// Serving in a real Chromium against a real `lathe server`: an XGBoost model imported twice as
// `churn`, deployed 90/10 with a fallback through the API and called a few times; the deployments
// list shows it; the endpoint page draws the split, charts the live traffic, answers a row from its
// request tester (the version that answered and a prediction ID), and its canary controls move the
// split to 50/50 as revision 2.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { LatheClient } from '../../src/sdk/index.js';
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

const xgb = readFileSync(new URL('../fixtures/models/xgboost/binary.json', import.meta.url));
const expected = JSON.parse(
  readFileSync(new URL('../fixtures/models/xgboost/binary.expected.json', import.meta.url), 'utf8'),
) as { X: (number | null)[]; cols: number };
const FEATURES = ['age', 'income', 'score', 'tenure', 'visits'];
/** Row r of the fixture's inputs. */
const row = (r: number) => Object.fromEntries(FEATURES.map((f, j) => [f, expected.X[r * expected.cols + j]]));

describe('Serving in a browser', { skip: browserSkip() }, () => {
  let server: ServerProcess;
  let browser: Browser;
  let page: Page;
  let api: LatheClient;
  const pageErrors: string[] = [];

  before(async () => {
    server = await startUiServer();
    api = new LatheClient({ url: server.url, token: server.adminToken });
    for (let i = 1; i <= 2; i++) {
      const imported = await api.models.importModel('churn', new Uint8Array(xgb), { filename: 'model.json' });
      assert.equal(imported.version.version, i);
    }
    const applied = await api.serving.apply({
      name: 'churn',
      models: [
        { model: 'churn@1', traffic: 90 },
        { model: 'churn@2', traffic: 10 },
      ],
      fallback: 'churn@1',
    });
    assert.equal(applied.state, 'ready', applied.error ?? '');
    assert.equal(applied.revision, 1);
    for (let i = 0; i < 20; i++) await api.serving.predict('churn', [row(i % 5)]);
    ({ browser, page } = await openPage(pageErrors));
    await signIn(page, server);
  });

  after(() => closeUi(browser, server));

  it('lists the deployment from the Serving area of the navigation', async () => {
    await page
      .getByRole('navigation', { name: 'Main' })
      .getByRole('link', { name: /^Serving/ })
      .click();
    await page.getByRole('heading', { level: 1, name: 'Serving' }).waitFor();
    assert.equal(new URL(page.url()).pathname, '/serving');
    const table = page.getByRole('table', { name: 'Deployments' });
    await table.getByRole('link', { name: 'churn', exact: true }).waitFor();
    const cells = await table.locator('tbody tr').first().locator('td').allTextContents();
    assert.equal(cells[0], 'churn');
    assert.equal(cells[1], 'ready');
    assert.equal(cells[2], '1');
    assert.match(cells[3]!, /churn@1 90%.*churn@2 10%/);
    assert.match(cells[4]!, /churn@1.*churn@2/);
    assert.equal(cells[5], 'churn@1');
    await screenshot(page, 'serving-list.png');
  });

  it('shows the routing diagram and live traffic on the endpoint page', async () => {
    await page
      .getByRole('table', { name: 'Deployments' })
      .getByRole('link', { name: 'churn', exact: true })
      .click();
    await page.getByRole('heading', { level: 1, name: 'churn' }).waitFor();
    assert.equal(new URL(page.url()).pathname, '/serving/churn');
    const diagram = page.getByRole('img', { name: /^Routing of churn/ });
    const text = (await diagram.textContent()) ?? '';
    assert.match(text, /90%\s*churn@1/);
    assert.match(text, /10%\s*churn@2/);
    assert.match(text, /fallback\s*churn@1/);
    assert.match(text, /answers on: errors · refused rows · no timeout budget · degraded/);
    assert.equal(await page.getByTestId('revision').textContent(), '1');

    // The 20 predictions sent before the page opened are in the live window.
    await page.locator('[data-testid="live-requests"]', { hasText: /^20$/ }).waitFor();
    const traffic = page.locator('.serving-chart-traffic');
    assert.match((await traffic.locator('figcaption').textContent()) ?? '', /churn@1 \d+/);
    assert.ok((await waitForPaint(page, '.serving-chart-traffic', 200)) >= 200, 'the traffic chart painted');
    assert.ok((await waitForPaint(page, '.serving-chart-latency', 200)) >= 200, 'the latency chart painted');
  });

  it('sends a row from the request tester and shows the version that answered', async () => {
    const form = page.getByRole('form', { name: 'Request tester' });
    const box = form.locator('textarea[name="tester-json"]');
    const prefilled = JSON.parse(await box.inputValue()) as Record<string, unknown>[];
    assert.equal(prefilled.length, 1);
    assert.deepEqual(
      Object.keys(prefilled[0]!).sort(),
      [...FEATURES].sort(),
      'a row built from the signature',
    );
    await box.fill(JSON.stringify([row(0)]));
    await form.getByRole('button', { name: 'Send' }).click();
    const version = form.locator('.tester-version');
    await version.waitFor();
    assert.match((await version.textContent()) ?? '', /^churn@[12]$/);
    const answer = form.getByRole('table', { name: 'Endpoint answer' });
    const id = (await answer.locator('td.tester-prediction-id').first().textContent()) ?? '';
    assert.ok(id.length >= 8, `a prediction ID is shown: ${JSON.stringify(id)}`);
    assert.equal(await answer.locator('tbody tr').count(), 1);

    // A row the model cannot read is refused, and the page shows the server's message.
    await box.fill(JSON.stringify([{ age: 'old' }]));
    await form.getByRole('button', { name: 'Send' }).click();
    await form.getByRole('alert').waitFor();
    assert.match((await form.getByRole('alert').textContent()) ?? '', /The endpoint refused the request/);
    await box.fill(JSON.stringify([row(1)]));
    await form.getByRole('button', { name: 'Send' }).click();
    await answer.waitFor();
  });

  it('moves the split to 50/50 with the canary controls, as revision 2', async () => {
    const shares = page.getByRole('form', { name: 'Traffic shares' });
    await shares.getByLabel('Share of churn@1', { exact: true }).fill('50');
    assert.equal(await shares.getByLabel('Share of churn@2', { exact: true }).inputValue(), '50');
    await shares.getByRole('button', { name: 'Apply' }).click();
    await page.getByText(/Revision 2: churn@1 50%, churn@2 50%/).waitFor();
    await page.locator('[data-testid="revision"]', { hasText: /^2$/ }).waitFor();
    const diagram = page.getByRole('img', { name: /^Routing of churn/ });
    assert.match((await diagram.textContent()) ?? '', /50%\s*churn@1.*50%\s*churn@2/);
    const revisions = page.getByRole('table', { name: 'Revisions' });
    await revisions.getByRole('cell', { name: 'traffic' }).waitFor();

    const d = await api.serving.get('churn');
    assert.equal(d.revision, 2);
    assert.deepEqual(d.spec.models, [
      { model: 'churn@1', traffic: 50 },
      { model: 'churn@2', traffic: 50 },
    ]);
    await page.locator('.content').evaluate((el) => el.scrollTo(0, 0));
    await screenshot(page, 'serving.png', 2200);
    assert.deepEqual(pageErrors, []);
  });
});
