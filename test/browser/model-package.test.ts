// The model metadata sections of a version page in a real Chromium against a real `lathe server`: a
// native package imported through the SDK shows its flavor, signature and input example; the try-it
// form predicts one row as the SDK does (prediction and class probabilities); JSON mode predicts rows
// and shows the server's message for a row lacking a column; a version that is not a package gets a note.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { nativeFixture } from '../../src/models/flavors/native/native-fixture.js';
import { LatheClient, type VersionPrediction } from '../../src/sdk/index.js';
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

/** Numbers shown to 4 significant decimals: close enough to what the SDK answered. */
function assertClose(shown: string, expected: number, what: string) {
  const n = Number(shown);
  assert.ok(Number.isFinite(n), `${what}: ${JSON.stringify(shown)} is not a number`);
  assert.ok(
    Math.abs(n - expected) <= 1e-3 * Math.max(1, Math.abs(expected)),
    `${what}: ${shown} ≠ ${expected}`,
  );
}

describe('Model package sections of a version page in a browser', { skip: browserSkip() }, () => {
  let server: ServerProcess;
  let browser: Browser;
  let page: Page;
  let api: LatheClient;
  const pageErrors: string[] = [];
  const fixture = nativeFixture(40);
  const example = fixture.rows.slice(0, 3);

  before(async () => {
    server = await startUiServer();
    api = new LatheClient({ url: server.url, token: server.adminToken });
    const imported = await api.models.importModel('risk', fixture.source.files, { filename: 'risk-model' });
    assert.equal(imported.version.version, 1);
    await api.registry.registerModel('legacy', { source: 'file:/models/legacy/1' });
    // The same package as if Lathe had trained it on a dataset version, with test metrics.
    const files = new Map(fixture.source.files);
    const manifest = JSON.parse(new TextDecoder().decode(files.get('lathe-model.json')));
    manifest.training = { dataset: 'customers@2', rows: 32, evaluation: 'holdout 0.2 stratified seed 0' };
    manifest.metrics = { roc_auc: 0.91234, accuracy: 0.875 };
    files.set('lathe-model.json', new TextEncoder().encode(JSON.stringify(manifest)));
    await api.models.importModel('risk-trained', files, { filename: 'risk-trained' });
    ({ browser, page } = await openPage(pageErrors));
    await signIn(page, server);
  });

  after(() => closeUi(browser, server));

  it('shows the flavor, family, signature and input example of an imported package', async () => {
    await page.goto(`${server.url}/models/risk/versions/1`);
    await page.getByRole('heading', { level: 1, name: 'risk · version 1' }).waitFor();
    const model = page.locator('section.package-panel');
    await model.waitFor();
    const facts = (await model.textContent()) ?? '';
    assert.match(facts, /Flavor\s*native/);
    assert.match(facts, /Family\s*gbdt/);
    assert.match(facts, /Task\s*binary/);
    assert.match(facts, /Origin\s*Imported from risk-model \(native\)/);
    assert.match(facts, /Package size\s*[\d.]+ (B|KB)/);

    // The file list is collapsed until opened.
    const files = page.getByRole('table', { name: 'Package files' });
    assert.equal(await files.isVisible(), false);
    await model.locator('summary').click();
    await files.getByRole('cell', { name: 'lathe-model.json' }).waitFor();

    const inputs = page.getByRole('table', { name: 'Input columns' });
    const names = await inputs.locator('tbody tr td:first-child').allTextContents();
    assert.deepEqual(names, ['x0', 'x1', 'x2']);
    assert.match((await inputs.locator('tbody tr').first().textContent()) ?? '', /x0\s*double\s*yes/);
    assert.deepEqual(
      await page.getByRole('list', { name: 'Classes' }).getByRole('listitem').allTextContents(),
      ['no', 'yes'],
    );

    const exampleTable = page.getByRole('table', { name: 'Input example' });
    assert.equal(await exampleTable.locator('tbody tr').count(), example.length);
    const firstRow = await exampleTable.locator('tbody tr').first().locator('td').allTextContents();
    assert.equal(firstRow[0], '0');
    assertClose(firstRow[1]!, example[0]!.x0 as number, 'example x0');
    assert.equal(example[0]!.x1, null, 'the fixture leaves x1 of its first row missing');
    assert.equal(firstRow[2], 'null');
  });

  it('predicts the form row as the SDK does, with a probability chart', async () => {
    const form = page.getByRole('form', { name: 'Try the model on one row' });
    // Prefilled from the first example row (null x1 left empty).
    assert.equal(Number(await form.locator('input[name="x0"]').inputValue()), example[0]!.x0);
    const row = { x0: 0.75, x1: -1.25, x2: 0.5 };
    for (const [k, v] of Object.entries(row)) await form.locator(`input[name="${k}"]`).fill(String(v));
    await form.getByRole('button', { name: 'Predict' }).click();

    const expected: VersionPrediction = await api.models.predict('risk@1', [row]);
    const prediction = form.locator('output.tryit-prediction');
    await prediction.waitFor();
    assert.equal((await prediction.textContent())?.trim(), String(expected.predictions[0]));
    const probs = form.getByRole('table', { name: 'Class probabilities' });
    const cells: string[][] = [];
    for (const tr of await probs.locator('tbody tr').all())
      cells.push(await tr.locator('td').allTextContents());
    assert.deepEqual(
      cells.map((c) => c[0]),
      expected.classes!.map(String),
    );
    for (const [j, c] of cells.entries()) assertClose(c[1]!, expected.probabilities![0]![j]!, `P(${c[0]})`);
    assert.ok((await waitForPaint(page, '.tryit-chart', 300)) >= 300, 'the probability chart painted');
    const label =
      (await form.getByRole('img', { name: /Class probabilities/ }).getAttribute('aria-label')) ?? '';
    assert.match(label, /no \d+\.\d\d%, yes \d+\.\d\d%/);
    // The whole page from its top, the file list folded again.
    await page.locator('section.package-panel summary').click();
    await page.locator('.content').evaluate((el) => el.scrollTo(0, 0));
    await screenshot(page, 'model-package.png', 2100);
  });

  it('predicts JSON rows into a table and shows the server message for a missing column', async () => {
    await page.getByRole('button', { name: 'JSON', exact: true }).click();
    const form = page.getByRole('form', { name: 'Try the model on JSON rows' });
    const box = form.locator('textarea[name="rows-json"]');
    await box.waitFor();
    assert.equal(
      JSON.parse(await box.inputValue()).length,
      example.length,
      'prefilled with the example rows',
    );
    const rows = [
      { x0: 1, x1: 0, x2: 1 },
      { x0: -2, x1: '0.5', x2: -1 },
    ];
    await box.fill(JSON.stringify(rows));
    await form.getByRole('button', { name: 'Predict' }).click();
    const table = form.getByRole('table', { name: 'Predictions' });
    await table.waitFor();
    const expected = await api.models.predict('risk@1', rows, { numericStrings: true });
    const shown = await table.locator('tbody tr td.strong').allTextContents();
    assert.deepEqual(shown, expected.predictions.map(String));
    // The numeric string was read as a number, and the server said so.
    await form.getByText(/read numeric strings as numbers in x1/).waitFor();
    await screenshot(page, 'model-package-json.png', 1300);

    const lacking = [{ x0: 1, x2: 0 }];
    const refused = await api.models.predict('risk@1', lacking).then(
      () => assert.fail('the server accepted a row without x1'),
      (err: Error) => err.message,
    );
    assert.match(refused, /missing required column x1/);
    await box.fill(JSON.stringify(lacking));
    await form.getByRole('button', { name: 'Predict' }).click();
    const alert = form.getByRole('alert');
    await alert.waitFor();
    assert.ok(((await alert.textContent()) ?? '').includes(refused), 'the server message is shown as it is');
    assert.equal(await table.count(), 0, 'the old answer is gone');

    await box.fill('[{"x0": 1,');
    await form.getByRole('button', { name: 'Predict' }).click();
    await form.getByText(/not valid JSON/).waitFor();
    assert.match((await form.getByRole('alert').textContent()) ?? '', /^Could not read the rows/);
    assert.deepEqual(pageErrors, []);
  });

  it('links a trained model to its dataset version and shows its metrics', async () => {
    await page.goto(`${server.url}/models/risk-trained/versions/1`);
    const model = page.locator('section.package-panel');
    await model.waitFor();
    const link = model.getByRole('link', { name: 'customers@2' });
    assert.equal(await link.getAttribute('href'), '/data/customers/2');
    const facts = (await model.textContent()) ?? '';
    assert.match(facts, /Trained on customers@2 \(32 rows\)/);
    assert.match(facts, /Evaluation\s*holdout 0\.2 stratified seed 0/);
    assert.deepEqual(
      await model.getByRole('list', { name: 'Metrics' }).getByRole('listitem').allTextContents(),
      ['accuracy=0.875', 'roc_auc=0.9123'],
    );
  });

  it('shows a calm note for a version whose source is not a Lathe package', async () => {
    await page.goto(`${server.url}/models/legacy/versions/1`);
    await page.getByText('No model package to describe').waitFor();
    assert.equal(await page.getByRole('form', { name: 'Try the model on one row' }).count(), 0);
    assert.equal(await page.getByRole('alert').count(), 0);
    assert.deepEqual(pageErrors, []);
  });
});
