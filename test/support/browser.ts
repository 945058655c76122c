// Shared harness of the browser tests: Debian's Chromium, and a fresh web/dist for the server to serve.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { type ServerProcess, type ServerProcessOptions, startServerProcess } from './server-process.js';

export const chromiumPath = '/usr/bin/chromium';
const root = path.resolve(import.meta.dirname, '../..');
const webDist = path.join(root, 'web/dist/index.html');

/** Where browser tests write their screenshots (git-ignored). */
export const screenshots = path.resolve(import.meta.dirname, '../browser/screenshots');

/** Why a browser suite skips: null when Chromium is here; under CI a missing Chromium fails instead. */
export function browserSkip(): string | false {
  if (existsSync(chromiumPath) || process.env.CI) return false;
  return `Chromium is not installed at ${chromiumPath}; .ci/run must install it (apt-get install -y chromium)`;
}

/** The launch arguments for headless Chromium on this machine (closed network, running as root). */
export const chromiumArgs = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-dev-shm-usage',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

/** The newest modification time under `dir` (files only), in ms. */
function newest(dir: string): number {
  let max = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) max = Math.max(max, statSync(path.join(entry.parentPath, entry.name)).mtimeMs);
  }
  return max;
}

/** Builds the UI when web/dist is missing or older than its sources: the server serves what is built. */
export function ensureWebBuild(): void {
  const built = existsSync(webDist) ? statSync(webDist).mtimeMs : 0;
  const sources = Math.max(
    newest(path.join(root, 'web/src')),
    newest(path.join(root, 'src/sdk')),
    statSync(path.join(root, 'web/index.html')).mtimeMs,
  );
  if (built >= sources) return;
  const vite = path.join(root, 'node_modules/vite/bin/vite.js');
  const run = spawnSync(
    process.execPath,
    [vite, 'build', '--config', 'web/vite.config.ts', '--logLevel', 'warn'],
    {
      cwd: root,
      encoding: 'utf8',
    },
  );
  assert.equal(run.status, 0, `vite build failed:\n${run.stdout}\n${run.stderr}`);
}

/**
 * How many pixels of the first canvas inside `selector` (with `all`, of every canvas: a heatmap
 * draws its cells on a layer canvas of its own) are not (almost) white or transparent; -1 when
 * there is no canvas.
 */
export function paintedPixels(page: Page, selector: string, all = false): Promise<number> {
  return page.evaluate(
    ([sel, every]) => {
      type Canvas = {
        width: number;
        height: number;
        getContext(kind: '2d'): {
          getImageData(x: number, y: number, w: number, h: number): { data: number[] };
        };
      };
      type Doc = { querySelectorAll(s: string): ArrayLike<Canvas> };
      const found = Array.from(
        (globalThis as unknown as { document: Doc }).document.querySelectorAll(`${sel} canvas`),
      );
      const canvases = every ? found : found.slice(0, 1);
      if (!canvases.length) return -1;
      let painted = 0;
      for (const canvas of canvases) {
        const { data } = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height);
        for (let i = 0; i < data.length; i += 4) {
          if (data[i + 3]! > 0 && (data[i]! < 240 || data[i + 1]! < 240 || data[i + 2]! < 240)) painted++;
        }
      }
      return painted;
    },
    [selector, all] as const,
  );
}

/** Waits (up to ~4 s) until the chart matched by `selector` has painted at least `min` pixels; returns the count. */
export async function waitForPaint(page: Page, selector: string, min = 500, all = false): Promise<number> {
  let painted = 0;
  for (let i = 0; i < 40 && painted < min; i++) {
    painted = await paintedPixels(page, selector, all);
    if (painted < min) await page.waitForTimeout(100);
  }
  return painted;
}

/**
 * The start of a browser suite: checks Chromium is here, builds the UI when stale, and starts a
 * `lathe server`, with auth unless `auth: false` (then it prints no admin token).
 */
export async function startUiServer(options: ServerProcessOptions = {}): Promise<ServerProcess> {
  if (!existsSync(chromiumPath))
    throw new Error(`Chromium is not installed at ${chromiumPath}; .ci/run must install it`);
  ensureWebBuild();
  mkdirSync(screenshots, { recursive: true });
  const server = await startServerProcess({ auth: true, ...options });
  if (options.auth !== false)
    assert.ok(server.adminToken, `the server printed no admin token:\n${server.output()}`);
  return server;
}

/**
 * A headless Chromium with one 1360×900 page. `pageErrors` collects the page's uncaught errors and
 * console errors; refused requests (a 400, 401, 403, 404, 422) log as failed resources and are not
 * errors.
 */
export async function openPage(
  pageErrors: string[],
  timeout = 15_000,
): Promise<{ browser: Browser; context: BrowserContext; page: Page }> {
  const browser = await chromium.launch({ executablePath: chromiumPath, headless: true, args: chromiumArgs });
  const context = await browser.newContext({ viewport: { width: 1360, height: 900 } });
  context.setDefaultTimeout(timeout);
  const page = await context.newPage();
  page.on('pageerror', (err) => pageErrors.push(`page error: ${err.message}`));
  page.on('console', (msg) => {
    if (msg.type() === 'error' && !msg.text().startsWith('Failed to load resource'))
      pageErrors.push(`console error: ${msg.text()}`);
  });
  return { browser, context, page };
}

/** Signs in through the login link the server printed, and waits for the Overview. */
export async function signIn(page: Page, server: ServerProcess): Promise<void> {
  await page.goto(`${server.url}/login#token=${server.adminToken}`);
  await page.getByRole('heading', { level: 1, name: 'Overview' }).waitFor();
}

/** The end of a browser suite: closes Chromium and stops the server, showing its output when it failed. */
export async function closeUi(
  browser: Browser | undefined,
  server: ServerProcess | undefined,
): Promise<void> {
  await browser?.close();
  const code = await server?.stop();
  if (code !== undefined && code !== 0) console.error(`server exited with ${code}:\n${server!.output()}`);
}

/** A full-page screenshot into `screenshots`; `height` makes the viewport taller for it (pages scroll inside). */
export async function screenshot(page: Page, name: string, height?: number): Promise<void> {
  if (height) await page.setViewportSize({ width: 1360, height });
  await page.screenshot({ path: path.join(screenshots, name), fullPage: true });
  if (height) await page.setViewportSize({ width: 1360, height: 900 });
}
