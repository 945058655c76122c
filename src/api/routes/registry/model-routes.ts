import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { RegistryService } from '../../../registry/index.js';
import { principalOf } from '../../plugins/auth.js';
import { KeyValue } from '../tracking/tracking-schemas.js';
import { ModelDetails, ModelVersion, NameParams, RegisteredModel, SearchQuery } from './registry-schemas.js';

/** `?orderBy=a,b&orderBy=c` → `['a', 'b', 'c']`. */
export const splitOrderBy = (orderBy: string[] | undefined) =>
  orderBy
    ?.flatMap((o) => o.split(','))
    .map((o) => o.trim())
    .filter(Boolean);

/** The model with its live versions summarised, newest first. */
export async function modelDetails(registry: RegistryService, name: string) {
  const model = await registry.models.get(name);
  const versions = [];
  let pageToken: string | undefined;
  do {
    const page = await registry.versions.search({
      name: model.name,
      orderBy: ['version_number DESC'],
      maxResults: 10_000,
      pageToken,
    });
    versions.push(...page.items);
    pageToken = page.nextPageToken ?? undefined;
  } while (pageToken);
  return {
    ...model,
    versions: versions.map((v) => ({
      version: v.version,
      currentStage: v.currentStage,
      aliases: v.aliases,
      source: v.source,
      runId: v.runId,
      status: v.status,
      creationTimestamp: v.creationTimestamp,
    })),
  };
}

/** `/api/v1/models`: registered models, their aliases, and `/api/v1/model-refs/{ref}`. */
export const modelRoutes: FastifyPluginAsyncTypebox<{ registry: RegistryService }> = async (
  app,
  { registry },
) => {
  const tags = ['registry'];
  const { models } = registry;

  app.get(
    '/api/v1/models',
    {
      schema: {
        tags,
        summary: 'List or search registered models',
        description:
          "`filter` is MLflow's registered-model filter (`name LIKE 'fraud%' AND tags.team = 'risk'`); " +
          '`orderBy` takes `name` or `last_updated_timestamp` with ASC/DESC (repeat or comma-separate); ' +
          '`maxResults` 1..1000 (default 100); pass `nextPageToken` back as `pageToken`.',
        querystring: SearchQuery,
        response: {
          200: Type.Object({
            models: Type.Array(RegisteredModel),
            nextPageToken: Type.Union([Type.String(), Type.Null()]),
          }),
        },
      },
      config: { permission: 'read' },
    },
    async (req) => {
      const page = await models.search({ ...req.query, orderBy: splitOrderBy(req.query.orderBy) });
      return { models: page.items, nextPageToken: page.nextPageToken };
    },
  );

  app.post(
    '/api/v1/models',
    {
      schema: {
        tags,
        summary: 'Create a registered model',
        body: Type.Object(
          {
            name: Type.String({ minLength: 1, maxLength: 500 }),
            description: Type.Optional(Type.String({ maxLength: 50_000 })),
            tags: Type.Optional(Type.Array(KeyValue, { maxItems: 100 })),
          },
          { additionalProperties: false },
        ),
        response: { 201: Type.Object({ model: ModelDetails }) },
      },
      config: { permission: 'write' },
    },
    async (req, reply) => {
      const created = await models.create(req.body, principalOf(req));
      return reply.code(201).send({ model: await modelDetails(registry, created.name) });
    },
  );

  app.get(
    '/api/v1/models/:name',
    {
      schema: {
        tags,
        summary: 'Get a registered model with its tags, aliases and versions (newest first)',
        params: NameParams,
        response: { 200: Type.Object({ model: ModelDetails }) },
      },
      config: { permission: 'read' },
    },
    async (req) => ({ model: await modelDetails(registry, req.params.name) }),
  );

  app.patch(
    '/api/v1/models/:name',
    {
      schema: {
        tags,
        summary: 'Rename a registered model and/or set its description',
        params: NameParams,
        body: Type.Object(
          {
            name: Type.Optional(Type.String({ minLength: 1, maxLength: 500 })),
            description: Type.Optional(Type.String({ maxLength: 50_000 })),
          },
          { additionalProperties: false, minProperties: 1 },
        ),
        response: { 200: Type.Object({ model: ModelDetails }) },
      },
      config: { permission: 'write' },
    },
    async (req) => {
      const actor = principalOf(req);
      let name = req.params.name;
      if (req.body.name !== undefined && req.body.name !== name) {
        name = (await models.rename(name, req.body.name, actor)).name;
      }
      if (req.body.description !== undefined) await models.update(name, req.body.description, actor);
      return { model: await modelDetails(registry, name) };
    },
  );

  app.delete(
    '/api/v1/models/:name',
    {
      schema: {
        tags,
        summary: 'Delete a registered model with all its versions, tags and aliases',
        params: NameParams,
        response: { 204: Type.Null() },
      },
      config: { permission: 'write' },
    },
    async (req, reply) => {
      await models.delete(req.params.name, principalOf(req));
      return reply.code(204).send(null);
    },
  );

  const AliasParams = Type.Object({
    name: Type.String({ minLength: 1, maxLength: 500 }),
    alias: Type.String({ minLength: 1, maxLength: 255 }),
  });

  app.put(
    '/api/v1/models/:name/aliases/:alias',
    {
      schema: {
        tags,
        summary: 'Point an alias (e.g. champion) at a version, moving it from where it pointed before',
        params: AliasParams,
        body: Type.Object({ version: Type.Integer({ minimum: 1 }) }, { additionalProperties: false }),
        response: { 200: Type.Object({ modelVersion: ModelVersion }) },
      },
      config: { permission: 'write' },
    },
    async (req) => {
      await models.setAlias(req.params.name, req.params.alias, req.body.version, principalOf(req));
      return { modelVersion: await registry.versions.get(req.params.name, req.body.version) };
    },
  );

  app.delete(
    '/api/v1/models/:name/aliases/:alias',
    {
      schema: {
        tags,
        summary: 'Remove an alias (an alias that is not there is no error)',
        params: AliasParams,
        response: { 204: Type.Null() },
      },
      config: { permission: 'write' },
    },
    async (req, reply) => {
      await models.deleteAlias(req.params.name, req.params.alias, principalOf(req));
      return reply.code(204).send(null);
    },
  );

  const TagParams = Type.Object({
    name: Type.String({ minLength: 1, maxLength: 500 }),
    key: Type.String({ minLength: 1, maxLength: 250 }),
  });

  app.put(
    '/api/v1/models/:name/tags/:key',
    {
      schema: {
        tags,
        summary: 'Set a tag on a registered model',
        params: TagParams,
        body: Type.Object({ value: Type.String() }, { additionalProperties: false }),
        response: { 204: Type.Null() },
      },
      config: { permission: 'write' },
    },
    async (req, reply) => {
      await models.setTag(req.params.name, { key: req.params.key, value: req.body.value }, principalOf(req));
      return reply.code(204).send(null);
    },
  );

  app.delete(
    '/api/v1/models/:name/tags/:key',
    {
      schema: {
        tags,
        summary: 'Delete a tag of a registered model',
        params: TagParams,
        response: { 204: Type.Null() },
      },
      config: { permission: 'write' },
    },
    async (req, reply) => {
      await models.deleteTag(req.params.name, req.params.key, principalOf(req));
      return reply.code(204).send(null);
    },
  );

  app.get(
    '/api/v1/model-refs/:ref',
    {
      schema: {
        tags,
        summary: 'Resolve a model reference: NAME@VERSION, NAME@ALIAS or NAME@latest (URL-encode the @)',
        params: Type.Object({ ref: Type.String({ minLength: 3, maxLength: 800 }) }),
        response: { 200: Type.Object({ modelVersion: ModelVersion }) },
      },
      config: { permission: 'read' },
    },
    async (req) => ({ modelVersion: await registry.resolveModelRef(req.params.ref) }),
  );
};
