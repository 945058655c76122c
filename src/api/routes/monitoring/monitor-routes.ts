import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { MonitorService } from '../../../monitoring/index.js';
import { principalOf } from '../../plugins/auth.js';

const tags = ['monitoring'];
const Params = Type.Object({
  name: Type.String({ minLength: 1, maxLength: 63, description: 'the monitor name' }),
});
const AlertParams = Type.Object({
  id: Type.String({ minLength: 1, maxLength: 100, description: 'the alert ID' }),
});
const Limit = Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 }));
const Specs = Type.Unknown({
  description:
    'one monitor spec, a list, or {monitors: [...]}: {name, model, kind: performance|drift|quality|volume, metric, ' +
    'feature?, window: "1d", baseline?: {environment}|{window}, environment?, where?, warning?, critical, direction?, ' +
    'minSamples?, every?, degrade?}; YAML text is accepted with content type application/yaml',
});

/**
 * Monitors and alerts: apply specs (all or nothing), list, show, delete, evaluate on demand,
 * history of evaluations; the alerts inbox and acknowledgement.
 */
export const monitorRoutes: FastifyPluginAsyncTypebox<{ monitors: MonitorService }> = async (
  app,
  { monitors },
) => {
  for (const type of ['application/yaml', 'application/x-yaml', 'text/yaml'])
    if (!app.hasContentTypeParser(type))
      app.addContentTypeParser(type, { parseAs: 'string' }, (_req, body, done) => done(null, body));

  app.get(
    '/api/v1/monitors',
    {
      config: { permission: 'read' },
      schema: { tags, summary: 'List monitors with their state, last value and open alert' },
    },
    async () => ({ monitors: await monitors.list() }),
  );

  for (const method of ['POST', 'PUT'] as const)
    app.route({
      method,
      url: '/api/v1/monitors',
      config: { permission: 'write' },
      schema: {
        tags,
        summary: 'Apply monitor specs: every spec is checked first, nothing is stored when one is bad',
        body: Specs,
      },
      handler: async (req, reply) => {
        const applied = await monitors.apply(req.body, principalOf(req));
        return reply.code(applied.monitors.some((m) => m.action === 'created') ? 201 : 200).send(applied);
      },
    });

  app.post(
    '/api/v1/monitors/evaluate',
    {
      config: { permission: 'write' },
      schema: { tags, summary: 'Evaluate every monitor now' },
    },
    async () => ({ results: await monitors.evaluateAll() }),
  );

  app.get(
    '/api/v1/monitors/:name',
    {
      config: { permission: 'read' },
      schema: { tags, summary: 'A monitor: spec, state, last value and message, open alert', params: Params },
    },
    async (req) => monitors.get(req.params.name),
  );

  app.delete(
    '/api/v1/monitors/:name',
    {
      config: { permission: 'write' },
      schema: {
        tags,
        summary: 'Delete a monitor and its history (its open alert is resolved)',
        params: Params,
      },
    },
    async (req, reply) => {
      await monitors.delete(req.params.name, principalOf(req));
      return reply.code(204).send();
    },
  );

  app.post(
    '/api/v1/monitors/:name/evaluate',
    {
      config: { permission: 'write' },
      schema: {
        tags,
        summary: 'Evaluate a monitor now: its state, the evaluation stored, the alert it touched',
        params: Params,
      },
    },
    async (req) => monitors.evaluate(req.params.name),
  );

  app.get(
    '/api/v1/monitors/:name/history',
    {
      config: { permission: 'read' },
      schema: {
        tags,
        summary: 'Evaluations of a monitor, newest first',
        params: Params,
        querystring: Type.Object({ limit: Limit }),
      },
    },
    async (req) => ({ evaluations: await monitors.history(req.params.name, req.query.limit) }),
  );

  app.get(
    '/api/v1/alerts',
    {
      config: { permission: 'read' },
      schema: {
        tags,
        summary: 'Alerts, newest first: open or resolved, of one monitor or all',
        querystring: Type.Object({
          state: Type.Optional(Type.Union([Type.Literal('open'), Type.Literal('resolved')])),
          monitor: Type.Optional(Type.String({ maxLength: 63 })),
          limit: Limit,
        }),
      },
    },
    async (req) => ({ alerts: await monitors.alerts(req.query) }),
  );

  app.get(
    '/api/v1/alerts/:id',
    {
      config: { permission: 'read' },
      schema: { tags, summary: 'An alert', params: AlertParams },
    },
    async (req) => monitors.alert(req.params.id),
  );

  app.post(
    '/api/v1/alerts/:id/acknowledge',
    {
      config: { permission: 'write' },
      schema: {
        tags,
        summary: 'Mark an alert seen (it stays open until its monitor is ok)',
        params: AlertParams,
      },
    },
    async (req) => monitors.acknowledge(req.params.id, principalOf(req)),
  );
};
