import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { AuthService, TokenScope } from '../../../auth/index.js';
import { LatheError } from '../../../core/index.js';
import { principalOf } from '../../plugins/auth.js';

const Permission = Type.Union([Type.Literal('read'), Type.Literal('write'), Type.Literal('admin')]);
/** A scope: a permission, or `predict:NAME` (the token may only call serving endpoint NAME). */
const Scope = Type.Union([
  Permission,
  Type.String({
    pattern: '^predict:[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$',
    description: 'predict:ENDPOINT — may only call that serving endpoint',
  }),
]);
const Role = Type.Union([Type.Literal('viewer'), Type.Literal('editor'), Type.Literal('admin')]);
const Time = Type.String({ format: 'date-time' });
const NullableTime = Type.Union([Time, Type.Null()]);
const Name = Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9][A-Za-z0-9._@-]*$' });

const User = Type.Object({
  id: Type.String(),
  name: Type.String(),
  role: Role,
  createdAt: Time,
  disabled: Type.Boolean(),
});
const ApiToken = Type.Object({
  id: Type.String(),
  userId: Type.String(),
  userName: Type.String(),
  name: Type.String(),
  prefix: Type.String(),
  scopes: Type.Array(Scope),
  createdAt: Time,
  expiresAt: NullableTime,
  lastUsedAt: NullableTime,
  revokedAt: NullableTime,
});

/** `/api/v1/me`, `/api/v1/tokens`, `/api/v1/users`. */
export const authRoutes: FastifyPluginAsyncTypebox<{ auth: AuthService; enabled: boolean }> = async (
  app,
  { auth, enabled },
) => {
  app.get(
    '/api/v1/me',
    {
      schema: {
        tags: ['auth'],
        summary: 'The caller: user, role and the permissions of the token',
        response: {
          200: Type.Object({
            user: Type.Object({ id: Type.String(), name: Type.String(), role: Role }),
            permissions: Type.Array(Permission),
            tokenId: Type.Union([Type.String(), Type.Null()]),
            authEnabled: Type.Boolean(),
          }),
        },
      },
      config: { permission: 'read' },
    },
    async (req) => {
      const p = principalOf(req);
      return {
        user: { id: p.userId, name: p.userName, role: p.role },
        permissions: [...p.permissions],
        tokenId: p.tokenId,
        authEnabled: enabled,
      };
    },
  );

  app.get(
    '/api/v1/tokens',
    {
      schema: {
        tags: ['auth'],
        summary: "List the caller's API tokens (all users' with all=true, admins only), newest first",
        querystring: Type.Object({ all: Type.Optional(Type.Boolean()) }, { additionalProperties: false }),
        response: { 200: Type.Object({ tokens: Type.Array(ApiToken) }) },
      },
      config: { permission: 'read' },
    },
    async (req) => {
      const p = principalOf(req);
      const all = req.query.all === true;
      if (all && !p.permissions.includes('admin')) {
        throw new LatheError(
          'PERMISSION_DENIED',
          "listing every user's tokens (all=true) needs the admin permission",
        );
      }
      return { tokens: await auth.listTokens(all ? null : p.userId) };
    },
  );

  app.post(
    '/api/v1/tokens',
    {
      schema: {
        tags: ['auth'],
        summary: 'Create an API token; the secret is in this answer only',
        body: Type.Object(
          {
            name: Name,
            scopes: Type.Optional(Type.Array(Scope, { minItems: 1, maxItems: 32 })),
            expiresInDays: Type.Optional(Type.Number({ exclusiveMinimum: 0, maximum: 3650 })),
            user: Type.Optional(Name),
          },
          { additionalProperties: false },
        ),
        response: { 201: Type.Object({ token: ApiToken, secret: Type.String() }) },
      },
      config: { permission: 'read' },
    },
    async (req, reply) => {
      const { name, scopes, expiresInDays, user } = req.body;
      const created = await auth.createToken(
        {
          name,
          ...(scopes ? { scopes: scopes as TokenScope[] } : {}),
          userName: user,
          expiresAt: expiresInDays === undefined ? null : Date.now() + expiresInDays * 86_400_000,
        },
        { actor: principalOf(req), requestId: req.id },
      );
      return reply.code(201).send(created);
    },
  );

  app.delete(
    '/api/v1/tokens/:id',
    {
      schema: {
        tags: ['auth'],
        summary: 'Revoke an API token (your own; any, for admins)',
        params: Type.Object({ id: Type.String({ maxLength: 64 }) }),
        response: { 200: Type.Object({ token: ApiToken }) },
      },
      config: { permission: 'read' },
    },
    async (req) => ({
      token: await auth.revokeToken(req.params.id, { actor: principalOf(req), requestId: req.id }),
    }),
  );

  app.get(
    '/api/v1/users',
    {
      schema: {
        tags: ['auth'],
        summary: 'List users',
        response: { 200: Type.Object({ users: Type.Array(User) }) },
      },
      config: { permission: 'admin' },
    },
    async () => ({ users: await auth.listUsers() }),
  );

  app.post(
    '/api/v1/users',
    {
      schema: {
        tags: ['auth'],
        summary: 'Create a user with a role',
        body: Type.Object({ name: Name, role: Role }, { additionalProperties: false }),
        response: { 201: Type.Object({ user: User }) },
      },
      config: { permission: 'admin' },
    },
    async (req, reply) =>
      reply
        .code(201)
        .send({ user: await auth.createUser(req.body, { actor: principalOf(req), requestId: req.id }) }),
  );
};
