import type { Command } from 'commander';
import { type DeepPartial, type LatheConfig, loadConfig, type ResolvedConfig } from '../core/index.js';
import { LatheClient } from '../sdk/index.js';

/** Global options every command accepts. */
export interface GlobalOptions {
  config?: string;
  url?: string;
  token?: string;
  json?: boolean;
}

/** Adds the options that choose where stores live (server, config show, db). */
export function addStoreOptions(cmd: Command): Command {
  return cmd
    .option('--data-dir <dir>', 'data directory for embedded stores (default ./lathe-data)')
    .option('--meta-uri <uri>', 'metadata store: sqlite:PATH or postgres://user:pass@host/db')
    .option('--blob-uri <uri>', 'blob store: file:PATH');
}

/** The effective config for a command: defaults < file < env < the flags given on this command line. */
export function resolveConfig(cmd: Command, extra: DeepPartial<LatheConfig> = {}): ResolvedConfig {
  const o = cmd.optsWithGlobals<GlobalOptions & { dataDir?: string; metaUri?: string; blobUri?: string }>();
  const flags: DeepPartial<LatheConfig> = {
    ...extra,
    dataDir: o.dataDir,
    stores: { meta: o.metaUri, blobs: o.blobUri },
    client: { url: o.url, token: o.token },
  };
  return loadConfig({ file: o.config, flags });
}

/** A client for the server named by --url/LATHE_URL with --token/LATHE_TOKEN. */
export function clientFor(cmd: Command): LatheClient {
  const { config } = resolveConfig(cmd);
  return new LatheClient({ url: config.client.url, token: config.client.token || null });
}

export function wantsJson(cmd: Command): boolean {
  return cmd.optsWithGlobals<GlobalOptions>().json === true;
}
