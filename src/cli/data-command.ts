import { createReadStream, createWriteStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { type Command, InvalidArgumentError } from 'commander';
import {
  type ColumnProfile,
  type DatasetVersionDetails,
  type IngestOptions,
  LatheError,
  sourceEncodings,
  sourceFormats,
} from '../sdk/index.js';
import { clientFor, wantsJson } from './context.js';
import { registerDataCheckCommand } from './data-check-command.js';
import { registerDataDiffCommand } from './data-diff-command.js';
import { registerDataTransformCommand } from './data-transform-command.js';
import { registerIngestSqlCommand } from './data-sql-command.js';
import { oneOf } from './options.js';
import { printJson, printTable, shortTime } from './output.js';

function parseSemantic(value: string, previous: Record<string, string> = {}): Record<string, string> {
  const out = { ...previous };
  for (const part of value.split(',')) {
    const at = part.lastIndexOf(':');
    if (at < 1) throw new InvalidArgumentError(`expected column:type, got "${part}"`);
    out[part.slice(0, at).trim()] = part.slice(at + 1).trim();
  }
  return out;
}

const bytes = (n: number) =>
  n >= 1024 ** 3
    ? `${(n / 1024 ** 3).toFixed(2)} GB`
    : n >= 1024 ** 2
      ? `${(n / 1024 ** 2).toFixed(1)} MB`
      : n >= 1024
        ? `${(n / 1024).toFixed(1)} kB`
        : `${n} B`;

/** A progress bar on stderr (only on a terminal): bytes sent, rows seen and rows per second. */
function progress(total: number) {
  const tty = process.stderr.isTTY === true;
  const started = Date.now();
  let sent = 0;
  let rows = 0;
  let last = 0;
  const draw = (force = false) => {
    const now = Date.now();
    if (!tty || (!force && now - last < 100)) return;
    last = now;
    const share = total ? sent / total : 0;
    const width = 30;
    const filled = Math.round(share * width);
    const rate = rows / Math.max((now - started) / 1000, 0.001);
    process.stderr.write(
      `\r[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${(share * 100).toFixed(0).padStart(3)}%  ${bytes(sent)}/${bytes(total)}  ${rows.toLocaleString()} rows  ${Math.round(rate).toLocaleString()} rows/s `,
    );
  };
  return {
    counter: new Transform({
      transform(chunk: Buffer, _enc, done) {
        sent += chunk.length;
        for (let i = chunk.indexOf(10); i !== -1; i = chunk.indexOf(10, i + 1)) rows++;
        draw();
        done(null, chunk);
      },
    }),
    phase(text: string) {
      draw(true);
      if (tty) process.stderr.write(`\n${text}\n`);
    },
    done() {
      if (tty) process.stderr.write('\n');
    },
  };
}

function printVersion(v: DatasetVersionDetails): void {
  const out = (s: string) => process.stdout.write(`${s}\n`);
  out(`${v.ref}  ${v.rows.toLocaleString()} rows × ${v.columns.length} columns  ${bytes(v.size)} Parquet`);
  out(`  digest   ${v.digest}`);
  out(`  created  ${shortTime(v.createdAt)} by ${v.createdBy}`);
  if (v.message) out(`  message  ${v.message}`);
  if (v.parents.length) out(`  parents  ${v.parents.join(', ')}`);
  const s = v.source as { kind: string; filename?: string; format?: string; uri?: string; query?: string };
  out(`  source   ${s.kind}${s.filename ? ` ${s.filename}` : ''}${s.format ? ` (${s.format})` : ''}`);
  if (s.uri) out(`           ${s.uri}: ${s.query?.replace(/\s+/g, ' ').slice(0, 200)}`);
  out('');
  printTable(v.profile.columns, {
    column: (c) => c.name,
    type: (c) => v.columns.find((x) => x.name === c.name)?.type ?? '',
    semantic: (c) => c.semantic,
    missing: (c) => (c.missing ? `${c.missing} (${(c.missingShare * 100).toFixed(1)}%)` : '0'),
    distinct: (c) => `${c.distinctApproximate ? '~' : ''}${c.distinct}`,
    summary: summary,
  });
  if (v.profile.pii.length) {
    out('');
    out('possible personal data (a sample of values and column names; values never shown):');
    for (const f of v.profile.pii)
      out(
        `  ${f.column}: ${f.kind} (${f.evidence.join(' + ')}${f.checked ? `, ${f.matches}/${f.checked} values` : ''})`,
      );
  }
  const issues = v.report.issues;
  if (issues.length || v.report.rowsRejected) {
    out('');
    out(`ingest report: ${v.report.rowsRejected} row(s) skipped, ${issues.length} note(s)`);
    for (const i of issues.slice(0, 20)) out(`  ${i.message}`);
    if (issues.length > 20) out(`  … ${issues.length - 20} more (see --json)`);
  }
}

function summary(c: ColumnProfile): string {
  const f = (x: unknown) => (typeof x === 'number' ? Number(x.toPrecision(4)).toString() : String(x));
  if (c.quantiles)
    return `min ${f(c.min)}  median ${f(c.quantiles['p50'])}  max ${f(c.max)}  mean ${f(c.mean)}  std ${f(c.std)}`;
  if (c.datetime)
    return `${c.datetime.min.slice(0, 10)} → ${c.datetime.max.slice(0, 10)} (${c.datetime.period}s)`;
  if (c.top?.length)
    return `top ${c.top
      .slice(0, 3)
      .map((t) => `${t.value} (${t.count})`)
      .join(', ')}`;
  if (c.length) return `length ${c.length.min}..${c.length.max}`;
  return '';
}

/** `lathe data …`: datasets and their versions. */
export function registerDataCommand(program: Command): void {
  const data = program
    .command('data')
    .description('datasets: ingest files as versions, profiles, rows and exports');

  data
    .command('ingest')
    .description('upload a CSV/TSV, Parquet or JSON Lines file as a new version of a dataset')
    .argument('<file>', 'the file to upload')
    .requiredOption('--name <name>', 'the dataset (created when new)')
    .option('-m, --message <message>', 'what this version is')
    .option('--target <column>', 'the target column')
    .option(
      '--semantic <col:type,...>',
      'semantic types by column (numeric, categorical, boolean, datetime, text, identifier)',
      parseSemantic,
    )
    .option('--append', 'add the rows to the latest version instead of replacing them')
    .option('--strict', 'refuse the file when any row is malformed (default: skip and report them)')
    .option(
      '--format <format>',
      `file format: ${sourceFormats.join(', ')} (default auto)`,
      oneOf(sourceFormats),
    )
    .option('--delimiter <char>', 'CSV field separator (default: detected)')
    .option('--no-header', 'the CSV has no header line')
    .option('--encoding <encoding>', 'auto, utf-8, utf-16 or latin-1', oneOf(sourceEncodings))
    .action(async (file: string, o: Record<string, unknown>, cmd: Command) => {
      const size = await stat(file).then(
        (s) => s.size,
        (err: NodeJS.ErrnoException) => {
          throw new LatheError(
            'INVALID_ARGUMENT',
            `cannot read ${file}: ${err.code === 'ENOENT' ? 'no such file' : err.message}`,
          );
        },
      );
      const bar = progress(size);
      const body = Readable.toWeb(createReadStream(file).pipe(bar.counter)) as ReadableStream<Uint8Array>;
      bar.counter.once('end', () => bar.phase('uploaded; profiling on the server…'));
      const options: IngestOptions = { filename: path.basename(file) };
      for (const k of ['message', 'target', 'semantic', 'format', 'delimiter', 'encoding'] as const)
        if (o[k] !== undefined) (options as Record<string, unknown>)[k] = o[k];
      if (o['append']) options.append = true;
      if (o['strict']) options.strict = true;
      if (o['header'] === false) options.header = false;
      const result = await clientFor(cmd)
        .data.ingest(String(o['name']), body, options)
        .finally(() => bar.done());
      if (wantsJson(cmd)) return printJson(result);
      if (!result.created)
        process.stdout.write(`unchanged: the content equals ${result.version.ref}; no new version\n`);
      printVersion(result.version);
    });

  registerIngestSqlCommand(data, printVersion);
  registerDataCheckCommand(data);
  registerDataDiffCommand(data);
  registerDataTransformCommand(data);

  data
    .command('ls')
    .description('list datasets')
    .action(async (_o, cmd: Command) => {
      const list = await clientFor(cmd).data.list();
      if (wantsJson(cmd)) return printJson({ datasets: list });
      printTable(list, {
        name: (d) => d.name,
        latest: (d) => (d.latestVersion === null ? '-' : `@${d.latestVersion}`),
        versions: (d) => d.versionCount,
        updated: (d) => shortTime(d.updatedAt),
        description: (d) => d.description,
      });
    });

  data
    .command('show')
    .description('a version: schema, profile summary, PII findings and ingest report')
    .argument('<ref>', 'NAME@VERSION, NAME@latest or NAME')
    .action(async (ref: string, _o, cmd: Command) => {
      const v = await clientFor(cmd).data.version(ref);
      if (wantsJson(cmd)) return printJson(v);
      printVersion(v);
    });

  data
    .command('versions')
    .description("a dataset's versions, newest first")
    .argument('<name>')
    .action(async (name: string, _o, cmd: Command) => {
      const d = await clientFor(cmd).data.get(name);
      if (wantsJson(cmd)) return printJson(d);
      printTable(d.versions, {
        ref: (v) => v.ref,
        rows: (v) => v.rows.toLocaleString(),
        columns: (v) => v.columns.length,
        created: (v) => shortTime(v.createdAt),
        parents: (v) => v.parents.join(',') || '-',
        message: (v) => v.message,
      });
    });

  data
    .command('export')
    .description('download a version as CSV or Parquet')
    .argument('<ref>', 'NAME@VERSION, NAME@latest or NAME')
    .option('--format <format>', 'csv or parquet', oneOf(['csv', 'parquet']), 'csv')
    .option('-o, --output <file>', 'where to write (default: stdout)')
    .action(async (ref: string, o: { format: 'csv' | 'parquet'; output?: string }, cmd: Command) => {
      const blob = await clientFor(cmd).data.export(ref, o.format);
      const source = Readable.fromWeb(blob.stream() as never);
      if (o.output) {
        await pipeline(source, createWriteStream(o.output));
        process.stderr.write(`wrote ${bytes(blob.size)} to ${o.output}\n`);
      } else await pipeline(source, process.stdout);
    });
}
