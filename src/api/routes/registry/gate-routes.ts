import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { RegistryService } from '../../../registry/index.js';
import { principalOf } from '../../plugins/auth.js';
import { NameParams, RefParams } from './registry-schemas.js';

const tags = ['registry'];

const Policy = Type.Object({
  aliases: Type.Array(Type.String(), {
    description: 'aliases only versions that meet the policy may point at',
  }),
  stages: Type.Array(Type.String(), { description: 'stages only such versions may enter (e.g. Production)' }),
  suite: Type.Union([Type.String(), Type.Null()], {
    description: 'the validation suite that must have passed; null: any',
  }),
  allowWarnings: Type.Boolean({ description: 'accept a validation that warned' }),
  approvals: Type.Integer({
    minimum: 0,
    maximum: 10,
    description: 'approvals needed, not counting the creator',
  }),
});
const Review = Type.Object({
  id: Type.String(),
  name: Type.String(),
  version: Type.Integer(),
  reviewer: Type.String(),
  decision: Type.Union([Type.Literal('approve'), Type.Literal('reject')]),
  comment: Type.String(),
  createdAt: Type.String(),
});
const Validation = Type.Object({
  job: Type.String(),
  suite: Type.String(),
  status: Type.String(),
  report: Type.Union([Type.String(), Type.Null()], {
    description: 'runs:/<run>/validation/<job>/report.json',
  }),
  createdAt: Type.String(),
});
const GateStatus = Type.Object({
  name: Type.String(),
  version: Type.Integer(),
  policy: Type.Union([Policy, Type.Null()]),
  passed: Type.Boolean(),
  reasons: Type.Array(Type.String()),
  validation: Type.Union([Validation, Type.Null()]),
  approvals: Type.Object({
    approved: Type.Array(Type.String()),
    rejected: Type.Array(Type.Object({ reviewer: Type.String(), comment: Type.String() })),
    needed: Type.Integer(),
  }),
});

/** Gate policies of models, and the gate status and reviews of versions. */
export const gateRoutes: FastifyPluginAsyncTypebox<{ registry: RegistryService }> = async (
  app,
  { registry },
) => {
  const { gates } = registry;
  const version = async (p: { name: string; version: string }) =>
    (await registry.resolveModelRef(`${p.name}@${p.version}`)).version;

  app.get(
    '/api/v1/models/:name/policy',
    {
      schema: {
        tags,
        summary: "A model's gate policy (null when it has none)",
        params: NameParams,
        response: { 200: Type.Object({ policy: Type.Union([Policy, Type.Null()]) }) },
      },
      config: { permission: 'read' },
    },
    async (req) => ({ policy: await gates.policy(req.params.name) }),
  );
  app.put(
    '/api/v1/models/:name/policy',
    {
      schema: {
        tags,
        summary:
          "Sets a model's gate policy: the aliases and stages it guards, the suite and approvals they need",
        description:
          'Moving a guarded alias or stage to a version that does not meet the policy then answers 409 GATE_REFUSED with the reasons.',
        params: NameParams,
        body: Type.Object(
          {
            aliases: Type.Optional(Type.Array(Type.String())),
            stages: Type.Optional(Type.Array(Type.String())),
            suite: Type.Optional(Type.Union([Type.String(), Type.Null()])),
            allowWarnings: Type.Optional(Type.Boolean()),
            approvals: Type.Optional(Type.Integer()),
          },
          { additionalProperties: false },
        ),
        response: { 200: Type.Object({ policy: Policy }) },
      },
      config: { permission: 'write' },
    },
    async (req) => ({ policy: await gates.setPolicy(req.params.name, req.body, principalOf(req)) }),
  );
  app.delete(
    '/api/v1/models/:name/policy',
    {
      schema: {
        tags,
        summary: "Removes a model's gate policy",
        params: NameParams,
        response: { 200: Type.Object({}) },
      },
      config: { permission: 'write' },
    },
    async (req) => {
      await gates.deletePolicy(req.params.name, principalOf(req));
      return {};
    },
  );
  app.get(
    '/api/v1/models/:name/versions/:version/gate',
    {
      schema: {
        tags,
        summary:
          "Where a version stands against its model's policy: its latest validation, approvals, and why it may not be promoted",
        params: RefParams,
        response: { 200: GateStatus },
      },
      config: { permission: 'read' },
    },
    async (req) => gates.status(req.params.name, await version(req.params)),
  );
  app.get(
    '/api/v1/models/:name/versions/:version/validations',
    {
      schema: {
        tags,
        summary:
          "A version's validation runs, newest first: job, suite, status and where the report is stored",
        params: RefParams,
        response: { 200: Type.Object({ validations: Type.Array(Validation) }) },
      },
      config: { permission: 'read' },
    },
    async (req) => ({ validations: await gates.validations(req.params.name, await version(req.params)) }),
  );
  app.get(
    '/api/v1/models/:name/versions/:version/reviews',
    {
      schema: {
        tags,
        summary: "A version's approvals and rejections, oldest first",
        params: RefParams,
        response: { 200: Type.Object({ reviews: Type.Array(Review) }) },
      },
      config: { permission: 'read' },
    },
    async (req) => ({ reviews: await gates.reviews(req.params.name, await version(req.params)) }),
  );
  app.post(
    '/api/v1/models/:name/versions/:version/reviews',
    {
      schema: {
        tags,
        summary: 'Approves or rejects a version (a rejection needs a comment); recorded in the audit log',
        params: RefParams,
        body: Type.Object(
          { decision: Type.String(), comment: Type.Optional(Type.String({ maxLength: 5000 })) },
          { additionalProperties: false },
        ),
        response: { 201: Review },
      },
      config: { permission: 'write' },
    },
    async (req, reply) =>
      reply
        .code(201)
        .send(
          await gates.review(
            req.params.name,
            await version(req.params),
            req.body.decision,
            req.body.comment,
            principalOf(req),
          ),
        ),
  );
};
