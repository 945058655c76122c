import type { Command } from 'commander';
import { stringify } from 'yaml';
import { blobStoreUri, maskSecrets, metaStoreUri } from '../core/index.js';
import { addStoreOptions, resolveConfig, wantsJson } from './context.js';
import { printJson } from './output.js';

/** `lathe config show`: the effective configuration, secrets masked, with where each value came from. */
export function registerConfigCommand(program: Command): void {
  const config = program.command('config').description('inspect the configuration');
  addStoreOptions(
    config
      .command('show')
      .description(
        'print the effective configuration (defaults < config file < LATHE_* env < flags), secrets masked',
      ),
  ).action((_opts, cmd: Command) => {
    const resolved = resolveConfig(cmd);
    const effective = maskSecrets({
      ...resolved.config,
      stores: { meta: metaStoreUri(resolved.config), blobs: blobStoreUri(resolved.config) },
    });
    if (wantsJson(cmd)) {
      printJson({ config: effective, sources: resolved.sources, file: resolved.file });
      return;
    }
    process.stdout.write(
      `# config file: ${resolved.file ?? 'none (lathe.config.json or lathe.config.yaml in the working directory)'}\n`,
    );
    const nonDefault = Object.entries(resolved.sources).filter(([, s]) => s !== 'default');
    if (nonDefault.length)
      process.stdout.write(`# set by: ${nonDefault.map(([k, s]) => `${k}=${s}`).join(', ')}\n`);
    process.stdout.write(stringify(effective));
  });
}
