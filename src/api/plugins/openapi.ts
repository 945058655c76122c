import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { version } from '../../core/index.js';

/** The OpenAPI 3 document, generated from route schemas, at `/api/openapi.json`; interactive docs at `/api/docs`. */
export const openapiPlugin = fp(async (app: FastifyInstance) => {
  await app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: {
        title: 'Lathe API',
        version,
        description:
          'Send `Authorization: Bearer <token>` (create one with `lathe tokens create`). Errors answer `{ "error": { "code", "message", "details", "requestId" } }`.',
      },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
      security: [{ bearer: [] }],
    },
    transform: ({ schema, url, route }) => {
      const permission = (route.config as { permission?: string } | undefined)?.permission;
      const s = { ...(schema ?? {}) } as Record<string, unknown>;
      if (permission === 'public') s.security = [];
      else if (permission)
        s.description =
          `${(s.description as string | undefined) ?? ''}\n\nRequires the \`${permission}\` permission.`.trim();
      return { schema: s as never, url };
    },
  });
  await app.register(swaggerUi, { routePrefix: '/api/docs', uiConfig: { persistAuthorization: true } });
  app.get('/api/openapi.json', { schema: { hide: true }, config: { permission: 'public' } }, async () =>
    app.swagger(),
  );
});
