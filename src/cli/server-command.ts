import type { Command } from 'commander';
import {
  blobStoreUri,
  createLogger,
  type LatheConfig,
  maskUri,
  metaStoreUri,
  version,
} from '../core/index.js';
import { addStoreOptions, resolveConfig } from './context.js';

/** `lathe server`: the API, the UI and (later) serving and monitors, in one process. */
export function registerServerCommand(program: Command): void {
  addStoreOptions(
    program
      .command('server')
      .description('start the Lathe server: API, web UI, metrics (listens on 127.0.0.1:7007 by default)')
      .option('--host <address>', 'address to listen on (default 127.0.0.1; anything else requires auth)')
      .option('--port <port>', 'port to listen on, 0 for any free port (default 7007)')
      .option('--no-auth', 'turn API tokens off (only allowed on a loopback address)')
      .option('--public-url <url>', 'the URL people reach the server at, for printed links')
      .option('--log-level <level>', 'fatal, error, warn, info, debug, trace or silent (default info)'),
  ).action(
    async (opts: { host?: string; port?: string; publicUrl?: string; logLevel?: string }, cmd: Command) => {
      const auth = cmd.getOptionValueSource('auth') === 'cli' ? { enabled: false } : {};
      const { config } = resolveConfig(cmd, {
        server: { host: opts.host, port: opts.port as unknown as number, publicUrl: opts.publicUrl },
        auth,
        log: { level: opts.logLevel as LatheConfig['log']['level'] },
      });
      const logger = createLogger(config.log.level);
      // Loaded here, not at start-up: every other command only talks HTTP.
      const { startServer } = await import('../api/index.js');
      const server = await startServer(config, logger);
      const out = process.stdout;
      out.write(`Lathe ${version} listening on ${server.url}\n`);
      out.write(
        `  metadata: ${maskUri(metaStoreUri(config))}\n  blobs:    ${maskUri(blobStoreUri(config))}\n`,
      );
      out.write(
        `  auth:     ${config.auth.enabled ? 'on' : 'OFF (loopback only)'}\n  API docs: ${server.url}/api/docs\n`,
      );
      if (server.adminToken) {
        out.write(`\nAdmin token (shown once, keep it safe): ${server.adminToken}\n`);
        out.write(`Log in to the UI: ${server.url}/login#token=${server.adminToken}\n`);
      }
      installShutdown(server.close, config.server.shutdownTimeoutMs, logger);
    },
  );
}

export function installShutdown(
  close: () => Promise<void>,
  timeoutMs: number,
  logger: ReturnType<typeof createLogger>,
): void {
  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) {
      logger.warn({ signal }, 'second signal: exiting now');
      process.exit(1);
    }
    stopping = true;
    logger.info({ signal, timeoutMs }, 'shutting down: draining in-flight requests');
    const timer = setTimeout(() => {
      logger.error({ timeoutMs }, 'in-flight requests did not finish in time; exiting');
      process.exit(1);
    }, timeoutMs);
    timer.unref();
    close().then(
      () => {
        logger.info('shutdown complete');
        logger.flush();
        process.exit(0);
      },
      (err: unknown) => {
        logger.error({ err }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}
