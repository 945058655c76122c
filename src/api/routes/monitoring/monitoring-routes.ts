import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { INGEST_LIMIT, Model, tags } from './monitoring-schemas.js';
import { describeValue, LatheError } from '../../../core/index.js';
import type { DataService } from '../../../data/index.js';
import type { MonitoringService } from '../../../monitoring/index.js';

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

/**
 * The inference store's writes and models: ingest of predictions and actuals from any model server
 * (JSON or NDJSON), monitored models and their status, baselines from dataset versions, retention.
 * Its queries are in monitoring-query-routes.ts.
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
