import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { version } from '../../../core/index.js';

const SystemInfo = Type.Object({
  version: Type.String(),
  authEnabled: Type.Boolean(),
  metaStore: Type.Union([Type.Literal('sqlite'), Type.Literal('postgres')]),
  blobStore: Type.String(),
  startedAt: Type.String({ format: 'date-time' }),
  uptimeSeconds: Type.Number(),
});

export interface SystemRoutesOptions {
  authEnabled: boolean;
  metaStore: 'sqlite' | 'postgres';
  blobStore: string;
}

/** `/api/v1/system/info`: version, store kinds and uptime. */
export const systemRoutes: FastifyPluginAsyncTypebox<SystemRoutesOptions> = async (app, opts) => {
  const started = Date.now();
  app.get(
    '/api/v1/system/info',
    {
      schema: {
        tags: ['system'],
        summary: 'Server version, stores and uptime',
        response: { 200: SystemInfo },
      },
      config: { permission: 'read' },
    },
    async () => ({
      version,
      authEnabled: opts.authEnabled,
      metaStore: opts.metaStore,
      blobStore: opts.blobStore,
      startedAt: new Date(started).toISOString(),
      uptimeSeconds: Math.round((Date.now() - started) / 1000),
    }),
  );
};
