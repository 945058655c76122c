import type { FastifyInstance } from 'fastify';
import type { AuditLog } from '../../../auth/index.js';
import type { BlobStore } from '../../../storage/blobs/index.js';
import type { MetaStore } from '../../../storage/meta/index.js';
import type { TrackingService } from '../../../tracking/index.js';
import { mlflowErrorHandler, sendMlflowError } from './mlflow-errors.js';
import { trackingRoutes } from './tracking-routes.js';

export interface MlflowCompatOptions {
  meta: MetaStore;
  blobs: BlobStore;
  audit: AuditLog;
  tracking: TrackingService;
}

/** MLflow's REST API under /api/2.0/mlflow and /ajax-api/2.0/mlflow, with MLflow's error bodies. */
export async function mlflowCompat(app: FastifyInstance, opts: MlflowCompatOptions): Promise<void> {
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
        // registry routes: registered here
      },
      { prefix },
    );
  }
}
