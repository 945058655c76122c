/**
 * Batch scoring: a model version scores a dataset version chunk by chunk (bounded memory), each
 * chunk's predictions checkpointed to a file as soon as it is done, then the input columns and the
 * predictions are joined in DuckDB and stored as a new dataset version with lineage to the input
 * version and the model version. A job interrupted (server stopped, cancelled) and started again
 * with the same model, data and chunk size goes on from the chunks already written.
 */
import { createHash } from 'node:crypto';
import { mkdir, readdir, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { DataService } from '../data/index.js';
import type { JobContext } from '../jobs/index.js';
import type { BatchPrediction, ModelService } from '../models/index.js';
import { parseModelRef, versionLineageId } from '../registry/index.js';
import { quoteIdentifier, quoteLiteral } from '../storage/tables/index.js';
import { type BatchPredictSpec, outputColumns } from './batch-predict-spec.js';

/** What a batch scoring job produced. */
export interface BatchPredictResult {
  model: string;
  data: string;
  /** The new dataset version (`name@N`), or the existing one with equal content. */
  output: string;
  rows: number;
  chunks: number;
  /** Chunks a previous, interrupted run had already scored. */
  resumedChunks: number;
  seconds: number;
  rowsPerSecond: number;
}

/** What batch scoring needs. */
export interface BatchPredictDeps {
  data: DataService;
  models: ModelService;
  /** Where chunk checkpoints are kept until the output version is stored. */
  workRoot: string;
}

type Label = string | number | boolean;

/** The DuckDB type of the prediction column. */
function predictionType(classes: readonly Label[] | undefined): string {
  if (!classes) return 'DOUBLE';
  if (classes.every((c) => typeof c === 'boolean')) return 'BOOLEAN';
  if (classes.every((c) => typeof c === 'number' && Number.isInteger(c))) return 'BIGINT';
  if (classes.every((c) => typeof c === 'number')) return 'DOUBLE';
  return 'VARCHAR';
}

const csvValue = (v: Label | number): string =>
  typeof v === 'string'
    ? `"${v.replaceAll('"', '""')}"`
    : typeof v === 'number' && Number.isNaN(v)
      ? ''
      : String(v);

/** One chunk's predictions as CSV: `__row`, `prediction`, one probability column per class. */
function chunkCsv(first: number, p: BatchPrediction): string {
  const k = p.classes?.length ?? 0;
  const lines: string[] = new Array(p.rows);
  for (let r = 0; r < p.rows; r++) {
    let line = `${first + r},${csvValue(p.predictions[r]!)}`;
    for (let c = 0; c < k; c++) line += `,${csvValue(p.probabilities![r * k + c]!)}`;
    lines[r] = line;
  }
  return `${lines.join('\n')}\n`;
}

const partName = (i: number) => `part-${String(i).padStart(6, '0')}.csv`;

/** Runs a checked `predict` spec (see `checkBatchPredictSpec`). */
export async function runBatchPredict(
  spec: BatchPredictSpec,
  deps: BatchPredictDeps,
  ctx: JobContext,
): Promise<BatchPredictResult> {
  const started = Date.now();
  const { data, models } = deps;
  const { version: mv, predictor } = await models.load(spec.model);
  const { version, file } = await data.versionFile(spec.data);
  const engine = await data.engine();
  const n = version.rows;
  const chunkRows = spec.chunkRows ?? 100_000;
  const chunks = Math.ceil(n / chunkRows);
  const key = createHash('sha256')
    .update(JSON.stringify([spec.model, spec.data, chunkRows, spec.numericStrings === true]))
    .digest('hex')
    .slice(0, 24);
  const dir = path.join(deps.workRoot, key);
  await mkdir(dir, { recursive: true });
  const done = new Set((await readdir(dir)).filter((f) => /^part-\d{6}\.csv$/.test(f)));
  const resumedChunks = done.size;
  const present = new Set(version.columns.map((c) => c.name));
  const inputs = predictor.signature.inputs.map((c) => c.name).filter((c) => present.has(c));
  const source = `read_parquet(${quoteLiteral(file)}, file_row_number = true)`;
  const classes = predictor.signature.classes;
  const outputs = outputColumns(classes);

  for (let i = 0; i < chunks; i++) {
    const first = i * chunkRows;
    const rows = Math.min(chunkRows, n - first);
    ctx.progress({ phase: 'predicting', done: first, total: n, message: `chunk ${i + 1} of ${chunks}` });
    // Stopped between chunks: the chunks written so far stay for the next run to go on from.
    if (ctx.signal.aborted) throw ctx.signal.reason ?? new Error('cancelled');
    if (done.has(partName(i))) continue;
    const columns = inputs.length
      ? await engine.queryColumns(
          `SELECT ${inputs.map(quoteIdentifier).join(', ')} FROM ${source} WHERE file_row_number >= ${first} AND file_row_number < ${first + rows} ORDER BY file_row_number`,
        )
      : {};
    const p = await predictor.predictBatch(
      { rows, columns },
      spec.numericStrings ? { numericStrings: true } : {},
    );
    const tmp = path.join(dir, `${partName(i)}.tmp`);
    await writeFile(tmp, chunkCsv(first, p));
    await rename(tmp, path.join(dir, partName(i)));
  }

  ctx.progress({ phase: 'writing', done: n, total: n, message: `storing ${spec.out}` });
  const parts = Array.from({ length: chunks }, (_, i) => quoteLiteral(path.join(dir, partName(i))));
  const types = [
    `'__row': 'BIGINT'`,
    ...outputs.map((c, j) => `${quoteLiteral(c)}: '${j === 0 ? predictionType(classes) : 'DOUBLE'}'`),
  ];
  const keep =
    spec.keep === 'none'
      ? []
      : spec.keep === 'all' || spec.keep === undefined
        ? version.columns.map((c) => c.name)
        : spec.keep;
  const select = [
    ...keep.map((c) => `i.${quoteIdentifier(c)}`),
    ...outputs.map((c) => `p.${quoteIdentifier(c)}`),
  ];
  const out = path.join(dir, 'predictions.parquet');
  await engine.query(
    `COPY (SELECT ${select.join(', ')} FROM ${source} i JOIN read_csv([${parts.join(', ')}], header = false, ` +
      `columns = {${types.join(', ')}}, quote = '"', escape = '"', nullstr = '', allow_quoted_nulls = false) p ` +
      `ON p.__row = i.file_row_number ORDER BY i.file_row_number) TO ${quoteLiteral(out)} (FORMAT parquet)`,
  );
  const ref = parseModelRef(spec.model);
  const stored = await data.ingestDerived(
    out,
    {
      name: spec.out,
      filename: 'predictions.parquet',
      message: `predictions of ${spec.model} on ${spec.data}`,
    },
    {
      source: { kind: 'predictions', model: spec.model, data: spec.data },
      parents: [spec.data],
      links: [{ type: 'model_version', id: versionLineageId(ref.name, mv.version) }],
    },
    ctx.actor,
  );
  await rm(dir, { recursive: true, force: true });
  const seconds = (Date.now() - started) / 1000;
  return {
    model: spec.model,
    data: spec.data,
    output: stored.version.ref,
    rows: n,
    chunks,
    resumedChunks,
    seconds,
    rowsPerSecond: seconds > 0 ? Math.round(n / seconds) : n,
  };
}
