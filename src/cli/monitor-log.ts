/**
 * `lathe monitor log predictions|actuals FILE`: records read from JSON lines, a JSON array (or
 * `{"records": [...]}`) or CSV, sent in batches, with a progress line and the totals.
 */
import { createReadStream } from 'node:fs';
import { open, readFile, stat } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import type { ActualsResult, IngestResult, LatheClient, RecordError } from '../sdk/index.js';
import { LatheError } from '../sdk/index.js';
import { csvRecords } from './csv-stream.js';
import { count, out } from './monitor-output.js';
import { exitCodes, printJson } from './output.js';

/** Options of a log run: records per request, and defaults for records that leave fields out. */
export interface LogOptions {
  batchSize?: number;
  model?: string;
  modelVersion?: string;
  environment?: string;
}

/** A record read from a file with where it came from (a line or row number), or why it could not be read. */
export type Read = { at: string; record?: unknown; error?: string };

const scalar = (v: string): string | number | boolean | null =>
  v === ''
    ? null
    : v === 'true'
      ? true
      : v === 'false'
        ? false
        : /^-?\d+(\.\d+)?(e[-+]?\d+)?$/i.test(v)
          ? Number(v)
          : v;
const TOP = new Set([
  'predictionId',
  'model',
  'modelVersion',
  'environment',
  'timestamp',
  'prediction',
  'actual',
  'latencyMs',
  'endpoint',
]);

/** A CSV row as a record: the ingest fields by name, `tag.K`, `proba.C`, `shap.F`, the other columns features. */
function csvRecord(header: string[], row: string[]): Record<string, unknown> {
  const r: Record<string, unknown> = { features: {} };
  const classify = header.some((h) => h.startsWith('proba.'));
  header.forEach((h, i) => {
    const raw = row[i] ?? '';
    const [prefix, rest] = h.includes('.')
      ? [h.slice(0, h.indexOf('.')), h.slice(h.indexOf('.') + 1)]
      : ['', h];
    const group = { tag: 'tags', proba: 'probabilities', shap: 'shap' }[prefix];
    if (group) {
      if (raw !== '') {
        const into = (r[group] ?? {}) as Record<string, unknown>;
        into[rest] = group === 'tags' ? raw : Number(raw);
        r[group] = into;
      }
    } else if (TOP.has(h)) {
      if (raw === '') return;
      r[h] =
        ['predictionId', 'model', 'modelVersion', 'environment', 'endpoint'].includes(h) ||
        (h === 'prediction' && classify)
          ? raw
          : scalar(raw);
    } else (r.features as Record<string, unknown>)[h] = scalar(raw);
  });
  return r;
}

/** Records of a JSON-lines file, a JSON array (or `{records}`), or a CSV file, as they are read. */
export async function* readRecords(file: string, read = { bytes: 0 }): AsyncGenerator<Read> {
  const handle = await open(file).catch((e: NodeJS.ErrnoException) => {
    throw new LatheError(
      'INVALID_ARGUMENT',
      `cannot read ${file}: ${e.code === 'ENOENT' ? 'no such file' : e.message}`,
    );
  });
  const head = (await handle.read(Buffer.alloc(256), 0, 256, 0)).buffer.toString('utf8').trimStart();
  await handle.close();
  if (/\.(csv|tsv)$/i.test(file)) {
    let header: string[] | null = null;
    let n = 1;
    const stream = createReadStream(file);
    for await (const row of csvRecords(stream, file.endsWith('.tsv') ? '\t' : ',')) {
      read.bytes = stream.bytesRead;
      if (!header) header = row;
      else yield { at: `row ${++n}`, record: csvRecord(header, row) };
    }
    return;
  }
  if (head.startsWith('[') || (/\.json$/i.test(file) && head.startsWith('{"records"'))) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(await readFile(file, 'utf8'));
    } catch (err) {
      throw new LatheError(
        'INVALID_ARGUMENT',
        `${file} is not valid JSON (${(err as Error).message}); expected a JSON array of records, {"records": [...]}, or one record per line`,
      );
    }
    const list = Array.isArray(parsed) ? parsed : (parsed as { records?: unknown }).records;
    if (!Array.isArray(list))
      throw new LatheError(
        'INVALID_ARGUMENT',
        `${file}: expected a JSON array of records or {"records": [...]}`,
      );
    const size = (await stat(file)).size;
    for (let i = 0; i < list.length; i++) {
      read.bytes = Math.round((size * (i + 1)) / list.length);
      yield { at: `record ${i + 1}`, record: list[i] };
    }
    return;
  }
  let line = 0;
  const stream = createReadStream(file);
  for await (const text of createInterface({ input: stream, crlfDelay: Number.POSITIVE_INFINITY })) {
    line++;
    read.bytes = stream.bytesRead;
    if (!text.trim()) continue;
    try {
      yield { at: `line ${line}`, record: JSON.parse(text) };
    } catch {
      yield { at: `line ${line}`, error: 'not valid JSON; expected one record object per line' };
    }
  }
}

/** Sends a file's records in batches with a progress line on stderr; prints the totals and the first errors. */
export async function logFile(
  client: LatheClient,
  kind: 'predictions' | 'actuals',
  file: string,
  o: LogOptions,
  json: boolean,
) {
  const size = (await stat(file).catch(() => null))?.size ?? 0;
  const read = { bytes: 0 };
  const batchSize = o.batchSize ?? 10_000;
  const totals = { records: 0, accepted: 0, rejected: 0, matched: 0, unknown: 0, duplicates: 0 };
  const errors: { at: string; predictionId: string | null; error: string }[] = [];
  const unknownIds: string[] = [];
  // A progress bar by bytes read on stderr: redrawn on a terminal, else one line per tenth.
  const tty = process.stderr.isTTY === true;
  let lastTenth = -1;
  const progress = (done: boolean) => {
    const share = done || !size ? 1 : Math.min(1, read.bytes / size);
    const filled = Math.round(share * 24);
    const line = `logging ${kind} [${'#'.repeat(filled)}${'.'.repeat(24 - filled)}] ${Math.round(share * 100)}%  ${count(totals.records)} records, ${count(totals.accepted)} accepted, ${count(totals.rejected)} rejected`;
    if (tty) process.stderr.write(`\r\x1b[K${line}${done ? '\n' : ''}`);
    else if (Math.floor(share * 10) > lastTenth) {
      lastTenth = Math.floor(share * 10);
      process.stderr.write(`${line}\n`);
    }
  };
  let batch: Read[] = [];
  const fill = (r: Record<string, unknown>) => {
    if (kind === 'actuals') return r;
    for (const [k, opt] of [
      ['model', 'model'],
      ['modelVersion', 'modelVersion'],
      ['environment', 'environment'],
    ] as const)
      if (r[k] === undefined && o[opt] !== undefined) r[k] = o[opt];
    return r;
  };
  const flush = async () => {
    const sent = batch.filter((b) => b.error === undefined);
    const records = sent.map((b) =>
      b.record && typeof b.record === 'object' && !Array.isArray(b.record)
        ? fill(b.record as Record<string, unknown>)
        : b.record,
    );
    const local = batch.filter((b) => b.error !== undefined);
    totals.rejected += batch.length - sent.length;
    const position = new Map(batch.map((b, i) => [b, i]));
    batch = [];
    const add = (list: { read: Read | undefined; predictionId: string | null; error: string }[]) =>
      errors.push(
        ...list
          .slice(0, Math.max(0, 100 - errors.length))
          .sort((a, b) => (position.get(a.read!) ?? 0) - (position.get(b.read!) ?? 0))
          .map((e) => ({ at: e.read?.at ?? '?', predictionId: e.predictionId, error: e.error })),
      );
    if (!records.length) {
      add(local.map((b) => ({ read: b, predictionId: null, error: b.error! })));
      return;
    }
    const r: IngestResult & Partial<ActualsResult> =
      kind === 'predictions'
        ? await client.monitoring.logPredictions(records as never)
        : await client.monitoring.logActuals(records as never);
    totals.accepted += r.accepted;
    totals.rejected += r.rejected;
    totals.matched += r.matched ?? 0;
    totals.unknown += r.unknown ?? 0;
    totals.duplicates += r.duplicates ?? 0;
    const found = (r.errors as RecordError[]).map((e) => ({
      read: sent[e.index],
      predictionId: e.predictionId,
      error: e.error,
    }));
    add([...local.map((b) => ({ read: b, predictionId: null, error: b.error! })), ...found]);
    unknownIds.push(...(r.unknownIds ?? []).slice(0, 20 - unknownIds.length));
  };
  for await (const r of readRecords(file, read)) {
    batch.push(r);
    totals.records++;
    if (batch.length >= batchSize) {
      await flush();
      progress(false);
    }
  }
  await flush();
  progress(true);
  if (totals.rejected) process.exitCode = exitCodes.failed;
  const summary =
    kind === 'predictions'
      ? { file, records: totals.records, accepted: totals.accepted, rejected: totals.rejected }
      : { file, ...totals, unknownIds };
  if (json) return printJson({ ...summary, errors: errors.slice(0, 100) });
  out(
    `${file}: ${count(totals.records)} records, ${count(totals.accepted)} accepted, ${count(totals.rejected)} rejected`,
  );
  if (kind === 'actuals') {
    out(
      `  ${count(totals.matched)} matched a logged prediction, ${count(totals.unknown)} unknown IDs (kept; joined when the prediction arrives), ${count(totals.duplicates)} duplicates (the last one wins)`,
    );
    if (unknownIds.length)
      out(`  unknown IDs: ${unknownIds.slice(0, 10).join(', ')}${totals.unknown > 10 ? ', …' : ''}`);
  }
  for (const e of errors.slice(0, 10))
    out(`  ${e.at}${e.predictionId ? ` (${e.predictionId})` : ''}: ${e.error}`);
  if (errors.length > 10) out(`  … ${count(totals.rejected - 10)} more rejected (--json lists up to 100)`);
}
