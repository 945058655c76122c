import { lstat, readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { type Command, InvalidArgumentError } from 'commander';
import type { ImportResult, PackageInfo } from '../sdk/index.js';
import { clientFor, wantsJson } from './context.js';
import { printJson, printTable } from './output.js';

const tasks = ['binary', 'multiclass', 'regression', 'ranking'] as const;

/** A directory's regular files by relative `/` path (links and hidden caches skipped). */
async function readDirectory(root: string): Promise<Map<string, Uint8Array>> {
  const files = new Map<string, Uint8Array>();
  const walk = async (dir: string): Promise<void> => {
    for (const entry of await readdir(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) {
        if (entry.name !== '__pycache__' && entry.name !== '.ipynb_checkpoints') await walk(full);
      } else if (entry.isFile())
        files.set(path.relative(root, full).split(path.sep).join('/'), await readFile(full));
    }
  };
  await walk(root);
  return files;
}

/** Bytes as `1.2 MB`. */
export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ['KB', 'MB', 'GB'];
  let v = n / 1024;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return `${v.toFixed(v < 10 ? 1 : 0)} ${units[u]}`;
}

function printImport(r: ImportResult): void {
  const v = r.version;
  process.stdout.write(`imported ${v.name} version ${v.version} (ref ${v.name}@${v.version})\n`);
  process.stdout.write(`  flavor   ${r.flavor} (${r.family}), task ${r.task}\n`);
  process.stdout.write(`  run      ${r.runId}\n`);
  process.stdout.write(`  inputs   ${r.signature.inputs.map((c) => `${c.name}:${c.type}`).join(', ')}\n`);
  if (r.signature.classes) process.stdout.write(`  classes  ${r.signature.classes.join(', ')}\n`);
  const shown = r.example.result.predictions
    .slice(0, 5)
    .map((p) => (typeof p === 'number' ? Number(p.toPrecision(6)) : p));
  process.stdout.write(
    `  checked  on ${r.example.synthetic ? 'a row built from its signature' : `${r.example.rows.length} input example row(s)`}: ${shown.join(', ')}${r.example.result.predictions.length > 5 ? ', …' : ''}\n`,
  );
  for (const w of r.warnings) process.stdout.write(`  warning  ${w}\n`);
}

/** Prints a version's package: flavor, signature, example, files. */
export function printPackage(p: PackageInfo): void {
  const m = p.manifest;
  process.stdout.write(`  flavor   ${m.flavor} (${m.family}), task ${m.task}\n`);
  if (m.imported) process.stdout.write(`  imported from ${m.imported.from} (${m.imported.format})\n`);
  if (m.training.dataset) process.stdout.write(`  trained  on ${m.training.dataset}\n`);
  process.stdout.write(`  size     ${formatBytes(p.size)} in ${p.files.length} file(s)\n`);
  process.stdout.write('  inputs:\n');
  printTable(
    m.signature.inputs.map((c) => ({ ...c })),
    { column: (c) => c.name, type: (c) => c.type, required: (c) => (c.required ? 'yes' : 'no') },
  );
  if (m.signature.classes) process.stdout.write(`  classes  ${m.signature.classes.join(', ')}\n`);
  if (m.inputExample?.length) process.stdout.write(`  example  ${JSON.stringify(m.inputExample[0])}\n`);
}

/** `lathe models import PATH --name NAME`: any flavor into the registry. */
export function registerModelImportCommand(models: Command): void {
  models
    .command('import <path>')
    .description(
      'import a model file or directory as a new registered version: an ONNX file, an XGBoost JSON/UBJSON model, a LightGBM text model, an MLflow model directory (onnx, xgboost or lightgbm flavor) or a Lathe package. The flavor is detected; the model is loaded and run on its input example before it is registered. Pickles are refused.',
    )
    .requiredOption('--name <name>', 'the registered model to add a version to (created when missing)')
    .option('--flavor <flavor>', 'auto, native, mlflow, onnx, xgboost, lightgbm', 'auto')
    .option('--run <id>', 'a tracking run to link the version to (the package is stored on it)')
    .option(
      '--experiment <name>',
      'the experiment of the import run when no --run is given',
      'Imported models',
    )
    .option('--description <text>', 'a description of the version')
    .option('--task <task>', `when the format does not say (ONNX outputs): ${tasks.join(', ')}`, (v) => {
      if (!(tasks as readonly string[]).includes(v))
        throw new InvalidArgumentError(`expected one of ${tasks.join(', ')}, got "${v}"`);
      return v;
    })
    .option('--classes <labels>', 'comma-separated class labels in probability order (ONNX classifiers)')
    .action(
      async (
        file: string,
        o: {
          name: string;
          flavor: string;
          run?: string;
          experiment: string;
          description?: string;
          task?: (typeof tasks)[number];
          classes?: string;
        },
        cmd: Command,
      ) => {
        let stat: Awaited<ReturnType<typeof lstat>>;
        try {
          stat = await lstat(file);
        } catch {
          return cmd.error(`error: no file or directory at ${file}`);
        }
        const body = stat.isDirectory() ? await readDirectory(file) : await readFile(file);
        if (body instanceof Map && body.size === 0)
          throw new InvalidArgumentError(`${file} is an empty directory`);
        const result = await clientFor(cmd).models.importModel(o.name, body, {
          filename: path.basename(path.resolve(file)),
          flavor: o.flavor,
          experiment: o.experiment,
          ...(o.run ? { run: o.run } : {}),
          ...(o.description ? { description: o.description } : {}),
          ...(o.task ? { task: o.task } : {}),
          ...(o.classes ? { classes: o.classes.split(',').map((c) => c.trim()) } : {}),
        });
        if (wantsJson(cmd)) return printJson(result);
        printImport(result);
      },
    );
}
