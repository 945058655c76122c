// The Data area in a real Chromium against a real `lathe server`: the empty state, the dataset list
// and its filter, a dataset's versions, the version page (schema, profile cards with painted
// histograms and top values, correlations, personal-data findings without values, the ingest report
// with line numbers, lineage), the row viewer (server-side sort, filter, paging) and the diff view.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
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

const plans = ['basic', 'pro', 'team', 'enterprise'];

/**
 * A customers CSV: an identifier, numeric age and income (some missing), a categorical plan, a
 * signup date, an email (personal data) and a 0/1 target. `shift` moves ages and plans (drift).
 */
function customersCsv(rows: number, seed: number, shift = 0, firstId = 1): string {
  let s = seed;
  const rnd = () => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return s / 2147483648;
  };
  const lines = ['customer_id,age,income,plan,signup,email,churned'];
  for (let i = 0; i < rows; i++) {
    const id = firstId + i;
    const age = 18 + Math.floor(rnd() * 50) + shift;
    const income = rnd() < 0.05 ? '' : (20000 + rnd() * 80000 + age * 300).toFixed(2);
    const plan = plans[Math.min(3, Math.floor(rnd() ** (shift ? 0.6 : 1.7) * 4))];
    const day = new Date(Date.UTC(2024, 0, 1) + Math.floor(rnd() * 400) * 86_400_000);
    const churned = rnd() < 0.25 + (age < 30 ? 0.25 : 0) ? 1 : 0;
    lines.push(
      `${id},${age},${income},${plan},${day.toISOString().slice(0, 10)},person${id}@example.com,${churned}`,
    );
  }
  return `${lines.join('\n')}\n`;
}

const encode = (text: string) => new TextEncoder().encode(text);

/** Waits (up to ~5 s) until `read()` returns `expected`; returns the last value read. */
async function until(read: () => Promise<string | null>, expected: string): Promise<string | null> {
  let value: string | null = null;
  for (let i = 0; i < 50; i++) {
    value = (await read())?.trim() ?? null;
    if (value === expected) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  return value;
}

describe('Data area in a browser', {
  skip: browserSkip(),
}, () => {
  let server: ServerProcess;
  let browser: Browser;
  let page: Page;
  let api: LatheClient;
  const pageErrors: string[] = [];

  const shot = (name: string, height?: number) => screenshot(page, name, height);

  before(async () => {
    server = await startUiServer();
    api = new LatheClient({ url: server.url, token: server.adminToken });
    // Refused requests (the 400 of a bad filter, the 404 of a missing dataset) are not page errors.
    ({ browser, page } = await openPage(pageErrors));
    await signIn(page, server);
  });

  after(() => closeUi(browser, server));

  it('says how to ingest when there are no datasets', async () => {
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: /^Data/ }).click();
    await page.getByRole('heading', { level: 1, name: 'Data' }).waitFor();
    await page.getByRole('heading', { name: 'No datasets yet' }).waitFor();
    await page.getByText('lathe data ingest customers.csv --name customers').waitFor();
    assert.doesNotMatch(
      (await page.getByRole('navigation', { name: 'Main' }).textContent()) ?? '',
      /Data\s*soon/,
      'the Data area is built: no "soon" badge',
    );
    await shot('data-empty.png');

    // Version 1 with a malformed line (line 51), version 2 with drifted ages and plans, version 3
    // appended to version 2, and a second dataset for the list filter.
    const v1 = customersCsv(300, 7).split('\n');
    v1.splice(50, 0, '999,41,50000,basic,2024-01-01,x@example.com,0,an extra field');
    await api.data.ingest('customers', encode(v1.join('\n')), {
      filename: 'customers.csv',
      target: 'churned',
      message: 'March export',
      description: 'Customers with their plan and whether they churned.',
    });
    await api.data.ingest('customers', encode(customersCsv(400, 11, 12, 1000)), {
      filename: 'customers-april.csv',
      target: 'churned',
      message: 'April export',
    });
    await api.data.ingest('customers', encode(customersCsv(40, 13, 12, 5000)), {
      filename: 'late.csv',
      append: true,
      message: 'Late April rows',
    });
    await api.data.ingest(
      'sensor-readings',
      encode('ts,temperature\n2025-01-01 10:00:00,21.5\n2025-01-01 11:00:00,22\n'),
      {
        filename: 'sensors.csv',
      },
    );
  });

  it('lists datasets with their latest version, rows and size, and filters them', async () => {
    await page.reload();
    const table = page.getByRole('table', { name: 'Datasets' });
    const row = table.getByRole('row', { name: /customers/ });
    await row.waitFor();
    const text = (await row.textContent()) ?? '';
    assert.match(text, /customers@3/);
    assert.match(text, /440/, 'rows of the latest version (400 + 40)');
    assert.match(text, /Customers with their plan/);
    assert.match(text, /\d+(\.\d)? KB/);
    assert.equal(await table.getByRole('row').count(), 3, 'a header row and two datasets');

    await page.getByLabel('Filter', { exact: true }).fill('sensor');
    await table.getByRole('row', { name: /customers/ }).waitFor({ state: 'detached' });
    assert.equal(await table.getByRole('row').count(), 2);
    await page.getByText('1 of 2 datasets').waitFor();
    await page.getByLabel('Filter', { exact: true }).fill('');
    await row.waitFor();
    await shot('data-list.png');
  });

  it("shows a dataset's versions with their source, parents and digest", async () => {
    await page
      .getByRole('table', { name: 'Datasets' })
      .getByRole('link', { name: 'customers', exact: true })
      .click();
    await page.getByRole('heading', { level: 1, name: 'customers' }).waitFor();
    const versions = page.getByRole('table', { name: 'Dataset versions' });
    await versions.getByRole('link', { name: 'customers@1' }).waitFor();
    assert.equal(await versions.getByRole('row').count(), 4, 'a header row and three versions');
    const v3 = versions.getByRole('row', { name: /customers@3/ });
    const v3text = (await v3.textContent()) ?? '';
    assert.match(v3text, /Late April rows/);
    assert.match(v3text, /late\.csv appended to customers@2/);
    assert.equal(
      await v3.getByRole('link', { name: 'customers@2' }).getAttribute('href'),
      '/data/customers/2',
    );
    const digest = (await api.data.version('customers@3')).digest;
    assert.match(v3text, new RegExp(digest.slice(0, 12)));
    await shot('dataset.png');
  });

  it('shows a version: header, schema, and profile cards with painted histograms and top values', async () => {
    await page
      .getByRole('table', { name: 'Dataset versions' })
      .getByRole('link', { name: 'customers@1' })
      .click();
    await page.getByRole('heading', { level: 1, name: 'customers@1' }).waitFor();
    await page.getByText('March export').first().waitFor();
    const details = page.getByRole('region', { name: 'Details' });
    assert.match((await details.textContent()) ?? '', /Rows\s*300/);
    assert.match((await details.textContent()) ?? '', /upload customers\.csv \(csv\)/);

    // Export: the file is fetched with the token and handed to the browser as a download.
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Export CSV' }).click(),
    ]);
    assert.equal(download.suggestedFilename(), 'customers-v1.csv');
    const exported = await readFile((await download.path())!, 'utf8');
    assert.match(exported, /^customer_id,age,income,plan,signup,email,churned\n/);
    assert.equal(exported.trim().split('\n').length, 301, 'a header and 300 rows');

    const schema = page.getByRole('table', { name: 'Schema' });
    assert.equal(await schema.getByRole('row').count(), 8, 'a header row and seven columns');
    const income = (await schema.getByRole('row', { name: /income/ }).textContent()) ?? '';
    assert.match(income, /DOUBLE\s*numeric\s*yes/);
    assert.match((await schema.getByRole('row', { name: /signup/ }).textContent()) ?? '', /DATE\s*datetime/);
    assert.match((await schema.getByRole('row', { name: /churned/ }).textContent()) ?? '', /target/);
    assert.match((await schema.getByRole('row', { name: /email/ }).textContent()) ?? '', /PII/);
    await shot('data-version.png');

    await page.getByRole('tab', { name: /Profile/ }).click();
    assert.match(page.url(), /tab=profile/);
    const age = page.getByRole('article', { name: 'Profile of age' });
    await age.getByRole('img', { name: /Histogram of age: 20 bins/ }).waitFor();
    const ageBars = await waitForPaint(page, '[aria-label^="Histogram of age"]', 1500);
    assert.ok(ageBars >= 1500, `the age histogram is drawn (${ageBars} painted pixels)`);
    const ageText = (await age.textContent()) ?? '';
    assert.match(ageText, /Min\s*18/);
    assert.match(ageText, /p50/);
    const plan = page.getByRole('article', { name: 'Profile of plan' });
    await plan.getByRole('img', { name: 'Most frequent values of plan' }).waitFor();
    const planBars = await waitForPaint(page, '[aria-label="Most frequent values of plan"]', 800);
    assert.ok(planBars >= 800, `the top values are drawn (${planBars} painted pixels)`);
    const profile = await api.data.version('customers@1');
    const top = profile.profile.columns.find((c) => c.name === 'plan')!.top!;
    assert.ok(top.length >= 3);
    const signup = page.getByRole('article', { name: 'Profile of signup' });
    await signup.getByRole('img', { name: /Rows per week of signup/ }).waitFor();
    assert.ok((await waitForPaint(page, '[aria-label^="Rows per week of signup"]', 500)) >= 500);
    assert.match((await signup.textContent()) ?? '', /Largest gap[\s\S]*Seasonal coverage\s*months/);
    await shot('data-profile.png', 2000);

    await page.getByRole('tab', { name: /Correlations/ }).click();
    await page.getByRole('img', { name: /Correlation heatmap of 3 numeric columns/ }).waitFor();
    const heat = await waitForPaint(page, '[aria-label^="Correlation heatmap"]', 20_000, true);
    assert.ok(heat >= 20_000, `the heatmap is drawn (${heat} painted pixels)`);
    await page.getByRole('img', { name: /Correlation of 2 columns with the target/ }).waitFor();
    await shot('data-correlations.png');
  });

  it('lists personal data by column and kind without any value, and the ingest report with line numbers', async () => {
    await page.getByRole('tab', { name: /Personal data/ }).click();
    const findings = page.getByRole('table', { name: 'Personal data findings' });
    const email = findings.getByRole('row', { name: /email/ });
    await email.waitFor();
    assert.match(
      (await email.textContent()) ?? '',
      /Email address\s*100%\s*300 \/ 300\s*values\s*column name/,
    );
    assert.doesNotMatch(
      (await page.locator('main').textContent()) ?? '',
      /person\d+@example\.com/,
      'no email value is on the page',
    );
    await shot('data-pii.png');

    await page.getByRole('tab', { name: /Ingest report/ }).click();
    const issues = page.getByRole('table', { name: 'Ingest issues' });
    const skipped = issues.getByRole('row', { name: /row skipped/ });
    await skipped.waitFor();
    assert.match((await skipped.textContent()) ?? '', /^\s*51\s*row skipped/);
    const tab = page.getByRole('tabpanel');
    assert.match((await tab.textContent()) ?? '', /Rows rejected\s*1/);
    assert.match((await tab.textContent()) ?? '', /Encoding\s*utf-8/);
    await shot('data-ingest.png');
  });

  it('pages, sorts and filters rows on the server, hiding personal data until asked', async () => {
    await page.getByRole('tab', { name: /Rows/ }).click();
    const range = page.getByTestId('rows-range');
    await page.getByText('1–50 of 300 rows').waitFor();
    const table = page.getByRole('table', { name: 'Rows of customers@1' });
    assert.equal(await table.getAttribute('aria-rowcount'), '301');
    const firstRow = table.locator('tbody tr').first();
    assert.match((await firstRow.textContent()) ?? '', /hidden/, 'the email column is hidden');
    assert.doesNotMatch((await page.locator('main').textContent()) ?? '', /person\d+@example\.com/);

    // Sort by age: ascending, then descending (on the server: the first row is the minimum).
    const [youngest] = (await api.data.rows('customers@1', { orderBy: 'age', limit: 1 })).rows;
    const [oldest] = (await api.data.rows('customers@1', { orderBy: 'age', desc: true, limit: 1 })).rows;
    await table.getByRole('button', { name: /^age/ }).click();
    await page.getByText(/sorted by age ascending/).waitFor();
    assert.equal(
      await table.getByRole('columnheader', { name: /age/ }).getAttribute('aria-sort'),
      'ascending',
    );
    const ageCell = () => firstRow.locator('td').nth(2).textContent();
    assert.equal(await until(ageCell, String(youngest!.age)), String(youngest!.age));
    await table.getByRole('button', { name: /^age/ }).click();
    await page.getByText(/sorted by age descending/).waitFor();
    assert.equal(await until(ageCell, String(oldest!.age)), String(oldest!.age));

    // Paging.
    await page.getByRole('button', { name: 'Next' }).click();
    await page.getByText(/^51–100 of 300 rows/).waitFor();
    assert.equal(await until(() => firstRow.locator('td').first().textContent(), '51'), '51');
    await page.getByRole('button', { name: 'Previous' }).click();
    await page.getByText(/^1–50 of 300 rows/).waitFor();

    // Filter plan = pro: the total is the profile's count of "pro".
    const pro = (await api.data.version('customers@1')).profile.columns
      .find((c) => c.name === 'plan')!
      .top!.find((t) => t.value === 'pro')!.count;
    const filter = page.getByRole('form', { name: 'Filter rows' });
    await filter.getByLabel('Column').selectOption('plan');
    await filter.getByLabel('Operator').selectOption('=');
    await filter.getByLabel('Value').fill('pro');
    await filter.getByRole('button', { name: 'Filter', exact: true }).click();
    await page.getByText(new RegExp(`^1–${Math.min(50, pro)} of ${pro} rows`)).waitFor();
    const plans = await table.locator('tbody tr td:nth-child(5)').allTextContents();
    assert.ok(plans.length > 0 && plans.every((p) => p === 'pro'), `only pro rows: ${plans.join(',')}`);

    // Personal data shows when asked.
    await page.getByLabel(/Show values of personal-data columns/).check();
    await table
      .getByText(/person\d+@example\.com/)
      .first()
      .waitFor();
    await shot('data-rows.png');
    await page.getByLabel(/Show values of personal-data columns/).uncheck();

    // A value of the wrong type: the server's message, not an empty table.
    await filter.getByLabel('Column').selectOption('age');
    await filter.getByLabel('Operator').selectOption('>');
    await filter.getByLabel('Value').fill('abc');
    await filter.getByRole('button', { name: 'Filter', exact: true }).click();
    const alert = page.getByRole('alert');
    await alert.waitFor();
    assert.match((await alert.textContent()) ?? '', /"abc" is not a BIGINT/);
    await filter.getByRole('button', { name: 'Clear filter' }).click();
    await range.getByText(/of 300 rows/).waitFor();
  });

  it('draws the lineage: parents on the left, versions made from this one on the right', async () => {
    await page.goto(`${server.url}/data/customers/2?tab=lineage`);
    await page.getByRole('heading', { level: 1, name: 'customers@2' }).waitFor();
    const graph = page.getByRole('img', { name: 'Lineage graph of customers@2: 2 versions' });
    await graph.locator('canvas').waitFor();
    const painted = await waitForPaint(page, '[aria-label^="Lineage graph"]', 2000);
    assert.ok(painted >= 2000, `the lineage canvas is drawn (${painted} painted pixels)`);
    const nodes = page.getByRole('list', { name: 'Lineage nodes' });
    await nodes.getByText('Made from this').waitFor();
    await shot('data-lineage.png');
    await nodes.getByRole('link', { name: 'customers@3' }).click();
    await page.getByRole('heading', { level: 1, name: 'customers@3' }).waitFor();
    assert.match(page.url(), /\/data\/customers\/3\?tab=lineage$/);
    await page
      .getByRole('list', { name: 'Lineage nodes' })
      .getByRole('link', { name: 'customers@2' })
      .waitFor();
    assert.match(
      (await page.getByRole('region', { name: 'Details' }).textContent()) ?? '',
      /Parents\s*customers@2/,
    );
  });

  it('runs the default check suite and shows its overall status and each check', async () => {
    await page.goto(`${server.url}/data/customers/1?tab=checks`);
    await page.getByText('No quality checks have run on customers@1 yet.').waitFor();
    await page.getByRole('button', { name: 'Run the default suite' }).click();
    const results = page.getByRole('table', { name: 'Check results' });
    await results.waitFor();
    const [stored] = await api.data.checkRuns('customers@1');
    assert.ok(stored, 'the run is stored');
    const overall = page.locator('.check-overall .check-status');
    assert.equal((await overall.textContent())?.trim(), stored.status);
    const s = stored.summary;
    assert.match(
      (await page.getByTestId('check-summary').textContent()) ?? '',
      new RegExp(`${s.pass} passed · ${s.warn} warned · ${s.fail} failed`),
    );
    const run = await api.data.checkRun('customers@1', stored.id);
    assert.equal(await results.locator('tbody tr').count(), run.results.length);
    // income misses ~5% of its values: the missing-values check names it in its findings.
    const missing = results.getByRole('row', { name: /missing_values/ });
    const expected = run.results.find((r) => r.check === 'missing_values')!;
    assert.equal((await missing.locator('.check-status').textContent())?.trim(), expected.status);
    await missing.getByRole('button', { name: /columns?$/ }).click();
    const columns = page.getByRole('list', { name: 'Columns of missing_values' });
    await columns.getByText('income', { exact: true }).waitFor();
    await shot('data-checks.png', 1300);
  });

  it('compares two versions: schema, rows, drift statistics and overlaid distributions', async () => {
    await page.goto(`${server.url}/data/customers`);
    const versions = page.getByRole('table', { name: 'Dataset versions' });
    await versions.getByLabel('Compare version 1').check();
    await versions.getByLabel('Compare version 2').check();
    await page.getByRole('button', { name: 'Compare' }).click();
    await page.waitForURL(/\/data\/customers\/diff\?a=1&b=2$/);
    await page.getByRole('heading', { level: 1, name: 'customers@1 → customers@2' }).waitFor();
    const diff = await api.data.diff('customers@1', 'customers@2');
    assert.ok(diff.summary.drifted >= 2, `ages and plans drifted: ${diff.summary.driftedColumns.join(', ')}`);
    const summary = page.getByRole('region', { name: 'Summary' });
    await summary.getByText(`${diff.summary.drifted} of ${diff.summary.compared}`).waitFor();
    assert.match((await summary.textContent()) ?? '', /300 → 400 \(\+100, \+33\.3%\)/);

    const table = page.getByRole('table', { name: 'Column drift' });
    for (const c of diff.columns) {
      const text =
        (await table
          .locator('tbody tr', { has: page.getByRole('link', { name: c.name, exact: true }) })
          .textContent()) ?? '';
      if (c.drifted) assert.match(text, /drifted$/, `${c.name} is marked drifted`);
      else assert.doesNotMatch(text, /drifted/, `${c.name} is not marked`);
      if (c.statistics)
        assert.ok(text.includes(c.statistics.psi.toFixed(3)), `${c.name} shows its PSI: ${text}`);
    }
    await page.getByRole('img', { name: 'Histograms of age in v1 and v2' }).waitFor();
    const hist = await waitForPaint(page, '[aria-label="Histograms of age in v1 and v2"]', 1500);
    assert.ok(hist >= 1500, `the overlaid histograms are drawn (${hist} painted pixels)`);
    const cats = await waitForPaint(page, '[aria-label="Category shares of plan in v1 and v2"]', 800);
    assert.ok(cats >= 800, `the category bars are drawn (${cats} painted pixels)`);
    await shot('data-diff.png', 2300);

    await page.getByLabel('Only drifted columns').check();
    assert.equal(await table.locator('tbody tr').count(), diff.summary.drifted);
    // The pickers change the compared versions.
    await page.getByLabel('Current').selectOption('3');
    await page.waitForURL(/b=3$/);
    await page.getByRole('heading', { level: 1, name: 'customers@1 → customers@3' }).waitFor();
  });

  it('shows honest states for a missing dataset or version', async () => {
    await page.goto(`${server.url}/data/no-such-data`);
    await page.getByText('Dataset no-such-data is not here').waitFor();
    await page.goto(`${server.url}/data/customers/9`);
    await page.getByText('Version 9 of customers is not here').waitFor();
    await page.getByRole('link', { name: 'See the versions of customers' }).waitFor();
    assert.deepEqual(pageErrors, []);
  });
});
