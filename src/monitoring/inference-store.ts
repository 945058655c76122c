/**
 * The embedded inference store: prediction and actual records land in a write-ahead buffer
 * (JSON lines, synced before acknowledgement), then move into Parquet segments in the blob store,
 * catalogued in the metadata store. Queries read both through DuckDB, so a record is queryable once
 * acknowledged. Segments are per model; actuals are one stream joined to predictions by ID at query
 * time (the last actual written for an ID wins).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { createReadStream } from 'node:fs';
import { newId, taskModuleUrl } from '../core/index.js';
import type { WorkerPool } from '../ml/index.js';
import type { BlobStore } from '../storage/blobs/index.js';
import type { MetaStore } from '../storage/meta/index.js';
import { quoteIdentifier, quoteLiteral, type TableEngine } from '../storage/tables/index.js';
import type { CatalogModel } from './model-catalog.js';
import { json, LineBuffer, packPredictions, predictionLine } from './wal-lines.js';
import type { FeatureKind, PredictionRecord, RecordWindow } from './types.js';
import { WriteAheadLog } from './write-ahead-log.js';

/** Batches of at least this many records are formatted on a worker thread. */
const FORMAT_ON_WORKER = 2000;
/** Records formatted between yields to the event loop. */
const FORMAT_SLICE = 128;
const linesTasks = taskModuleUrl(import.meta.url, './wal-lines-tasks');

/** The actuals stream's folder (model streams are 16 hex digits). */
export const ACTUALS = 'actuals';

/** Options of an {@link InferenceStore}. */
export interface InferenceStoreOptions {
  /** The store's folder (its `wal/` subfolder holds the write-ahead buffer). */
  dir: string;
  meta: MetaStore;
  blobs: BlobStore;
  engine: TableEngine;
  /**
   * Where scheduled compaction runs its SQL (default `engine`): the server's is a BackgroundEngine,
   * a low-priority process, so compaction takes no core from serving and ingest.
   */
  compactor?: SqlRunner;
  /** This process's WAL file prefix (default `main`); processes sharing `dir` need their own. */
  part?: string;
  /** Records per WAL file, and so at most per segment (default 200,000). */
  segmentRows?: number;
  /** Milliseconds a WAL file stays open before compaction may take it (default 10,000). */
  segmentMs?: number;
  /** False skips fsync (benchmarks of the difference only). */
  sync?: boolean;
  /**
   * Whether compaction also takes other processes' files once they are idle (the server does, for
   * the workers of `lathe serve`, which do not compact while they serve). Default false.
   */
  compactOthers?: boolean;
  /** Worker threads that format big batches (default: none, all on the calling thread). */
  pool?: WorkerPool;
}

/** What compaction needs of an engine: SQL in, rows out. */
export interface SqlRunner {
  query<T = Record<string, unknown>>(sql: string): Promise<T[]>;
}

const FEATURE_TYPE: Record<FeatureKind, string> = {
  numeric: 'DOUBLE',
  categorical: 'VARCHAR',
  boolean: 'BOOLEAN',
};

/** Column names in segments: `f:` features, `t:` tags, `s:` SHAP values. */
export const featureColumn = (name: string) => `f:${name}`;
export const tagColumn = (name: string) => `t:${name}`;
export const shapColumn = (name: string) => `s:${name}`;

const BASE_COLUMNS: [string, string][] = [
  ['id', 'VARCHAR'],
  ['ts', 'BIGINT'],
  ['v', 'VARCHAR'],
  ['env', 'VARCHAR'],
  ['ep', 'VARCHAR'],
  ['p', 'VARCHAR'],
  ['pn', 'DOUBLE'],
  ['pr', 'DOUBLE[]'],
  ['lat', 'DOUBLE'],
];

/** The typed columns of a model's prediction records, in segment order. */
export function predictionColumns(model: CatalogModel): [string, string][] {
  return [
    ...BASE_COLUMNS,
    ...model.features.map((f): [string, string] => [featureColumn(f.name), FEATURE_TYPE[f.kind]]),
    ...model.tags.map((t): [string, string] => [tagColumn(t), 'VARCHAR']),
    ...model.features.map((f): [string, string] => [shapColumn(f.name), 'DOUBLE']),
  ];
}

const ACTUAL_COLUMNS: [string, string][] = [
  ['id', 'VARCHAR'],
  ['a', 'VARCHAR'],
  ['an', 'DOUBLE'],
  ['ts', 'BIGINT'],
  ['seq', 'BIGINT'],
  ['m', 'VARCHAR'],
];

/** An actual as stored: the matched model, when known, narrows later joins. */
export interface StoredActual {
  predictionId: string;
  actual: number | string | boolean;
  timestamp: number;
  model: string | null;
}

const columnsArg = (cols: readonly [string, string][]) =>
  `{${cols.map(([n, t]) => `${quoteLiteral(n)}: ${quoteLiteral(t)}`).join(', ')}}`;
const list = (files: readonly string[]) => `[${files.map(quoteLiteral).join(', ')}]`;

/** Prediction and actual records on disk: append, compact, and SQL relations over them. */
export class InferenceStore {
  readonly wal: WriteAheadLog;
  readonly #meta: MetaStore;
  readonly #blobs: BlobStore;
  readonly #engine: TableEngine;
  /** Where scheduled compaction runs (see InferenceStoreOptions.compactor). */
  readonly #compactor: SqlRunner;
  readonly #pool: WorkerPool | undefined;
  readonly #compactOthers: boolean;
  #seq = 0;
  #compacting: Promise<void> | null = null;
  /** Queries reading files now; compaction removes files only when none is. */
  #readers = 0;
  readonly #doomed: string[] = [];
  /** WAL files whose rows are in a catalogued segment: queries leave them out. */
  readonly #compacted = new Set<string>();
  readonly #doomedBlobs: string[] = [];

  constructor(options: InferenceStoreOptions) {
    this.#meta = options.meta;
    this.#blobs = options.blobs;
    this.#engine = options.engine;
    this.#compactor = options.compactor ?? options.engine;
    this.#pool = options.pool;
    this.#compactOthers = options.compactOthers ?? false;
    this.wal = new WriteAheadLog({
      dir: path.join(options.dir, 'wal'),
      part: options.part ?? 'main',
      rotateRows: options.segmentRows ?? 200_000,
      rotateMs: options.segmentMs ?? 10_000,
      ...(options.sync === false ? { sync: false } : {}),
    });
  }

  /** Appends a model's checked records durably. */
  async appendPredictions(model: CatalogModel, records: readonly PredictionRecord[]): Promise<void> {
    if (!records.length) return;
    // Big batches are formatted on a worker thread while this one checks the next batch; smaller
    // ones here, a slice at a time between turns of the event loop (requests go on meanwhile).
    let bytes: Uint8Array;
    if (this.#pool && records.length >= FORMAT_ON_WORKER)
      // Packed: posting typed arrays and a few strings costs far less than cloning the records.
      bytes = await this.#pool.run<Uint8Array>(
        linesTasks,
        'formatPackedLines',
        packPredictions(records, model.classes),
      );
    else {
      const out = new LineBuffer(records.length * 512);
      for (let i = 0; i < records.length; i++) {
        if (i > 0 && i % FORMAT_SLICE === 0) await nextTurn();
        out.push(predictionLine(records[i]!, model.classes));
      }
      bytes = out.bytes();
    }
    await this.wal.append(model.key, bytes, records.length);
  }

  /** Appends `rows` prediction lines already formatted (see `servedLines`) durably. */
  async appendLines(model: CatalogModel, bytes: Uint8Array, rows: number): Promise<void> {
    if (rows > 0) await this.wal.append(model.key, bytes, rows);
  }

  /** Appends actuals durably; each gets a sequence number so the last written wins. */
  async appendActuals(records: readonly StoredActual[]): Promise<void> {
    if (!records.length) return;
    const out = new LineBuffer(records.length * 96);
    const base = Date.now() * 4096;
    for (const r of records) {
      const seq = base + (this.#seq++ % 4096);
      out.push(
        `{"id":${JSON.stringify(r.predictionId)},"a":${JSON.stringify(String(r.actual))},"an":${typeof r.actual === 'number' ? json(r.actual) : 'null'},"ts":${r.timestamp},"seq":${seq},"m":${json(r.model)}}`,
      );
    }
    await this.wal.append(ACTUALS, out.bytes(), records.length);
  }

  /** Runs `fn` (a query over the store's files) while compaction leaves the files in place. */
  async reading<T>(fn: () => Promise<T>): Promise<T> {
    this.#readers++;
    try {
      return await fn();
    } finally {
      this.#readers--;
      if (this.#readers === 0) await this.#removeDoomed();
    }
  }

  async #removeDoomed(): Promise<void> {
    while (this.#readers === 0 && this.#doomed.length) {
      const file = this.#doomed.shift()!;
      await this.wal.remove(file);
      this.#compacted.delete(file);
    }
    while (this.#readers === 0 && this.#doomedBlobs.length)
      await this.#blobs.delete(this.#doomedBlobs.shift()!);
  }

  /**
   * Moves this process's sealed WAL files into Parquet segments (one per file), sealing open files
   * first when full or old (all of them with `force`). A file whose segment is already catalogued
   * (a crash after the segment was written) is only removed. One compaction at a time.
   */
  compact(
    models: readonly CatalogModel[],
    force = false,
    runner: SqlRunner = this.#compactor,
  ): Promise<void> {
    this.#compacting ??= this.#compact(models, force, runner).finally(() => {
      this.#compacting = null;
    });
    return this.#compacting;
  }

  async #compact(models: readonly CatalogModel[], force: boolean, runner: SqlRunner): Promise<void> {
    const byKey = new Map(models.map((m) => [m.key, m]));
    for (const stream of await this.wal.streams()) {
      const model = byKey.get(stream);
      if (stream !== ACTUALS && !model) continue;
      await this.wal.seal(stream, force);
      // Another process's file is final once idle for three of its rotation periods.
      const others = this.#compactOthers ? 3 * this.wal.rotateMs : undefined;
      for (const file of await this.wal.sealed(stream, others)) {
        const id = `${stream}/${path.basename(file, '.ndjson')}`;
        const known = await this.#meta.db
          .selectFrom('monitoring_segments')
          .select('id')
          .where((eb) => eb.or([eb('id', '=', id), eb('id', 'like', `${id}~%`)]))
          .executeTakeFirst();
        if (!known) await this.#segmentFrom(runner, id, stream, this.#walSource([file], model ?? null), file);
        // From here queries read the segment, not the file (which waits for readers to finish).
        this.#compacted.add(file);
        this.#doomed.push(file);
      }
    }
    await this.#removeDoomed();
  }

  /** Writes the rows of `source` (a relation with the stream's columns), ordered by time, as segment `id`. */
  async #segmentFrom(
    runner: SqlRunner,
    id: string,
    stream: string,
    source: string,
    walFile?: string,
  ): Promise<number> {
    const dir = await mkdtemp(path.join(tmpdir(), 'lathe-segment-'));
    try {
      const out = path.join(dir, 'segment.parquet');
      await runner.query(
        `copy (select * from ${source} order by ts) to ${quoteLiteral(out)} (format parquet, compression zstd)`,
      );
      const [stats] = await runner.query<{ n: number; lo: number | null; hi: number | null }>(
        `select count(*)::bigint as n, min(ts) as lo, max(ts) as hi from read_parquet(${quoteLiteral(out)})`,
      );
      if (!stats || Number(stats.n) === 0) return 0;
      const { digest } = await this.#blobs.put(createReadStream(out));
      await this.#meta.db
        .insertInto('monitoring_segments')
        .values({
          id,
          model_key: stream,
          kind: stream === ACTUALS ? 'actuals' : 'predictions',
          digest,
          rows: Number(stats.n),
          min_ts: Number(stats.lo),
          max_ts: Number(stats.hi),
          created_at: Date.now(),
        })
        .execute();
      // At once, so no query reads both the new segment and the file it came from.
      if (walFile) this.#compacted.add(walFile);
      return Number(stats.n);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }

  /**
   * Writes the rows of `selectSql` (exactly the stream's columns: a model's prediction columns, or
   * the actual columns for `actuals`) as a segment named `name`, after dropping the stream's
   * segments whose names start with `replaces`. Answers the rows written.
   */
  async importSegment(stream: string, name: string, selectSql: string, replaces?: string): Promise<number> {
    if (replaces)
      await this.#meta.db
        .deleteFrom('monitoring_segments')
        .where('model_key', '=', stream)
        .where('id', 'like', `${stream}/${replaces}%`)
        .execute();
    return this.#segmentFrom(this.#engine, `${stream}/${name}`, stream, `(${selectSql})`);
  }

  /**
   * WAL files as a relation with the stream's flat columns: a model's nested `f`/`t`/`s` objects
   * read as typed structs and flattened into `f:<name>`, `t:<name>`, `s:<name>`.
   */
  #walSource(files: readonly string[], model: CatalogModel | null): string {
    const read = (cols: readonly [string, string][]) =>
      `read_json(${list(files)}, format = 'newline_delimited', columns = ${columnsArg(cols)}, ignore_errors = true)`;
    if (!model) return `(select * from ${read(ACTUAL_COLUMNS)})`;
    const struct = (fields: [string, string][]) =>
      `STRUCT(${fields.map(([n, t]) => `${quoteIdentifier(n)} ${t}`).join(', ')})`;
    const nested: [string, string][] = [
      ...BASE_COLUMNS,
      ['f', struct(model.features.map((f) => [f.name, FEATURE_TYPE[f.kind]]))],
      ['s', struct(model.features.map((f) => [f.name, 'DOUBLE']))],
      ...(model.tags.length
        ? [['t', struct(model.tags.map((t) => [t, 'VARCHAR']))] as [string, string]]
        : []),
    ];
    const flat = [
      ...BASE_COLUMNS.map(([n]) => quoteIdentifier(n)),
      ...model.features.map(
        (f) => `struct_extract("f", ${quoteLiteral(f.name)}) as ${quoteIdentifier(featureColumn(f.name))}`,
      ),
      ...model.tags.map((t) => `struct_extract("t", ${quoteLiteral(t)}) as ${quoteIdentifier(tagColumn(t))}`),
      ...model.features.map(
        (f) => `struct_extract("s", ${quoteLiteral(f.name)}) as ${quoteIdentifier(shapColumn(f.name))}`,
      ),
    ];
    return `(select ${flat.join(', ')} from ${read(nested)})`;
  }

  /** Catalogued segment files of a stream overlapping `[from, to)`. */
  async #segments(stream: string, from?: number, to?: number): Promise<string[]> {
    let q = this.#meta.db
      .selectFrom('monitoring_segments')
      .select(['digest'])
      .where('model_key', '=', stream)
      .orderBy('min_ts');
    if (from !== undefined) q = q.where('max_ts', '>=', from);
    if (to !== undefined) q = q.where('min_ts', '<', to);
    const rows = await q.execute();
    return rows.map((r) => this.#blobs.localPath(r.digest)).filter((p): p is string => p !== null);
  }

  /**
   * A SQL relation (a parenthesized SELECT) over a stream's records: segments overlapping the time
   * range and every WAL file, with exactly `columns` (missing ones as typed NULLs).
   */
  async #relation(stream: string, model: CatalogModel | null, from?: number, to?: number): Promise<string> {
    const columns = model ? predictionColumns(model) : ACTUAL_COLUMNS;
    const select = (have: Set<string> | null) =>
      columns
        .map(([n, t]) =>
          have && !have.has(n)
            ? `null::${t} as ${quoteIdentifier(n)}`
            : `${quoteIdentifier(n)}::${t} as ${quoteIdentifier(n)}`,
        )
        .join(', ');
    const parts: string[] = [];
    const segments = await this.#segments(stream, from, to);
    if (segments.length) {
      const source = `read_parquet(${list(segments)}, union_by_name = true)`;
      const described = await this.#engine.query<{ column_name: string }>(`describe select * from ${source}`);
      parts.push(`select ${select(new Set(described.map((d) => d.column_name)))} from ${source}`);
    }
    const wal = (await this.wal.files(stream)).filter((f) => !this.#compacted.has(f));
    if (wal.length) parts.push(`select ${select(null)} from ${this.#walSource(wal, model)}`);
    if (!parts.length)
      parts.push(
        `select ${columns.map(([n, t]) => `null::${t} as ${quoteIdentifier(n)}`).join(', ')} where false`,
      );
    return `(${parts.join(' union all ')})`;
  }

  /** How many of the model's prediction records lie in `window`. */
  count(model: CatalogModel, window: RecordWindow = {}): Promise<number> {
    return this.reading(async () => {
      const [row] = await this.#engine.query<{ n: number }>(
        `select count(*)::bigint as n from ${await this.predictions(model, window)}`,
      );
      return Number(row?.n ?? 0);
    });
  }

  /** The model's prediction records in `window` as a SQL relation (filters applied). */
  async predictions(model: CatalogModel, window: RecordWindow = {}): Promise<string> {
    const rel = await this.#relation(model.key, model, window.from, window.to);
    const where = windowFilter(model, window);
    return where.length ? `(select * from ${rel} where ${where.join(' and ')})` : rel;
  }

  /**
   * The model's predictions in `window` with their latest actual (`actual` VARCHAR, `actual_num`
   * DOUBLE, `actual_ts` BIGINT; NULL when none arrived yet), as a SQL relation.
   */
  async joined(model: CatalogModel, window: RecordWindow = {}): Promise<string> {
    const p = await this.predictions(model, window);
    const a = await this.actuals();
    return `(with p as (select * from ${p}), a as (select id, arg_max(a, seq) as actual, arg_max(an, seq) as actual_num, arg_max(ts, seq) as actual_ts from ${a} where (m is null or m = ${quoteLiteral(model.name)}) and id in (select id from p) group by id) select p.*, a.actual, a.actual_num, a.actual_ts from p left join a using (id))`;
  }

  /** Every actual record as a SQL relation (id, a, an, ts, seq, m). */
  actuals(): Promise<string> {
    return this.#relation(ACTUALS, null);
  }

  /**
   * Drops a model's records older than `before` (epoch ms): segments wholly older go, segments
   * straddling it are rewritten with their newer rows. Answers the rows dropped.
   */
  async dropBefore(model: CatalogModel, before: number): Promise<number> {
    const old = await this.#meta.db
      .selectFrom('monitoring_segments')
      .select(['id', 'digest', 'rows', 'max_ts'])
      .where('model_key', '=', model.key)
      .where('min_ts', '<', before)
      .execute();
    let dropped = 0;
    for (const seg of old) {
      const file = this.#blobs.localPath(seg.digest);
      let kept = 0;
      if (Number(seg.max_ts) >= before && file) {
        // A new name keeps the thinning mark (see downsample) and never meets the old one.
        const mark = /~s\d+/.exec(seg.id)?.[0] ?? '';
        kept = await this.#segmentFrom(
          this.#compactor,
          `${seg.id.split('~')[0]}${mark}~r${newId().slice(-8)}`,
          model.key,
          `(select * from read_parquet(${quoteLiteral(file)}) where ts >= ${before})`,
        );
      }
      await this.#meta.db.deleteFrom('monitoring_segments').where('id', '=', seg.id).execute();
      this.#doomedBlobs.push(seg.digest);
      dropped += Number(seg.rows) - kept;
    }
    if (this.#readers === 0) await this.#removeDoomed();
    return dropped;
  }

  /**
   * Thins a model's records older than `before` (epoch ms) to those whose ID hashes into the `keep`
   * share; newer records stay whole. A thinned segment is named `<segment>~s<before>`: the next
   * pass thins only its rows between that time and its own `before`, so no row is thinned twice.
   * Answers the rows removed. Actuals stay; they join to the rows kept.
   */
  async downsample(model: CatalogModel, before: number, keep: number): Promise<number> {
    const candidates = await this.#meta.db
      .selectFrom('monitoring_segments')
      .select(['id', 'digest', 'rows', 'max_ts'])
      .where('model_key', '=', model.key)
      .where('min_ts', '<', before)
      .execute();
    const threshold = Math.round(keep * 1_000_000);
    let removed = 0;
    for (const seg of candidates) {
      const base = seg.id.split('~')[0]!;
      const mark = /~s(\d+)/.exec(seg.id)?.[1];
      const thinnedTo = mark ? Number(mark) : Number.NEGATIVE_INFINITY;
      const file = this.#blobs.localPath(seg.digest);
      if (!file || thinnedTo >= before || Number(seg.max_ts) < thinnedTo) continue;
      const from = Number.isFinite(thinnedTo) ? `ts < ${thinnedTo} or ` : '';
      const kept = await this.#segmentFrom(
        this.#compactor,
        `${base}~s${before}~r${newId().slice(-8)}`,
        model.key,
        `(select * from read_parquet(${quoteLiteral(file)}) where ${from}ts >= ${before} or hash(id) % 1000000 < ${threshold})`,
      );
      await this.#meta.db.deleteFrom('monitoring_segments').where('id', '=', seg.id).execute();
      this.#doomedBlobs.push(seg.digest);
      removed += Number(seg.rows) - kept;
    }
    if (this.#readers === 0) await this.#removeDoomed();
    return removed;
  }

  /** Writes every buffered record into segments (on this process's engine) and closes the WAL files. */
  async close(models: readonly CatalogModel[]): Promise<void> {
    await this.#compacting?.catch(() => {});
    await this.compact(models, true, this.#engine).catch(() => {});
    await this.wal.close();
  }
}

/** SQL conditions of a window over a prediction relation. */
export function windowFilter(model: CatalogModel, w: RecordWindow): string[] {
  const out: string[] = [];
  if (w.environment) out.push(`env = ${quoteLiteral(w.environment)}`);
  if (w.version) out.push(`v = ${quoteLiteral(w.version)}`);
  if (w.from !== undefined) out.push(`ts >= ${Math.trunc(w.from)}`);
  if (w.to !== undefined) out.push(`ts < ${Math.trunc(w.to)}`);
  for (const [key, value] of Object.entries(w.where ?? {})) {
    const feature = model.features.find((f) => f.name === key);
    const column = model.tags.includes(key) ? tagColumn(key) : feature ? featureColumn(key) : null;
    if (!column) out.push('false');
    else if (feature?.kind === 'numeric' && !model.tags.includes(key))
      out.push(`${quoteIdentifier(column)} = ${Number(value)}`);
    else out.push(`${quoteIdentifier(column)}::varchar = ${quoteLiteral(String(value))}`);
  }
  return out;
}
