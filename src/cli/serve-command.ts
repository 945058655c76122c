import cluster from 'node:cluster';
import { availableParallelism } from 'node:os';
import type { Command } from 'commander';
import { AggregatorRegistry, Registry } from 'prom-client';
import { createLogger, type LatheConfig, version } from '../core/index.js';
import { addStoreOptions, resolveConfig } from './context.js';
import { positiveInt } from './options.js';
import { installShutdown } from './server-command.js';

interface ServeOptions {
  host?: string;
  port?: string;
  workers?: number;
  logLevel?: string;
}

type MetricsAsk = { type: 'lathe:metrics'; id: number };
type MetricsAnswer = { type: 'lathe:metrics-answer'; id: number; text: string };

/** The primary of `lathe serve --workers N`: forks the workers, restarts any that dies, gathers metrics. */
function runPrimary(workers: number, logger: ReturnType<typeof createLogger>, shutdownMs: number): void {
  const aggregator = new AggregatorRegistry();
  let stopping = false;
  const fork = (index: number) => {
    const w = cluster.fork({ LATHE_SERVE_WORKER: String(index) });
    w.on('message', (m: MetricsAsk) => {
      if (m?.type !== 'lathe:metrics') return;
      aggregator.clusterMetrics().then(
        (text) => w.send({ type: 'lathe:metrics-answer', id: m.id, text } satisfies MetricsAnswer),
        (err: unknown) =>
          w.send({ type: 'lathe:metrics-answer', id: m.id, text: `# metrics failed: ${String(err)}\n` }),
      );
    });
    w.on('exit', (code, signal) => {
      if (stopping) return;
      logger.error({ worker: index, code, signal }, 'serving worker died; starting another');
      setTimeout(() => fork(index), 500).unref();
    });
  };
  for (let i = 1; i <= workers; i++) fork(i);
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) process.exit(1);
    stopping = true;
    for (const w of Object.values(cluster.workers ?? {})) w?.process.kill(signal);
    const timer = setTimeout(() => process.exit(1), shutdownMs + 1000);
    timer.unref();
    let left = Object.keys(cluster.workers ?? {}).length;
    if (!left) process.exit(0);
    cluster.on('exit', () => {
      if (--left <= 0) process.exit(0);
    });
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

/** `/metrics` of a worker: the whole group's, gathered by the primary. */
function clusterCollect(): () => Promise<string> {
  let next = 0;
  const waiting = new Map<number, (text: string) => void>();
  process.on('message', (m: MetricsAnswer) => {
    if (m?.type !== 'lathe:metrics-answer') return;
    waiting.get(m.id)?.(m.text);
    waiting.delete(m.id);
  });
  return () =>
    new Promise((resolve) => {
      const id = ++next;
      waiting.set(id, resolve);
      process.send?.({ type: 'lathe:metrics', id } satisfies MetricsAsk);
    });
}

/** `lathe serve`: a serving-only process (or a group of workers on one port) beside `lathe server`. */
export function registerServeCommand(program: Command): void {
  addStoreOptions(
    program
      .command('serve')
      .description(
        'serve deployments only (predict, MLflow invocations, Open Inference Protocol, metrics) from the same stores as lathe server, optionally as several worker processes on one port',
      )
      .option('--host <address>', 'address to listen on (default 127.0.0.1; anything else requires auth)')
      .option('--port <port>', 'port to listen on (default 7008)')
      .option(
        '--workers <n>',
        `worker processes sharing the port (default 1; this machine has ${availableParallelism()} cores)`,
        positiveInt,
      )
      .option('--log-level <level>', 'fatal, error, warn, info, debug, trace or silent (default info)'),
  ).action(async (opts: ServeOptions, cmd: Command) => {
    const workers = opts.workers ?? 1;
    const { config } = resolveConfig(cmd, {
      server: { host: opts.host, port: (opts.port ?? '7008') as unknown as number },
      log: { level: opts.logLevel as LatheConfig['log']['level'] },
    });
    const logger = createLogger(config.log.level);
    if (workers > 1 && cluster.isPrimary) {
      process.stdout.write(
        `Lathe ${version} serving on http://${config.server.host}:${config.server.port} with ${workers} workers\n`,
      );
      runPrimary(workers, logger, config.server.shutdownTimeoutMs);
      return;
    }
    const worker = process.env.LATHE_SERVE_WORKER;
    const registry = new Registry();
    if (cluster.isWorker) {
      AggregatorRegistry.setRegistries([registry]);
      new AggregatorRegistry(); // makes this worker answer the primary's requests for its metrics
    }
    const { startServer } = await import('../api/index.js');
    const server = await startServer(config, logger, {
      serving: {
        metrics: { registry, ...(cluster.isWorker ? { collect: clusterCollect() } : {}) },
        logPart: worker ? `w${worker}` : 'serve',
      },
    });
    if (!cluster.isWorker) process.stdout.write(`Lathe ${version} serving on ${server.url}\n`);
    installShutdown(server.close, config.server.shutdownTimeoutMs, logger);
  });
}
