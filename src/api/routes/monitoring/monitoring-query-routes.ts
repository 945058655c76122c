import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { type MonitoringService, resolveWindows, rootCause } from '../../../monitoring/index.js';
import { bucketOf, tags, WindowQuery } from './monitoring-schemas.js';

/**
 * The inference store's queries: drift between windows or environments (and per bucket), performance
 * by window, slice and version, traffic, quality, root cause, explanations, and one prediction.
 */
export const monitoringQueryRoutes: FastifyPluginAsyncTypebox<{ monitoring: MonitoringService }> = async (
  app,
  { monitoring },
) => {
  /** Two windows compared: the current one and the baseline (an environment, or the window before). */
  const Compare = Type.Object({
    ...WindowQuery,
    baseline: Type.Optional(
      Type.String({ description: 'an environment (default training), or previous: the window before' }),
    ),
    current: Type.Optional(Type.String({ description: 'the current environment (default production)' })),
  });

  app.get(
    '/api/v1/monitoring/drift',
    {
      config: { permission: 'read' },
      schema: {
        tags,
        summary:
          'Drift per feature and of the prediction, baseline → current: PSI, KS, Jensen–Shannon, Wasserstein, chi², thresholds, drifted or not',
        querystring: Type.Object({
          ...Compare.properties,
          features: Type.Optional(Type.String({ description: 'comma-separated features (default all)' })),
          sampleSize: Type.Optional(Type.Integer({ description: 'rows per side for KS and Wasserstein' })),
        }),
      },
    },
    async (req) => {
      const q = req.query;
      const windows = resolveWindows(q, Date.now());
      return monitoring.drift(q.model, windows, {
        ...(q.features ? { features: q.features.split(',').map((f) => f.trim()) } : {}),
        ...(q.sampleSize !== undefined ? { sampleSize: q.sampleSize } : {}),
      });
    },
  );

  app.get(
    '/api/v1/monitoring/drift/series',
    {
      config: { permission: 'read' },
      schema: {
        tags,
        summary:
          'Drift of each feature per time bucket against the baseline (a heatmap), and the drifted share',
        querystring: Type.Object({
          ...Compare.properties,
          window: Type.Optional(Type.String({ description: 'the span covered (default 7d)' })),
          bucket: Type.Optional(Type.String({ description: 'bucket size (default 1d)' })),
          baseline: Type.Optional(Type.String({ description: 'an environment (default training)' })),
        }),
      },
    },
    async (req) => {
      const q = req.query;
      const { baseline, current } = resolveWindows({ ...q, window: q.window ?? '7d' }, Date.now());
      return monitoring.driftSeries(
        q.model,
        baseline,
        current as typeof current & { from: number; to: number },
        bucketOf(q.bucket, '1d'),
      );
    },
  );

  app.get(
    '/api/v1/monitoring/performance',
    {
      config: { permission: 'read' },
      schema: {
        tags,
        summary:
          'Performance with ground truth: overall, per group (a tag, a feature, version, environment) and per time bucket, with coverage',
        querystring: Type.Object({
          ...WindowQuery,
          environment: Type.Optional(Type.String({ description: 'default production' })),
          by: Type.Optional(
            Type.String({ description: 'group by a tag, a feature, version or environment' }),
          ),
          bucket: Type.Optional(Type.String({ description: 'time bucket of the series, e.g. 1h, 1d' })),
        }),
      },
    },
    async (req) => {
      const q = req.query;
      const { current } = resolveWindows({ ...q, current: q.environment ?? 'production' }, Date.now());
      return monitoring.performance(q.model, current, {
        ...(q.by ? { by: q.by } : {}),
        ...(q.bucket ? { bucketMs: bucketOf(q.bucket, '1h') } : {}),
      });
    },
  );

  app.get(
    '/api/v1/monitoring/traffic',
    {
      config: { permission: 'read' },
      schema: {
        tags,
        summary: 'Predictions and latency quantiles per time bucket',
        querystring: Type.Object({
          ...WindowQuery,
          environment: Type.Optional(Type.String({ description: 'default production' })),
          bucket: Type.Optional(Type.String({ description: 'default 1h' })),
        }),
      },
    },
    async (req) => {
      const q = req.query;
      // The window ends now (or at `to`) and spans `window` (default a day) unless `from` says.
      const { current } = resolveWindows(
        { ...q, current: q.environment ?? 'production', window: q.window ?? '1d' },
        Date.now(),
      );
      return {
        buckets: await monitoring.traffic(
          q.model,
          current as typeof current & { from: number; to: number },
          bucketOf(q.bucket, '1h'),
        ),
      };
    },
  );

  app.get(
    '/api/v1/monitoring/predictions/:id',
    {
      config: { permission: 'read' },
      schema: {
        tags,
        summary:
          'One logged prediction by ID: features, prediction, probabilities, tags, SHAP values, its actual',
        params: Type.Object({ id: Type.String({ minLength: 1 }) }),
      },
    },
    async (req) => monitoring.prediction(req.params.id),
  );

  app.get(
    '/api/v1/monitoring/quality',
    {
      config: { permission: 'read' },
      schema: {
        tags,
        summary:
          'Data quality of a window against the baseline: missing rate, out-of-range values, new categories, refused records, volume',
        querystring: Compare,
      },
    },
    async (req) => {
      const { baseline, current } = resolveWindows(req.query, Date.now());
      return monitoring.quality(req.query.model, baseline, current);
    },
  );

  app.get(
    '/api/v1/monitoring/root-cause',
    {
      config: { permission: 'read' },
      schema: {
        tags,
        summary:
          'What changed and where: slices ranked by their contribution to a metric change between two windows, features by drift × performance spread',
        querystring: Type.Object({
          ...Compare.properties,
          baseline: Type.Optional(
            Type.String({ description: 'default previous: the window before the current one' }),
          ),
          window: Type.Optional(Type.String({ description: 'the current window (default 1d)' })),
          metric: Type.Optional(
            Type.String({ description: 'default accuracy (classification) or mae (regression)' }),
          ),
        }),
      },
    },
    async (req) => {
      const q = req.query;
      const windows = resolveWindows(
        { ...q, window: q.window ?? '1d', baseline: q.baseline ?? 'previous' },
        Date.now(),
      );
      return rootCause(monitoring, q.model, windows, q.metric);
    },
  );

  app.get(
    '/api/v1/monitoring/explanations',
    {
      config: { permission: 'read' },
      schema: {
        tags,
        summary:
          "SHAP values of a sample of a window's predictions (logged, or TreeSHAP for Lathe's tree models) and global importance",
        querystring: Type.Object({
          ...WindowQuery,
          environment: Type.Optional(Type.String({ description: 'default production' })),
          sampleSize: Type.Optional(
            Type.Integer({ minimum: 1, maximum: 10_000, description: 'default 200' }),
          ),
        }),
      },
    },
    async (req) => {
      const q = req.query;
      const { current } = resolveWindows({ ...q, current: q.environment ?? 'production' }, Date.now());
      return monitoring.explainSample(
        q.model,
        current,
        q.sampleSize !== undefined ? { sampleSize: q.sampleSize } : {},
      );
    },
  );

  app.get(
    '/api/v1/monitoring/explanations/drift',
    {
      config: { permission: 'read' },
      schema: {
        tags,
        summary:
          'Importance drift: each feature’s share of mean |SHAP| in the baseline and the current window',
        querystring: Type.Object({
          ...Compare.properties,
          sampleSize: Type.Optional(Type.Integer({ minimum: 1, maximum: 10_000 })),
        }),
      },
    },
    async (req) => {
      const q = req.query;
      return monitoring.importanceDrift(
        q.model,
        resolveWindows(q, Date.now()),
        q.sampleSize !== undefined ? { sampleSize: q.sampleSize } : {},
      );
    },
  );

  app.get(
    '/api/v1/monitoring/predictions/:id/explanation',
    {
      config: { permission: 'read' },
      schema: {
        tags,
        summary: 'One logged prediction’s SHAP values and base value',
        params: Type.Object({ id: Type.String({ minLength: 1 }) }),
      },
    },
    async (req) => monitoring.explainPrediction(req.params.id),
  );
};
