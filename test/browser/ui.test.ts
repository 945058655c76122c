// The web UI in a real Chromium against a real `lathe server` process: login link, navigation,
// token creation and revocation, sign-out and a failed sign-in.
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { type Browser, chromium, type Page } from 'playwright-core';
import {
  browserSkip,
  chromiumArgs,
  chromiumPath,
  closeUi,
  openPage,
  screenshots,
  startUiServer,
} from '../support/browser.js';
import type { ServerProcess } from '../support/server-process.js';

/** The token the UI keeps in local storage. */
function storedToken(page: Page): Promise<string | null> {
  type Storage = { getItem(key: string): string | null };
  return page.evaluate(() =>
    (globalThis as unknown as { localStorage: Storage }).localStorage.getItem('lathe.token'),
  );
}

describe('web UI in a browser', { skip: browserSkip() }, () => {
  let server: ServerProcess;
  let browser: Browser;
  let page: Page;
  const pageErrors: string[] = [];

  before(async () => {
    server = await startUiServer();
    // The 401s of sign-in checks are expected: they log as failed resources, not page errors.
    ({ browser, page } = await openPage(pageErrors));
  });

  after(() => closeUi(browser, server));

  it('signs in from the login link the server prints and strips the token from the address bar', async () => {
    await page.goto(`${server.url}/login#token=${server.adminToken}`);
    await page.getByRole('heading', { level: 1, name: 'Overview' }).waitFor();
    assert.equal(new URL(page.url()).pathname, '/');
    assert.equal(new URL(page.url()).hash, '');
    const user = page.getByRole('region', { name: 'Signed-in user' });
    assert.match((await user.textContent()) ?? '', /admin/);
    assert.equal(await storedToken(page), server.adminToken);
  });

  it('shows the server facts and an audit activity chart on the overview', async () => {
    const version = page.locator('.stat', { hasText: 'Version' });
    await version.getByText(/\d+\.\d+\.\d+/).waitFor();
    await page.locator('.stat', { hasText: 'Metadata store' }).getByText('sqlite').waitFor();
    const chart = page.getByRole('img', { name: /audit events per UTC day/ });
    await chart.locator('canvas').waitFor();
    // The bootstrap wrote audit events (admin user and token), so the recent-activity table lists them.
    await page.getByRole('cell', { name: 'token.create' }).first().waitFor();
  });

  it('has the navigation to every area', async () => {
    const nav = page.getByRole('navigation', { name: 'Main' });
    for (const built of [
      'Data',
      'Experiments',
      'Training',
      'Models',
      'Validation',
      'Serving',
      'Monitoring',
    ]) {
      await nav.getByRole('link', { name: new RegExp(`^${built}`) }).waitFor();
    }
    await nav.getByRole('link', { name: /^Monitoring/ }).click();
    await page.getByRole('heading', { level: 1, name: 'Monitoring' }).waitFor();
    assert.equal(new URL(page.url()).pathname, '/monitoring');
    assert.equal(await page.getByText('soon', { exact: true }).count(), 0, 'no area is marked soon');
    await nav.getByRole('link', { name: 'Overview' }).click();
    await page.getByRole('heading', { level: 1, name: 'Overview' }).waitFor();
  });

  it('opens a client-side route directly (the server falls back to index.html)', async () => {
    await page.goto(`${server.url}/models`);
    await page.getByRole('heading', { level: 1, name: 'Models' }).waitFor();
  });

  let secret = '';

  it('creates a token in Settings and shows its secret once', async () => {
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Settings' }).click();
    await page.getByRole('heading', { level: 1, name: 'Settings' }).waitFor();
    await page
      .getByRole('table', { name: 'Users' })
      .getByRole('cell', { name: 'admin', exact: true })
      .first()
      .waitFor();

    await page.getByLabel('Token name').fill('browser-test');
    await page.getByRole('checkbox', { name: 'read' }).check();
    await page.getByLabel('Expires in (days)').fill('30');
    await page.getByRole('button', { name: 'Create token' }).click();

    const secretBox = page.getByLabel('New token secret');
    await secretBox.waitFor();
    secret = await secretBox.inputValue();
    assert.match(secret, /^lathe_\S+$/);
    await page.getByText('It will not be shown again').waitFor();

    const row = page.getByRole('table', { name: 'API tokens' }).getByRole('row', { name: /browser-test/ });
    await row.waitFor();
    assert.match((await row.textContent()) ?? '', /active/);
    await page.screenshot({ path: path.join(screenshots, 'settings.png'), fullPage: true });

    // The secret is a working token.
    const me = await fetch(`${server.url}/api/v1/me`, { headers: { authorization: `Bearer ${secret}` } });
    assert.equal(me.status, 200);

    // Shown once: after "Done" it is gone from the page.
    await page.getByRole('button', { name: 'Done' }).click();
    assert.equal(await page.getByLabel('New token secret').count(), 0);
  });

  it('revokes the token after a confirmation', async () => {
    await page.getByRole('button', { name: 'Revoke token browser-test' }).click();
    const dialog = page.getByRole('dialog', { name: 'Revoke token browser-test?' });
    await dialog.getByRole('button', { name: 'Revoke' }).click();
    const row = page.getByRole('table', { name: 'API tokens' }).getByRole('row', { name: /browser-test/ });
    await row.getByText('revoked').waitFor();
    assert.equal(await page.getByRole('button', { name: 'Revoke token browser-test' }).count(), 0);
    const me = await fetch(`${server.url}/api/v1/me`, { headers: { authorization: `Bearer ${secret}` } });
    assert.equal(me.status, 401);
  });

  it('signs out, guards pages, and shows the server error for a bad token', async () => {
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('heading', { level: 1, name: 'Sign in' }).waitFor();
    assert.equal(await storedToken(page), null);

    await page.goto(`${server.url}/settings`);
    await page.getByRole('heading', { level: 1, name: 'Sign in' }).waitFor();
    assert.equal(new URL(page.url()).pathname, '/login');

    await page.getByLabel('API token').fill('lathe_this-token-does-not-exist');
    await page.getByRole('button', { name: 'Sign in' }).click();
    const alert = page.getByRole('alert');
    await alert.waitFor();
    assert.match((await alert.textContent()) ?? '', /Sign-in failed/);
    assert.equal(new URL(page.url()).pathname, '/login');

    // The revoked token is refused with the server's reason.
    await page.getByLabel('API token').fill(secret);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page
      .getByRole('alert')
      .getByText(/revoked/i)
      .waitFor();

    // The admin token brings the user back to the page they asked for.
    await page.getByLabel('API token').fill(server.adminToken!);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { level: 1, name: 'Settings' }).waitFor();
    assert.deepEqual(pageErrors, []);
  });
});

describe('web UI with auth off', { skip: browserSkip() }, () => {
  let server: ServerProcess;
  let browser: Browser;

  before(async () => {
    server = await startUiServer({ auth: false });
    browser = await chromium.launch({
      executablePath: chromiumPath,
      headless: true,
      args: chromiumArgs,
    });
  });

  after(() => closeUi(browser, server));

  it('skips the sign-in and has nobody to sign out', async () => {
    const page = await browser.newPage();
    page.setDefaultTimeout(15_000);
    await page.goto(`${server.url}/login`);
    await page.getByRole('heading', { level: 1, name: 'Overview' }).waitFor();
    assert.equal(new URL(page.url()).pathname, '/');
    await page.getByText('auth off').waitFor();
    assert.equal(await page.getByRole('button', { name: 'Sign out' }).count(), 0);
    await page.goto(`${server.url}/settings`);
    await page.getByText('Auth is turned off on this server').waitFor();
    await page.close();
  });
});
