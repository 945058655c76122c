// Validation and approval in a real Chromium against a real `lathe server`: an imported native model
// validated on a test set through a `validate` job; its version page shows the validation, the gate
// and its reasons; a second user approves through the UI and the gate opens; the report page shows
// each check with its tables and charts.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { nativeFixture } from '../../src/models/flavors/native/native-fixture.js';
import { LatheClient } from '../../src/sdk/index.js';
import {
  browserSkip,
  closeUi,
  openPage,
  screenshot,
  startUiServer,
  waitForPaint,
} from '../support/browser.js';
import type { ServerProcess } from '../support/server-process.js';

/**
 * The fixture's rows with a `label` column (the model's own answers, every 10th flipped), as JSON:
 * a CSV reader would take no/yes for booleans, and the model's classes are the strings.
 */
function testRows(): Uint8Array {
  const fixture = nativeFixture(200);
  const rows = fixture.rows.map((row, i) => {
    const predicted = fixture.expected.predictions[i] as string;
    const label = i % 10 === 3 ? (predicted === 'yes' ? 'no' : 'yes') : predicted;
    return { x0: row.x0 ?? null, x1: row.x1 ?? null, x2: row.x2 ?? null, label };
  });
  return new TextEncoder().encode(JSON.stringify(rows));
}

describe('Validation and approval in a browser', { skip: browserSkip() }, () => {
  let server: ServerProcess;
  let browser: Browser;
  let page: Page;
  let api: LatheClient;
  let job = '';
  const pageErrors: string[] = [];

  before(async () => {
    server = await startUiServer();
    api = new LatheClient({ url: server.url, token: server.adminToken });
    const fixture = nativeFixture(200);
    await api.models.importModel('risk', fixture.source.files, { filename: 'risk-model' });
    await api.data.ingest('risk-test', testRows(), { filename: 'risk-test.json' });
    // Calibration is optional: the labels are the model's answers (a few flipped), so it is over-confident
    // and fails, which only makes the suite warn; the policy accepts warnings.
    await api.registry.setPolicy('risk', {
      aliases: ['champion'],
      suite: 'release',
      allowWarnings: true,
      approvals: 1,
    });
    const started = await api.jobs.start('validate', {
      model: 'risk@1',
      test: 'risk-test@1',
      target: 'label',
      suite: {
        name: 'release',
        checks: ['performance', 'slices', { check: 'calibration', required: false }],
      },
    });
    const done = await api.jobs.wait(started.id);
    assert.equal(done.status, 'succeeded', JSON.stringify(done));
    job = started.id;
    // A reviewer other than the version's creator (admin), signed in with a token of their own.
    await api.users.create({ name: 'rita', role: 'editor' });
    const { secret } = await api.tokens.create({ name: 'rita', user: 'rita' });
    ({ browser, page } = await openPage(pageErrors));
    await page.goto(`${server.url}/login#token=${secret}`);
    await page.getByRole('heading', { level: 1, name: 'Overview' }).waitFor();
  });

  after(() => closeUi(browser, server));

  it('shows the validation, the gate reasons and the policy on the version page', async () => {
    await page.goto(`${server.url}/models/risk/versions/1`);
    const panel = page.locator('section.validation-panel');
    await panel.getByRole('table', { name: 'Validation runs' }).waitFor();
    const runs = panel.getByRole('table', { name: 'Validation runs' }).locator('tbody tr');
    assert.equal(await runs.count(), 1);
    const row = (await runs.first().textContent()) ?? '';
    assert.ok(row.includes(job), `the row names the job: ${row}`);
    const validation = await api.registry.gate('risk@1');
    assert.match(row, /release\s*warn/);
    assert.equal(validation.validation!.status, 'warn');

    const gate = panel.getByRole('region', { name: 'Gate status' });
    const gateText = (await gate.textContent()) ?? '';
    assert.match(gateText, /may not be promoted/);
    assert.match(
      gateText,
      /Guards alias champion: needs a passed validation with suite release \(warnings accepted\) and 1 approval/,
    );
    const reasons = await gate
      .getByRole('list', { name: 'Gate reasons' })
      .getByRole('listitem')
      .allTextContents();
    assert.deepEqual(reasons, validation.reasons);
    assert.equal(reasons.length, 1, reasons.join('\n'));
    assert.match(reasons[0]!, /0 of the 1 approval it needs \(its creator admin does not count\)/);
    assert.match((await panel.textContent()) ?? '', /No reviews yet/);
    await panel.scrollIntoViewIfNeeded();
    await screenshot(page, 'validation-gate.png', 1000);
  });

  it('refuses a rejection without a comment, then approves with one and the gate opens', async () => {
    const panel = page.locator('section.validation-panel');
    const form = panel.getByRole('form', { name: 'Review this version' });
    await form.getByRole('button', { name: 'Reject' }).click();
    await form.getByText('A rejection needs a comment saying why.').waitFor();
    assert.equal((await api.registry.reviews('risk@1')).length, 0);

    await form.locator('textarea[name="review-comment"]').fill('Slices and calibration look fine.');
    await form.getByRole('button', { name: 'Approve' }).click();
    await panel.getByText('Approved risk@1.').waitFor();
    const reviews = panel.getByRole('table', { name: 'Reviews' });
    await reviews.locator('tbody tr').first().waitFor();
    const cells = await reviews.locator('tbody tr').first().locator('td').allTextContents();
    assert.deepEqual(cells.slice(0, 3), ['rita', 'approved', 'Slices and calibration look fine.']);

    const gate = await api.registry.gate('risk@1');
    const shown = (await panel.getByRole('region', { name: 'Gate status' }).textContent()) ?? '';
    assert.equal(gate.passed, true, gate.reasons.join('\n'));
    assert.match(shown, /may be promoted/);
    assert.doesNotMatch(shown, /may not be promoted/);
    assert.equal(await panel.getByRole('list', { name: 'Gate reasons' }).count(), 0);
    assert.deepEqual(gate.approvals.approved, ['rita']);
    await page.locator('.content').evaluate((el) => el.scrollTo(0, el.scrollHeight));
    await page.locator('section.validation-panel').scrollIntoViewIfNeeded();
    await screenshot(page, 'validation-version.png', 1000);
    assert.deepEqual(pageErrors, []);
  });

  it('opens the report: summary, each check with its tables and a painted chart', async () => {
    await page.locator('section.validation-panel').getByRole('link', { name: 'Open report' }).click();
    await page.getByRole('heading', { level: 1, name: 'Validation of risk@1' }).waitFor();
    const summary = page.getByRole('table', { name: 'Checks summary' });
    await summary.waitFor();
    assert.equal(await summary.locator('tbody tr').count(), 3);
    for (const check of ['performance', 'slices', 'calibration']) {
      const section = page.locator(`section.check-section:has(#check-${check})`);
      await section.waitFor();
      assert.match((await section.textContent()) ?? '', /Value/);
    }
    const calibration = page.locator('section.check-section:has(#check-calibration)');
    assert.match((await calibration.locator('.check-heading').textContent()) ?? '', /Calibration\s*fail/);
    assert.match((await calibration.textContent()) ?? '', /calibration \(optional\)/);
    const facts = (await page.locator('section.report-summary').textContent()) ?? '';
    assert.match(facts, /Modelrisk@1/);
    assert.match(facts, /Test datarisk-test@1/);

    const slices = page.locator('section.check-section:has(#check-slices)');
    const tables = slices.locator('table');
    assert.ok((await tables.count()) >= 1, 'the slices check shows a table');
    assert.ok((await tables.first().locator('tbody tr').count()) >= 1, 'the slices table has rows');

    const charts = page.locator('.check-chart');
    assert.ok((await charts.count()) >= 1, 'at least one chart');
    const painted = await waitForPaint(
      page,
      'section.check-section:has(#check-calibration) .check-chart',
      500,
    );
    assert.ok(painted >= 500, `the calibration chart painted (${painted} pixels)`);
    await page.locator('.content').evaluate((el) => el.scrollTo(0, 0));
    await screenshot(page, 'validation-report.png', 2600);
    await page.locator('#check-calibration').scrollIntoViewIfNeeded();
    await screenshot(page, 'validation-report-calibration.png', 1400);
    assert.deepEqual(pageErrors, []);
  });

  it('lists the latest validation of each version on the model page', async () => {
    await page.goto(`${server.url}/models/risk`);
    const history = page.getByRole('table', { name: 'Validation history' });
    await history.waitFor();
    const cells = await history.locator('tbody tr').first().locator('td').allTextContents();
    assert.deepEqual(
      [cells[0], cells[1], cells[2], cells[4], cells[5]],
      ['Version 1', 'warn', 'release', '1', 'Open report'],
    );
    assert.equal(
      await history.getByRole('link', { name: 'Open report' }).getAttribute('href'),
      `/models/risk/versions/1/validations/${job}`,
    );
  });

  it('lists every validation in the Validation area, linking each report', async () => {
    await page.goto(`${server.url}/`);
    await page
      .getByRole('navigation', { name: 'Main' })
      .getByRole('link', { name: /^Validation/ })
      .click();
    const table = page.getByRole('table', { name: 'Validations' });
    await table.waitFor();
    const cells = await table.locator('tbody tr').first().locator('td').allTextContents();
    assert.deepEqual([cells[1], cells[4]], ['risk@1', 'warn']);
    await table.getByRole('link', { name: /checks: \d+ failed, \d+ warned/ }).click();
    await page.waitForURL(`**/models/risk/versions/1/validations/${job}`);
    await page.getByRole('heading', { level: 1 }).first().waitFor();
  });

  it('says calmly when a validation is unknown', async () => {
    await page.goto(`${server.url}/models/risk/versions/1/validations/job_nope`);
    await page.getByText('No such validation').waitFor();
    assert.equal(await page.getByRole('alert').count(), 0);
  });
});
