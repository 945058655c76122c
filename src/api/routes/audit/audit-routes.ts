import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { AuditLog } from '../../../auth/index.js';

const AuditEvent = Type.Object({
  seq: Type.Integer(),
  at: Type.String({ format: 'date-time' }),
  actorId: Type.Union([Type.String(), Type.Null()]),
  actorName: Type.String(),
  tokenId: Type.Union([Type.String(), Type.Null()]),
  action: Type.String(),
  objectType: Type.String(),
  objectId: Type.String(),
  details: Type.Record(Type.String(), Type.Unknown()),
  requestId: Type.Union([Type.String(), Type.Null()]),
});

/** `/api/v1/audit`: the audit log, newest first, paginated. */
export const auditRoutes: FastifyPluginAsyncTypebox<{ audit: AuditLog }> = async (app, { audit }) => {
  app.get(
    '/api/v1/audit',
    {
      schema: {
        tags: ['auth'],
        summary: 'List audit events, newest first',
        querystring: Type.Object(
          {
            limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 100 })),
            pageToken: Type.Optional(Type.String({ maxLength: 64 })),
            objectType: Type.Optional(Type.String({ maxLength: 64 })),
            objectId: Type.Optional(Type.String({ maxLength: 200 })),
            action: Type.Optional(Type.String({ maxLength: 64 })),
            actor: Type.Optional(Type.String({ maxLength: 64 })),
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
      config: { permission: 'admin' },
    },
    async (req) => audit.list({ ...req.query, actorName: req.query.actor }),
  );
};
