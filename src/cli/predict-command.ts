import { createReadStream, existsSync } from 'node:fs';
import { appendFile, stat, writeFile } from 'node:fs/promises';
import type { Command } from 'commander';
import type { LatheClient } from '../sdk/index.js';
import { clientFor, wantsJson } from './context.js';
import { csvField, csvRecords } from './csv-stream.js';
import { duration } from './job-follow.js';
import { positiveInt } from './options.js';
import { printJson } from './output.js';
import { startAndFollow } from './train-commands.js';

interface PredictOptions {
  model: string;
  data?: string;
  out?: string;
  keep?: string;
  chunkRows?: number;
  numericStrings?: boolean;
  wait: boolean;
  input?: string;
  output?: string;
  batchRows: number;
  resume?: boolean;
  overwrite?: boolean;
}

/** Rows already in an output CSV (its records less the header). */
async function rowsWritten(file: string): Promise<number> {
  let n = -1;
  for await (const _ of csvRecords(createReadStream(file))) n++;
  return Math.max(0, n);
}

/**
 * A one-line progress bar on stderr by bytes read (redrawn on a terminal; off a terminal one line
 * per tenth, and the final count).
 */
function bar(total: number) {
  const tty = process.stderr.isTTY === true;
  let lastTenth = -1;
  let last = '';
  const line = (done: number, rows: number) => {
    const share = total ? Math.min(1, done / total) : 1;
    const filled = Math.round(share * 24);
    return `predicting [${'#'.repeat(filled)}${'.'.repeat(24 - filled)}] ${Math.round(share * 100)}%  ${rows} rows`;
  };
  return {
    update(done: number, rows: number) {
      last = line(done, rows);
      const tenth = total ? Math.floor(Math.min(1, done / total) * 10) : 10;
      if (tty) process.stderr.write(`\r\x1b[K${last}`);
      else if (tenth > lastTenth) {
        lastTenth = tenth;
        process.stderr.write(`${last}\n`);
        last = '';
      }
    },
    finish(rows: number) {
      if (tty) process.stderr.write(`\r\x1b[K${line(total, rows)}\n`);
      else if (last) process.stderr.write(`${line(total, rows)}\n`);
    },
  };
}

/** Scores a local CSV through the server, batch by batch, appending to the output CSV. */
async function predictFile(
  cmd: Command,
  client: LatheClient,
  o: PredictOptions & { input: string; output: string },
  json: boolean,
) {
  if (!existsSync(o.input)) cmd.error(`error: no file at ${o.input}`);
  const exists = existsSync(o.output);
  if (exists && !o.resume && !o.overwrite)
    cmd.error(
      `error: ${o.output} exists: --resume to go on from its last row, or --overwrite to start again`,
    );
  const version = await client.registry.resolve(o.model);
  const ref = `${version.name}@${version.version}`;
  const skip = exists && o.resume ? await rowsWritten(o.output) : 0;
  const size = (await stat(o.input)).size;
  const input = createReadStream(o.input);
  const show = bar(size);
  const started = Date.now();
  let header: string[] | null = null;
  let seen = 0;
  let written = 0;
  let wroteHeader = exists && o.resume && skip > 0;
  if (!wroteHeader) await writeFile(o.output, '');
  let batch: Record<string, unknown>[] = [];
  let lines: string[][] = [];
  const flush = async () => {
    if (!batch.length) return;
    const result = await client.models.predict(ref, batch, { numericStrings: o.numericStrings !== false });
    const classes = result.classes ?? [];
    let text = '';
    if (!wroteHeader) {
      text += `${[...header!, 'prediction', ...classes.map((c) => `probability_${c}`)].map(csvField).join(',')}\n`;
      wroteHeader = true;
    }
    for (let i = 0; i < batch.length; i++)
      text += `${[...lines[i]!, result.predictions[i], ...(result.probabilities?.[i] ?? [])].map(csvField).join(',')}\n`;
    await appendFile(o.output, text);
    written += batch.length;
    batch = [];
    lines = [];
    show.update(input.bytesRead, skip + written);
  };
  for await (const record of csvRecords(input)) {
    if (!header) {
      header = record;
      continue;
    }
    if (seen++ < skip) continue;
    batch.push(
      Object.fromEntries(
        header.map((h, j) => [h, record[j] === '' || record[j] === undefined ? null : record[j]]),
      ),
    );
    lines.push(record);
    if (batch.length >= o.batchRows) await flush();
  }
  await flush();
  show.finish(skip + written);
  const seconds = (Date.now() - started) / 1000;
  const summary = {
    model: ref,
    input: o.input,
    output: o.output,
    rows: skip + written,
    resumedRows: skip,
    seconds,
  };
  if (json) return printJson(summary);
  process.stdout.write(
    `wrote ${skip + written} predictions of ${ref} to ${o.output}${skip ? ` (${skip} already there)` : ''} in ${duration(seconds)}\n`,
  );
}

/** `lathe predict`: batch scoring of a dataset version (a server job) or of a local CSV. */
export function registerPredictCommand(program: Command): void {
  program
    .command('predict')
    .description(
      'score rows with a registered model: a dataset version into a new version (--data, --out; a server job with progress that goes on from where it stopped when run again), or a local CSV into a CSV (--input, --output)',
    )
    .requiredOption('--model <ref>', 'the model: NAME@VERSION, NAME@ALIAS or NAME@latest')
    .option('--data <ref>', 'the dataset version to score, NAME@VERSION or NAME@latest')
    .option('--out <name>', 'the dataset the predictions become a new version of')
    .option(
      '--keep <columns>',
      'input columns copied beside the predictions: all (default), none, or a comma list',
    )
    .option('--chunk-rows <n>', 'rows per chunk, 1000..1000000 (default 100000)', positiveInt)
    .option('--numeric-strings', 'read numeric strings in numeric columns as numbers')
    .option('--no-wait', 'start the job and print its id without following it')
    .option('--input <file.csv>', 'a local CSV to score (sent in batches to the server)')
    .option('--output <file.csv>', 'where the local CSV with predictions goes')
    .option('--batch-rows <n>', 'rows per request with --input (default 5000)', positiveInt, 5000)
    .option('--resume', 'with --output: go on after the rows the output already holds')
    .option('--overwrite', 'with --output: replace an existing output file')
    .action(async (o: PredictOptions, cmd: Command) => {
      const json = wantsJson(cmd);
      const local = o.input !== undefined || o.output !== undefined;
      if (local) {
        if (!o.input || !o.output) cmd.error('error: --input and --output go together');
        if (o.data || o.out)
          cmd.error('error: use either --data/--out (a dataset version) or --input/--output (a CSV file)');
        return predictFile(cmd, clientFor(cmd), { ...o, input: o.input, output: o.output }, json);
      }
      if (!o.data || !o.out)
        cmd.error(
          'error: give --data DATASET@VERSION and --out NAME (or --input FILE.csv and --output FILE.csv)',
        );
      const keep =
        o.keep === undefined || o.keep === 'all' || o.keep === 'none'
          ? o.keep
          : o.keep.split(',').map((c) => c.trim());
      await startAndFollow(
        cmd,
        'predict',
        {
          model: o.model,
          data: o.data,
          out: o.out,
          ...(keep !== undefined ? { keep } : {}),
          ...(o.chunkRows !== undefined ? { chunkRows: o.chunkRows } : {}),
          ...(o.numericStrings ? { numericStrings: true } : {}),
        },
        o.wait !== false,
      );
    });
}
