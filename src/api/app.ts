import { randomUUID } from 'node:crypto';
import path from 'node:path';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify, {
  type FastifyBaseLogger,
  type FastifyError,
  type FastifyInstance,
  type RawServerDefault,
} from 'fastify';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { AuthService } from '../auth/index.js';
import { DataService, loadOrCreateSalt } from '../data/index.js';
import { JobService } from '../jobs/index.js';
import { ModelService } from '../models/index.js';
import { BatchScoring, ServingService } from '../serving/index.js';
import { MonitoringService, MonitorService, StoreMonitorSource } from '../monitoring/index.js';
import { Registry } from 'prom-client';
import { ValidationService } from '../validation/index.js';
import { RegistryService } from '../registry/index.js';
import { TrainingService } from '../training/index.js';
import { TrackingService } from '../tracking/index.js';
import { LatheError, type LatheConfig, LazyChildLogger, type Logger } from '../core/index.js';
import { mlflowErrorHandler } from './compat/mlflow/mlflow-errors.js';
import { mlflowCompat } from './compat/mlflow/mlflow-plugin.js';
import type { BlobStore } from '../storage/blobs/index.js';
import type { MetaStore } from '../storage/meta/index.js';
import { authPlugin } from './plugins/auth.js';
import { errorsPlugin, sendError, toErrorAnswer } from './plugins/errors.js';
import { type MetricsPluginOptions, metricsPlugin } from './plugins/metrics.js';
import { openapiPlugin } from './plugins/openapi.js';
import { isUiBuilt, sendUiPage, wantsUiPage, webDistDir, webUiPlugin } from './plugins/web-ui.js';
import { auditRoutes } from './routes/audit/audit-routes.js';
import { authRoutes } from './routes/auth/auth-routes.js';
import { checkRoutes } from './routes/data/check-routes.js';
import { dataRoutes } from './routes/data/data-routes.js';
import { diffRoutes } from './routes/data/diff-routes.js';
import { lineageRoutes } from './routes/data/lineage-routes.js';
import { sqlSourceRoutes } from './routes/data/sql-source-routes.js';
import { transformRoutes } from './routes/data/transform-routes.js';
import { healthRoutes } from './routes/health/health-routes.js';
import { jobRoutes } from './routes/jobs/job-routes.js';
import { modelPackageRoutes } from './routes/models/model-package-routes.js';
import { validationRoutes } from './routes/validation/validation-routes.js';
import { monitorRoutes } from './routes/monitoring/monitor-routes.js';
import { monitoringQueryRoutes } from './routes/monitoring/monitoring-query-routes.js';
import { monitoringRoutes } from './routes/monitoring/monitoring-routes.js';
import { deploymentRoutes } from './routes/serving/deployment-routes.js';
import { endpointRoutes } from './routes/serving/endpoint-routes.js';
import { oipRoutes } from './compat/oip/oip-routes.js';
import { systemRoutes } from './routes/system/system-routes.js';
import { runArtifactRoutes } from './routes/tracking/artifact-routes.js';
import { trackingRoutes as nativeTrackingRoutes } from './routes/tracking/tracking-routes.js';
import { registryRoutes as nativeRegistryRoutes } from './routes/registry/registry-routes.js';
import { validatorCompiler } from './validation.js';

export interface AppOptions {
  config: LatheConfig;
  meta: MetaStore;
  blobs: BlobStore;
  /** A pino logger; omit for a silent app (tests). */
  logger?: Logger;
  /**
   * The auth service to use; pass the one that bootstrapped the first admin so both share it.
   * Defaults to a new service on `meta`.
   */
  auth?: AuthService;
  /** Directory of the built UI (defaults to the package's web/dist). */
  webDir?: string;
}

export type LatheApp = FastifyInstance<
  RawServerDefault,
  IncomingMessage,
  ServerResponse,
  FastifyBaseLogger,
  TypeBoxTypeProvider
>;

const requestIdPattern = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * The part every Lathe HTTP process shares: the Fastify instance (request IDs, body limit, error
 * bodies, graceful close), the error, metrics and auth plugins, the OpenAPI document and the probes.
 */
export async function createCoreApp(
  options: AppOptions & { metrics?: MetricsPluginOptions },
): Promise<{ app: LatheApp; auth: AuthService; metricsRegistry: Registry }> {
  const { config, meta, blobs } = options;
  const app = Fastify({
    ...(options.logger
      ? {
          loggerInstance: options.logger as FastifyBaseLogger,
          // Each request's logger is made when it first logs (see LazyChildLogger).
          childLoggerFactory: (logger, bindings, opts) =>
            new LazyChildLogger(logger as Logger, bindings, opts) as unknown as FastifyBaseLogger,
        }
      : { logger: false }),
    bodyLimit: config.server.bodyLimitBytes,
    genReqId: (req) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && requestIdPattern.test(given) ? given : randomUUID();
    },
    return503OnClosing: true,
    // Requests refused before routing (a path that is not valid percent-encoded UTF-8) get the
    // same error bodies as every other refusal, in MLflow's dialect under its routes.
    frameworkErrors: (error, req, reply) => {
      const message =
        error.code === 'FST_ERR_BAD_URL'
          ? `the URL path is not valid percent-encoded UTF-8: ${JSON.stringify(req.url.slice(0, 200))}`
          : error.message;
      const err = new LatheError('INVALID_ARGUMENT', message);
      reply.header('x-request-id', req.id);
      if (/^\/(ajax-)?api\/2\.0\/mlflow/.test(req.url))
        return mlflowErrorHandler(err as unknown as FastifyError, req, reply);
      return sendError(reply, toErrorAnswer(err, req));
    },
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: 500 },
  }).withTypeProvider<TypeBoxTypeProvider>();
  app.setValidatorCompiler(validatorCompiler());
  // Hooks on every request are callback-style: an async hook costs a promise per request.
  app.addHook('onRequest', (req, reply, done) => {
    reply.header('x-request-id', req.id);
    done();
  });
  // While closing, answers end their connection: a keep-alive socket that goes idle after
  // close() began would otherwise hold shutdown open until its keep-alive timeout.
  let closing = false;
  app.addHook('preClose', async () => {
    closing = true;
  });
  app.addHook('onSend', (_req, reply, payload, done) => {
    if (closing) reply.header('connection', 'close');
    done(null, payload);
  });

  const auth = options.auth ?? new AuthService(meta);
  await app.register(errorsPlugin);
  const metricsRegistry = options.metrics?.registry ?? new Registry();
  await app.register(metricsPlugin, { ...options.metrics, registry: metricsRegistry });
  await app.register(authPlugin, { enabled: config.auth.enabled, auth });
  await app.register(openapiPlugin);

  await app.register(healthRoutes, {
    checks: [
      { name: 'meta', check: () => meta.ping() },
      { name: 'blobs', check: () => blobs.ping() },
    ],
  });
  return { app, auth, metricsRegistry };
}

/**
 * Builds the HTTP application without listening: every module's routes under `/api/v1`, the UI at
 * `/`, probes, metrics and the OpenAPI document. Call `listen()` on the result, or `inject()` in tests.
 */
export async function buildApp(options: AppOptions): Promise<LatheApp> {
  const { config, meta, blobs } = options;
  const { app, auth, metricsRegistry } = await createCoreApp(options);
  await app.register(systemRoutes, {
    authEnabled: config.auth.enabled,
    metaStore: meta.dialect,
    blobStore: blobs.kind,
  });
  await app.register(authRoutes, { auth, enabled: config.auth.enabled });
  await app.register(auditRoutes, { audit: auth.audit });
  const { tracking, registry, models, piiSalt } = modelStack(app, auth, options);
  await app.register(mlflowCompat, { audit: auth.audit, tracking, registry });
  await app.register(nativeTrackingRoutes, { tracking });
  await app.register(nativeRegistryRoutes, { registry });
  await app.register(runArtifactRoutes, { runArtifacts: tracking.artifacts });
  const data = new DataService(meta, blobs, auth.audit, {
    tmpDir: path.join(config.dataDir, 'tmp'),
    maxUploadBytes: config.server.uploadLimitBytes,
    sqlSourceHosts: config.data.sqlSourceHosts
      .split(',')
      .map((h) => h.trim())
      .filter(Boolean),
    sqlTimeoutMs: config.data.sqlTimeoutMs,
    piiSalt,
  });
  app.addHook('onClose', async () => data.close());
  await app.register(dataRoutes, { data });
  await app.register(checkRoutes, { data });
  await app.register(diffRoutes, { data });
  await app.register(transformRoutes, { data });
  await app.register(sqlSourceRoutes, { data });
  await app.register(lineageRoutes, { data });
  const jobs = new JobService(meta, auth.audit);
  await jobs.recover();
  app.addHook('onClose', async () => jobs.close());
  const training = new TrainingService({ data, tracking, registry }, jobs);
  await app.register(jobRoutes, { jobs, training });
  await app.register(modelPackageRoutes, { models, uploadLimitBytes: config.server.modelUploadLimitBytes });
  new BatchScoring({ data, models, workRoot: path.join(config.dataDir, 'work', 'predict') }, jobs);
  const validation = new ValidationService({ data, models, tracking, registry }, jobs);
  await app.register(validationRoutes, { validation });
  const monitoring = await MonitoringService.open(meta, blobs, {
    dir: path.join(config.dataDir, 'monitoring'),
    models,
    data,
    // The workers of `lathe serve` leave their files to the server.
    compactOthers: true,
  });
  app.addHook('onClose', async () => monitoring.close());
  const serving = await registerServing(
    app,
    { auth, models, registry, metricsRegistry, monitoring },
    options,
  );
  await app.register(monitoringRoutes, { monitoring, data });
  await app.register(monitoringQueryRoutes, { monitoring });
  const monitors = new MonitorService({
    meta,
    audit: auth.audit,
    webhooks: registry.webhooks,
    source: new StoreMonitorSource(monitoring),
    // A firing monitor sends the deployment's traffic to its fallback until it resolves.
    degrade: async (deployment, on) => {
      const d = await serving.get(deployment);
      await serving.setDegraded(deployment, on ? d.spec.models.map((m) => m.model) : [], null);
    },
    logger: app.log,
  });
  monitors.start();
  app.addHook('onClose', async () => monitors.close());
  await app.register(monitorRoutes, { monitors });
  const webDir = options.webDir ?? webDistDir;
  const uiBuilt = isUiBuilt(webDir);
  await app.register(webUiPlugin, { dir: webDir, built: uiBuilt });

  app.setNotFoundHandler((request, reply) => {
    if (uiBuilt && wantsUiPage(request)) return sendUiPage(reply, webDir);
    const path = request.url.split('?')[0];
    return sendError(reply, {
      status: 404,
      code: 'NOT_FOUND',
      message: `no route ${request.method} ${path}; the API is described at /api/docs`,
    });
  });
  return app;
}

/**
 * Tracking, the registry and the model service over the app's stores (closed with the app): what
 * loading registered models needs, in the full server and in `lathe serve`.
 */
export function modelStack(app: LatheApp, auth: AuthService, options: AppOptions) {
  const { config, meta, blobs } = options;
  const tracking = new TrackingService(meta, blobs, auth.audit, {
    maxArtifactBytes: config.server.artifactLimitBytes,
  });
  const registry = new RegistryService(meta, auth.audit, tracking, { webhookOptions: { logger: app.log } });
  app.addHook('onClose', async () => registry.webhooks.close());
  const piiSalt = async () => config.data.piiSalt || loadOrCreateSalt(path.join(config.dataDir, 'pii-salt'));
  const models = new ModelService({ tracking, registry }, { piiSalt });
  app.addHook('onClose', async () => models.close());
  return { tracking, registry, models, piiSalt };
}

/**
 * Starts serving every stored deployment (closed with the app) and registers the deployment,
 * prediction and Open Inference Protocol routes.
 */
export async function registerServing(
  app: LatheApp,
  deps: {
    auth: AuthService;
    models: ModelService;
    registry: RegistryService;
    metricsRegistry: Registry;
    /** Where endpoints' prediction records go (the server's store, or a serving worker's log thread). */
    monitoring: Pick<MonitoringService, 'logServed'>;
  },
  options: AppOptions & { logPart?: string; syncMs?: number },
): Promise<ServingService> {
  const serving = new ServingService(
    { meta: options.meta, audit: deps.auth.audit, models: deps.models, registry: deps.registry },
    {
      metrics: deps.metricsRegistry,
      log: async (records) => {
        await deps.monitoring.logServed(records);
      },
      ...(options.syncMs !== undefined ? { syncMs: options.syncMs } : {}),
      logger: app.log,
    },
  );
  await serving.start();
  app.addHook('onClose', async () => serving.close());
  await app.register(deploymentRoutes, { serving });
  await app.register(endpointRoutes, { serving });
  await app.register(oipRoutes, { serving });
  return serving;
}
