// The Experiments area in a real Chromium against a real `lathe server`: the experiments list, the
// virtualized runs table (columns, filter, inline filter errors, server-side sort, paging while
// scrolling), a run page (params, metric charts, artifact previews) and the compare view.
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

const runCount = 30;
const manyRuns = 650;

/** An 8×6 RGB PNG (a colour gradient). */
const png = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAgAAAAGCAIAAABxZ0isAAAAZElEQVR4nA3MMQEAMQgEwXOSHhNRQR0pJ4UeE2lXAH2s/I+AkcQSWxxhUeKKJ6RgBTs4gYMKbvACKVnJTk7ipJKbvEQyy2xzjE2Za57/qlnNbk7jpprbvEYa1rCHM3io4Q5v+AA4MU43BPZFUAAAAABJRU5ErkJggg==',
  'base64',
);

/** Runs `tasks` `limit` at a time. */
async function pool(tasks: (() => Promise<unknown>)[], limit = 12): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: limit }, async () => {
      while (next < tasks.length) await tasks[next++]!();
    }),
  );
}

describe('Experiments area in a browser', {
  skip: browserSkip(),
}, () => {
  let server: ServerProcess;
  let browser: Browser;
  let page: Page;
  let api: LatheClient;
  let experimentId = '';
  let bigExperimentId = '';
  const runIds: string[] = [];
  const pageErrors: string[] = [];

  before(async () => {
    server = await startUiServer();
    const token = server.adminToken;
    api = new LatheClient({ url: server.url, token });

    // 30 runs: acc = i/30 (so 14 runs have acc > 0.5), three learning rates, a loss history of 20 steps.
    experimentId = (await api.tracking.createExperiment('churn-tracking', { team: 'growth' })).experimentId;
    await api.tracking.createExperiment('fraud-tracking');
    await pool(
      Array.from({ length: runCount }, (_, i) => async () => {
        const run = await api.tracking.startRun({
          experimentId,
          runName: `run-${String(i).padStart(2, '0')}`,
        });
        const id = run.info.runId;
        runIds[i] = id;
        await api.tracking.logParams(id, {
          lr: [0.01, 0.1, 0.3][i % 3]!,
          depth: 2 + (i % 5),
          optimizer: i % 2 ? 'adam' : 'sgd',
        });
        const t0 = Date.now() - 60_000;
        const res = await fetch(`${server.url}/api/v1/runs/${id}/log`, {
          method: 'POST',
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
          body: JSON.stringify({
            metrics: [
              ...Array.from({ length: 20 }, (_, step) => ({
                key: 'loss',
                value: (1 + i / 10) / (step + 1),
                step,
                timestamp: t0 + step * 1000,
              })),
              { key: 'acc', value: i / runCount, step: 19, timestamp: t0 + 19_000 },
            ],
          }),
        });
        assert.ok(res.ok, await res.text());
        await api.tracking.endRun(id, i === 7 ? 'FAILED' : 'FINISHED');
      }),
    );

    // Artifacts of the best run: a text file, a CSV in a folder and a PNG.
    const best = runIds[runCount - 1]!;
    const csv = [
      'id,score,label',
      ...Array.from({ length: 250 }, (_, i) => `${i},${(i / 250).toFixed(3)},"x, ${i}"`),
    ];
    const artifacts: [string, string | Buffer, string][] = [
      ['notes.txt', 'Trained on customers-2025-01.\nEarly stopping at step 19.\n', 'text/plain'],
      ['data/sample.csv', `${csv.join('\n')}\n`, 'text/csv'],
      ['plots/curve.png', png, 'image/png'],
    ];
    for (const [p, body, type] of artifacts) {
      const res = await fetch(
        `${server.url}/api/v1/runs/${best}/artifacts/content?path=${encodeURIComponent(p)}`,
        { method: 'PUT', headers: { authorization: `Bearer ${token}`, 'content-type': type }, body },
      );
      assert.ok(res.ok, `upload ${p}: ${res.status} ${await res.text()}`);
    }

    // A bigger experiment, to page through while scrolling.
    bigExperimentId = (await api.tracking.createExperiment('sweep-large')).experimentId;
    await pool(
      Array.from({ length: manyRuns }, (_, i) => async () => {
        const run = await api.tracking.startRun({
          experimentId: bigExperimentId,
          runName: `sweep-${String(i).padStart(4, '0')}`,
        });
        await api.tracking.logMetrics(run.info.runId, { score: i });
      }),
      16,
    );

    ({ browser, page } = await openPage(pageErrors));
    await signIn(page, server);
  });

  after(() => closeUi(browser, server));

  const runsTable = () => page.getByRole('table', { name: 'Runs' });
  const runsCount = () => page.locator('.runs-count');
  /** The run names in the rendered rows, top to bottom. */
  const renderedNames = () => runsTable().locator('tbody tr td:nth-child(2) a').allTextContents();
  /** The name link of the first run row. */
  const firstRow = () => runsTable().locator('tbody tr[aria-rowindex="2"] td:nth-child(2) a');

  it('lists experiments, filters them, and opens one', async () => {
    await page
      .getByRole('navigation', { name: 'Main' })
      .getByRole('link', { name: /^Experiments/ })
      .click();
    await page.getByRole('heading', { level: 1, name: 'Experiments' }).waitFor();
    const table = page.getByRole('table', { name: 'Experiments' });
    const row = table.getByRole('row', { name: /churn-tracking/ });
    await row.waitFor();
    assert.match((await row.textContent()) ?? '', /team=growth/);
    await row.getByRole('cell', { name: experimentId, exact: true }).waitFor();

    await page.getByLabel('Filter experiments', { exact: true }).fill("name LIKE '%churn%'");
    await page.keyboard.press('Enter');
    await page.waitForURL(/filter=/);
    await table.getByRole('row', { name: /fraud-tracking/ }).waitFor({ state: 'detached' });
    assert.equal(await table.getByRole('row').count(), 2, 'a header row and one experiment');
    await page.screenshot({ path: path.join(screenshots, 'experiments-list.png') });

    await table.getByRole('link', { name: 'churn-tracking' }).click();
    await page.getByRole('heading', { level: 1, name: 'churn-tracking' }).waitFor();
    assert.equal(new URL(page.url()).pathname, `/experiments/${experimentId}`);
  });

  it('shows the runs with metric and param columns and the total', async () => {
    await runsTable().waitFor();
    await runsCount().getByText(`of ${runCount} runs`).waitFor();
    assert.equal(await runsTable().getAttribute('aria-rowcount'), String(runCount + 1));
    await runsTable().getByRole('columnheader', { name: 'acc' }).waitFor();
    await runsTable().getByRole('columnheader', { name: 'lr' }).waitFor();
    const rows = await runsTable().locator('tbody tr[aria-rowindex]').count();
    assert.ok(rows >= 16 && rows <= runCount, `rows in view are rendered (${rows})`);
    // run-29 was started in the last batch, so it is near the top (newest first). acc = 29/30.
    const best = runsTable().getByRole('row', { name: /run-29/ });
    assert.match((await best.textContent()) ?? '', /0\.9667/);
    assert.match((await best.textContent()) ?? '', /finished/i);
    await page.screenshot({ path: path.join(screenshots, 'runs.png') });
  });

  it('filters the runs, and shows a bad filter inline with its position', async () => {
    const filter = page.getByLabel('Filter runs', { exact: true });
    await filter.fill('metrics.acc > 0.5');
    await filter.press('Enter');
    await runsCount().getByText('of 14 runs').waitFor();
    const names = await renderedNames();
    assert.equal(names.length, 14);
    for (const n of names) assert.ok(Number(n.slice(4)) >= 16, `${n} has acc > 0.5`);

    await filter.fill('metrics.acc >> 0.5');
    await filter.press('Enter');
    const alert = page.getByRole('alert');
    await alert.waitFor();
    assert.match((await alert.textContent()) ?? '', /Invalid filter at position 14/);
    assert.equal(await filter.getAttribute('aria-invalid'), 'true');
    const caret = (await page.getByTestId('filter-caret').textContent()) ?? '';
    assert.equal(caret.indexOf('^'), 13, 'the caret sits under character 14');
    await page.screenshot({ path: path.join(screenshots, 'runs-filter-error.png') });

    await page.getByRole('button', { name: 'Clear' }).click();
    await runsCount().getByText(`of ${runCount} runs`).waitFor();
  });

  it('sorts by a metric on the server', async () => {
    const header = runsTable().getByRole('columnheader', { name: 'acc' });
    await header.getByRole('button').click();
    await page.waitForURL(/order=metrics\.acc\+DESC/);
    await runsTable().locator('th[aria-sort="descending"]').waitFor();
    await firstRow()
      .filter({ hasText: /^run-29$/ })
      .waitFor();
    await header.getByRole('button').click();
    await runsTable().locator('th[aria-sort="ascending"]').waitFor();
    await firstRow()
      .filter({ hasText: /^run-00$/ })
      .waitFor();
    assert.deepEqual((await renderedNames()).slice(0, 3), ['run-00', 'run-01', 'run-02']);
  });

  it('opens a run: params, a metric chart, and artifact previews', async () => {
    await page.goto(`${server.url}/experiments/${experimentId}`);
    await runsTable().getByRole('link', { name: 'run-29' }).click();
    await page.getByRole('heading', { level: 1, name: 'run-29' }).waitFor();
    const params = page.getByRole('table', { name: 'Parameters' });
    assert.match((await params.getByRole('row', { name: /^lr/ }).textContent()) ?? '', /0\.3/);
    assert.match((await params.getByRole('row', { name: /optimizer/ }).textContent()) ?? '', /adam/);
    await page.getByText(runIds[runCount - 1]!, { exact: true }).waitFor();

    const chart = page.getByRole('img', { name: /^loss by step: 1 run, 20 points/ });
    await chart.locator('canvas').waitFor();
    const painted = await waitForPaint(page, '[aria-label^="loss by step"]');
    assert.ok(painted >= 500, `the loss chart is drawn (${painted} painted pixels)`);
    await page.getByText('Time', { exact: true }).click();
    await page.getByRole('img', { name: /^loss by time/ }).waitFor();

    await page.getByRole('button', { name: 'Preview notes.txt' }).click();
    await page.getByText('Early stopping at step 19.').waitFor();
    await page.getByRole('button', { name: 'Open folder data' }).click();
    await page.getByRole('button', { name: 'Preview sample.csv' }).click();
    const csv = page.getByRole('table', { name: 'Contents of sample.csv' });
    await csv.waitFor();
    assert.equal(await csv.getByRole('row').count(), 201, 'the header and the first 200 rows');
    assert.match((await csv.getByRole('row').nth(1).textContent()) ?? '', /0\s*0\.000\s*x, 0/);
    await page.getByText('The first 200 rows are shown.').waitFor();
    await page.screenshot({ path: path.join(screenshots, 'run.png'), fullPage: true });

    await page
      .getByRole('navigation', { name: 'Artifact folder' })
      .getByRole('button', { name: 'artifacts' })
      .click();
    await page.getByRole('button', { name: 'Open folder plots' }).click();
    await page.getByRole('button', { name: 'Preview curve.png' }).click();
    const img = page.getByRole('img', { name: 'curve.png' });
    await img.waitFor();
    let width = 0;
    await page.screenshot({ path: path.join(screenshots, 'run-image.png') });
    for (let i = 0; i < 40 && width !== 8; i++) {
      width = await img.evaluate((el) => (el as unknown as { naturalWidth: number }).naturalWidth);
      if (width !== 8) await page.waitForTimeout(100);
    }
    assert.equal(width, 8, 'the PNG is decoded and shown');
  });

  it('compares two selected runs', async () => {
    await page.goto(`${server.url}/experiments/${experimentId}`);
    await runsTable().waitFor();
    await page.getByRole('checkbox', { name: 'Select run-29' }).check();
    await page.getByRole('checkbox', { name: 'Select run-11' }).check();
    await page.getByRole('button', { name: 'Compare (2)' }).click();
    await page.getByRole('heading', { level: 1, name: 'Compare 2 runs' }).waitFor();
    const search = new URL(page.url()).searchParams.get('runs')?.split(',') ?? [];
    assert.deepEqual(new Set(search), new Set([runIds[29], runIds[11]]));

    const diff = page.getByRole('table', { name: 'Parameter differences' });
    const depth = diff.getByRole('row', { name: /^depth/ });
    assert.match((await depth.getAttribute('class')) ?? '', /diff-row/, 'depth differs (6 vs 3)');
    for (const same of ['lr', 'optimizer']) {
      const row = diff.getByRole('row', { name: new RegExp(`^${same}`) });
      assert.doesNotMatch((await row.getAttribute('class')) ?? '', /diff-row/, `${same} is the same`);
    }

    await page
      .getByRole('img', { name: /^loss by step: 2 runs/ })
      .locator('canvas')
      .waitFor();
    assert.ok((await waitForPaint(page, '[aria-label^="loss by step"]')) >= 500, 'overlaid loss chart drawn');
    assert.ok(
      (await waitForPaint(page, '[aria-label^="Parallel coordinates"]')) >= 500,
      'parallel chart drawn',
    );
    await page.getByLabel('Param (x)').selectOption('depth');
    assert.ok((await waitForPaint(page, '[aria-label^="Scatter of param depth"]')) >= 100, 'scatter drawn');
    await page.screenshot({ path: path.join(screenshots, 'compare.png'), fullPage: true });
    await page
      .locator('.run-grid')
      .last()
      .screenshot({ path: path.join(screenshots, 'compare-charts.png') });
  });

  it('renders only the rows in view and fetches more while scrolling', async () => {
    await page.goto(`${server.url}/experiments/${bigExperimentId}`);
    await runsCount().getByText(`of ${manyRuns} runs`).waitFor();
    await runsCount().getByText('200 loaded').waitFor();
    const rendered = await runsTable().locator('tbody tr[aria-rowindex]').count();
    assert.ok(rendered < 60, `only the visible rows are in the DOM (${rendered})`);
    const viewport = page.locator('.vtable-viewport');
    for (let i = 0; i < 20; i++) {
      await viewport.evaluate((el) => el.scrollBy(0, el.scrollHeight));
      const text = (await runsCount().textContent()) ?? '';
      if (!/loaded/.test(text) && text.includes(`–${manyRuns} of`)) break;
      await page.waitForTimeout(150);
    }
    await runsTable()
      .locator(`tbody tr[aria-rowindex="${manyRuns + 1}"]`)
      .waitFor();
    assert.match((await runsCount().textContent()) ?? '', new RegExp(`–${manyRuns} of ${manyRuns} runs`));
    assert.ok((await runsTable().locator('tbody tr[aria-rowindex]').count()) < 60, 'still windowed');
    await page.screenshot({ path: path.join(screenshots, 'runs-scrolled.png') });
    assert.deepEqual(pageErrors, []);
  });
});
