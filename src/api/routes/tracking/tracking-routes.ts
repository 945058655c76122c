import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { type Static, Type } from '@sinclair/typebox';
import {
  limits,
  type Metric,
  type Run,
  runStatuses,
  type TrackingService,
  viewTypes,
} from '../../../tracking/index.js';
import { jsonDouble, toDouble } from '../../json-double.js';
import { principalOf } from '../../plugins/auth.js';
import {
  Experiment,
  KeyValue,
  MetricHistory,
  MetricPoint,
  Run as RunSchema,
  RunInfo,
} from './tracking-schemas.js';

const wireMetric = (m: Metric) => ({ ...m, value: jsonDouble(m.value) });
const wireRun = (r: Run) => ({ ...r, data: { ...r.data, metrics: r.data.metrics.map(wireMetric) } });
const IdParams = Type.Object({ id: Type.String({ maxLength: 64 }) });
const ViewType = Type.Union(viewTypes.map((v) => Type.Literal(v)));
const RunStatus = Type.Union(runStatuses.map((s) => Type.Literal(s)));
/** Pages of /api/v1/runs/search: smaller than MLflow's (whole runs, rendered by the UI). */
const runPage = { default: 100, max: 1000 };

/** Lathe's own tracking API under /api/v1: the same objects as the MLflow routes, in Lathe's conventions. */
export const trackingRoutes: FastifyPluginAsyncTypebox<{ tracking: TrackingService }> = async (
  app,
  { tracking },
) => {
  const { experiments, runs } = tracking;
  const tags = ['tracking'];

  app.post(
    '/api/v1/experiments',
    {
      schema: {
        tags,
        summary: 'Create an experiment',
        body: Type.Object(
          {
            name: Type.String({ minLength: 1, maxLength: limits.experimentNameLength }),
            artifactLocation: Type.Optional(Type.String()),
            tags: Type.Optional(Type.Array(KeyValue)),
          },
          { additionalProperties: false },
        ),
        response: { 201: Type.Object({ experiment: Experiment }) },
      },
      config: { permission: 'write' },
    },
    async (req, reply) => {
      const id = await experiments.create(req.body, principalOf(req));
      return reply.code(201).send({ experiment: await experiments.get(id) });
    },
  );

  const splitOrder = (o?: string) =>
    o
      ? o
          .split(',')
          .map((x) => x.trim())
          .filter(Boolean)
      : undefined;

  app.get(
    '/api/v1/experiments',
    {
      schema: {
        tags,
        summary:
          "Search experiments (MLflow filter syntax: name LIKE '%churn%', tags.team = 'x'); newest first by default",
        querystring: Type.Object({
          filter: Type.Optional(Type.String({ maxLength: 4000 })),
          orderBy: Type.Optional(
            Type.String({ maxLength: 1000, description: 'comma-separated, e.g. "name ASC"' }),
          ),
          viewType: Type.Optional(ViewType),
          maxResults: Type.Optional(Type.Integer({ minimum: 1, maximum: limits.maxResultsExperiments })),
          pageToken: Type.Optional(Type.String({ maxLength: 200 })),
        }),
        response: {
          200: Type.Object({
            experiments: Type.Array(Experiment),
            nextPageToken: Type.Union([Type.String(), Type.Null()]),
          }),
        },
      },
      config: { permission: 'read' },
    },
    async (req) => {
      const page = await tracking.search.searchExperiments({
        ...req.query,
        orderBy: splitOrder(req.query.orderBy),
      });
      return { experiments: page.items, nextPageToken: page.nextPageToken };
    },
  );

  app.post(
    '/api/v1/runs/search',
    {
      schema: {
        tags,
        summary:
          'Search runs of experiments (MLflow filter syntax and order_by); a bad filter answers 400 with details.position',
        body: Type.Object(
          {
            experimentIds: Type.Array(Type.String({ maxLength: 20 }), { minItems: 1, maxItems: 100 }),
            filter: Type.Optional(Type.String({ maxLength: 4000 })),
            orderBy: Type.Optional(Type.Array(Type.String({ maxLength: 500 }), { maxItems: 10 })),
            viewType: Type.Optional(ViewType),
            maxResults: Type.Optional(Type.Integer({ minimum: 1, maximum: runPage.max })),
            pageToken: Type.Optional(Type.String({ maxLength: 200 })),
            withTotal: Type.Optional(Type.Boolean()),
          },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object({
            runs: Type.Array(RunSchema),
            nextPageToken: Type.Union([Type.String(), Type.Null()]),
            total: Type.Optional(Type.Integer()),
          }),
        },
      },
      config: { permission: 'read' },
    },
    async (req) => {
      const { withTotal, ...q } = req.body;
      const page = await tracking.search.searchRuns({ ...q, maxResults: q.maxResults ?? runPage.default });
      const total = withTotal ? await tracking.search.countRuns(q) : undefined;
      return {
        runs: page.items.map(wireRun),
        nextPageToken: page.nextPageToken,
        ...(total !== undefined ? { total } : {}),
      };
    },
  );

  app.get(
    '/api/v1/experiments/:id/keys',
    {
      schema: {
        tags,
        summary:
          "Param, metric and tag keys used by the experiment's most recent 1,000 runs (for column pickers)",
        params: IdParams,
        response: {
          200: Type.Object({
            params: Type.Array(Type.String()),
            metrics: Type.Array(Type.String()),
            tags: Type.Array(Type.String()),
          }),
        },
      },
      config: { permission: 'read' },
    },
    async (req) => tracking.search.experimentKeys(req.params.id),
  );

  app.get(
    '/api/v1/experiments/:id',
    {
      schema: {
        tags,
        summary: 'Get an experiment by ID or name',
        params: IdParams,
        querystring: Type.Object({
          by: Type.Optional(Type.Union([Type.Literal('id'), Type.Literal('name')])),
        }),
        response: { 200: Type.Object({ experiment: Experiment }) },
      },
      config: { permission: 'read' },
    },
    async (req) => ({
      experiment:
        req.query.by === 'name'
          ? await experiments.getByName(req.params.id)
          : await experiments.get(req.params.id),
    }),
  );

  app.patch(
    '/api/v1/experiments/:id',
    {
      schema: {
        tags,
        summary: 'Rename an experiment',
        params: IdParams,
        body: Type.Object(
          { name: Type.String({ minLength: 1, maxLength: limits.experimentNameLength }) },
          { additionalProperties: false },
        ),
        response: { 200: Type.Object({ experiment: Experiment }) },
      },
      config: { permission: 'write' },
    },
    async (req) => {
      await experiments.rename(req.params.id, req.body.name, principalOf(req));
      return { experiment: await experiments.get(req.params.id) };
    },
  );

  app.delete(
    '/api/v1/experiments/:id',
    {
      schema: {
        tags,
        summary: 'Delete an experiment and its runs (soft; restore with POST …/restore)',
        params: IdParams,
        response: { 200: Type.Object({ experiment: Experiment }) },
      },
      config: { permission: 'write' },
    },
    async (req) => {
      await experiments.setLifecycle(req.params.id, 'deleted', principalOf(req));
      return { experiment: await experiments.get(req.params.id) };
    },
  );

  app.post(
    '/api/v1/experiments/:id/restore',
    {
      schema: {
        tags,
        summary: 'Restore a deleted experiment',
        params: IdParams,
        response: { 200: Type.Object({ experiment: Experiment }) },
      },
      config: { permission: 'write' },
    },
    async (req) => {
      await experiments.setLifecycle(req.params.id, 'active', principalOf(req));
      return { experiment: await experiments.get(req.params.id) };
    },
  );

  app.post(
    '/api/v1/runs',
    {
      schema: {
        tags,
        summary: 'Start a run',
        body: Type.Object(
          {
            experimentId: Type.Optional(Type.String()),
            runName: Type.Optional(Type.String({ maxLength: limits.runNameLength })),
            startTime: Type.Optional(Type.Integer({ minimum: 0 })),
            tags: Type.Optional(Type.Array(KeyValue)),
          },
          { additionalProperties: false },
        ),
        response: { 201: Type.Object({ run: RunSchema }) },
      },
      config: { permission: 'write' },
    },
    async (req, reply) =>
      reply.code(201).send({ run: wireRun(await runs.create(req.body, principalOf(req))) }),
  );

  app.get(
    '/api/v1/runs/:id',
    {
      schema: {
        tags,
        summary: 'Get a run with its latest metrics, params, tags and inputs',
        params: IdParams,
        response: { 200: Type.Object({ run: RunSchema }) },
      },
      config: { permission: 'read' },
    },
    async (req) => ({ run: wireRun(await runs.get(req.params.id)) }),
  );

  app.patch(
    '/api/v1/runs/:id',
    {
      schema: {
        tags,
        summary: 'End or rename a run',
        params: IdParams,
        body: Type.Object(
          {
            status: Type.Optional(RunStatus),
            endTime: Type.Optional(Type.Integer({ minimum: 0 })),
            runName: Type.Optional(Type.String({ maxLength: limits.runNameLength })),
          },
          { additionalProperties: false },
        ),
        response: { 200: Type.Object({ runInfo: RunInfo }) },
      },
      config: { permission: 'write' },
    },
    async (req) => ({ runInfo: await runs.update(req.params.id, req.body) }),
  );

  app.delete(
    '/api/v1/runs/:id',
    {
      schema: { tags, summary: 'Delete a run (soft)', params: IdParams, response: { 204: Type.Null() } },
      config: { permission: 'write' },
    },
    async (req, reply) => {
      await runs.setLifecycle(req.params.id, 'deleted', principalOf(req));
      return reply.code(204).send(null);
    },
  );

  app.post(
    '/api/v1/runs/:id/log',
    {
      schema: {
        tags,
        summary:
          'Log metrics, params and tags (atomic: all or none). Metric timestamps default to now, steps to 0.',
        params: IdParams,
        body: Type.Object(
          {
            metrics: Type.Optional(Type.Array(MetricPoint, { maxItems: limits.metricsPerBatch })),
            params: Type.Optional(Type.Array(KeyValue, { maxItems: limits.paramsTagsPerBatch })),
            tags: Type.Optional(Type.Array(KeyValue, { maxItems: limits.paramsTagsPerBatch })),
          },
          { additionalProperties: false },
        ),
        response: { 204: Type.Null() },
      },
      config: { permission: 'write' },
    },
    async (req, reply) => {
      const now = Date.now();
      await runs.logBatch(req.params.id, {
        metrics: (req.body.metrics ?? []).map((m) => ({
          key: m.key,
          value: toDouble(m.value),
          timestamp: m.timestamp ?? now,
          step: m.step ?? 0,
        })),
        params: req.body.params,
        tags: req.body.tags,
      });
      return reply.code(204).send(null);
    },
  );

  app.get(
    '/api/v1/runs/:id/metrics/:key',
    {
      schema: {
        tags,
        summary:
          'The history of one metric, ordered by step then time (all of it unless maxResults is given)',
        params: Type.Object({
          id: Type.String({ maxLength: 64 }),
          key: Type.String({ maxLength: limits.keyLength }),
        }),
        querystring: Type.Object({
          maxResults: Type.Optional(Type.Integer({ minimum: 1, maximum: 100000 })),
          pageToken: Type.Optional(Type.String()),
        }),
        response: { 200: MetricHistory },
      },
      config: { permission: 'read' },
    },
    async (req, reply) => {
      if (req.query.maxResults === undefined && !req.query.pageToken) {
        // The whole history, written by the database in one pass (see metricHistoryJson).
        const json = await runs.metricHistoryJson(req.params.id, req.params.key);
        // A string body is sent as it is (already JSON), not through the response serializer.
        const body = `{"metrics":${json},"nextPageToken":null}`;
        return reply
          .type('application/json; charset=utf-8')
          .send(body as unknown as Static<typeof MetricHistory>);
      }
      const page = await runs.metricHistory(req.params.id, req.params.key, req.query);
      return { metrics: page.items.map(wireMetric), nextPageToken: page.nextPageToken };
    },
  );
};
