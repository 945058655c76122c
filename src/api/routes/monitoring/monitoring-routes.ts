import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { describeValue, LatheError } from '../../../core/index.js';
import type { DataService } from '../../../data/index.js';
import {
  type MonitoringService,
  rootCause,
  parseDuration,
  parseTime,
  parseWhere,
  resolveWindows,
} from '../../../monitoring/index.js';

const tags = ['monitoring'];
/** Ingest bodies may hold 100,000 records: up to 256 MiB. */
const INGEST_LIMIT = 256 * 1024 * 1024;

const Model = Type.String({ minLength: 1, description: 'the monitored model name' });
const Where = Type.Union([Type.String(), Type.Array(Type.String())], {
  description: 'slice filters KEY=VALUE on a tag or feature (repeatable), e.g. region=eu',
});
const WindowQuery = {
  model: Model,
  window: Type.Optional(
    Type.String({ description: 'the current window, ending now (or at `to`): 30m, 1h, 7d, 2w' }),
  ),
  from: Type.Optional(Type.String({ description: 'start: ISO 8601, epoch ms, or -7d' })),
  to: Type.Optional(Type.String({ description: 'end (exclusive): ISO 8601, epoch ms, now, or -1d' })),
  version: Type.Optional(Type.String({ description: 'only this model version' })),
  where: Type.Optional(Where),
};
const Records = Type.Object(
  {
    records: Type.Array(Type.Unknown(), {
      description: 'the records (checked one by one; bad ones are reported, the others stored)',
    }),
  },
  { additionalProperties: false },
);

/** Records from a JSON body `{records}` or NDJSON text (one record per line). */
function recordsOf(body: unknown): unknown[] {
  if (typeof body === 'string') {
    const out: unknown[] = [];
    body.split('\n').forEach((line, i) => {
      if (!line.trim()) return;
      try {
        out.push(JSON.parse(line));
      } catch {
        throw new LatheError(
          'INVALID_ARGUMENT',
          `NDJSON line ${i + 1} is not valid JSON; expected one record object per line; got ${describeValue(line.slice(0, 80))}`,
        );
      }
    });
    return out;
  }
  return (body as { records: unknown[] }).records;
}

/** A bucket size from the query, or the default. */
const bucketOf = (value: string | undefined, fallback: string) => parseDuration(value ?? fallback, 'bucket');

/**
 * The inference store: ingest of predictions and actuals from any model server (JSON or NDJSON),
 * and its queries — monitored models and their status, drift between windows or environments,
 * performance by window, slice and version, traffic, and lookup of one prediction.
 */
export const monitoringRoutes: FastifyPluginAsyncTypebox<{
  monitoring: MonitoringService;
  data: DataService;
}> = async (app, { monitoring, data }) => {
  for (const type of ['application/x-ndjson', 'application/ndjson', 'application/jsonl'])
    if (!app.hasContentTypeParser(type))
      app.addContentTypeParser(type, { parseAs: 'string', bodyLimit: INGEST_LIMIT }, (_req, body, done) =>
        done(null, body),
      );
  const ingestBody = Type.Union([Records, Type.String({ description: 'NDJSON: one record per line' })]);

  app.post(
    '/api/v1/monitoring/predictions',
    {
      bodyLimit: INGEST_LIMIT,
      config: { permission: 'write' },
      schema: {
        tags,
        summary:
          'Log predictions: {"records": [{predictionId, model, modelVersion, environment?, timestamp?, features, prediction, probabilities?, tags?, latencyMs?, shap?}]} or NDJSON; durable when answered',
        body: ingestBody,
      },
    },
    async (req) => monitoring.logPredictions(recordsOf(req.body)),
  );

  app.post(
    '/api/v1/monitoring/actuals',
    {
      bodyLimit: INGEST_LIMIT,
      config: { permission: 'write' },
      schema: {
        tags,
        summary:
          'Log actuals (ground truth): {"records": [{predictionId, actual, timestamp?}]} or NDJSON; unknown IDs are counted, the last actual of an ID wins',
        body: ingestBody,
      },
    },
    async (req) => monitoring.logActuals(recordsOf(req.body)),
  );

  app.get(
    '/api/v1/monitoring/models',
    { config: { permission: 'read' }, schema: { tags, summary: 'The monitored models' } },
    async () => ({ models: await monitoring.models() }),
  );

  app.get(
    '/api/v1/monitoring/models/:model',
    {
      config: { permission: 'read' },
      schema: {
        tags,
        summary:
          'A monitored model: schema, records per environment and version, ground-truth coverage, counters',
        params: Type.Object({ model: Model }),
      },
    },
    async (req) => monitoring.status(req.params.model),
  );

  app.get(
    '/api/v1/monitoring/drift',
    {
      config: { permission: 'read' },
      schema: {
        tags,
        summary:
          'Drift per feature and of the prediction, baseline → current: PSI, KS, Jensen–Shannon, Wasserstein, chi², thresholds, drifted or not',
        querystring: Type.Object({
          ...WindowQuery,
          baseline: Type.Optional(
            Type.String({ description: 'an environment (default training), or previous: the window before' }),
          ),
          current: Type.Optional(
            Type.String({ description: 'the current environment (default production)' }),
          ),
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
          ...WindowQuery,
          window: Type.Optional(Type.String({ description: 'the span covered (default 7d)' })),
          bucket: Type.Optional(Type.String({ description: 'bucket size (default 1d)' })),
          baseline: Type.Optional(Type.String({ description: 'an environment (default training)' })),
          current: Type.Optional(
            Type.String({ description: 'the current environment (default production)' }),
          ),
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
      const now = Date.now();
      const to = q.to !== undefined ? parseTime(q.to, now, 'to') : now;
      const from =
        q.from !== undefined ? parseTime(q.from, now, 'from') : to - parseDuration(q.window ?? '1d');
      const where = parseWhere(q.where);
      return {
        buckets: await monitoring.traffic(
          q.model,
          {
            environment: q.environment ?? 'production',
            from,
            to,
            ...(q.version ? { version: q.version } : {}),
            ...(where ? { where } : {}),
          },
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

  const Compare = Type.Object({
    ...WindowQuery,
    baseline: Type.Optional(
      Type.String({ description: 'an environment (default training), or previous: the window before' }),
    ),
    current: Type.Optional(Type.String({ description: 'the current environment (default production)' })),
  });

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

  app.post(
    '/api/v1/monitoring/models/:model/baselines',
    {
      config: { permission: 'write' },
      schema: {
        tags,
        summary:
          'Log a dataset version as a reference environment (training, validation…) of the model, its target as actuals',
        params: Type.Object({ model: Model }),
        body: Type.Object(
          {
            dataset: Type.String({ description: 'NAME@VERSION' }),
            environment: Type.Optional(Type.String({ description: 'default training' })),
            target: Type.Optional(Type.String({ description: 'the column holding the actual outcome' })),
            prediction: Type.Optional(
              Type.String({ description: "the column holding the model's prediction" }),
            ),
            version: Type.Optional(Type.String({ description: 'the model version (default baseline)' })),
          },
          { additionalProperties: false },
        ),
      },
    },
    async (req, reply) => {
      const b = req.body;
      const out = await monitoring.logBaseline(
        req.params.model,
        {
          environment: b.environment ?? 'training',
          dataset: b.dataset,
          ...(b.target ? { target: b.target } : {}),
          ...(b.prediction ? { prediction: b.prediction } : {}),
          ...(b.version ? { version: b.version } : {}),
        },
        data,
      );
      return reply.code(201).send(out);
    },
  );

  app.put(
    '/api/v1/monitoring/models/:model/retention',
    {
      config: { permission: 'write' },
      schema: {
        tags,
        summary:
          'Keep the model’s records this many days (null: forever), and thin those older than downsample.afterDays to a downsample.keep share; applied now and hourly',
        params: Type.Object({ model: Model }),
        body: Type.Object(
          {
            days: Type.Union([Type.Integer({ minimum: 1, maximum: 36_500 }), Type.Null()]),
            downsample: Type.Optional(
              Type.Union([
                Type.Object(
                  {
                    afterDays: Type.Integer({
                      minimum: 1,
                      description: 'age in days from which records are thinned',
                    }),
                    keep: Type.Number({
                      exclusiveMinimum: 0,
                      exclusiveMaximum: 1,
                      description: 'the share kept, e.g. 0.1',
                    }),
                  },
                  { additionalProperties: false },
                ),
                Type.Null(),
              ]),
            ),
          },
          { additionalProperties: false },
        ),
      },
    },
    async (req) => monitoring.setRetention(req.params.model, req.body.days, req.body.downsample ?? null),
  );
};
