import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { type Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { AuditLog, Principal } from '../auth/index.js';
import { LatheError } from '../core/index.js';
import type { BlobInfo, BlobStore } from '../storage/blobs/index.js';
import type { MetaStore } from '../storage/meta/index.js';
import { quoteLiteral, TableEngine } from '../storage/tables/index.js';
import { DataCatalog } from './catalog.js';
import { type CheckRun, type CheckRunSummary, DataChecks } from './checks/index.js';
import { checkDiffOptions, type DatasetDiff, type DiffOptions, diffVersions } from './diff/index.js';
import { checkSourceOptions, type OpenedSource, openSource } from './ingest.js';
import { checkLineageDepth, type DatasetVersionLineage, type LineageEnd } from './lineage.js';
import { profileParquet } from './profile.js';
import { profileDerived } from './profile-derived.js';
import { type FittedRecipe, type TransformResult, TransformRunner } from './recipe/index.js';
import { type FetchedQuery, fetchPostgresQuery, type PostgresQuery } from './sources/postgres/index.js';
import { checkDatasetName, parseDatasetRef } from './refs.js';
import { checkSemanticOverrides } from './semantic.js';
import type {
  Dataset,
  DatasetVersion,
  DatasetVersionDetails,
  IngestReport,
  RowsPage,
  SemanticType,
  VersionSource,
} from './types.js';
import { type RowsQuery, readColumns, readRows } from './version-rows.js';

export interface DataServiceOptions {
  /** Where uploads and intermediate files are written (default: the OS temp directory). */
  tmpDir?: string;
  /** The largest upload accepted, in bytes. */
  maxUploadBytes?: number;
  /** Database hosts SQL sources may query (`host`, `host:port`, `*.domain`, `*`); none by default. */
  sqlSourceHosts?: readonly string[];
  /** The longest a SQL source query may run, in milliseconds (default 10 minutes). */
  sqlTimeoutMs?: number;
  /** The salt of PII hashes in transforms (a string, or how to get it); transforms that hash fail without it. */
  piiSalt?: string | (() => Promise<string>);
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

/** Where a derived version comes from: its source record and lineage edges into it. */
export interface DerivedFrom {
  source: VersionSource;
  /** Dataset versions it was made from (`name@3`). */
  parents: string[];
  /** Other objects it was made with (a model version…). */
  links?: LineageEnd[];
  /**
   * Columns that hold exactly the rows of `base`, unchanged and in its order (columns copied
   * beside batch predictions): their profiles are taken from `base` instead of scanned again.
   */
  reuse?: { base: DatasetVersionDetails; columns: string[] };
}

export interface IngestResult {
  version: DatasetVersionDetails;
  /** False when the content equals an existing version's: that version is answered, none is made. */
  created: boolean;
}

/**
 * Datasets and their immutable versions: ingest from files and uploads; schema and profile at
 * ingest; Parquet rows in the blob store. HTTP-free; `api/` and the CLI wrap it.
 */
export class DataService {
  #engine: Promise<TableEngine> | null = null;
  readonly #catalog: DataCatalog;
  readonly #checks: DataChecks;
  readonly #transforms: TransformRunner;

  constructor(
    readonly store: MetaStore,
    readonly blobs: BlobStore,
    audit: AuditLog,
    private readonly options: DataServiceOptions = {},
  ) {
    this.#catalog = new DataCatalog(store, audit);
    this.#checks = new DataChecks({
      store,
      audit,
      engine: () => this.engine(),
      version: (r) => this.version(r),
      localPath: (d) => this.#localPath(d),
    });
    this.#transforms = new TransformRunner({
      catalog: this.#catalog,
      blobs,
      engine: () => this.engine(),
      localPath: (d) => this.#localPath(d),
      tmp: () => this.#tmp(),
      piiSalt: async () => {
        const salt = typeof options.piiSalt === 'function' ? await options.piiSalt() : options.piiSalt;
        if (!salt)
          throw new LatheError(
            'CONFIG_INVALID',
            'hashing PII needs a salt: set data.piiSalt (LATHE_PII_SALT)',
          );
        return salt;
      },
    });
  }

  /**
   * Applies a recipe (an object, YAML/JSON text, or `{ recipe: text }`) to a version: fits it
   * there, writes the result (or each split) as new versions with lineage, and stores the fitted
   * recipe as an artifact. See recipe/transform-runner.ts.
   */
  transform(
    ref: unknown,
    recipe: unknown,
    actor: Principal | null,
    options: { message?: string } = {},
  ): Promise<TransformResult> {
    return this.#transforms.run(ref, recipe, actor, options);
  }

  /** The fitted recipe of a version a recipe produced; NOT_FOUND for other versions. */
  fittedRecipe(ref: unknown): Promise<FittedRecipe> {
    return this.#transforms.fitted(ref);
  }

  /** A version's lineage across datasets (and runs, models…), `depth` generations each way; see lineage.ts. */
  async lineage(ref: unknown, depth?: unknown): Promise<DatasetVersionLineage> {
    return this.#catalog.lineage(ref, checkLineageDepth(depth));
  }

  /** The DuckDB engine, started on first use. */
  engine(): Promise<TableEngine> {
    this.#engine ??= TableEngine.create();
    return this.#engine;
  }

  async close(): Promise<void> {
    if (this.#engine) await (await this.#engine).close();
    this.#engine = null;
  }

  /** Every dataset, by name. */
  list(): Promise<Dataset[]> {
    return this.#catalog.list();
  }

  /** One dataset; NOT_FOUND when there is none by that name. */
  get(name: unknown): Promise<Dataset> {
    return this.#catalog.get(name);
  }

  /** The versions of a dataset, newest first. */
  versions(name: unknown): Promise<DatasetVersion[]> {
    return this.#catalog.versions(name);
  }

  /** The version a reference names (`name@3`, `name@latest`), with its profile and ingest report. */
  version(ref: unknown): Promise<DatasetVersionDetails> {
    return this.#catalog.version(ref);
  }

  /**
   * Runs a quality-check suite (YAML/JSON text or object; nothing for the default suite) over a
   * version and stores the run; see `DataChecks.run`. Failing checks are a result, not an error.
   */
  check(ref: unknown, suite: unknown, actor: Principal | null): Promise<CheckRun> {
    return this.#checks.run(ref, suite, actor);
  }

  /** The stored check runs of a version, newest first (without their results). */
  checkRuns(ref: unknown): Promise<CheckRunSummary[]> {
    return this.#checks.runs(ref);
  }

  /** One stored check run of a version. */
  checkRun(ref: unknown, id: unknown): Promise<CheckRun> {
    return this.#checks.get(ref, id);
  }

  /** A page of a version's rows; see `readRows`. */
  async rows(ref: unknown, q: RowsQuery = {}): Promise<RowsPage> {
    const v = await this.version(ref);
    return readRows(await this.engine(), this.#localPath(v.digest), v, q);
  }

  /** Whole columns of a version in stored row order (for training); see `readColumns`. */
  async columns(ref: unknown, names: readonly string[]): Promise<Record<string, unknown[]>> {
    const v = await this.version(ref);
    return readColumns(await this.engine(), this.#localPath(v.digest), v, names);
  }

  /**
   * The diff of version `a` (the reference, old) and version `b` (the current, new), which may
   * belong to different datasets; see `diffVersions`. Bad references or options are
   * INVALID_ARGUMENT, unknown ones NOT_FOUND.
   */
  async diff(a: unknown, b: unknown, options: DiffOptions = {}): Promise<DatasetDiff> {
    const [refA, refB] = [parseDatasetRef(a), parseDatasetRef(b)];
    checkDiffOptions(options);
    const [va, vb] = [await this.version(refA), await this.version(refB)];
    const input = (v: DatasetVersionDetails) => ({ version: v, file: this.#localPath(v.digest) });
    return diffVersions(await this.engine(), input(va), input(vb), options);
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
    const cleanup = () => rm(dir, { recursive: true, force: true });
    try {
      const file = path.join(dir, 'data.csv');
      const engine = await this.engine();
      await engine.query(
        `copy (select * from read_parquet(${quoteLiteral(source)})) to ${quoteLiteral(file)} (format csv, header true)`,
      );
      return { file, ref: v.ref, cleanup };
    } catch (err) {
      await cleanup();
      throw err;
    }
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
    // Checked before the body is read, so a bad request costs no disk.
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
      return await this.#ingest(file, 'upload', input, actor);
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
    return this.#ingest(file, 'file', input, actor);
  }

  /**
   * Ingests a Parquet file Lathe made from other objects (batch predictions) as a new version of
   * `input.name`, with its source and lineage: `parents` (dataset versions) and `links` (other
   * objects, e.g. the model version that predicted). Trusted callers only.
   */
  async ingestDerived(
    file: string,
    input: Omit<IngestInput, 'read' | 'append'>,
    derived: DerivedFrom,
    actor: Principal | null,
  ): Promise<IngestResult> {
    return this.#ingest(file, 'file', { ...input, read: { format: 'parquet' } }, actor, undefined, derived);
  }

  /** A version and the local path of its Parquet file, for trusted readers (batch jobs). */
  async versionFile(ref: unknown): Promise<{ version: DatasetVersionDetails; file: string }> {
    const version = await this.version(ref);
    return { version, file: this.#localPath(version.digest) };
  }

  /**
   * Runs one read-only query against PostgreSQL (see `fetchPostgresQuery`: host allow-list,
   * READ ONLY transaction, cursor, timeout) and ingests its rows like a file, typed from the
   * result's columns. The version's source holds the URI without its password, and the query.
   */
  async ingestQuery(
    sql: PostgresQuery,
    input: Omit<IngestInput, 'filename' | 'read'>,
    actor: Principal | null,
    onProgress?: (rows: number) => void,
  ): Promise<IngestResult> {
    const name = checkDatasetName(input.name);
    // Refused before the query runs: appending to a dataset that has no version.
    if (input.append) await this.version({ name, version: 'latest' });
    const dir = await this.#tmp();
    try {
      const file = path.join(dir, 'rows.jsonl');
      const fetched = await fetchPostgresQuery(sql, file, {
        allowedHosts: this.options.sqlSourceHosts ?? [],
        ...(this.options.sqlTimeoutMs !== undefined ? { timeoutMs: this.options.sqlTimeoutMs } : {}),
        ...(onProgress ? { onProgress } : {}),
      });
      return await this.#ingest(file, 'file', { ...input, filename: 'query' }, actor, fetched);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }

  async #ingest(
    file: string,
    kind: 'file' | 'upload',
    input: IngestInput,
    actor: Principal | null,
    fetched?: FetchedQuery,
    derived?: DerivedFrom,
  ): Promise<IngestResult> {
    const name = checkDatasetName(input.name);
    const read = checkSourceOptions(input.read ?? {});
    const engine = await this.engine();
    const base = input.append ? await this.version({ name, version: 'latest' }) : null;
    const opened = fetched?.opened ?? (await openSource(engine, file, read));
    const dir = await this.#tmp();
    try {
      // A derived version's file is Parquet Lathe wrote itself: stored as it is, not copied again.
      const parquet = derived ? file : path.join(dir, 'data.parquet');
      let rows: number;
      if (derived) {
        const [counted] = await engine.query<{ n: number }>(
          `select count(*) as n from read_parquet(${quoteLiteral(file)})`,
        );
        rows = Number(counted?.n ?? 0);
      } else {
        const select = base ? await this.#appendSelect(engine, base, opened) : opened.select;
        const [copied] = await engine.query<{ Count: number }>(
          `copy (${select}) to ${quoteLiteral(parquet)} (format parquet)`,
        );
        rows = Number(copied?.Count ?? 0);
      }
      const rejects = await opened.finish();
      if (rows === (base?.rows ?? 0)) {
        throw new LatheError(
          'DATA_SOURCE_INVALID',
          rejects.rowsRejected
            ? `no row could be read: all ${rejects.rowsRejected} rows were malformed; the first: ${rejects.issues[0]?.message}`
            : 'the source has no rows (only a header?)',
        );
      }
      const physical = await engine.describe(`select * from read_parquet(${quoteLiteral(parquet)})`);
      const names = physical.map((c) => c.name);
      // An appended batch keeps the semantic types (and the target) of the version it extends,
      // unless the user says otherwise.
      const semantic = {
        ...Object.fromEntries((base?.columns ?? []).map((c) => [c.name, c.semantic])),
        ...checkSemanticOverrides(input.semantic, names),
      };
      const target = input.target ?? base?.columns.find((c) => c.semantic === 'target')?.name;
      if (input.target !== undefined && !names.includes(input.target)) {
        throw new LatheError(
          'INVALID_ARGUMENT',
          `target column ${JSON.stringify(input.target)} is not in the data; columns: ${names.join(', ')}`,
        );
      }
      // The blob store is content-addressed: content equal to an existing version's is stored
      // once, and that version is the answer. The profile starts while the file is hashed and
      // stored, and stops after its first scan when the content is not new.
      const stop = new AbortController();
      const profileOptions = {
        ...(target !== undefined ? { target } : {}),
        semantic: semantic as Record<string, SemanticType>,
        signal: stop.signal,
      };
      const profiling = derived?.reuse
        ? profileDerived(
            engine,
            parquet,
            physical,
            derived.reuse.base,
            new Set(derived.reuse.columns),
            profileOptions,
          )
        : profileParquet(engine, parquet, physical, profileOptions);
      const settled = profiling.then(
        () => undefined,
        () => undefined,
      );
      let blob: BlobInfo;
      let existing: DatasetVersionDetails | null = null;
      let isNew = false;
      try {
        blob = await this.blobs.put(createReadStream(parquet, { highWaterMark: 1 << 20 }));
        existing = await this.#catalog.versionByDigest(name, blob.digest);
        isNew = !existing;
      } finally {
        if (!isNew) {
          stop.abort();
          await settled; // the temporary directory is removed once DuckDB is done with it
        }
      }
      if (existing)
        return { version: { ...existing, report: { ...existing.report, unchanged: true } }, created: false };
      const profiled = await profiling;
      const report: IngestReport = {
        format: opened.format,
        ...(rejects.dialect ? { dialect: rejects.dialect } : {}),
        ...(opened.encoding ? { encoding: opened.encoding } : {}),
        rowsRead: rows - (base?.rows ?? 0),
        rowsRejected: rejects.rowsRejected,
        issues: [...rejects.issues, ...withLines(profiled.issues, rejects, base?.rows ?? 0)],
      };
      const sql = fetched ? { uri: fetched.source.uri, query: fetched.source.query } : {};
      const source: VersionSource = base
        ? { kind: 'append', base: base.ref, filename: input.filename, format: opened.format, ...sql }
        : (derived?.source ?? fetched?.source ?? { kind, filename: input.filename, format: opened.format });
      const version = await this.#catalog.record(
        name,
        {
          digest: blob.digest,
          size: blob.size,
          rows,
          columns: profiled.columns,
          profile: profiled.profile,
          report,
          source,
          parents: base ? [base.ref] : (derived?.parents ?? []),
          ...(derived?.links ? { links: derived.links } : {}),
          ...(input.message !== undefined ? { message: input.message } : {}),
          ...(input.description !== undefined ? { description: input.description } : {}),
        },
        actor,
      );
      return { version, created: true };
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }

  /**
   * Rows of `base` followed by the new rows, which must have the same columns; the new rows are
   * read in `base`'s types (a CSV value that does not fit is a rejected row, with its line).
   */
  async #appendSelect(
    engine: TableEngine,
    base: DatasetVersionDetails,
    opened: OpenedSource,
  ): Promise<string> {
    const incoming = await engine.describe(opened.select);
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
    const from = quoteLiteral(this.#localPath(base.digest));
    return `select * from read_parquet(${from}) union all ${opened.typed(base.columns)}`;
  }

  async #tmp(): Promise<string> {
    const root = this.options.tmpDir ?? tmpdir();
    await mkdir(root, { recursive: true });
    return mkdtemp(path.join(root, 'lathe-data-'));
  }
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
