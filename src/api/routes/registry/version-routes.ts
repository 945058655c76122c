import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { LatheError } from '../../../core/index.js';
import type { RegistryService } from '../../../registry/index.js';
import { principalOf } from '../../plugins/auth.js';
import { KeyValue } from '../tracking/tracking-schemas.js';
import { splitOrderBy } from './model-routes.js';
import {
  AuditEvent,
  Lineage,
  ModelVersion,
  NameParams,
  SearchQuery,
  VersionParams,
} from './registry-schemas.js';

/** `/api/v1/models/{name}/versions…`, the version lineage and the model's audit trail. */
export const versionRoutes: FastifyPluginAsyncTypebox<{ registry: RegistryService }> = async (
  app,
  { registry },
) => {
  const tags = ['registry'];
  const { versions } = registry;

  app.get(
    '/api/v1/models/:name/versions',
    {
      schema: {
        tags,
        summary: 'List or search the live versions of a model (default newest first)',
        description:
          "`filter` is MLflow's model-version filter without the name (`tags.validated = 'yes' AND " +
          'version_number > 3`); `orderBy` keys: version_number, creation_timestamp, last_updated_timestamp.',
        params: NameParams,
        querystring: SearchQuery,
        response: {
          200: Type.Object({
            versions: Type.Array(ModelVersion),
            nextPageToken: Type.Union([Type.String(), Type.Null()]),
          }),
        },
      },
      config: { permission: 'read' },
    },
    async (req) => {
      const model = await registry.models.get(req.params.name);
      const orderBy = splitOrderBy(req.query.orderBy);
      const page = await versions.search({
        ...req.query,
        name: model.name,
        filter: req.query.filter?.trim() ? req.query.filter : undefined,
        orderBy: orderBy?.length ? orderBy : ['version_number DESC'],
        maxResults: req.query.maxResults ?? 1000,
      });
      return { versions: page.items, nextPageToken: page.nextPageToken };
    },
  );

  app.post(
    '/api/v1/models/:name/versions',
    {
      schema: {
        tags,
        summary: 'Create the next version of a model (numbers start at 1 and are never reused)',
        description:
          'With `runId`, the version is linked to the run and to the datasets the run logged as inputs.',
        params: NameParams,
        body: Type.Object(
          {
            source: Type.String({ minLength: 1, maxLength: 5000 }),
            runId: Type.Optional(Type.String({ maxLength: 64 })),
            runLink: Type.Optional(Type.String({ maxLength: 5000 })),
            description: Type.Optional(Type.String({ maxLength: 50_000 })),
            tags: Type.Optional(Type.Array(KeyValue, { maxItems: 100 })),
          },
          { additionalProperties: false },
        ),
        response: { 201: Type.Object({ modelVersion: ModelVersion }) },
      },
      config: { permission: 'write' },
    },
    async (req, reply) =>
      reply.code(201).send({
        modelVersion: await versions.create({ name: req.params.name, ...req.body }, principalOf(req)),
      }),
  );

  app.get(
    '/api/v1/models/:name/versions/:version',
    {
      schema: {
        tags,
        summary: 'Get a model version',
        params: VersionParams,
        response: { 200: Type.Object({ modelVersion: ModelVersion }) },
      },
      config: { permission: 'read' },
    },
    async (req) => ({ modelVersion: await versions.get(req.params.name, req.params.version) }),
  );

  app.patch(
    '/api/v1/models/:name/versions/:version',
    {
      schema: {
        tags,
        summary: 'Set the description of a version and/or move it to a (legacy) stage',
        description:
          '`stage` is one of None, Staging, Production, Archived (any case); with `archiveExisting`, ' +
          'the versions already in Staging/Production move to Archived.',
        params: VersionParams,
        body: Type.Object(
          {
            description: Type.Optional(Type.String({ maxLength: 50_000 })),
            stage: Type.Optional(Type.String({ minLength: 1, maxLength: 20 })),
            archiveExisting: Type.Optional(Type.Boolean()),
          },
          { additionalProperties: false, minProperties: 1 },
        ),
        response: { 200: Type.Object({ modelVersion: ModelVersion }) },
      },
      config: { permission: 'write' },
    },
    async (req) => {
      const { name, version } = req.params;
      const actor = principalOf(req);
      const { description, stage, archiveExisting } = req.body;
      if (stage === undefined && archiveExisting !== undefined) {
        throw new LatheError(
          'INVALID_ARGUMENT',
          'archiveExisting applies to a stage transition: send stage (Staging or Production) with it',
        );
      }
      // The stage first: it is the half that can be refused (an unknown stage), and a refused
      // request must change nothing; a description cannot fail once the version exists.
      if (stage !== undefined)
        await versions.transitionStage(name, version, stage, archiveExisting ?? false, actor);
      if (description !== undefined) await versions.update(name, version, description, actor);
      return { modelVersion: await versions.get(name, version) };
    },
  );

  app.delete(
    '/api/v1/models/:name/versions/:version',
    {
      schema: {
        tags,
        summary: 'Delete a model version (its number is not reused; aliases pointing at it are removed)',
        params: VersionParams,
        response: { 204: Type.Null() },
      },
      config: { permission: 'write' },
    },
    async (req, reply) => {
      await versions.delete(req.params.name, req.params.version, principalOf(req));
      return reply.code(204).send(null);
    },
  );

  const VersionTagParams = Type.Composite([
    VersionParams,
    Type.Object({ key: Type.String({ minLength: 1 }) }),
  ]);

  app.put(
    '/api/v1/models/:name/versions/:version/tags/:key',
    {
      schema: {
        tags,
        summary: 'Set a tag on a model version',
        params: VersionTagParams,
        body: Type.Object({ value: Type.String() }, { additionalProperties: false }),
        response: { 204: Type.Null() },
      },
      config: { permission: 'write' },
    },
    async (req, reply) => {
      const { name, version, key } = req.params;
      await versions.setTag(name, version, { key, value: req.body.value }, principalOf(req));
      return reply.code(204).send(null);
    },
  );

  app.delete(
    '/api/v1/models/:name/versions/:version/tags/:key',
    {
      schema: {
        tags,
        summary: 'Delete a tag of a model version',
        params: VersionTagParams,
        response: { 204: Type.Null() },
      },
      config: { permission: 'write' },
    },
    async (req, reply) => {
      const { name, version, key } = req.params;
      await versions.deleteTag(name, version, key, principalOf(req));
      return reply.code(204).send(null);
    },
  );

  app.get(
    '/api/v1/models/:name/versions/:version/lineage',
    {
      schema: {
        tags,
        summary: 'Where a version came from (its run, the datasets the run used) and what was made from it',
        params: VersionParams,
        response: { 200: Type.Object({ lineage: Lineage }) },
      },
      config: { permission: 'read' },
    },
    async (req) => ({ lineage: await registry.lineage(req.params.name, req.params.version) }),
  );

  app.get(
    '/api/v1/models/:name/audit',
    {
      schema: {
        tags,
        summary: 'The audit trail of a model and its versions, newest first (kept after deletion)',
        params: NameParams,
        querystring: Type.Object(
          {
            limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 100 })),
            pageToken: Type.Optional(Type.String({ maxLength: 64 })),
          },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object({
            events: Type.Array(AuditEvent),
            nextPageToken: Type.Union([Type.String(), Type.Null()]),
          }),
        },
      },
      config: { permission: 'read' },
    },
    async (req) => registry.auditTrail(req.params.name, req.query),
  );
};
