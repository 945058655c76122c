/**
 * The serving-only application of `lathe serve`: prediction routes (Lathe's, MLflow's
 * `/invocations`, the Open Inference Protocol), deployments, probes and metrics — no UI, no jobs,
 * no tracking or data routes. It shares the stores with `lathe server`, follows the deployments and
 * aliases stored there, and can run as several worker processes on one port.
 */
import path from 'node:path';
import { blobStoreUri, metaStoreUri } from '../core/index.js';
import { ServedLogThread } from '../monitoring/index.js';
import { type AppOptions, createCoreApp, type LatheApp, modelStack, registerServing } from './app.js';
import type { MetricsPluginOptions } from './plugins/metrics.js';
import { sendError } from './plugins/errors.js';

/** How a serving process runs. */
export interface ServingAppOptions extends AppOptions {
  metrics?: MetricsPluginOptions;
  /** This process's name in inference log files (workers sharing the data directory). */
  logPart?: string;
  /** Milliseconds between syncs with the store (changes made by other processes); default 2000. */
  syncMs?: number;
}

/** Builds the serving-only app (not listening). */
export async function buildServingApp(options: ServingAppOptions): Promise<LatheApp> {
  const { app, auth, metricsRegistry } = await createCoreApp(options);
  const { registry, models } = modelStack(app, auth, options);
  // Each serving process writes its own write-ahead files into the shared inference store, on a
  // thread of its own (the request thread only hands records over). It never compacts: the server
  // compacts these files once idle.
  const monitoring = await ServedLogThread.start({
    meta: metaStoreUri(options.config),
    blobs: blobStoreUri(options.config),
    dir: path.join(options.config.dataDir, 'monitoring'),
    part: options.logPart ?? 'serve',
  });
  app.addHook('onClose', async () => monitoring.close());
  await registerServing(
    app,
    { auth, models, registry, metricsRegistry, monitoring },
    { ...options, syncMs: options.syncMs ?? 2000 },
  );
  app.setNotFoundHandler((request, reply) =>
    sendError(reply, {
      status: 404,
      code: 'NOT_FOUND',
      message: `no route ${request.method} ${request.url.split('?')[0]} on this serving process; it answers /api/v1/endpoints/{name}/predict, /api/v1/deployments and /v2`,
    }),
  );
  return app;
}
