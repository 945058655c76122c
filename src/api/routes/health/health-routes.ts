import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { isLatheError } from '../../../core/index.js';

/** A dependency the readiness probe checks. */
export interface ReadinessCheck {
  name: string;
  check(): Promise<void>;
}

const Health = Type.Object({
  status: Type.Union([Type.Literal('ok'), Type.Literal('unavailable')]),
  checks: Type.Optional(
    Type.Record(Type.String(), Type.Object({ status: Type.String(), message: Type.Optional(Type.String()) })),
  ),
});

/** `/healthz`: the process answers. `/readyz`: every store answers (503 with the failing checks otherwise). */
export const healthRoutes: FastifyPluginAsyncTypebox<{ checks: ReadinessCheck[] }> = async (
  app,
  { checks },
) => {
  app.get(
    '/healthz',
    {
      schema: { tags: ['system'], summary: 'Liveness probe', response: { 200: Health } },
      config: { permission: 'public' },
    },
    async () => ({ status: 'ok' as const }),
  );
  app.get(
    '/readyz',
    {
      schema: {
        tags: ['system'],
        summary: 'Readiness probe: checks the stores',
        response: { 200: Health, 503: Health },
      },
      config: { permission: 'public' },
    },
    async (_req, reply) => {
      const results: Record<string, { status: string; message?: string }> = {};
      await Promise.all(
        checks.map(async (c) => {
          try {
            await c.check();
            results[c.name] = { status: 'ok' };
          } catch (err) {
            results[c.name] = {
              status: 'unavailable',
              message: isLatheError(err) ? err.message : 'check failed',
            };
          }
        }),
      );
      const ok = Object.values(results).every((r) => r.status === 'ok');
      return reply.code(ok ? 200 : 503).send({ status: ok ? 'ok' : 'unavailable', checks: results });
    },
  );
};
