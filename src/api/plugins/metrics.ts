import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { collectDefaultMetrics, Registry } from 'prom-client';
import { FastCounter, FastHistogram } from '../../core/index.js';

/**
 * Prometheus metrics at `/metrics`: request counts and latency histograms per route template
 * (never per raw URL), and the process metrics (CPU, memory, event loop, GC).
 */
/** Where metrics are registered, and (in a worker of `lathe serve`) how the whole process group's are gathered. */
export interface MetricsPluginOptions {
  registry?: Registry;
  /** Answers the exposition text for `/metrics` (default: this registry's). */
  collect?: () => Promise<string>;
}

export const metricsPlugin = fp(async (app: FastifyInstance, opts: MetricsPluginOptions) => {
  const registry = opts.registry ?? new Registry();
  collectDefaultMetrics({ register: registry });
  const requests = new FastCounter({
    name: 'lathe_http_requests_total',
    help: 'HTTP requests answered, by method, route template and status code.',
    labelNames: ['method', 'route', 'status_code'],
    registers: [registry],
  });
  const duration = new FastHistogram({
    name: 'lathe_http_request_duration_seconds',
    help: 'Time to answer HTTP requests, by method and route template.',
    labelNames: ['method', 'route'],
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  app.addHook('onResponse', (request, reply, done) => {
    const route = request.routeOptions.url ?? 'unmatched';
    requests.inc({ method: request.method, route, status_code: String(reply.statusCode) });
    duration.observe({ method: request.method, route }, reply.elapsedTime / 1000);
    done();
  });
  app.get('/metrics', { schema: { hide: true }, config: { permission: 'public' } }, async (_req, reply) => {
    reply.type(registry.contentType);
    return opts.collect ? opts.collect() : registry.metrics();
  });
});
