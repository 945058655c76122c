import { createWriteStream, type WriteStream } from 'node:fs';
import { once } from 'node:events';
import pg from 'pg';
import { LatheError } from '../../../core/index.js';
import { quoteIdentifier, quoteLiteral } from '../../../storage/tables/index.js';
import type { OpenedSource } from '../../ingest.js';
import type { IngestIssue, VersionSource } from '../../types.js';
import { type ColumnKind, columnKind, jsonValue, type PgTypeInfo, unknownOids } from './postgres-types.js';
import { checkAllowedHost, parseSourceUri, scrubPassword, type SourceUri } from './source-uri.js';
import { singleStatement } from './sql-statement.js';

/** A SQL source: where to connect and what to run. */
export interface PostgresQuery {
  /** `postgres://user:password@host:port/database`; the password is used to connect, nothing else. */
  uri: unknown;
  /** One statement that reads rows (SELECT, WITH … SELECT, VALUES, TABLE). */
  query: unknown;
}

export interface PostgresQueryOptions {
  /** Hosts the query may go to (see `checkAllowedHost`); empty refuses every host. */
  allowedHosts: readonly string[];
  /** The longest the whole query may run, in milliseconds (default 10 minutes). */
  timeoutMs?: number;
  /** Rows per FETCH (default 10,000): the most rows held in memory at once. */
  batchRows?: number;
  /** Called after each batch with the rows fetched so far. */
  onProgress?: (rows: number) => void;
}

/** A query's rows, written as JSON Lines to a file, and how to read them back typed. */
export interface FetchedQuery {
  rows: number;
  columns: { name: string; type: string }[];
  /** The rows as an ingest source: the file read with the columns' types. */
  opened: OpenedSource;
  /** What the version records: the URI without its password, and the query. */
  source: Extract<VersionSource, { kind: 'postgres' }>;
}

const cursor = 'lathe_rows';
const declarePrefix = `DECLARE ${cursor} NO SCROLL CURSOR FOR\n`;
const defaultTimeoutMs = 10 * 60_000;

/**
 * Runs one read-only query against PostgreSQL and streams its rows to `file` (JSON Lines) with
 * bounded memory: the query is a server-side cursor inside `BEGIN READ ONLY`, read `batchRows`
 * at a time, with the time left of `timeoutMs` as each FETCH's statement timeout. Column types
 * come from the result's type OIDs (see `columnKind`), so an all-NULL column keeps its type.
 * Columns whose names repeat (case-insensitively) get `_1`, `_2` … and an issue.
 *
 * The password is sent to the server only: it is not logged, not stored and not in any error
 * (messages are scrubbed of it). The server's own PGPASSWORD and ~/.pgpass are not used.
 * @throws LatheError `INVALID_ARGUMENT` (URI, query text), `DATA_SOURCE_FORBIDDEN` (host not
 *   allowed), `DATA_SOURCE_CONNECTION_FAILED` (cannot connect or log in, connection lost),
 *   `DATA_SOURCE_INVALID` (the query failed, wrote, ran too long, or returned no rows).
 */
export async function fetchPostgresQuery(
  input: PostgresQuery,
  file: string,
  options: PostgresQueryOptions,
): Promise<FetchedQuery> {
  const uri = parseSourceUri(input.uri);
  checkAllowedHost(uri, options.allowedHosts);
  const statement = singleStatement(input.query);
  const timeoutMs = options.timeoutMs ?? defaultTimeoutMs;
  const batchRows = options.batchRows ?? 10_000;
  const client = connectClient(uri);
  const scrub = (text: string) => scrubPassword(text, uri.password);
  try {
    await client.connect();
  } catch (err) {
    throw connectionFailed(uri, err, scrub);
  }
  const out = createWriteStream(file);
  // Write errors (disk full) surface from `write` and `finish` below, not as a crash.
  out.on('error', () => {});
  const deadline = Date.now() + timeoutMs;
  try {
    await client.query(
      "BEGIN READ ONLY; SET LOCAL TimeZone = 'UTC'; SET LOCAL DateStyle = 'ISO, YMD'; " +
        "SET LOCAL bytea_output = 'hex'; SET LOCAL IntervalStyle = 'postgres'",
    );
    await setTimeout(client, deadline);
    // The extended protocol runs exactly one statement, whatever the text holds.
    await client.query({ text: declarePrefix + statement, queryMode: 'extended' } as pg.QueryConfig);
    let columns: { name: string; kind: ColumnKind; key: string }[] | null = null;
    let issues: IngestIssue[] = [];
    let rows = 0;
    for (;;) {
      await setTimeout(client, deadline);
      const batch = await client.query<unknown[]>({
        text: `FETCH FORWARD ${batchRows} FROM ${cursor}`,
        rowMode: 'array',
      });
      if (!columns) {
        const lookup = await typeInfo(
          client,
          batch.fields.map((f) => f.dataTypeID),
        );
        const named = uniqueNames(batch.fields.map((f) => f.name));
        issues = named.issues;
        columns = batch.fields.map((f, i) => ({
          name: named.names[i]!,
          kind: columnKind(f.dataTypeID, lookup),
          key: `${JSON.stringify(named.names[i])}:`,
        }));
      }
      if (batch.rows.length) {
        await write(out, toLines(batch.rows as (string | null)[][], columns));
        rows += batch.rows.length;
        options.onProgress?.(rows);
      }
      if (batch.rows.length < batchRows) break;
    }
    await client.query('COMMIT');
    await finish(out);
    if (!columns?.length) throw new LatheError('DATA_SOURCE_INVALID', 'the query returns no columns');
    if (rows === 0)
      throw new LatheError('DATA_SOURCE_INVALID', 'the query returned no rows: there is nothing to ingest');
    const typed = columns.map((c) => ({ name: c.name, type: c.kind.type }));
    return {
      rows,
      columns: typed,
      opened: typedJsonSource(file, typed, issues),
      source: { kind: 'postgres', uri: uri.display, query: statement },
    };
  } catch (err) {
    out.destroy();
    throw queryFailed(uri, err, scrub, timeoutMs);
  } finally {
    await client.end().catch(() => {});
  }
}

function connectClient(uri: SourceUri): pg.Client {
  const client = new pg.Client({
    host: uri.host,
    port: uri.port,
    user: uri.user,
    database: uri.database,
    // A function, so pg never falls back to the server's PGPASSWORD or ~/.pgpass.
    password: async () => uri.password,
    ssl: uri.ssl,
    application_name: uri.applicationName,
    connectionTimeoutMillis: 10_000,
    keepAlive: true,
    // Every value as PostgreSQL's text: converted by column kind, never through JS Dates.
    types: { getTypeParser: () => (value: string) => value },
  });
  // A connection lost while idle; the pending query (if any) fails with its own error.
  client.on('error', () => {});
  return client;
}

async function setTimeout(client: pg.Client, deadline: number): Promise<void> {
  const left = Math.max(1, deadline - Date.now());
  await client.query(`SET LOCAL statement_timeout = ${Math.ceil(left)}`);
}

/** pg_type rows for the OIDs that are not built-in scalars (domains, arrays, enums…). */
async function typeInfo(client: pg.Client, oids: number[]): Promise<Map<number, PgTypeInfo>> {
  const map = new Map<number, PgTypeInfo>();
  let todo = unknownOids(oids);
  // Domains and arrays point at further types: follow them a few levels.
  for (let depth = 0; depth < 4 && todo.length; depth++) {
    const res = await client.query<[string, string, string, string]>({
      text: 'SELECT oid::int8, typcategory, typelem::int8, typbasetype::int8 FROM pg_catalog.pg_type WHERE oid = ANY($1::oid[])',
      values: [todo],
      rowMode: 'array',
    });
    for (const [oid, category, element, base] of res.rows)
      map.set(Number(oid), { oid: Number(oid), category, element: Number(element), base: Number(base) });
    todo = unknownOids(res.rows.flatMap((r) => [Number(r[2]), Number(r[3])]).filter((o) => o && !map.has(o)));
  }
  return map;
}

/** Names made unique (case-insensitively, as DuckDB compares them): `a`, `a` → `a`, `a_1`. */
function uniqueNames(names: string[]): { names: string[]; issues: IngestIssue[] } {
  const taken = new Set(names.map((n) => n.toLowerCase()));
  const seen = new Set<string>();
  const issues: IngestIssue[] = [];
  const out = names.map((name, i) => {
    if (!seen.has(name.toLowerCase())) {
      seen.add(name.toLowerCase());
      return name;
    }
    let k = 1;
    while (taken.has(`${name}_${k}`.toLowerCase())) k++;
    const renamed = `${name}_${k}`;
    taken.add(renamed.toLowerCase());
    seen.add(renamed.toLowerCase());
    issues.push({
      kind: 'duplicate_column_name',
      column: renamed,
      message: `column ${i + 1} repeats the name ${JSON.stringify(name)}; it is named ${renamed}`,
    });
    return renamed;
  });
  return { names: out, issues };
}

function toLines(rows: (string | null)[][], columns: { kind: ColumnKind; key: string }[]): string {
  let text = '';
  for (const row of rows) {
    let line = '{';
    for (let c = 0; c < columns.length; c++) {
      const col = columns[c]!;
      line += `${c ? ',' : ''}${col.key}${jsonValue(row[c] ?? null, col.kind)}`;
    }
    text += `${line}}\n`;
  }
  return text;
}

async function write(out: WriteStream, text: string): Promise<void> {
  try {
    if (out.errored) throw out.errored;
    if (!out.write(text)) await once(out, 'drain');
  } catch (err) {
    throw writeFailed(err);
  }
}

async function finish(out: WriteStream): Promise<void> {
  try {
    if (out.errored) throw out.errored;
    const done = once(out, 'finish');
    out.end();
    await done;
  } catch (err) {
    throw writeFailed(err);
  }
}

const writeFailed = (err: unknown) =>
  new LatheError('UNAVAILABLE', `cannot write the rows to a temporary file: ${(err as Error).message}`);

/** The JSON Lines file as an ingest source, read in exactly the columns' types. */
function typedJsonSource(
  file: string,
  columns: { name: string; type: string }[],
  issues: IngestIssue[],
): OpenedSource {
  const types = columns.map((c) => `${quoteLiteral(c.name)}: ${quoteLiteral(c.type)}`).join(', ');
  const from = `read_json(${quoteLiteral(file)}, format = 'newline_delimited', columns = {${types}}, maximum_object_size = 1073741824)`;
  return {
    select: `select * from ${from}`,
    typed: (want) =>
      `select ${want.map((c) => `cast(${quoteIdentifier(c.name)} as ${c.type}) as ${quoteIdentifier(c.name)}`).join(', ')} from ${from}`,
    format: 'postgres',
    finish: async () => ({ rowsRejected: 0, issues }),
  };
}

function connectionFailed(uri: SourceUri, err: unknown, scrub: (s: string) => string): LatheError {
  const e = err as { message?: string; code?: string };
  return new LatheError(
    'DATA_SOURCE_CONNECTION_FAILED',
    `cannot connect to PostgreSQL at ${uri.display}: ${scrub(String(e.message ?? err))}`,
    { uri: uri.display, ...(typeof e.code === 'string' ? { reason: e.code } : {}) },
  );
}

/** A failure while the query ran, as a LatheError whose message says what to change. */
function queryFailed(
  uri: SourceUri,
  err: unknown,
  scrub: (s: string) => string,
  timeoutMs: number,
): LatheError {
  if (err instanceof LatheError) return err;
  const e = err as { message?: string; code?: string; position?: string };
  const sqlstate = typeof e.code === 'string' && /^[0-9A-Z]{5}$/.test(e.code) ? e.code : undefined;
  const message = scrub(String(e.message ?? err));
  if (!sqlstate) return connectionFailed(uri, err, scrub);
  const details = { sqlstate };
  if (sqlstate === '57014')
    return new LatheError(
      'DATA_SOURCE_INVALID',
      `the query ran longer than the ${timeoutMs / 1000}-second limit (data.sqlTimeoutMs) and was cancelled`,
      details,
    );
  if (sqlstate === '25006' || /data-modifying/.test(message))
    return new LatheError(
      'DATA_SOURCE_INVALID',
      `the query must only read (it runs in a READ ONLY transaction): ${message}`,
      details,
    );
  const at = Number(e.position) - declarePrefix.length;
  return new LatheError(
    'DATA_SOURCE_INVALID',
    `the query failed in PostgreSQL: ${message}${at > 0 ? ` (at character ${at} of the query)` : ''}`,
    details,
  );
}
