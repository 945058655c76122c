import { isIP } from 'node:net';
import { AuthService } from '../auth/index.js';
import {
  blobStoreUri,
  type LatheConfig,
  LatheError,
  type Logger,
  metaStoreUri,
  publicUrl,
} from '../core/index.js';
import { openBlobStore } from '../storage/blobs/index.js';
import { openMetaStore } from '../storage/meta/index.js';
import { type AppOptions, buildApp, type LatheApp } from './app.js';
import { buildServingApp, type ServingAppOptions } from './serving-app.js';

/** True for addresses only this machine can reach. */
export function isLoopback(host: string): boolean {
  if (host === 'localhost' || host === '::1' || host === '[::1]') return true;
  return isIP(host) === 4 && host.startsWith('127.');
}

export interface RunningServer {
  app: LatheApp;
  /** The URL a person opens (with the real port when 0 was asked). */
  url: string;
  /** The first admin's token, when this start created it; shown once. */
  adminToken: string | null;
  /** Stops accepting connections, lets in-flight requests finish, closes the stores. */
  close(): Promise<void>;
}

/**
 * Opens the stores (running migrations), creates the first admin on an empty store, builds the app
 * and listens. Refuses to start without auth on a non-loopback address.
 */
export async function startServer(
  config: LatheConfig,
  logger: Logger,
  options: {
    /** Builds a serving-only app (`lathe serve`) instead of the full one; no first admin is made. */
    serving?: Omit<ServingAppOptions, keyof AppOptions>;
  } = {},
): Promise<RunningServer> {
  if (!config.auth.enabled && !isLoopback(config.server.host)) {
    throw new LatheError(
      'AUTH_REQUIRED_OFF_LOOPBACK',
      `refusing to start with auth off on ${config.server.host}: anyone who can reach that address could use the server. ` +
        'Turn auth on, or listen on loopback (--host 127.0.0.1).',
      { host: config.server.host },
    );
  }
  // The full server writes the store all day (tracking, jobs): its log is checkpointed on a
  // thread of its own. Serving-only workers barely write it and keep SQLite's default.
  const meta = await openMetaStore(metaStoreUri(config), { backgroundCheckpoint: !options.serving });
  const blobs = await openBlobStore(blobStoreUri(config)).catch(async (err: unknown) => {
    await meta.close();
    throw err;
  });
  const closeStores = async () => {
    await blobs.close();
    await meta.close();
  };
  try {
    const auth = new AuthService(meta);
    const adminToken =
      config.auth.enabled && !options.serving ? ((await auth.bootstrapAdmin())?.secret ?? null) : null;
    const app = options.serving
      ? await buildServingApp({ config, meta, blobs, logger, auth, ...options.serving })
      : await buildApp({ config, meta, blobs, logger, auth });
    await app.listen({ host: config.server.host, port: config.server.port });
    const address = app.server.address();
    const port = typeof address === 'object' && address ? address.port : config.server.port;
    let closing: Promise<void> | null = null;
    return {
      app,
      url: publicUrl(config, port),
      adminToken,
      close: () =>
        (closing ??= (async () => {
          await app.close();
          await closeStores();
        })()),
    };
  } catch (err) {
    await closeStores();
    if ((err as { code?: string }).code === 'EADDRINUSE') {
      throw new LatheError(
        'UNAVAILABLE',
        `port ${config.server.port} on ${config.server.host} is in use; choose another with --port`,
        {
          port: config.server.port,
        },
      );
    }
    throw err;
  }
}
