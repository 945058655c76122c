/**
 * Batch scoring: a model version scores a dataset version chunk by chunk (bounded memory), each
 * chunk's predictions checkpointed to a file as soon as it is done, then the input columns and the
 * predictions are joined in DuckDB and stored as a new dataset version with lineage to the input
 * version and the model version. A job interrupted (server stopped, cancelled) and started again
 * with the same model, data and chunk size goes on from the chunks already written.
 */
import { createHash } from 'node:crypto';
import { mkdir, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import path from 'node:path';
import { taskModuleUrl } from '../core/index.js';
import { type DataService, typeFamily } from '../data/index.js';
import type { JobContext } from '../jobs/index.js';
import { toShared, WorkerPool } from '../ml/index.js';
import { isNumericColumn, type ModelService } from '../models/index.js';
import { parseModelRef, versionLineageId } from '../registry/index.js';
import { quoteIdentifier, quoteLiteral } from '../storage/tables/index.js';
import { type BatchPredictSpec, outputColumns } from './batch-predict-spec.js';
import { chunkCsv, type SharedPackage } from './predict-tasks.js';

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
  /** Where the time went, in seconds: reading and predicting chunks, joining them to the input, storing the version. */
  timings: { scoring: number; joining: number; storing: number };
}

/** What batch scoring needs. */
export interface BatchPredictDeps {
  data: DataService;
  models: ModelService;
  /** Where chunk checkpoints are kept until the output version is stored. */
  workRoot: string;
  /** Worker threads predicting chunks (default: up to 2, one per core); 1 predicts in-process. */
  threads?: number;
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

  // Numeric columns the model reads as numbers come straight from DuckDB's vectors; the others
  // (strings, dates, numbers stored as text) as values that signature enforcement checks.
  const dataTypes = new Map(version.columns.map((c) => [c.name, typeFamily(c.type)]));
  const numericData = new Set(['integer', 'float', 'boolean']);
  const fast = predictor.signature.inputs
    .filter((c) => present.has(c.name) && isNumericColumn(c) && numericData.has(dataTypes.get(c.name)!))
    .map((c) => c.name);
  const slow = inputs.filter((c) => !fast.includes(c));
  const todo = Array.from({ length: chunks }, (_, i) => i).filter((i) => !done.has(partName(i)));
  const threads = Math.max(1, Math.min(deps.threads ?? Math.min(2, availableParallelism()), todo.length));
  const pool = threads > 1 ? new WorkerPool(threads) : null;
  const numericStrings = spec.numericStrings === true;
  // A chunk's predictions as CSV lines, formatted where they were predicted.
  let score: (first: number, rows: number, columns: Record<string, ArrayLike<unknown>>) => Promise<string>;
  if (pool) {
    const { pkg: stored } = await models.readPackage(spec.model);
    const piiSalt = stored.manifest.recipe ? await models.piiSalt() : undefined;
    const pkg: SharedPackage = {
      key: spec.model,
      manifest: stored.manifest,
      arrays: Object.fromEntries(Object.entries(stored.saved.arrays).map(([k, a]) => [k, toShared(a)])),
      files: [...stored.files].map(([p, b]) => [p, toShared(b)]),
    };
    const tasks = taskModuleUrl(import.meta.url, './predict-tasks');
    score = (first, rows, columns) =>
      pool.run<string>(tasks, 'scoreChunk', {
        pkg,
        first,
        rows,
        columns,
        numericStrings,
        ...(piiSalt ? { piiSalt } : {}),
      });
  } else
    score = async (first, rows, columns) =>
      chunkCsv(
        first,
        await predictor.predictBatch({ rows, columns }, numericStrings ? { numericStrings } : {}),
      );

  // One streamed scan reads the chunks in order (DuckDB decodes on its own threads) while earlier
  // chunks are predicted on `threads` workers; at most `threads + 1` chunks are in flight (one
  // waits for the first free worker, so none idles while the next is read), so memory stays
  // bounded by the chunk size. Chunks a previous run wrote are read past, not predicted.
  const inflight = new Set<Promise<void>>();
  let scoredRows = (chunks - todo.length) * chunkRows;
  const reader = todo.length ? await engine.fork() : null;
  try {
    if (reader) {
      const select = [
        ...fast.map((c) => `CAST(${quoteIdentifier(c)} AS DOUBLE) AS ${quoteIdentifier(c)}`),
        ...slow.map(quoteIdentifier),
      ];
      const from = todo[0]! * chunkRows;
      const sql = `SELECT ${select.join(', ') || '1 AS _'} FROM ${source} WHERE file_row_number >= ${from}`;
      let i = todo[0]!;
      // With workers, numeric columns arrive in shared memory: posting a chunk copies nothing.
      for await (const batch of reader.streamColumns(sql, chunkRows, { shared: pool !== null })) {
        const chunk = i++;
        if (done.has(partName(chunk))) continue;
        const first = chunk * chunkRows;
        ctx.progress({
          phase: 'predicting',
          done: Math.min(n, scoredRows),
          total: n,
          message: `chunk ${chunk + 1} of ${chunks}`,
        });
        // Stopped between chunks: the chunks written so far stay for the next run to go on from.
        if (ctx.signal.aborted) {
          await Promise.allSettled(inflight);
          throw ctx.signal.reason ?? new Error('cancelled');
        }
        const task: Promise<void> = score(first, batch.rows, batch.columns).then(async (csv) => {
          const tmp = path.join(dir, `${partName(chunk)}.tmp`);
          await writeFile(tmp, csv);
          await rename(tmp, path.join(dir, partName(chunk)));
          scoredRows += batch.rows;
          inflight.delete(task);
        });
        inflight.add(task);
        if (inflight.size > threads) await Promise.race(inflight);
      }
    }
    await Promise.all(inflight);
  } finally {
    await Promise.allSettled(inflight);
    await pool?.close();
    await reader?.close();
  }

  const scored = Date.now();
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
  const joined = Date.now();
  const ref = parseModelRef(spec.model);
  const target = version.columns.find((c) => c.semantic === 'target')?.name;
  const stored = await data.ingestDerived(
    out,
    {
      name: spec.out,
      filename: 'predictions.parquet',
      message: `predictions of ${spec.model} on ${spec.data}`,
      ...(target && keep.includes(target) ? { target } : {}),
    },
    {
      source: { kind: 'predictions', model: spec.model, data: spec.data },
      parents: [spec.data],
      links: [{ type: 'model_version', id: versionLineageId(ref.name, mv.version) }],
      // The kept columns are the input's rows, unchanged and in order: their profiles carry over.
      ...(keep.length ? { reuse: { base: version, columns: keep } } : {}),
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
    timings: {
      scoring: (scored - started) / 1000,
      joining: (joined - scored) / 1000,
      storing: (Date.now() - joined) / 1000,
    },
  };
}
