// Shared harness of the browser tests: Debian's Chromium, and a fresh web/dist for the server to serve.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';

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

/** How many pixels of the first canvas inside `selector` are not (almost) white or transparent. */
export function paintedPixels(page: Page, selector: string): Promise<number> {
  return page.evaluate((sel) => {
    type Canvas = {
      width: number;
      height: number;
      getContext(kind: '2d'): {
        getImageData(x: number, y: number, w: number, h: number): { data: number[] };
      };
    };
    type Doc = { querySelector(s: string): Canvas | null };
    const canvas = (globalThis as unknown as { document: Doc }).document.querySelector(`${sel} canvas`);
    if (!canvas) return -1;
    const { data } = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height);
    let painted = 0;
    for (let i = 0; i < data.length; i += 4) {
      if (data[i + 3]! > 0 && (data[i]! < 240 || data[i + 1]! < 240 || data[i + 2]! < 240)) painted++;
    }
    return painted;
  }, selector);
}

/** Waits (up to ~4 s) until the chart matched by `selector` has painted at least `min` pixels; returns the count. */
export async function waitForPaint(page: Page, selector: string, min = 500): Promise<number> {
  let painted = 0;
  for (let i = 0; i < 40 && painted < min; i++) {
    painted = await paintedPixels(page, selector);
    if (painted < min) await page.waitForTimeout(100);
  }
  return painted;
}
