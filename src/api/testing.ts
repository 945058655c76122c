import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { AuthService } from '../auth/index.js';
import {
  blobStoreUri,
  type DeepPartial,
  type LatheConfig,
  type Logger,
  loadConfig,
  metaStoreUri,
} from '../core/index.js';
import { openBlobStore } from '../storage/blobs/index.js';
import { openMetaStore } from '../storage/meta/index.js';
import { buildApp, type LatheApp } from './app.js';

/** An app on fresh embedded stores in a temp directory, for route tests with `inject()`. */
export interface TestApp {
  app: LatheApp;
  /** The bootstrap admin's token (null with auth off). */
  adminToken: string | null;
  auth: AuthService;
  /** Listens on a free loopback port; resolves to the base URL (for SDK tests over real HTTP). */
  listen(): Promise<string>;
  close(): Promise<void>;
}

export async function createTestApp(
  overrides: DeepPartial<LatheConfig> = {},
  options: { webDir?: string; logger?: Logger } = {},
): Promise<TestApp> {
  const dir = mkdtempSync(path.join(tmpdir(), 'lathe-app-'));
  const { config } = loadConfig({ env: {}, cwd: dir, flags: { dataDir: dir, ...overrides } });
  const meta = await openMetaStore(metaStoreUri(config));
  const blobs = await openBlobStore(blobStoreUri(config));
  const auth = new AuthService(meta);
  const adminToken = config.auth.enabled ? ((await auth.bootstrapAdmin())?.secret ?? null) : null;
  const app = await buildApp({ config, meta, blobs, auth, ...options });
  return {
    app,
    adminToken,
    auth,
    async listen() {
      await app.listen({ host: '127.0.0.1', port: 0 });
      return `http://127.0.0.1:${(app.server.address() as { port: number }).port}`;
    },
    async close() {
      await app.close();
      await blobs.close();
      await meta.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
