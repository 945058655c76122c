/**
 * The serving-only application of `lathe serve`: prediction routes (Lathe's, MLflow's
 * `/invocations`, the Open Inference Protocol), deployments, probes and metrics — no UI, no jobs,
 * no tracking or data routes. It shares the stores with `lathe server`, follows the deployments and
 * aliases stored there, and can run as several worker processes on one port.
 */
import path from 'node:path';
import { ModelService } from '../models/index.js';
import { RegistryService } from '../registry/index.js';
import { ServingService } from '../serving/index.js';
import { TrackingService } from '../tracking/index.js';
import { type AppOptions, createCoreApp, type LatheApp } from './app.js';
import { oipRoutes } from './compat/oip/oip-routes.js';
import type { MetricsPluginOptions } from './plugins/metrics.js';
import { sendError } from './plugins/errors.js';
import { deploymentRoutes } from './routes/serving/deployment-routes.js';
import { endpointRoutes } from './routes/serving/endpoint-routes.js';
import { loadOrCreateSalt } from '../data/index.js';

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
  const { config, meta, blobs } = options;
  const { app, auth, metricsRegistry } = await createCoreApp(options);
  const tracking = new TrackingService(meta, blobs, auth.audit, {
    maxArtifactBytes: config.server.artifactLimitBytes,
  });
  const registry = new RegistryService(meta, auth.audit, tracking, { webhookOptions: { logger: app.log } });
  app.addHook('onClose', async () => registry.webhooks.close());
  const piiSalt = async () => config.data.piiSalt || loadOrCreateSalt(path.join(config.dataDir, 'pii-salt'));
  const models = new ModelService({ tracking, registry }, { piiSalt });
  app.addHook('onClose', async () => models.close());
  const serving = new ServingService(
    { meta, audit: auth.audit, models, registry },
    {
      metrics: metricsRegistry,
      logDir: path.join(config.dataDir, 'inference'),
      ...(options.logPart ? { logPart: options.logPart } : {}),
      syncMs: options.syncMs ?? 2000,
      logger: app.log,
    },
  );
  await serving.start();
  app.addHook('onClose', async () => serving.close());
  await app.register(deploymentRoutes, { serving });
  await app.register(endpointRoutes, { serving });
  await app.register(oipRoutes, { serving });
  app.setNotFoundHandler((request, reply) =>
    sendError(reply, {
      status: 404,
      code: 'NOT_FOUND',
      message: `no route ${request.method} ${request.url.split('?')[0]} on this serving process; it answers /api/v1/endpoints/{name}/predict, /api/v1/deployments and /v2`,
    }),
  );
  return app;
}
