// The Data area's actions in a real Chromium against a real `lathe server`: uploading a file through
// the form (with a throttled network, so the progress bar is seen moving), appending a batch, a
// PostgreSQL query (refused for a host the server does not allow; ingested from the test database
// when LATHE_TEST_POSTGRES_URI is set), applying a recipe with a split from the editor, the Recipe
// tab, a pasted check suite, the lineage graph across datasets, and what a read-only user sees.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
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

const plans = ['basic', 'pro', 'team'];

/** A customers CSV with an identifier, age, income (some missing), plan, signup date and a 0/1 target. */
function customersCsv(rows: number, firstId = 1, ragged = false): string {
  let s = 17 + firstId;
  const rnd = () => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return s / 2147483648;
  };
  const lines = ['customer_id,age,income,plan,signup,churned'];
  for (let i = 0; i < rows; i++) {
    const id = firstId + i;
    const age = 18 + Math.floor(rnd() * 60);
    const income = rnd() < 0.05 ? '' : (20000 + rnd() * 60000).toFixed(2);
    const day = new Date(Date.UTC(2024, 0, 1) + Math.floor(rnd() * 300) * 86_400_000);
    const churned = rnd() < (age < 30 ? 0.5 : 0.2) ? 1 : 0;
    lines.push(`${id},${age},${income},${plans[id % 3]},${day.toISOString().slice(0, 10)},${churned}`);
    // Line 41 of the file (a header and 39 rows before it) has a field too many.
    if (ragged && i === 38) lines.push(`9999,40,1000,basic,2024-02-02,0,extra`);
  }
  return `${lines.join('\n')}\n`;
}

/** The test PostgreSQL's host:port, when there is one. */
function postgresHost(): string | null {
  const uri = process.env.LATHE_TEST_POSTGRES_URI;
  if (!uri) return null;
  const u = new URL(uri);
  return `${u.hostname}:${u.port || '5432'}`;
}

describe('Data actions in a browser', { skip: browserSkip() }, () => {
  let server: ServerProcess;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let api: LatheClient;
  const pageErrors: string[] = [];
  const pgHost = postgresHost();

  const shot = (name: string, height?: number) => screenshot(page, name, height);

  before(async () => {
    server = await startUiServer({ env: pgHost ? { LATHE_SQL_SOURCE_HOSTS: pgHost } : {} });
    api = new LatheClient({ url: server.url, token: server.adminToken });
    // Refused requests (a 403, a 422) are not page errors; anything else is a bug.
    ({ browser, context, page } = await openPage(pageErrors, 20_000));
    await signIn(page, server);
  });

  after(() => closeUi(browser, server));

  it('uploads a CSV through the form with a moving progress bar, then shows the ingest report', async () => {
    await page.goto(`${server.url}/data`);
    await page.getByRole('heading', { name: 'No datasets yet' }).waitFor();
    await page.getByRole('button', { name: 'Upload a file' }).click();
    const form = page.getByRole('form', { name: 'Upload a file' });
    // ~1.2 MB: 300 rows the profile will see, and a long tail of more rows.
    const csv = customersCsv(24_000, 1, true);
    await form.getByLabel(/^File/).setInputFiles({
      name: 'Customers 2024.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from(csv),
    });
    assert.equal(await form.getByLabel('Dataset name').inputValue(), 'customers-2024', 'named from the file');
    await form.getByLabel('Dataset name').fill('customers');
    await form.getByLabel(/^Target column/).fill('churned');
    await form.getByLabel(/^Message/).fill('first batch');
    await form.getByText('Read options').click();
    await form.getByLabel('Header row').selectOption('yes');
    await shot('data-upload-form.png');

    // Upload at ~400 KB/s, so the bar is seen between empty and full.
    const cdp = await context.newCDPSession(page);
    await cdp.send('Network.enable');
    await cdp.send('Network.emulateNetworkConditions', {
      offline: false,
      latency: 0,
      downloadThroughput: -1,
      uploadThroughput: 400_000,
    });
    await form.getByRole('button', { name: 'Upload and ingest' }).click();
    const bar = page.getByRole('progressbar', { name: 'Upload progress' });
    let seen = { value: 0, max: 0 };
    for (let i = 0; i < 50; i++) {
      const value = Number((await bar.getAttribute('value').catch(() => null)) ?? 0);
      const max = Number((await bar.getAttribute('max').catch(() => null)) ?? 0);
      if (value > 0 && value < max) {
        seen = { value, max };
        break;
      }
      await page.waitForTimeout(50);
    }
    assert.ok(seen.value > 0 && seen.value < seen.max, `the bar moved: ${JSON.stringify(seen)}`);
    assert.equal(seen.max, Buffer.byteLength(csv), 'the bar counts the bytes of the file');
    await page.getByText(/^Uploading .* of .*\(\d+%\)/).waitFor();
    await shot('data-upload-progress.png');
    await cdp.send('Network.emulateNetworkConditions', {
      offline: false,
      latency: 0,
      downloadThroughput: -1,
      uploadThroughput: -1,
    });
    await cdp.detach();

    const outcome = page.getByTestId('ingest-outcome');
    await outcome.getByText('Created customers@1').waitFor({ timeout: 60_000 });
    assert.match((await outcome.textContent()) ?? '', /24,000 rows read, 1 row rejected/);
    const issues = outcome.getByRole('table', { name: 'Ingest issues' });
    assert.match((await issues.textContent()) ?? '', /41/, 'the ragged line is listed with its number');
    await shot('data-upload-done.png');
    // The list behind the form has the new dataset; the link opens the version.
    await page.getByRole('table', { name: 'Datasets' }).getByRole('link', { name: 'customers@1' }).waitFor();
    await outcome.getByRole('link', { name: 'Open customers@1' }).click();
    await page.getByRole('heading', { level: 1, name: 'customers@1' }).waitFor();
    const v = await api.data.version('customers@1');
    assert.equal(v.message, 'first batch');
    assert.equal(v.columns.find((c) => c.name === 'churned')?.semantic, 'target');
    assert.deepEqual(v.source, { kind: 'upload', filename: 'Customers 2024.csv', format: 'csv' });
  });

  it('appends a batch from the dataset page, after showing why a batch with other columns was refused', async () => {
    await page.goto(`${server.url}/data/customers`);
    await page.getByRole('button', { name: 'New version' }).click();
    const form = page.getByRole('form', { name: 'Upload a file' });
    assert.equal(await form.getByLabel('Dataset name').inputValue(), 'customers');
    // A batch without the columns of the version it extends: the server's message, no version.
    await form.getByLabel(/^File/).setInputFiles({
      name: 'wrong.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from('customer_id,score\n1,2\n'),
    });
    await form.getByLabel(/Append the rows to customers@1/).check();
    await form.getByRole('button', { name: 'Upload and append' }).click();
    const refused = form.getByRole('alert');
    await refused.getByText('The file was not ingested').waitFor();
    assert.match(
      (await refused.textContent()) ?? '',
      /an appended batch must have the columns of customers@1; missing: age, income, plan, signup, churned; not in customers@1: score/,
    );
    await form.getByLabel(/^File/).setInputFiles({
      name: 'more.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from(customersCsv(20, 30_001)),
    });
    await form.getByRole('button', { name: 'Upload and append' }).click();
    await page.getByTestId('ingest-outcome').getByText('Created customers@2').waitFor();
    const versions = page.getByRole('table', { name: 'Dataset versions' });
    await versions.getByRole('link', { name: 'customers@2' }).waitFor();
    assert.match((await versions.textContent()) ?? '', /more\.csv appended to customers@1/);
    const v = await api.data.version('customers@2');
    assert.equal(v.rows, 24_020);
  });

  it('refuses a PostgreSQL host the server does not allow, saying what to configure', async () => {
    await page.goto(`${server.url}/data`);
    await page.getByRole('button', { name: 'New dataset' }).click();
    await page.getByRole('tab', { name: 'From PostgreSQL' }).click();
    const form = page.getByRole('form', { name: 'Ingest from PostgreSQL' });
    const uri = form.getByLabel('Connection URI');
    assert.equal(await uri.getAttribute('type'), 'password', 'the URI is typed into a password field');
    await uri.fill('postgres://analyst:hunter2@db.example.invalid:5432/sales');
    await form.getByLabel(/^Query/).fill('SELECT 1 AS one');
    await form.getByLabel('Dataset name').fill('remote');
    await form.getByRole('button', { name: 'Run the query and ingest' }).click();
    await form.getByText('This server may not query that database').waitFor();
    const text = (await form.textContent()) ?? '';
    assert.match(
      text,
      pgHost
        ? /may not connect to db\.example\.invalid:5432: it is not in data\.sqlSourceHosts/
        : /SQL sources are turned off/,
    );
    assert.match(text, /LATHE_SQL_SOURCE_HOSTS/);
    if (pgHost)
      assert.match(text, /ask an administrator to add db\.example\.invalid:5432 to data\.sqlSourceHosts/);
    assert.doesNotMatch(text, /hunter2/, 'the password is never shown');
    await shot('data-sql-forbidden.png');
  });

  it('ingests the rows of a query from the test PostgreSQL', {
    skip: pgHost ? false : 'LATHE_TEST_POSTGRES_URI is not set',
  }, async () => {
    const form = page.getByRole('form', { name: 'Ingest from PostgreSQL' });
    const u = new URL(process.env.LATHE_TEST_POSTGRES_URI!);
    u.password = 'not-shown-anywhere';
    await form.getByLabel('Connection URI').fill(u.toString());
    await form
      .getByLabel(/^Query/)
      .fill(
        "SELECT g AS id, g * 2.5 AS amount, CASE WHEN g % 3 = 0 THEN 'north' ELSE 'south' END AS region\nFROM generate_series(1, 50) AS g",
      );
    await form.getByLabel('Dataset name').fill('orders');
    await form.getByLabel(/^Message/).fill('from SQL');
    await form.getByRole('button', { name: 'Run the query and ingest' }).click();
    const outcome = page.getByTestId('ingest-outcome');
    await outcome.getByText('Created orders@1').waitFor();
    assert.match((await outcome.textContent()) ?? '', /50 rows read, none rejected/);
    await shot('data-sql-done.png');
    await outcome.getByRole('link', { name: 'Open orders@1' }).click();
    await page.getByRole('heading', { level: 1, name: 'orders@1' }).waitFor();
    await page
      .getByRole('region', { name: 'Details' })
      .getByText(/^PostgreSQL postgres:\/\//)
      .waitFor();
    const body = (await page.locator('main').textContent()) ?? '';
    assert.match(body, /PostgreSQL postgres:\/\//);
    assert.doesNotMatch(body, /not-shown-anywhere/, 'the password is not recorded');
  });

  it('shows a refused recipe inline, then applies the starter recipe with a split and follows a created version', async () => {
    await page.goto(`${server.url}/data/customers/1?tab=transform`);
    const form = page.getByRole('form', { name: 'Transform recipe' });
    const editor = form.getByLabel('Recipe (YAML or JSON)');
    const starter = await editor.inputValue();
    assert.match(starter, /^version: 1$/m);
    assert.match(starter, /drop: \[customer_id\]/, 'the identifier is dropped');
    assert.match(starter, /onehot: \{ columns: \[plan\]/);
    assert.match(starter, /kind: stratified[\s\S]*column: churned/);

    await editor.fill('version: 1\nsteps:\n  - filter: "age >= ;"\n');
    await form.getByRole('button', { name: 'Apply' }).click();
    const problem = form.getByTestId('recipe-problem');
    await problem.waitFor();
    assert.match((await problem.textContent()) ?? '', /step 1 \(filter\): .*position 8/);
    assert.equal(await form.getByTestId('expression-caret').textContent(), 'age >= ;\n       ^');
    await shot('data-transform-error.png', 1100);

    await form.getByRole('button', { name: 'Reset to the starter recipe' }).click();
    assert.equal(await editor.inputValue(), starter);
    await form.getByRole('button', { name: 'Apply' }).click();
    const made = page.getByRole('table', { name: 'Versions made by the recipe' });
    await made.waitFor({ timeout: 60_000 });
    const rows = await made.locator('tbody tr').allTextContents();
    assert.equal(rows.length, 2);
    assert.match(rows[0]!, /^train\s*customers-features-train@1/);
    assert.match(rows[1]!, /^test\s*customers-features-test@1/);
    await shot('data-transform.png', 1300);
    // The Lineage tab's count follows: customers@2 and the two splits.
    await page.getByRole('tab', { name: /Lineage\s*3/ }).waitFor();

    await made.getByRole('link', { name: 'customers-features-train@1' }).click();
    await page.getByRole('heading', { level: 1, name: 'customers-features-train@1' }).waitFor();
    assert.match(page.url(), /\/data\/customers-features-train\/1\?tab=recipe$/);
  });

  it('shows the Recipe tab: steps, what they learned, and the input version as a link', async () => {
    const steps = page.getByRole('table', { name: 'Recipe steps' });
    await steps.waitFor();
    const text = (await steps.textContent()) ?? '';
    assert.match(text, /drop/);
    assert.match(text, /impute.*income.*median → learned \d/s);
    assert.match(text, /onehot.*3 categories.*"basic".*"pro".*"team"/s);
    assert.match(text, /standard_scale.*age.*mean \d+(\.\d+)?, std \d/s);
    const fitted = await api.data.recipe('customers-features-train@1');
    const scale = fitted.steps.find((s) => s.kind === 'standard_scale') as {
      columns: Record<string, { mean: number }>;
    };
    assert.ok(
      text.includes(`mean ${Number(scale.columns.age!.mean.toPrecision(4))}`),
      'the learned mean as stored',
    );
    await page.getByText('Split: stratified train 80%, test 20% by churned, seed 42.').waitFor();
    await page.getByText('Input and output columns').click();
    await shot('data-recipe.png', 1500);
    // The recipe as shown applies as it is: to the same version it finds the same content.
    const json = await page.getByRole('tabpanel').locator('.recipe-json pre').textContent();
    const again = await api.data.transform('customers@1', json ?? '');
    assert.deepEqual(
      again.outputs.map((o) => [o.version.ref, o.created]),
      [
        ['customers-features-train@1', false],
        ['customers-features-test@1', false],
      ],
    );
    await page.getByRole('tabpanel').getByRole('link', { name: 'customers@1' }).first().click();
    await page.getByRole('heading', { level: 1, name: 'customers@1' }).waitFor();
  });

  it('draws the lineage across datasets: the recipe’s splits and the appended version as children', async () => {
    await page.goto(`${server.url}/data/customers/1?tab=lineage`);
    const graph = page.getByRole('img', { name: 'Lineage graph of customers@1: 4 versions' });
    await graph.locator('canvas').waitFor();
    const painted = await waitForPaint(page, '[aria-label^="Lineage graph"]', 2000);
    assert.ok(painted >= 2000, `the lineage canvas is drawn (${painted} painted pixels)`);
    const nodes = page.getByRole('list', { name: 'Lineage nodes' });
    await nodes.getByRole('link', { name: 'customers-features-train@1' }).waitFor();
    const items = await nodes.locator('li').allTextContents();
    assert.ok(
      items.some((t) => /Made from this\s*customers-features-train@1\s*by a recipe/.test(t)),
      items.join('\n'),
    );
    assert.ok(items.some((t) => /Made from this\s*customers-features-test@1\s*by a recipe/.test(t)));
    assert.ok(items.some((t) => /Made from this\s*customers@2\s*rows appended/.test(t)));
    await shot('data-lineage-cross.png');
    await nodes.getByRole('link', { name: 'customers-features-test@1' }).click();
    await page.getByRole('heading', { level: 1, name: 'customers-features-test@1' }).waitFor();
    assert.match(page.url(), /\/data\/customers-features-test\/1\?tab=lineage$/);
    const upList = page.getByRole('list', { name: 'Lineage nodes' });
    await upList.getByRole('link', { name: 'customers@1' }).waitFor();
    const up = await upList.locator('li').allTextContents();
    assert.ok(
      up.some((t) => /Made from\s*customers@1\s*by a recipe/.test(t)),
      up.join('\n'),
    );
  });

  it('runs a pasted suite, refusing an invalid one with its message', async () => {
    await page.goto(`${server.url}/data/customers/1?tab=checks`);
    await page.getByRole('button', { name: 'Edit a suite…' }).click();
    const form = page.getByRole('form', { name: 'Check suite' });
    const editor = form.getByLabel(/^Suite \(YAML or JSON\)/);
    assert.match(await editor.inputValue(), /- check: duplicate_ids\n {4}column: customer_id/);
    await shot('data-checks-editor.png', 1200);
    await editor.fill('checks:\n  - check: no_such_check\n');
    await form.getByRole('button', { name: 'Run this suite' }).click();
    await form.getByTestId('suite-problem').waitFor();
    assert.match((await form.getByTestId('suite-problem').textContent()) ?? '', /no_such_check/);

    await editor.fill(
      [
        'checks:',
        '  - check: out_of_range',
        '    column: age',
        '    min: 18',
        '    max: 60',
        '  - check: duplicate_ids',
        '    column: customer_id',
        '',
      ].join('\n'),
    );
    await form.getByRole('button', { name: 'Run this suite' }).click();
    const results = page.getByRole('table', { name: 'Check results' });
    await results.waitFor();
    await form.waitFor({ state: 'detached' });
    const [stored] = await api.data.checkRuns('customers@1');
    const run = await api.data.checkRun('customers@1', stored!.id);
    assert.deepEqual(
      run.results.map((r) => [r.check, r.status]),
      [
        ['out_of_range', 'fail'],
        ['duplicate_ids', 'pass'],
      ],
    );
    assert.equal((await page.locator('.check-overall .check-status').textContent())?.trim(), 'fail');
    assert.match(
      (await page.getByTestId('check-summary').textContent()) ?? '',
      /1 passed · 0 warned · 1 failed/,
    );
    const rows = await results.locator('tbody tr.check-row').allTextContents();
    assert.equal(rows.length, 2);
    assert.match(rows[0]!, /^fail\s*out_of_range/);
    await shot('data-checks-suite.png');
  });

  it('shows no ingest, transform or suite editing to a read-only user', async () => {
    const { secret } = await api.tokens.create({ name: 'viewer', scopes: ['read'] });
    const viewer = await browser.newContext({ viewport: { width: 1360, height: 900 } });
    try {
      const p = await viewer.newPage();
      await p.goto(`${server.url}/login#token=${secret}`);
      await p.getByRole('heading', { level: 1, name: 'Overview' }).waitFor();
      await p.goto(`${server.url}/data`);
      await p.getByRole('table', { name: 'Datasets' }).waitFor();
      assert.equal(await p.getByRole('button', { name: 'New dataset' }).count(), 0);
      await p.goto(`${server.url}/data/customers`);
      await p.getByRole('table', { name: 'Dataset versions' }).waitFor();
      assert.equal(await p.getByRole('button', { name: 'New version' }).count(), 0);
      await p.goto(`${server.url}/data/customers/1?tab=transform`);
      await p.getByRole('tab', { name: /Schema/, selected: true }).waitFor();
      assert.equal(await p.getByRole('tab', { name: 'Transform' }).count(), 0);
      await p.getByRole('tab', { name: 'Checks' }).click();
      await p.getByRole('table', { name: 'Check results' }).waitFor();
      assert.equal(await p.getByRole('button', { name: 'Edit a suite…' }).count(), 0);
    } finally {
      await viewer.close();
    }
  });

  it('raised no page errors', () => {
    assert.deepEqual(pageErrors, []);
  });
});
