import { createReadStream } from 'node:fs';
import { mkdtemp, open, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { extname, join } from 'node:path';
import {
  type DuckDBConnection,
  DuckDBInstance,
  DuckDBTypeId,
  type DuckDBResultReader,
  type DuckDBVector,
} from '@duckdb/node-api';
import { describeValue, LatheError, newId } from '../../core/index.js';
import { assertDigest, type BlobInfo, type BlobStore } from '../blobs/index.js';
import { type QueryParams, rowValueConverter, toDuckDBParams } from './duckdb-values.js';
import { quoteIdentifier, quoteLiteral, stripTrailingSemicolons, truncate } from './sql-text.js';

/** Options for {@link TableEngine.create}. */
export interface TableEngineOptions {
  /** Worker threads DuckDB may use (positive integer). Default: DuckDB's, the number of cores. */
  threads?: number;
  /** DuckDB's memory cap, e.g. `'512MB'`, `'4GB'`, `'1.5GiB'`. Default: DuckDB's, 80% of RAM. */
  memoryLimit?: string;
}

/** The file formats {@link TableEngine.readFile} reads; `auto` guesses from extension, then content. */
export type TableFileFormat = 'csv' | 'parquet' | 'json' | 'auto';

/** CSV dialect for {@link TableEngine.readFile}; omitted fields are sniffed by DuckDB. */
export interface CsvOptions {
  /** Field separator, e.g. `','`, `';'`, `'\t'`, `'|'`. */
  delimiter?: string;
  /** Whether the first line holds column names. */
  header?: boolean;
  /** Quote character around fields that contain the delimiter, e.g. `'"'`. */
  quote?: string;
}

/** Options for {@link TableEngine.readFile}. */
export interface ReadFileOptions {
  /** Default `auto`. JSON means an array of objects or JSON Lines (one object per line). */
  format?: TableFileFormat;
  /** Only for CSV files. */
  csv?: CsvOptions;
}

/** One column of a view or query result, in column order. */
export interface TableColumn {
  name: string;
  /** DuckDB's type name, e.g. `BIGINT`, `VARCHAR`, `DOUBLE`, `TIMESTAMP`, `DECIMAL(10,2)`. */
  type: string;
  nullable: boolean;
}

/** The result of {@link TableEngine.writeParquet}: the blob written and how many rows it holds. */
export interface ParquetBlobInfo extends BlobInfo {
  rows: number;
}

const FORMATS: readonly TableFileFormat[] = ['csv', 'parquet', 'json', 'auto'];
const EXTENSION_FORMATS: Record<string, Exclude<TableFileFormat, 'auto'>> = {
  '.csv': 'csv',
  '.tsv': 'csv',
  '.txt': 'csv',
  '.parquet': 'parquet',
  '.pq': 'parquet',
  '.json': 'json',
  '.jsonl': 'json',
  '.ndjson': 'json',
};
const VIEW_NAME_PATTERN = /^lathe_view_[0-9a-z]{20}$/;
const IDENTIFIER_PATTERN = /^[A-Za-z_][A-Za-z0-9_]*$/;
const MEMORY_LIMIT_PATTERN = /^\d+(\.\d+)?\s*(B|KB|MB|GB|TB|KiB|MiB|GiB|TiB)$/i;

interface FailureContext {
  /** What was being done, as the start of a sentence, e.g. `Reading the CSV file "/x.csv"`. */
  action: string;
  file?: string;
  sql?: string;
}

/**
 * An embedded, in-memory DuckDB for querying tabular files (CSV, JSON, Parquet) and writing
 * Parquet into a {@link BlobStore}. Calls on one engine run one at a time, in call order.
 *
 * SQL passed to `query`, `describe` and `writeParquet` is trusted code: it can read any file the
 * process can. Pass user input only as parameters. Paths and generated view names are quoted by
 * the engine. Every DuckDB error surfaces as `TABLE_QUERY_FAILED` naming the query or file.
 */
export class TableEngine {
  private queue: Promise<unknown> = Promise.resolve();
  private closed = false;

  private constructor(
    private readonly instance: DuckDBInstance,
    private readonly connection: DuckDBConnection,
    /** False for a fork: closing it leaves the instance to its owner. */
    private readonly ownsInstance = true,
  ) {}

  /**
   * Starts an in-memory DuckDB instance.
   * @throws LatheError `INVALID_ARGUMENT` for a bad option; `TABLE_QUERY_FAILED` when DuckDB
   *   cannot start.
   */
  static async create(options: TableEngineOptions = {}): Promise<TableEngine> {
    const config: Record<string, string> = {};
    if (options.threads !== undefined) {
      if (!Number.isSafeInteger(options.threads) || options.threads < 1) {
        throw new LatheError(
          'INVALID_ARGUMENT',
          `Expected threads to be a positive integer, but got ${describeValue(options.threads)}.`,
        );
      }
      config['threads'] = String(options.threads);
    }
    if (options.memoryLimit !== undefined) {
      if (typeof options.memoryLimit !== 'string' || !MEMORY_LIMIT_PATTERN.test(options.memoryLimit)) {
        throw new LatheError(
          'INVALID_ARGUMENT',
          `Expected memoryLimit to be a size such as '512MB' or '4GB' (units B, KB, MB, GB, TB, KiB, MiB, GiB, TiB), ` +
            `but got ${describeValue(options.memoryLimit)}.`,
        );
      }
      config['memory_limit'] = options.memoryLimit.replace(/\s+/g, '');
    }
    let instance: DuckDBInstance | undefined;
    try {
      instance = await DuckDBInstance.create(':memory:', config);
      return new TableEngine(instance, await instance.connect());
    } catch (err) {
      instance?.closeSync();
      throw new LatheError('TABLE_QUERY_FAILED', `Could not start DuckDB: ${errorMessage(err)}`, config, {
        cause: err,
      });
    }
  }

  /**
   * Runs SQL (one or more statements; the last one's rows are returned) and resolves to its rows
   * as plain objects keyed by column name, in result order. Values convert as described on
   * `rowValueConverter`: BIGINT → number when safe else string, DECIMAL → number, timestamps →
   * ISO 8601 UTC strings, DATE → `YYYY-MM-DD`. Use `?`/`$1` with an array of params, or `$name`
   * with an object.
   * @throws LatheError `TABLE_QUERY_FAILED` with DuckDB's message; `INVALID_ARGUMENT` for a
   *   parameter that cannot be sent.
   */
  async query<T = Record<string, unknown>>(sql: string, params?: QueryParams): Promise<T[]> {
    const reader = await this.exec(requireSql(sql, 'sql'), params, {
      action: `The query ${quoteForMessage(sql)}`,
      sql,
    });
    return reader.convertRowObjects(rowValueConverter) as T[];
  }

  /**
   * Runs SQL like {@link query} and resolves to its result by column: each column's values in
   * result order, converted as `query` converts them. Cheaper than row objects for wide reads
   * (training matrices).
   */
  async queryColumns(sql: string, params?: QueryParams): Promise<Record<string, unknown[]>> {
    const reader = await this.exec(requireSql(sql, 'sql'), params, {
      action: `The query ${quoteForMessage(sql)}`,
      sql,
    });
    return reader.convertColumnsObject(rowValueConverter) as Record<string, unknown[]>;
  }

  /**
   * Streams the result of SQL in batches of `batchRows` rows (the last one shorter), each column as
   * a Float64Array when it is DOUBLE (copied straight from DuckDB's vectors, NULL as NaN) and as
   * values converted like `query`'s otherwise. Rows come in result order (a plain scan keeps the
   * file's order). Run it on a forked engine (`fork()`): the connection is busy until the stream
   * ends or the loop stops. With `shared`, the Float64Arrays live in SharedArrayBuffers (posted to
   * worker threads without a copy).
   * @throws LatheError `TABLE_QUERY_FAILED` with DuckDB's message.
   */
  async *streamColumns(
    sql: string,
    batchRows: number,
    options: { shared?: boolean } = {},
  ): AsyncGenerator<{ rows: number; columns: Record<string, Float64Array | unknown[]> }> {
    const context = { action: `The query ${quoteForMessage(sql)}`, sql };
    const result = await this.exec(requireSql(sql, 'sql'), undefined, context, (c, q) => c.stream(q));
    const names = result.columnNames();
    const isDouble = result.columnTypes().map((t) => t.typeId === DuckDBTypeId.DOUBLE);
    const doubles = () =>
      options.shared ? new Float64Array(new SharedArrayBuffer(batchRows * 8)) : new Float64Array(batchRows);
    const fresh = () => names.map((_, j) => (isDouble[j] ? doubles() : new Array<unknown>(batchRows)));
    let columns = fresh();
    let filled = 0;
    const batch = (rows: number) => ({
      rows,
      columns: Object.fromEntries(
        names.map((name, j) => {
          const c = columns[j]!;
          // The last, shorter batch: a shared array is posted whole anyway, so a view will do.
          return [
            name,
            rows === batchRows
              ? c
              : options.shared && c instanceof Float64Array
                ? c.subarray(0, rows)
                : c.slice(0, rows),
          ];
        }),
      ),
    });
    for (;;) {
      let chunk: Awaited<ReturnType<typeof result.fetchChunk>>;
      try {
        chunk = await result.fetchChunk();
      } catch (err) {
        throw new LatheError(
          'TABLE_QUERY_FAILED',
          `${context.action} failed: ${errorMessage(err)}`,
          {},
          { cause: err },
        );
      }
      if (!chunk || chunk.rowCount === 0) break;
      const n = chunk.rowCount;
      const values = names.map((_, j) =>
        isDouble[j] ? null : chunk!.convertColumnValues(j, rowValueConverter),
      );
      let from = 0;
      while (from < n) {
        const take = Math.min(n - from, batchRows - filled);
        for (let j = 0; j < names.length; j++) {
          const out = columns[j]!;
          if (out instanceof Float64Array) copyDoubles(chunk.getColumnVector(j), from, take, out, filled);
          else {
            const src = values[j]!;
            for (let i = 0; i < take; i++) out[filled + i] = src[from + i];
          }
        }
        filled += take;
        from += take;
        if (filled === batchRows) {
          yield batch(batchRows);
          columns = fresh();
          filled = 0;
        }
      }
    }
    if (filled > 0) yield batch(filled);
  }

  /**
   * Runs a query whose columns are all DOUBLE and resolves to each column as one Float64Array, in
   * result order (NULL as NaN), copied from DuckDB's vectors of the materialized result: the
   * fastest way to bring many numbers into JavaScript. Runs on this connection like `query`. With
   * `shared`, the arrays live in SharedArrayBuffers (worker threads read them without a copy).
   * @throws LatheError `TABLE_QUERY_FAILED` with DuckDB's message, or when a column is not DOUBLE.
   */
  async queryDoubles(sql: string, options: { shared?: boolean } = {}): Promise<Float64Array[]> {
    const context = { action: `The query ${quoteForMessage(sql)}`, sql };
    const result = await this.exec(requireSql(sql, 'sql'), undefined, context, (c, q) => c.run(q));
    const types = result.columnTypes();
    if (types.some((t) => t.typeId !== DuckDBTypeId.DOUBLE))
      throw new LatheError('TABLE_QUERY_FAILED', `${context.action} failed: every column must be DOUBLE`, {
        sql: truncate(sql, 2000),
      });
    const rows = result.rowCount;
    const out = types.map(() =>
      options.shared ? new Float64Array(new SharedArrayBuffer(rows * 8)) : new Float64Array(rows),
    );
    let at = 0;
    for (let k = 0; k < result.chunkCount; k++) {
      const chunk = result.getChunk(k);
      const n = chunk.rowCount;
      for (let j = 0; j < out.length; j++) copyDoubles(chunk.getColumnVector(j), 0, n, out[j]!, at);
      at += n;
    }
    return out;
  }

  /**
   * Registers a view over a CSV, JSON (array or JSON Lines) or Parquet file and resolves to the
   * view's generated name (`lathe_view_` + 20 lowercase base-36 characters), safe to splice into
   * SQL. The view reads the file on each query, so the file must stay in place. `auto` picks the
   * format by extension (.csv .tsv .txt .parquet .pq .json .jsonl .ndjson, optionally compressed)
   * and otherwise by content (Parquet magic bytes, a leading `{` or `[`, else CSV). Paths with
   * glob characters (`*`, `?`, `[`) are globbed by DuckDB.
   * @throws LatheError `TABLE_QUERY_FAILED` when the file is missing or unreadable as that format;
   *   `INVALID_ARGUMENT` for a bad option.
   */
  async readFile(path: string, options: ReadFileOptions = {}): Promise<string> {
    requirePath(path);
    const requested = options.format ?? 'auto';
    if (!FORMATS.includes(requested)) {
      throw new LatheError(
        'INVALID_ARGUMENT',
        `Expected format to be one of ${FORMATS.join(', ')}, but got ${describeValue(requested)}.`,
      );
    }
    const format = requested === 'auto' ? await detectFormat(path) : requested;
    if (options.csv !== undefined && format !== 'csv') {
      throw new LatheError(
        'INVALID_ARGUMENT',
        `CSV options apply only to CSV files, but ${quoteForMessage(path)} is read as ${format}.`,
      );
    }
    const source =
      format === 'csv'
        ? `read_csv(${quoteLiteral(path)}${csvArguments(options.csv)})`
        : format === 'parquet'
          ? `read_parquet(${quoteLiteral(path)})`
          : `read_json(${quoteLiteral(path)})`;
    const view = generatedViewName();
    await this.exec(`CREATE VIEW ${quoteIdentifier(view)} AS SELECT * FROM ${source}`, undefined, {
      action: `Reading the ${format} file ${quoteForMessage(path)}`,
      file: path,
    });
    return view;
  }

  /**
   * The columns of a view (or table), when given a bare identifier, or of a query's result, in
   * column order.
   * @throws LatheError `TABLE_QUERY_FAILED` when the view does not exist or the query is invalid.
   */
  async describe(viewOrQuery: string): Promise<TableColumn[]> {
    const text = requireSql(viewOrQuery, 'viewOrQuery').trim();
    const isName = IDENTIFIER_PATTERN.test(text);
    const sql = isName ? `DESCRIBE ${quoteIdentifier(text)}` : `DESCRIBE ${stripTrailingSemicolons(text)}`;
    const reader = await this.exec(sql, undefined, {
      action: isName
        ? `Describing the view ${quoteForMessage(text)}`
        : `Describing the query ${quoteForMessage(text)}`,
      sql: text,
    });
    return reader.getRowObjectsJS().map((row) => ({
      name: String(row['column_name']),
      type: String(row['column_type']),
      nullable: row['null'] !== 'NO',
    }));
  }

  /**
   * Runs a SELECT, writes its rows (in result order) to a temporary Parquet file, streams that
   * file into `blobs` and removes it. Resolves to the blob's digest, its size in bytes and the
   * row count.
   * @throws LatheError `TABLE_QUERY_FAILED` when the query fails; blob store errors as thrown.
   */
  async writeParquet(selectSql: string, blobs: BlobStore, params?: QueryParams): Promise<ParquetBlobInfo> {
    const body = stripTrailingSemicolons(requireSql(selectSql, 'selectSql'));
    const dir = await mkdtemp(join(tmpdir(), 'lathe-parquet-'));
    try {
      const file = join(dir, 'data.parquet');
      // The newline before `)` keeps a trailing `--` comment in the query from swallowing it.
      const reader = await this.exec(`COPY (\n${body}\n) TO ${quoteLiteral(file)} (FORMAT parquet)`, params, {
        action: `Writing Parquet from the query ${quoteForMessage(selectSql)}`,
        sql: selectSql,
      });
      const rows = Number(reader.getRowsJS()[0]?.[0] ?? 0);
      const { digest, size } = await blobs.put(createReadStream(file));
      return { digest, size, rows };
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }

  /**
   * Registers a view over a Parquet blob, read in place through the store's `localPath`, and
   * resolves to the view name (as {@link readFile}). The blob must stay stored while the view
   * is used.
   * @throws LatheError `INVALID_ARGUMENT` for a malformed digest; `BLOB_NOT_FOUND`;
   *   `NOT_IMPLEMENTED` when the store has no local files; `TABLE_QUERY_FAILED` when the blob is
   *   not Parquet.
   */
  async readParquetBlob(digest: string, blobs: BlobStore): Promise<string> {
    assertDigest(digest);
    const path = blobs.localPath(digest);
    if (path === null) {
      throw new LatheError(
        'NOT_IMPLEMENTED',
        `Reading a Parquet blob needs a blob store with local files (file:), but this store has none; ` +
          `copy the blob to a local file and use readFile instead.`,
        { digest },
      );
    }
    if (!(await blobs.has(digest))) {
      throw new LatheError('BLOB_NOT_FOUND', `No blob with digest ${digest} is stored.`, { digest });
    }
    return this.readFile(path, { format: 'parquet' });
  }

  /**
   * Another engine on the same database with a connection of its own: its calls run one at a
   * time like this engine's, but concurrently with them (DuckDB shares its worker threads between
   * the queries), which fills the cores while a query runs a single-threaded phase. It sees the
   * same files and tables, not this engine's temporary ones. Close it when done: that closes its
   * connection only. Close forks before their parent.
   * @throws LatheError `TABLE_QUERY_FAILED` when this engine is closed.
   */
  async fork(): Promise<TableEngine> {
    if (this.closed)
      throw new LatheError(
        'TABLE_QUERY_FAILED',
        'Forking the table engine failed: the table engine is closed.',
      );
    return new TableEngine(this.instance, await this.instance.connect(), false);
  }

  /** Closes the DuckDB connection and instance (a fork: its connection) after calls in flight finish. Idempotent. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.queue;
    this.connection.closeSync();
    if (this.ownsInstance) this.instance.closeSync();
  }

  /** Runs one SQL text on the connection, after earlier calls, mapping errors to TABLE_QUERY_FAILED. */
  private exec(
    sql: string,
    params: QueryParams | undefined,
    context: FailureContext,
  ): Promise<DuckDBResultReader>;
  private exec<R>(
    sql: string,
    params: QueryParams | undefined,
    context: FailureContext,
    run: (connection: DuckDBConnection, sql: string) => Promise<R>,
  ): Promise<R>;
  private exec<R>(
    sql: string,
    params: QueryParams | undefined,
    context: FailureContext,
    run?: (connection: DuckDBConnection, sql: string) => Promise<R>,
  ): Promise<R | DuckDBResultReader> {
    if (this.closed) {
      return Promise.reject(
        new LatheError('TABLE_QUERY_FAILED', `${context.action} failed: the table engine is closed.`),
      );
    }
    const values = toDuckDBParams(params);
    const task = async (): Promise<R | DuckDBResultReader> => {
      try {
        return run ? await run(this.connection, sql) : await this.connection.runAndReadAll(sql, values);
      } catch (err) {
        const details: Record<string, unknown> = { duckdbMessage: errorMessage(err) };
        if (context.file !== undefined) details['file'] = context.file;
        if (context.sql !== undefined) details['sql'] = truncate(context.sql, 2000);
        // For files the SQL is ours, so DuckDB's pointer into it would only confuse: keep its first line.
        const reason = context.file === undefined ? errorMessage(err) : errorMessage(err).split('\n')[0];
        throw new LatheError('TABLE_QUERY_FAILED', `${context.action} failed: ${reason}`, details, {
          cause: err,
        });
      }
    };
    const result = this.queue.then(task, task);
    this.queue = result.catch(() => undefined);
    return result;
  }
}

/**
 * Copies `take` values of a DOUBLE vector from row `from` into `out` at `at`, NULL as NaN: straight
 * from the vector's own Float64Array over DuckDB's memory (a field the typings call private), value
 * by value only when that is missing.
 */
function copyDoubles(vector: DuckDBVector, from: number, take: number, out: Float64Array, at: number): void {
  const raw = vector as unknown as {
    items?: unknown;
    validity?: { data?: unknown; offset?: number; itemValid(i: number): boolean };
  };
  if (raw.items instanceof Float64Array && raw.validity) {
    out.set(raw.items.subarray(from, from + take), at);
    // No validity mask: every row is valid (DuckDB leaves it out then).
    const mask = raw.validity.data;
    if (mask instanceof BigUint64Array) markInvalid(mask, (raw.validity.offset ?? 0) + from, take, out, at);
    else if (mask !== null)
      for (let i = 0; i < take; i++) if (!raw.validity.itemValid(from + i)) out[at + i] = Number.NaN;
  } else
    for (let i = 0; i < take; i++) out[at + i] = (vector.getItem(from + i) as number | null) ?? Number.NaN;
}

/**
 * Sets `out[at + i]` to NaN where bit `first + i` of DuckDB's validity mask is clear, for `take`
 * items. The mask's 64-bit words are read as 32-bit halves (little-endian, as on every platform
 * Node runs on), a fully valid half skipped at once: no BigInt per item.
 */
function markInvalid(mask: BigUint64Array, first: number, take: number, out: Float64Array, at: number): void {
  const words = new Uint32Array(mask.buffer, mask.byteOffset, mask.length * 2);
  for (let i = 0; i < take; ) {
    const bit = first + i;
    const word = words[bit >>> 5]!;
    const shift = bit & 31;
    if (shift === 0 && word === 0xffffffff && i + 32 <= take) {
      i += 32;
      continue;
    }
    if (((word >>> shift) & 1) === 0) out[at + i] = Number.NaN;
    i++;
  }
}

function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message.trim() : String(err);
}

function quoteForMessage(text: string): string {
  return JSON.stringify(truncate(text.replace(/\s+/g, ' ').trim(), 200));
}

function requireSql(sql: unknown, name: string): string {
  if (typeof sql !== 'string' || sql.trim().length === 0) {
    throw new LatheError(
      'INVALID_ARGUMENT',
      `Expected ${name} to be non-empty SQL text, but got ${describeValue(sql)}.`,
    );
  }
  return sql;
}

function requirePath(path: unknown): void {
  if (typeof path !== 'string' || path.length === 0 || path.includes('\0')) {
    throw new LatheError(
      'INVALID_ARGUMENT',
      `Expected a file path as a non-empty string without NUL characters, but got ${describeValue(path)}.`,
    );
  }
}

function generatedViewName(): string {
  const name = `lathe_view_${newId()}`;
  if (!VIEW_NAME_PATTERN.test(name)) {
    throw new LatheError('INTERNAL', `Generated an invalid view name ${JSON.stringify(name)}.`);
  }
  return name;
}

function csvArguments(csv: CsvOptions | undefined): string {
  if (csv === undefined) return '';
  let out = '';
  if (csv.delimiter !== undefined) {
    if (typeof csv.delimiter !== 'string' || csv.delimiter.length === 0 || csv.delimiter.includes('\0')) {
      throw new LatheError(
        'INVALID_ARGUMENT',
        `Expected csv.delimiter to be a non-empty string such as ',' or '\\t', but got ${describeValue(csv.delimiter)}.`,
      );
    }
    out += `, delim = ${quoteLiteral(csv.delimiter)}`;
  }
  if (csv.header !== undefined) {
    if (typeof csv.header !== 'boolean') {
      throw new LatheError(
        'INVALID_ARGUMENT',
        `Expected csv.header to be a boolean, but got ${describeValue(csv.header)}.`,
      );
    }
    out += `, header = ${csv.header ? 'true' : 'false'}`;
  }
  if (csv.quote !== undefined) {
    if (typeof csv.quote !== 'string' || csv.quote.length > 1 || csv.quote.includes('\0')) {
      throw new LatheError(
        'INVALID_ARGUMENT',
        `Expected csv.quote to be one character such as '"' (or '' for none), but got ${describeValue(csv.quote)}.`,
      );
    }
    out += `, quote = ${quoteLiteral(csv.quote)}`;
  }
  return out;
}

/** The format of a file by its extension (ignoring .gz/.zst), else by its first bytes. */
export async function detectFormat(path: string): Promise<Exclude<TableFileFormat, 'auto'>> {
  const lower = path.toLowerCase().replace(/\.(gz|zst)$/, '');
  const byExtension = EXTENSION_FORMATS[extname(lower)];
  if (byExtension !== undefined) return byExtension;
  let head: Buffer;
  try {
    const handle = await open(path, 'r');
    try {
      const buffer = Buffer.alloc(512);
      const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
      head = buffer.subarray(0, bytesRead);
    } finally {
      await handle.close();
    }
  } catch {
    return 'csv'; // Unreadable here (missing, a glob, a URL): let DuckDB report the problem.
  }
  if (head.subarray(0, 4).toString('latin1') === 'PAR1') return 'parquet';
  const first = head.toString('utf8').trimStart()[0];
  return first === '{' || first === '[' ? 'json' : 'csv';
}
