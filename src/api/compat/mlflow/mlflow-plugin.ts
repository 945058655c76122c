import type { FastifyInstance } from 'fastify';
import type { AuditLog } from '../../../auth/index.js';
import type { RegistryService } from '../../../registry/index.js';
import type { TrackingService } from '../../../tracking/index.js';
import { mlflowArtifactRoutes, runArtifactRoutes } from './artifact-routes.js';
import { mlflowErrorHandler, sendMlflowError } from './mlflow-errors.js';
import { registryRoutes } from './registry-routes.js';
import { trackingRoutes } from './tracking-routes.js';

export interface MlflowCompatOptions {
  audit: AuditLog;
  tracking: TrackingService;
  registry: RegistryService;
}

/**
 * MLflow's REST API under /api/2.0/mlflow and /ajax-api/2.0/mlflow (tracking, registry, run
 * artifact listing) and its artifact proxy under …/mlflow-artifacts, with MLflow's error bodies.
 */
export async function mlflowCompat(app: FastifyInstance, opts: MlflowCompatOptions): Promise<void> {
  const artifacts = opts.tracking.artifactStore;
  const runArtifacts = opts.tracking.artifacts;
  for (const prefix of ['/api/2.0/mlflow', '/ajax-api/2.0/mlflow']) {
    await app.register(
      async (scope) => {
        scope.setErrorHandler(mlflowErrorHandler);
        scope.setNotFoundHandler((req, reply) =>
          sendMlflowError(
            reply,
            'ENDPOINT_NOT_FOUND',
            404,
            `No endpoint ${req.method} ${req.url.split('?')[0]} in the MLflow REST API`,
          ),
        );
        await trackingRoutes(scope, opts);
        await runArtifactRoutes(scope, { runArtifacts });
        await registryRoutes(scope, opts);
      },
      { prefix },
    );
  }
  // The artifact proxy; the MLflow UI uses the /ajax-api form.
  for (const prefix of ['/api/2.0/mlflow-artifacts', '/ajax-api/2.0/mlflow-artifacts']) {
    await app.register(mlflowArtifactRoutes, { prefix, artifacts, audit: opts.audit });
  }
}
