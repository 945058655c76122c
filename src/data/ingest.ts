import { open, stat } from 'node:fs/promises';
import { describeValue, LatheError, newId } from '../core/index.js';
import { detectFormat, quoteIdentifier, quoteLiteral, type TableEngine } from '../storage/tables/index.js';
import {
  type ColumnSchema,
  type IngestIssue,
  type IngestReport,
  type SourceOptions,
  sourceEncodings as encodings,
  sourceFormats as formats,
} from './types.js';
/** Rejected rows listed one by one in a report; the rest are counted. */
const maxListedIssues = 100;

/** A source opened for reading: the SQL that selects its rows, and what was chosen. */
export interface OpenedSource {
  select: string;
  /**
   * The rows read as `columns` (in that order, with those types). A CSV is read in those types,
   * so a value that does not fit is a rejected row like any other; other formats are cast, and a
   * value that does not fit fails the read.
   */
  typed(columns: readonly Pick<ColumnSchema, 'name' | 'type'>[]): string;
  format: IngestReport['format'];
  encoding?: string;
  /** Reads the rejects of the scan once the rows have been read (CSV only). */
  finish(): Promise<Pick<IngestReport, 'dialect' | 'rowsRejected' | 'issues'>>;
}

/** Checks options from a request or the command line; answers them typed. */
export function checkSourceOptions(options: Record<string, unknown>): SourceOptions {
  const out: SourceOptions = {};
  const { format, delimiter, quote, header, encoding, strict } = options;
  if (format !== undefined) {
    if (!formats.includes(format as never)) {
      throw new LatheError(
        'INVALID_ARGUMENT',
        `format must be one of ${formats.join(', ')}; got ${describeValue(format)}`,
      );
    }
    out.format = format as SourceOptions['format'];
  }
  if (delimiter !== undefined) {
    if (
      typeof delimiter !== 'string' ||
      delimiter.length === 0 ||
      delimiter.length > 4 ||
      delimiter.includes('\0')
    )
      throw new LatheError(
        'INVALID_ARGUMENT',
        `delimiter must be 1 to 4 characters such as ',' or '\\t'; got ${describeValue(delimiter)}`,
      );
    out.delimiter = delimiter;
  }
  if (quote !== undefined) {
    if (typeof quote !== 'string' || quote.length > 1 || quote.includes('\0'))
      throw new LatheError(
        'INVALID_ARGUMENT',
        `quote must be one character such as '"' (or '' for none); got ${describeValue(quote)}`,
      );
    out.quote = quote;
  }
  if (header !== undefined) {
    if (typeof header !== 'boolean')
      throw new LatheError('INVALID_ARGUMENT', `header must be true or false; got ${describeValue(header)}`);
    out.header = header;
  }
  if (encoding !== undefined) {
    if (!encodings.includes(encoding as never))
      throw new LatheError(
        'INVALID_ARGUMENT',
        `encoding must be one of ${encodings.join(', ')}; got ${describeValue(encoding)}`,
      );
    out.encoding = encoding as SourceOptions['encoding'];
  }
  if (strict !== undefined) {
    if (typeof strict !== 'boolean')
      throw new LatheError('INVALID_ARGUMENT', `strict must be true or false; got ${describeValue(strict)}`);
    out.strict = strict;
  }
  return out;
}

/**
 * Opens a local file for reading by the table engine: detects its format and (for CSV) its
 * encoding, and builds the SELECT that reads it. CSV rows that do not fit the detected dialect
 * (ragged rows, bad quoting, values that do not cast, invalid UTF-8) are skipped and listed with
 * their line numbers in the report, or refused with `strict`.
 * @throws LatheError `DATA_SOURCE_INVALID` for an empty file.
 */
export async function openSource(
  engine: TableEngine,
  path: string,
  options: SourceOptions = {},
): Promise<OpenedSource> {
  const size = (await stat(path)).size;
  if (size === 0) throw new LatheError('DATA_SOURCE_INVALID', 'the file is empty: there are no rows to read');
  const requested = options.format ?? 'auto';
  const format = requested === 'tsv' ? 'csv' : requested === 'auto' ? await detectFormat(path) : requested;
  const file = quoteLiteral(path);
  if (format === 'parquet' || format === 'json') {
    const from = `read_${format}(${file})`;
    return {
      select: `select * from ${from}`,
      typed: (columns) =>
        `select ${columns.map((c) => `cast(${quoteIdentifier(c.name)} as ${c.type}) as ${quoteIdentifier(c.name)}`).join(', ')} from ${from}`,
      format,
      finish: async () => noRejects,
    };
  }
  const head = await readHead(path, 1 << 20);
  const encoding = options.encoding && options.encoding !== 'auto' ? options.encoding : detectEncoding(head);
  const id = newId();
  const rejects = `lathe_rejects_${id}`;
  const scans = `lathe_scans_${id}`;
  const args = [
    `encoding = ${quoteLiteral(encoding)}`,
    'store_rejects = true',
    `rejects_table = ${quoteLiteral(rejects)}`,
    `rejects_scan = ${quoteLiteral(scans)}`,
    // Types are sniffed from a sample spread over the whole file, not just its head.
    'sample_size = 100000',
  ];
  const delimiter = requested === 'tsv' ? '\t' : options.delimiter;
  if (delimiter !== undefined) args.push(`delim = ${quoteLiteral(delimiter)}`);
  if (options.quote !== undefined) args.push(`quote = ${quoteLiteral(options.quote)}`);
  if (options.header !== undefined) args.push(`header = ${options.header}`);
  const select = `select * from read_csv(${file}, ${args.join(', ')})`;
  return {
    select,
    typed: (columns) => {
      const types = columns.map((c) => `${quoteLiteral(c.name)}: ${quoteLiteral(c.type)}`).join(', ');
      const names = columns.map((c) => quoteIdentifier(c.name)).join(', ');
      return `select ${names} from read_csv(${file}, ${args.join(', ')}, types = {${types}})`;
    },
    format: 'csv',
    encoding,
    finish: async () => {
      try {
        return await csvReport(engine, rejects, scans, head, encoding, options.strict === true);
      } finally {
        await engine.query(
          `drop table if exists ${quoteIdentifier(rejects)}; drop table if exists ${quoteIdentifier(scans)}`,
        );
      }
    },
  };
}

const noRejects = { rowsRejected: 0, issues: [] };

async function csvReport(
  engine: TableEngine,
  rejects: string,
  scans: string,
  head: Buffer,
  encoding: string,
  strict: boolean,
): Promise<Pick<IngestReport, 'dialect' | 'rowsRejected' | 'issues'>> {
  const [scan] = await engine.query<{ delimiter: string; quote: string; has_header: boolean }>(
    `select delimiter, quote, has_header from ${quoteIdentifier(scans)} limit 1`,
  );
  const errors = await engine.query<{
    line: number;
    error_type: string;
    error_message: string;
    column_name: string | null;
  }>(`select line, error_type, error_message, column_name from ${quoteIdentifier(rejects)} order by line`);
  const issues: IngestIssue[] = [];
  const byLine = new Map<
    number,
    { line: number; error_type: string; error_message: string; column_name: string | null }
  >();
  for (const e of errors) if (!byLine.has(Number(e.line))) byLine.set(Number(e.line), e);
  for (const e of [...byLine.values()].slice(0, maxListedIssues)) {
    issues.push({
      kind: 'rejected_row',
      line: Number(e.line),
      ...(e.column_name ? { column: e.column_name } : {}),
      message: `line ${e.line} skipped (${e.error_type.toLowerCase()}): ${e.error_message}`,
    });
  }
  if (byLine.size > maxListedIssues)
    issues.push({ kind: 'rejected_row', message: `${byLine.size - maxListedIssues} more rows skipped` });
  if (strict && byLine.size > 0) {
    throw new LatheError(
      'DATA_SOURCE_INVALID',
      `${byLine.size} malformed row(s) in strict mode; the first: ${issues[0]!.message}`,
      { issues: issues.slice(0, 20).map((i) => ({ line: i.line ?? null, message: i.message })) },
    );
  }
  const delimiter = scan?.delimiter ?? ',';
  const quote = scan?.quote && scan.quote !== '(empty)' ? scan.quote : '';
  const header = scan?.has_header ?? true;
  if (header) issues.push(...headerIssues(head, encoding, delimiter, quote));
  if (encoding !== 'utf-8')
    issues.unshift({
      kind: 'encoding',
      message: `read as ${encoding}: the file is not valid UTF-8`,
    });
  return { dialect: { delimiter, quote, header }, rowsRejected: byLine.size, issues };
}

/** Empty and duplicate names in the header line, and the names they were given instead. */
function headerIssues(head: Buffer, encoding: string, delimiter: string, quote: string): IngestIssue[] {
  const text = head.toString(encoding === 'latin-1' ? 'latin1' : 'utf8');
  const names = splitCsvLine(text.replace(/^\uFEFF/, '').split(/\r?\n/, 1)[0] ?? '', delimiter, quote);
  const issues: IngestIssue[] = [];
  const seen = new Map<string, number>();
  names.forEach((name, i) => {
    if (name.trim() === '') {
      issues.push({
        kind: 'empty_column_name',
        line: 1,
        message: `column ${i + 1} has no name in the header; it is named column${i}`,
        column: `column${i}`,
      });
      return;
    }
    const n = seen.get(name) ?? 0;
    seen.set(name, n + 1);
    if (n > 0)
      issues.push({
        kind: 'duplicate_column_name',
        line: 1,
        message: `column ${i + 1} repeats the name ${JSON.stringify(name)}; it is named ${name}_${n}`,
        column: `${name}_${n}`,
      });
  });
  return issues;
}

/** Splits one CSV line on `delimiter`, honouring `quote` (doubled quotes inside quoted fields). */
export function splitCsvLine(line: string, delimiter: string, quote: string): string[] {
  const out: string[] = [];
  let cur = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i]!;
    if (quote && ch === quote) {
      if (quoted && line[i + 1] === quote) {
        cur += quote;
        i++;
      } else quoted = !quoted;
    } else if (!quoted && line.startsWith(delimiter, i)) {
      out.push(cur);
      cur = '';
      i += delimiter.length - 1;
    } else cur += ch;
  }
  out.push(cur);
  return out;
}

async function readHead(path: string, bytes: number): Promise<Buffer> {
  const handle = await open(path, 'r');
  try {
    const buffer = Buffer.alloc(bytes);
    const { bytesRead } = await handle.read(buffer, 0, bytes, 0);
    return buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

/** UTF-16 by its byte-order mark; UTF-8 when the head decodes as UTF-8; Latin-1 otherwise. */
export function detectEncoding(head: Buffer): 'utf-8' | 'utf-16' | 'latin-1' {
  if ((head[0] === 0xff && head[1] === 0xfe) || (head[0] === 0xfe && head[1] === 0xff)) return 'utf-16';
  // A multi-byte character cut at the end of the sample is not an error.
  let end = head.length;
  for (let k = 1; k <= 3 && end - k >= 0; k++) {
    const b = head[end - k]!;
    if ((b & 0xc0) === 0xc0) {
      end -= k;
      break;
    }
    if ((b & 0x80) === 0) break;
  }
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(head.subarray(0, end));
    return 'utf-8';
  } catch {
    return 'latin-1';
  }
}
