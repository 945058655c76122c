import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { LatheError } from '../../../core/index.js';
import { type ServingService, specValue } from '../../../serving/index.js';
import { principalOf } from '../../plugins/auth.js';

const tags = ['serving'];
const Name = Type.String({
  pattern: '^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$',
  description: 'the deployment name',
});
const Params = Type.Object({ name: Name });
const Spec = Type.Unknown({
  description:
    'a deployment spec: {name, models: [{model: "NAME@champion", traffic: 90}, …], sticky?, shadow?, fallback?, ' +
    'latencyBudgetMs?, batching?, logging?, numericStrings?, allowUngated?} (see docs/serving.md); YAML text is ' +
    'accepted with content type application/yaml',
});

/**
 * Deployments: apply a spec (create or change; every change is a revision), list, show, delete,
 * set traffic shares, promote the canary, roll back, mark models degraded, read shadow reports.
 */
export const deploymentRoutes: FastifyPluginAsyncTypebox<{ serving: ServingService }> = async (
  app,
  { serving },
) => {
  for (const type of ['application/yaml', 'application/x-yaml', 'text/yaml'])
    if (!app.hasContentTypeParser(type))
      app.addContentTypeParser(type, { parseAs: 'string' }, (_req, body, done) => done(null, body));

  app.get(
    '/api/v1/deployments',
    {
      config: { permission: 'read' },
      schema: { tags, summary: 'List deployments with their state and the versions they serve' },
    },
    async () => ({ deployments: await serving.list() }),
  );

  app.post(
    '/api/v1/deployments',
    {
      config: { permission: 'write' },
      schema: {
        tags,
        summary:
          'Apply a deployment spec: creates the deployment or stores its next revision, then swaps it in',
        body: Spec,
      },
    },
    async (req, reply) => {
      const applied = await serving.apply(req.body, principalOf(req));
      return reply.code(applied.changed && applied.revision === 1 ? 201 : 200).send(applied);
    },
  );

  app.put(
    '/api/v1/deployments/:name',
    {
      config: { permission: 'write' },
      schema: {
        tags,
        summary: 'Apply a deployment spec under this name (the spec may omit its name)',
        params: Params,
        body: Spec,
      },
    },
    async (req, reply) => {
      let body = specValue(req.body);
      if (typeof body === 'object' && body !== null && !Array.isArray(body)) {
        const spec = body as Record<string, unknown>;
        if (spec.name !== undefined && spec.name !== req.params.name)
          throw new LatheError(
            'INVALID_ARGUMENT',
            `the spec is named ${JSON.stringify(spec.name)} but was sent to /api/v1/deployments/${req.params.name}`,
            { field: 'name' },
          );
        body = { ...spec, name: req.params.name };
      }
      const applied = await serving.apply(body, principalOf(req));
      return reply.code(applied.changed && applied.revision === 1 ? 201 : 200).send(applied);
    },
  );

  app.get(
    '/api/v1/deployments/:name',
    {
      config: { permission: 'read' },
      schema: { tags, summary: 'A deployment: spec, revision, state, versions served', params: Params },
    },
    async (req) => serving.get(req.params.name),
  );

  app.delete(
    '/api/v1/deployments/:name',
    {
      config: { permission: 'write' },
      schema: { tags, summary: 'Delete a deployment (its requests in flight are answered)', params: Params },
    },
    async (req, reply) => {
      await serving.delete(req.params.name, principalOf(req));
      return reply.code(204).send();
    },
  );

  app.get(
    '/api/v1/deployments/:name/revisions',
    {
      config: { permission: 'read' },
      schema: { tags, summary: 'Every revision of a deployment, newest first', params: Params },
    },
    async (req) => ({ revisions: await serving.revisions(req.params.name) }),
  );

  app.put(
    '/api/v1/deployments/:name/traffic',
    {
      config: { permission: 'write' },
      schema: {
        tags,
        summary:
          'Set traffic shares: {"shares": {"v7": 90, "v8": 10}} (versions or model references; others leave the split)',
        params: Params,
        body: Type.Object(
          { shares: Type.Record(Type.String(), Type.Number()) },
          { additionalProperties: false },
        ),
      },
    },
    async (req) => serving.traffic(req.params.name, req.body.shares, principalOf(req)),
  );

  app.post(
    '/api/v1/deployments/:name/promote',
    {
      config: { permission: 'write' },
      schema: {
        tags,
        summary: 'Send all traffic to the canary (the route with the smallest share)',
        params: Params,
      },
    },
    async (req) => serving.promote(req.params.name, principalOf(req)),
  );

  app.post(
    '/api/v1/deployments/:name/rollback',
    {
      config: { permission: 'write' },
      schema: {
        tags,
        summary: 'Re-apply the revision before the current one (or the one given)',
        params: Params,
        body: Type.Optional(
          Type.Object(
            { revision: Type.Optional(Type.Integer({ minimum: 1 })) },
            { additionalProperties: false },
          ),
        ),
      },
    },
    async (req) => serving.rollback(req.params.name, principalOf(req), req.body?.revision),
  );

  app.put(
    '/api/v1/deployments/:name/degraded',
    {
      config: { permission: 'write' },
      schema: {
        tags,
        summary: 'Mark model references degraded (the fallback answers for them); an empty list clears them',
        params: Params,
        body: Type.Object(
          { models: Type.Array(Type.String(), { maxItems: 64 }) },
          { additionalProperties: false },
        ),
      },
    },
    async (req) => serving.setDegraded(req.params.name, req.body.models, principalOf(req)),
  );

  app.get(
    '/api/v1/deployments/:name/live',
    {
      config: { permission: 'read' },
      schema: {
        tags,
        summary:
          'Live traffic, one point per second (oldest first): requests by model version, errors, fallbacks, p50/p99 latency in ms; and inference log counters',
        params: Params,
        querystring: Type.Object({ seconds: Type.Optional(Type.Integer({ minimum: 1, maximum: 300 })) }),
      },
    },
    async (req) => serving.live(req.params.name, req.query.seconds),
  );

  app.get(
    '/api/v1/deployments/:name/shadow',
    {
      config: { permission: 'read' },
      schema: {
        tags,
        summary: 'Shadow models against the answers returned: agreement and differences',
        params: Params,
      },
    },
    async (req) => ({ shadows: await serving.shadowReport(req.params.name) }),
  );
};
