import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { type RegistryService, webhookEvents } from '../../../registry/index.js';
import { Webhook, WebhookEventName } from './registry-schemas.js';
import { principalOf } from '../../plugins/auth.js';

const IdParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 64 }) });

/** `/api/v1/webhooks`: subscriptions to registry events (admin only). */
export const webhookRoutes: FastifyPluginAsyncTypebox<{ registry: RegistryService }> = async (
  app,
  { registry },
) => {
  const tags = ['registry'];
  const { webhooks } = registry;

  app.get(
    '/api/v1/webhooks',
    {
      schema: {
        tags,
        summary: 'List webhook subscriptions, oldest first (never their secrets)',
        response: { 200: Type.Object({ webhooks: Type.Array(Webhook) }) },
      },
      config: { permission: 'admin' },
    },
    async () => ({ webhooks: await webhooks.list() }),
  );

  app.post(
    '/api/v1/webhooks',
    {
      schema: {
        tags,
        summary: 'Subscribe a URL to registry events; the signing secret is in this answer only',
        description: `Events: ${webhookEvents.join(', ')}. Deliveries are JSON POSTs signed with \`X-Lathe-Signature: sha256=<hex HMAC-SHA256 of the body>\`.`,
        body: Type.Object(
          {
            name: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
            url: Type.String({ minLength: 1, maxLength: 2000 }),
            events: Type.Array(WebhookEventName, { minItems: 1, maxItems: webhookEvents.length * 2 }),
            secret: Type.Optional(Type.String({ minLength: 8, maxLength: 500 })),
          },
          { additionalProperties: false },
        ),
        response: { 201: Type.Object({ webhook: Webhook, secret: Type.String() }) },
      },
      config: { permission: 'admin' },
    },
    async (req, reply) => reply.code(201).send(await webhooks.create(req.body, principalOf(req))),
  );

  app.patch(
    '/api/v1/webhooks/:id',
    {
      schema: {
        tags,
        summary: 'Pause or resume a webhook',
        params: IdParams,
        body: Type.Object({ active: Type.Boolean() }, { additionalProperties: false }),
        response: { 200: Type.Object({ webhook: Webhook }) },
      },
      config: { permission: 'admin' },
    },
    async (req) => ({ webhook: await webhooks.setActive(req.params.id, req.body.active, principalOf(req)) }),
  );

  app.delete(
    '/api/v1/webhooks/:id',
    {
      schema: { tags, summary: 'Delete a webhook', params: IdParams, response: { 204: Type.Null() } },
      config: { permission: 'admin' },
    },
    async (req, reply) => {
      await webhooks.delete(req.params.id, principalOf(req));
      return reply.code(204).send(null);
    },
  );
};
