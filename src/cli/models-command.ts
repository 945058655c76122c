import { type Command, InvalidArgumentError } from 'commander';
import type { ModelVersion } from '../sdk/index.js';
import { clientFor, wantsJson } from './context.js';
import { registerModelGateCommands } from './model-gate-command.js';
import { printPackage, registerModelImportCommand } from './model-import-command.js';
import { collectTag, positiveInt } from './options.js';
import { printJson, printTable, shortTime } from './output.js';

const time = (ms: number) => shortTime(new Date(ms).toISOString());
/** A comma-separated cell, `-` when empty. */
const list = (items: string[]) => (items.length ? items.join(',') : '-');

function parseVersion(value: string): number {
  const v = /^[vV]?(\d+)$/.exec(value.trim());
  if (!v || Number(v[1]) < 1)
    throw new InvalidArgumentError(`expected a version number like 3, got "${value}"`);
  return Number(v[1]);
}

function printVersion(v: ModelVersion): void {
  process.stdout.write(`${v.name} version ${v.version} (${v.status}, stage ${v.currentStage})\n`);
  process.stdout.write(`  source   ${v.source}\n`);
  if (v.runId) process.stdout.write(`  run      ${v.runId}\n`);
  if (v.aliases.length) process.stdout.write(`  aliases  ${v.aliases.join(', ')}\n`);
  if (v.description) process.stdout.write(`  about    ${v.description}\n`);
  process.stdout.write(`  created  ${time(v.creationTimestamp)}${v.userId ? ` by ${v.userId}` : ''}\n`);
  for (const t of v.tags) process.stdout.write(`  tag      ${t.key}=${t.value}\n`);
}

/** `lathe models …`: the model registry. */
export function registerModelsCommand(program: Command): void {
  const models = program
    .command('models')
    .description(
      'model registry: registered models, versions, aliases, references; import models from ONNX, XGBoost, LightGBM, MLflow',
    );

  models
    .command('list')
    .description('list registered models (name order)')
    .option('--filter <filter>', 'MLflow filter, e.g. "name LIKE \'fraud%\'" or "tags.team = \'risk\'"')
    .option('--max-results <n>', 'page size, 1..1000 (default 100)', positiveInt)
    .option('--page-token <token>', 'the next page, as printed by the previous call')
    .action(async (o: { filter?: string; maxResults?: number; pageToken?: string }, cmd: Command) => {
      const page = await clientFor(cmd).registry.listModels(o);
      if (wantsJson(cmd)) return printJson(page);
      printTable(page.models, {
        name: (m) => m.name,
        latest: (m) => (m.latestVersions.length ? Math.max(...m.latestVersions.map((v) => v.version)) : '-'),
        aliases: (m) => list(m.aliases.map((a) => `${a.alias}→${a.version}`)),
        updated: (m) => time(m.lastUpdatedTimestamp),
        description: (m) => m.description,
      });
      if (page.nextPageToken) process.stdout.write(`more: --page-token ${page.nextPageToken}\n`);
    });

  models
    .command('show <name>')
    .description(
      'show a model (description, tags, aliases, versions), or one version given a reference: NAME@VERSION, NAME@ALIAS, NAME@latest',
    )
    .action(async (name: string, _o, cmd: Command) => {
      if (name.includes('@')) {
        const client = clientFor(cmd);
        const v = await client.registry.resolve(name);
        const pkg = await client.models.package(`${v.name}@${v.version}`).catch(() => null);
        if (wantsJson(cmd)) return printJson({ modelVersion: v, package: pkg });
        printVersion(v);
        if (pkg) printPackage(pkg);
        else
          process.stdout.write('  package  none Lathe can load (the source is not a Lathe model package)\n');
        return;
      }
      const m = await clientFor(cmd).registry.getModel(name);
      if (wantsJson(cmd)) return printJson({ model: m });
      process.stdout.write(`${m.name}\n`);
      if (m.description) process.stdout.write(`  ${m.description}\n`);
      process.stdout.write(
        `  created ${time(m.creationTimestamp)}, updated ${time(m.lastUpdatedTimestamp)}\n`,
      );
      for (const t of m.tags) process.stdout.write(`  tag ${t.key}=${t.value}\n`);
      for (const a of m.aliases) process.stdout.write(`  alias ${a.alias} → version ${a.version}\n`);
      process.stdout.write('versions:\n');
      printTable(m.versions, {
        version: (v) => v.version,
        stage: (v) => v.currentStage,
        aliases: (v) => list(v.aliases),
        created: (v) => time(v.creationTimestamp),
        source: (v) => v.source,
      });
    });

  models
    .command('versions <name>')
    .description('list the versions of a model, newest first')
    .option('--filter <filter>', 'MLflow filter, e.g. "tags.validated = \'yes\'"')
    .action(async (name: string, o: { filter?: string }, cmd: Command) => {
      const page = await clientFor(cmd).registry.listVersions(name, { filter: o.filter });
      if (wantsJson(cmd)) return printJson(page);
      printTable(page.versions, {
        version: (v) => v.version,
        stage: (v) => v.currentStage,
        aliases: (v) => list(v.aliases),
        run: (v) => v.runId,
        created: (v) => time(v.creationTimestamp),
        source: (v) => v.source,
      });
    });

  models
    .command('register <name>')
    .description('register a new version of a model (the model is created when missing)')
    .requiredOption('--source <uri>', 'where the model files are: runs:/RUN/PATH, s3://…, file:/…')
    .option('--run-id <id>', 'the run that produced it (links the version to the run and its datasets)')
    .option('--description <text>', 'a description of the version')
    .option('--tag <key=value>', 'a tag; repeat for several', collectTag, {})
    .action(
      async (
        name: string,
        o: { source: string; runId?: string; description?: string; tag: Record<string, string> },
        cmd: Command,
      ) => {
        const v = await clientFor(cmd).registry.registerModel(name, {
          source: o.source,
          runId: o.runId,
          description: o.description,
          tags: o.tag,
        });
        if (wantsJson(cmd)) return printJson({ modelVersion: v });
        process.stdout.write(`registered ${v.name} version ${v.version} (ref ${v.name}@${v.version})\n`);
      },
    );

  models
    .command('alias <name> <alias> [version]')
    .description('point an alias (e.g. champion) at a version, or remove it with --delete')
    .option('--delete', 'remove the alias')
    .action(
      async (
        name: string,
        alias: string,
        version: string | undefined,
        o: { delete?: boolean },
        cmd: Command,
      ) => {
        if (o.delete && version !== undefined) cmd.error('error: give either VERSION or --delete, not both');
        if (!o.delete && version === undefined)
          cmd.error('error: missing VERSION (or pass --delete to remove the alias)');
        let v: number | undefined;
        if (version !== undefined) {
          try {
            v = parseVersion(version);
          } catch (err) {
            cmd.error(`error: invalid VERSION: ${(err as Error).message}`);
          }
        }
        const registry = clientFor(cmd).registry;
        if (v === undefined) {
          await registry.deleteAlias(name, alias);
          if (wantsJson(cmd)) return printJson({ deleted: { name, alias } });
          process.stdout.write(`removed alias ${alias} of ${name}\n`);
          return;
        }
        const mv = await registry.setAlias(name, alias, v);
        if (wantsJson(cmd)) return printJson({ modelVersion: mv });
        process.stdout.write(`${name}@${alias} → version ${mv.version}\n`);
      },
    );

  models
    .command('resolve <ref>')
    .description('resolve a model reference: NAME@VERSION, NAME@ALIAS or NAME@latest')
    .action(async (ref: string, _o, cmd: Command) => {
      const v = await clientFor(cmd).registry.resolve(ref);
      if (wantsJson(cmd)) return printJson({ modelVersion: v });
      printVersion(v);
    });

  registerModelImportCommand(models);
  registerModelGateCommands(models);
}
