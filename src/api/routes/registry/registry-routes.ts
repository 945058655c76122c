import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { RegistryService } from '../../../registry/index.js';
import { gateRoutes } from './gate-routes.js';
import { modelRoutes } from './model-routes.js';
import { versionRoutes } from './version-routes.js';
import { webhookRoutes } from './webhook-routes.js';

/**
 * Lathe's own model-registry API under /api/v1 (camelCase JSON, integer version numbers): models,
 * versions, aliases, model references, lineage, audit trail, webhooks, gate policies and reviews. The MLflow-compatible
 * routes live in `compat/mlflow`.
 */
export const registryRoutes: FastifyPluginAsyncTypebox<{ registry: RegistryService }> = async (app, opts) => {
  await modelRoutes(app, opts);
  await versionRoutes(app, opts);
  await webhookRoutes(app, opts);
  await gateRoutes(app, opts);
};
