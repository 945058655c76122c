import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { type Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { AuditLog, Principal } from '../auth/index.js';
import { isoTime, LatheError } from '../core/index.js';
import type { BlobStore } from '../storage/blobs/index.js';
import type { DataVersionsTable, MetaStore } from '../storage/meta/index.js';
import { quoteLiteral, TableEngine } from '../storage/tables/index.js';
import { checkSourceOptions, openSource, type SourceOptions } from './ingest.js';
import { profileParquet } from './profile.js';
import { checkDatasetName, formatRef, parseDatasetRef } from './refs.js';
import { checkSemanticOverrides } from './semantic.js';
import type {
  ColumnSchema,
  Dataset,
  DatasetRef,
  DatasetVersion,
  DatasetVersionDetails,
  IngestReport,
  RowsPage,
  SemanticType,
  VersionSource,
} from './types.js';

export interface DataServiceOptions {
  /** Where uploads and intermediate files are written (default: the OS temp directory). */
  tmpDir?: string;
  /** The largest upload accepted, in bytes. */
  maxUploadBytes?: number;
  /** DuckDB's memory cap, e.g. `'4GB'`. */
  memoryLimit?: string;
}

/** What to ingest, besides the rows. */
export interface IngestInput {
  name: string;
  message?: string;
  description?: string;
  /** The target column: its semantic type becomes `target`. */
  target?: string;
  /** Semantic types chosen by the user, by column. */
  semantic?: Record<string, unknown>;
  /** Add these rows to the latest version (same columns) instead of replacing them. */
  append?: boolean;
  /** How to read the file. */
  read?: Record<string, unknown>;
  /** The file's name as the user knows it (kept in the version's source). */
  filename: string;
}

export interface IngestResult {
  version: DatasetVersionDetails;
  /** False when the content equals an existing version's: that version is answered, none is made. */
  created: boolean;
}

const lineageType = 'dataset_version';

/** The operators a row filter takes. */
export const rowFilterOps = ['=', '!=', '<', '<=', '>', '>=', 'contains', 'is_null', 'not_null'] as const;

export interface RowsQuery {
  offset?: number;
  /** 1..1000, default 100. */
  limit?: number;
  orderBy?: string;
  desc?: boolean;
  filter?: { column: string; op: (typeof rowFilterOps)[number]; value?: string };
}

/**
 * Datasets and their immutable versions: ingest from files, uploads and SQL; schema and profile
 * at ingest; Parquet rows in the blob store. HTTP-free; `api/` and the CLI wrap it.
 */
export class DataService {
  #engine: Promise<TableEngine> | null = null;

  constructor(
    readonly store: MetaStore,
    readonly blobs: BlobStore,
    private readonly audit: AuditLog,
    private readonly options: DataServiceOptions = {},
  ) {}

  /** The DuckDB engine, started on first use. */
  engine(): Promise<TableEngine> {
    this.#engine ??= TableEngine.create(
      this.options.memoryLimit ? { memoryLimit: this.options.memoryLimit } : {},
    );
    return this.#engine;
  }

  async close(): Promise<void> {
    if (this.#engine) await (await this.#engine).close();
    this.#engine = null;
  }

  /** Every dataset, by name. */
  async list(): Promise<Dataset[]> {
    const rows = await this.store.db
      .selectFrom('data_sets as d')
      .leftJoin('data_versions as v', 'v.name', 'd.name')
      .select(['d.name', 'd.description', 'd.created_at', 'd.updated_at', 'd.created_by'])
      .select((eb) => [eb.fn.max('v.version').as('latest'), eb.fn.count('v.version').as('n')])
      .groupBy(['d.name', 'd.description', 'd.created_at', 'd.updated_at', 'd.created_by'])
      .orderBy('d.name')
      .execute();
    return rows.map((r) => ({
      name: r.name,
      description: r.description,
      createdAt: isoTime(Number(r.created_at)),
      updatedAt: isoTime(Number(r.updated_at)),
      createdBy: r.created_by,
      latestVersion: r.latest === null ? null : Number(r.latest),
      versionCount: Number(r.n),
    }));
  }

  /** One dataset; NOT_FOUND when there is none by that name. */
  async get(name: unknown): Promise<Dataset> {
    const n = checkDatasetName(name);
    const found = (await this.list()).find((d) => d.name === n);
    if (!found) throw notFound(n);
    return found;
  }

  /** The versions of a dataset, newest first. */
  async versions(name: unknown): Promise<DatasetVersion[]> {
    const n = checkDatasetName(name);
    const rows = await this.store.db
      .selectFrom('data_versions')
      .selectAll()
      .where('name', '=', n)
      .orderBy('version', 'desc')
      .execute();
    if (!rows.length) {
      await this.get(n);
      return [];
    }
    const parents = await this.#parents(rows.map((r) => formatRef(r.name, r.version)));
    return rows.map((r) => toVersion(r, parents.get(formatRef(r.name, r.version)) ?? []));
  }

  /** The version a reference names, with its profile and ingest report. */
  async version(ref: unknown): Promise<DatasetVersionDetails> {
    const r = typeof ref === 'object' && ref !== null ? (ref as DatasetRef) : parseDatasetRef(ref);
    let q = this.store.db.selectFrom('data_versions').selectAll().where('name', '=', r.name);
    q = r.version === 'latest' ? q.orderBy('version', 'desc').limit(1) : q.where('version', '=', r.version);
    const row = await q.executeTakeFirst();
    if (!row) {
      if (r.version === 'latest') {
        await this.get(r.name);
        throw new LatheError('NOT_FOUND', `dataset ${r.name} has no versions yet`);
      }
      await this.get(r.name);
      throw new LatheError('NOT_FOUND', `dataset ${r.name} has no version ${r.version}`, {
        name: r.name,
        version: r.version,
      });
    }
    const ref2 = formatRef(row.name, row.version);
    const parents = (await this.#parents([ref2])).get(ref2) ?? [];
    return {
      ...toVersion(row, parents),
      profile: JSON.parse(row.profile),
      report: JSON.parse(row.report),
      recipe: row.recipe === null ? null : JSON.parse(row.recipe),
    };
  }

  /**
   * A page of a version's rows, in stored order or sorted by one column, optionally filtered on
   * one column (`op` one of `rowFilterOps`; the value is bound, never spliced into SQL).
   */
  async rows(ref: unknown, q: RowsQuery = {}): Promise<RowsPage> {
    const v = await this.version(ref);
    const names = v.columns.map((c) => c.name);
    const offset = q.offset ?? 0;
    const limit = q.limit ?? 100;
    if (!Number.isSafeInteger(offset) || offset < 0)
      throw new LatheError('INVALID_ARGUMENT', `offset must be a whole number >= 0; got ${offset}`);
    if (!Number.isSafeInteger(limit) || limit < 1 || limit > 1000)
      throw new LatheError('INVALID_ARGUMENT', `limit must be 1..1000; got ${limit}`);
    const column = (c: string, what: string) => {
      if (!names.includes(c))
        throw new LatheError(
          'INVALID_ARGUMENT',
          `${what} names no column of ${v.ref}: ${JSON.stringify(c)}; columns: ${names.join(', ')}`,
        );
      return quoteIdent(c);
    };
    const params: unknown[] = [];
    let where = '';
    if (q.filter) {
      const { column: fc, op, value } = q.filter;
      const col = column(fc, 'filter');
      if (!rowFilterOps.includes(op))
        throw new LatheError(
          'INVALID_ARGUMENT',
          `filter operator must be one of ${rowFilterOps.join(', ')}; got ${JSON.stringify(op)}`,
        );
      if (op === 'is_null' || op === 'not_null')
        where = `where ${col} is ${op === 'is_null' ? '' : 'not '}null`;
      else if (op === 'contains') {
        where = `where contains(lower(${col}::varchar), lower(?))`;
        params.push(String(value ?? ''));
      } else {
        const type = v.columns.find((c) => c.name === fc)!.type;
        // Compare in the column's own type, so 9 < 10 for numbers.
        where = `where ${col} ${op === '!=' ? '<>' : op} try_cast(? as ${type})`;
        params.push(String(value ?? ''));
      }
    }
    const order = q.orderBy
      ? `order by ${column(q.orderBy, 'orderBy')} ${q.desc ? 'desc' : 'asc'} nulls last`
      : '';
    const engine = await this.engine();
    const from = `read_parquet(${quoteLiteral(this.#localPath(v.digest))})`;
    const [count] = await engine.query<{ n: number }>(`select count(*) as n from ${from} ${where}`, params);
    const rows = await engine.query(
      `select * from ${from} ${where} ${order} limit ${limit} offset ${offset}`,
      params,
    );
    return { ref: v.ref, columns: v.columns, total: Number(count!.n), offset, rows };
  }

  /**
   * Writes a version's rows to a temporary file as CSV (header, comma, RFC 4180 quoting) or
   * Parquet, and answers its path and a cleanup function; the caller streams it, then cleans up.
   */
  async export(
    ref: unknown,
    format: unknown,
  ): Promise<{ file: string; ref: string; cleanup: () => Promise<void> }> {
    if (format !== 'csv' && format !== 'parquet')
      throw new LatheError(
        'INVALID_ARGUMENT',
        `export format must be csv or parquet; got ${JSON.stringify(format)}`,
      );
    const v = await this.version(ref);
    const source = this.#localPath(v.digest);
    if (format === 'parquet') return { file: source, ref: v.ref, cleanup: async () => {} };
    const dir = await this.#tmp();
    const file = path.join(dir, 'data.csv');
    const engine = await this.engine();
    await engine.query(
      `copy (select * from read_parquet(${quoteLiteral(source)})) to ${quoteLiteral(file)} (format csv, header true)`,
    );
    return { file, ref: v.ref, cleanup: () => rm(dir, { recursive: true, force: true }) };
  }

  #localPath(digest: string): string {
    const p = this.blobs.localPath(digest);
    if (!p)
      throw new LatheError(
        'NOT_IMPLEMENTED',
        'reading dataset rows needs a blob store with local files (file:)',
      );
    return p;
  }

  /**
   * Streams an upload to a temporary file, then ingests it (see `ingestFile`). The body is never
   * held in memory; one larger than `maxUploadBytes` is refused and nothing is kept.
   */
  async ingestUpload(body: Readable, input: IngestInput, actor: Principal | null): Promise<IngestResult> {
    checkDatasetName(input.name);
    checkSourceOptions(input.read ?? {});
    const dir = await this.#tmp();
    try {
      const ext = path
        .extname(input.filename)
        .toLowerCase()
        .replace(/[^a-z0-9.]/g, '');
      const file = path.join(dir, `upload${ext}`);
      await pipeline(
        body,
        limitBytes(this.options.maxUploadBytes ?? Number.POSITIVE_INFINITY),
        createWriteStream(file),
      );
      return await this.#ingest(file, { kind: 'upload', filename: input.filename, format: '' }, input, actor);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }

  /**
   * Ingests a local file (CSV/TSV, Parquet, JSON Lines) as a new version of `input.name`
   * (created when new). Only for trusted callers (the CLI on its own machine, tests): the API
   * never takes a path from a request.
   */
  async ingestFile(file: string, input: IngestInput, actor: Principal | null): Promise<IngestResult> {
    return this.#ingest(file, { kind: 'file', filename: input.filename, format: '' }, input, actor);
  }

  async #ingest(
    file: string,
    source: { kind: 'file' | 'upload'; filename: string; format: string },
    input: IngestInput,
    actor: Principal | null,
  ): Promise<IngestResult> {
    const name = checkDatasetName(input.name);
    const read: SourceOptions = checkSourceOptions(input.read ?? {});
    const engine = await this.engine();
    const base = input.append ? await this.version({ name, version: 'latest' }) : null;
    const opened = await openSource(engine, file, read);
    source.format = opened.format;
    const dir = await this.#tmp();
    try {
      const parquet = path.join(dir, 'data.parquet');
      let select = opened.select;
      if (base) select = await this.#appendSelect(engine, base, opened.select);
      await engine.query(`copy (${select}) to ${quoteLiteral(parquet)} (format parquet)`);
      const rejects = await opened.finish();
      const physical = await engine.describe(`select * from read_parquet(${quoteLiteral(parquet)})`);
      const semantic = checkSemanticOverrides(
        input.semantic,
        physical.map((c) => c.name),
      );
      if (input.target !== undefined && !physical.some((c) => c.name === input.target)) {
        throw new LatheError(
          'INVALID_ARGUMENT',
          `target column ${JSON.stringify(input.target)} is not in the data; columns: ${physical.map((c) => c.name).join(', ')}`,
        );
      }
      const digest = await sha256File(parquet);
      const existing = await this.store.db
        .selectFrom('data_versions')
        .select('version')
        .where('name', '=', name)
        .where('digest', '=', digest)
        .executeTakeFirst();
      if (existing) {
        const version = await this.version({ name, version: existing.version });
        return { version: { ...version, report: { ...version.report, unchanged: true } }, created: false };
      }
      const profiled = await profileParquet(engine, parquet, physical, {
        ...(input.target !== undefined ? { target: input.target } : {}),
        semantic: semantic as Record<string, SemanticType>,
      });
      const rows = profiled.profile.rows;
      if (rows === 0) {
        throw new LatheError(
          'DATA_SOURCE_INVALID',
          rejects.rowsRejected
            ? `no row could be read: all ${rejects.rowsRejected} rows were malformed; the first: ${rejects.issues[0]?.message}`
            : 'the source has no rows (only a header?)',
        );
      }
      const report: IngestReport = {
        format: opened.format,
        ...(rejects.dialect ? { dialect: rejects.dialect } : {}),
        ...(opened.encoding ? { encoding: opened.encoding } : {}),
        rowsRead: rows - (base?.rows ?? 0),
        rowsRejected: rejects.rowsRejected,
        issues: [...rejects.issues, ...withLines(profiled.issues, rejects, base?.rows ?? 0)],
      };
      const blob = await this.blobs.put(createReadStream(parquet), { expectedSha256: digest });
      const finalSource: VersionSource = base
        ? { kind: 'append', base: base.ref, filename: source.filename, format: opened.format }
        : source;
      const version = await this.#record(
        name,
        {
          digest,
          size: blob.size,
          rows,
          columns: profiled.columns,
          profile: profiled.profile,
          report,
          source: finalSource,
        },
        input,
        base ? [base.ref] : [],
        actor,
      );
      return { version, created: true };
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }

  /** Rows of `base` followed by the new rows, which must have the same columns. */
  async #appendSelect(engine: TableEngine, base: DatasetVersionDetails, select: string): Promise<string> {
    const incoming = await engine.describe(select);
    const want = base.columns.map((c) => c.name);
    const got = incoming.map((c) => c.name);
    const missing = want.filter((c) => !got.includes(c));
    const extra = got.filter((c) => !want.includes(c));
    if (missing.length || extra.length) {
      throw new LatheError(
        'DATA_SOURCE_INVALID',
        `an appended batch must have the columns of ${base.ref}` +
          (missing.length ? `; missing: ${missing.join(', ')}` : '') +
          (extra.length ? `; not in ${base.ref}: ${extra.join(', ')}` : ''),
        { missing, extra },
      );
    }
    const path = this.blobs.localPath(base.digest);
    if (!path)
      throw new LatheError('NOT_IMPLEMENTED', 'appending needs a blob store with local files (file:)');
    const cols = base.columns
      .map((c) => `try_cast(${quoteIdent(c.name)} as ${c.type}) as ${quoteIdent(c.name)}`)
      .join(', ');
    return `select * from read_parquet(${quoteLiteral(path)}) union all select ${cols} from (${select})`;
  }

  async #record(
    name: string,
    v: {
      digest: string;
      size: number;
      rows: number;
      columns: ColumnSchema[];
      profile: unknown;
      report: IngestReport;
      source: VersionSource;
      recipe?: unknown;
    },
    input: IngestInput,
    parents: string[],
    actor: Principal | null,
  ): Promise<DatasetVersionDetails> {
    const by = actor?.userName ?? 'local';
    for (let attempt = 0; ; attempt++) {
      try {
        const version = await this.store.transaction(async (trx) => {
          const now = Date.now();
          const ds = await trx
            .selectFrom('data_sets')
            .select('name')
            .where('name', '=', name)
            .executeTakeFirst();
          if (!ds) {
            await trx
              .insertInto('data_sets')
              .values({
                name,
                description: input.description ?? '',
                created_at: now,
                updated_at: now,
                created_by: by,
              })
              .execute();
          } else {
            await trx
              .updateTable('data_sets')
              .set({
                updated_at: now,
                ...(input.description !== undefined ? { description: input.description } : {}),
              })
              .where('name', '=', name)
              .execute();
          }
          const last = await trx
            .selectFrom('data_versions')
            .select((eb) => eb.fn.max('version').as('v'))
            .where('name', '=', name)
            .executeTakeFirst();
          const version = Number(last?.v ?? 0) + 1;
          await trx
            .insertInto('data_versions')
            .values({
              name,
              version,
              digest: v.digest,
              rows: v.rows,
              size: v.size,
              schema: JSON.stringify(v.columns),
              profile: JSON.stringify(v.profile),
              report: JSON.stringify(v.report),
              source: JSON.stringify(v.source),
              recipe: v.recipe === undefined ? null : JSON.stringify(v.recipe),
              message: input.message ?? '',
              created_at: now,
              created_by: by,
            })
            .execute();
          const ref = formatRef(name, version);
          for (const p of parents) {
            await trx
              .insertInto('lineage_edges')
              .values({
                src_type: lineageType,
                src_id: p,
                dst_type: lineageType,
                dst_id: ref,
                created_at: now,
              })
              .execute();
          }
          await this.audit.record(
            {
              actor,
              action: 'dataset_version.create',
              objectType: 'dataset_version',
              objectId: `${name}/${version}`,
              details: { rows: v.rows, digest: v.digest, source: v.source.kind, parents },
            },
            trx,
          );
          return version;
        });
        return await this.version({ name, version });
      } catch (err) {
        // Two ingests into one dataset at once: the second takes the next number.
        if (attempt < 3 && this.store.isUniqueViolation(err)) continue;
        throw err;
      }
    }
  }

  async #parents(refs: string[]): Promise<Map<string, string[]>> {
    if (!refs.length) return new Map();
    const edges = await this.store.db
      .selectFrom('lineage_edges')
      .select(['src_id', 'dst_id'])
      .where('dst_type', '=', lineageType)
      .where('src_type', '=', lineageType)
      .where('dst_id', 'in', refs)
      .execute();
    const out = new Map<string, string[]>();
    for (const e of edges) out.set(e.dst_id, [...(out.get(e.dst_id) ?? []), e.src_id]);
    return out;
  }

  async #tmp(): Promise<string> {
    const root = this.options.tmpDir ?? tmpdir();
    await mkdir(root, { recursive: true });
    return mkdtemp(path.join(root, 'lathe-data-'));
  }
}

function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

function notFound(name: string): LatheError {
  return new LatheError('NOT_FOUND', `no dataset named ${JSON.stringify(name)}`, { name });
}

function toVersion(r: DataVersionsTable, parents: string[]): DatasetVersion {
  return {
    name: r.name,
    version: Number(r.version),
    ref: formatRef(r.name, Number(r.version)),
    digest: r.digest,
    rows: Number(r.rows),
    size: Number(r.size),
    columns: JSON.parse(r.schema),
    message: r.message,
    source: JSON.parse(r.source),
    parents,
    createdAt: isoTime(Number(r.created_at)),
    createdBy: r.created_by,
  };
}

/** Source lines for issues found on data rows: header and skipped lines counted back in. */
function withLines(
  issues: { row?: number; kind: IngestReport['issues'][number]['kind']; message: string; column?: string }[],
  rejects: Pick<IngestReport, 'dialect' | 'issues'>,
  baseRows: number,
) {
  const skipped = rejects.issues
    .flatMap((i) => (i.kind === 'rejected_row' && i.line ? [i.line] : []))
    .sort((a, b) => a - b);
  const header = rejects.dialect?.header ? 1 : 0;
  return issues.map((i) => {
    if (i.row === undefined || !rejects.dialect || i.row <= baseRows) return i;
    let line = i.row - baseRows + header;
    for (const s of skipped) if (s <= line) line++;
    return { ...i, line, message: `line ${line}: ${i.message}` };
  });
}

async function sha256File(file: string): Promise<string> {
  const hash = createHash('sha256');
  await pipeline(createReadStream(file), hash);
  return hash.digest('hex');
}

/** Passes bytes through, failing with PAYLOAD_TOO_LARGE past `max`. */
function limitBytes(max: number): Transform {
  let seen = 0;
  return new Transform({
    transform(chunk: Buffer, _enc, done) {
      seen += chunk.length;
      if (seen > max) {
        done(
          new LatheError(
            'PAYLOAD_TOO_LARGE',
            `the upload is larger than the ${max}-byte limit (server.uploadLimitBytes)`,
          ),
        );
      } else done(null, chunk);
    },
  });
}
