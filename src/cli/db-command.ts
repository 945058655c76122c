import type { Command } from 'commander';
import { metaStoreUri } from '../core/index.js';
import { addStoreOptions, resolveConfig, wantsJson } from './context.js';
import { printJson } from './output.js';

/** `lathe db upgrade|status`: schema migrations of the metadata store. */
export function registerDbCommand(program: Command): void {
  const db = program.command('db').description('manage the metadata store schema');
  addStoreOptions(
    db.command('upgrade').description('apply pending schema migrations (safe to run again)'),
  ).action(async (_o, cmd: Command) => {
    const { config } = resolveConfig(cmd);
    const { openMetaStore } = await import('../storage/meta/index.js');
    const store = await openMetaStore(metaStoreUri(config), { migrate: false });
    try {
      const result = await store.migrate();
      if (wantsJson(cmd)) return printJson({ store: store.uri, ...result });
      if (result.applied.length === 0)
        process.stdout.write(`${store.uri} is up to date (schema version ${result.current})\n`);
      for (const m of result.applied) process.stdout.write(`applied ${m.version} ${m.name}\n`);
      if (result.applied.length)
        process.stdout.write(`${store.uri} is at schema version ${result.current}\n`);
    } finally {
      await store.close();
    }
  });
  addStoreOptions(db.command('status').description('show the schema version and pending migrations')).action(
    async (_o, cmd: Command) => {
      const { config } = resolveConfig(cmd);
      const { openMetaStore } = await import('../storage/meta/index.js');
      const store = await openMetaStore(metaStoreUri(config), { migrate: false });
      try {
        const status = await store.migrationStatus();
        if (wantsJson(cmd)) return printJson({ store: store.uri, ...status });
        process.stdout.write(`${store.uri}: schema version ${status.current} of ${status.latest}\n`);
        for (const m of status.pending) process.stdout.write(`pending ${m.version} ${m.name}\n`);
      } finally {
        await store.close();
      }
    },
  );
}
