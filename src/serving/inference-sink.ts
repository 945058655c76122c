/**
 * A file sink for the inference log: prediction records as JSON lines, one file per endpoint and
 * UTC day, `<dir>/<endpoint>/<YYYY-MM-DD>.jsonl`. Meant as the `flush` of an InferenceQueue.
 */
import { appendFile, mkdir } from 'node:fs/promises';
import path from 'node:path';
import { describeValue, LatheError } from '../core/index.js';

/** A record the sink can place: `timestamp` in epoch milliseconds (UTC); `endpoint` when shared. */
export interface InferenceRecordLike {
  timestamp: number;
  endpoint?: string;
}

/** Where the sink writes. */
export interface JsonlInferenceSinkOptions {
  /** The root directory (from configuration, not from requests). */
  dir: string;
  /**
   * The endpoint every record belongs to. Without it, each record's own `endpoint` field names
   * its folder (one sink for all endpoints).
   */
  endpoint?: string;
  /**
   * A name for this process's files (`<day>.<part>.jsonl`), so processes sharing the directory
   * (the workers of `lathe serve`) never append to one file: lowercase letters, digits, dashes.
   */
  part?: string;
}

const DAY_MS = 86_400_000;
/** The largest epoch milliseconds a Date holds. */
const MAX_DATE_MS = 8.64e15;

/**
 * Checks an endpoint name used as a folder: a non-empty string without `/`, `\`, NUL, and not
 * `.` or `..` nor containing `..`. Callers validate names first; this is the last guard.
 * @throws LatheError INVALID_ARGUMENT naming the problem.
 */
export function checkEndpointFolder(name: unknown): string {
  if (typeof name !== 'string' || name === '')
    throw new LatheError(
      'INVALID_ARGUMENT',
      `an endpoint name must be a non-empty string; got ${describeValue(name)}`,
      {},
    );
  if (name.includes('/') || name.includes('\\') || name.includes('\0') || name.includes('..') || name === '.')
    throw new LatheError(
      'INVALID_ARGUMENT',
      `endpoint name ${JSON.stringify(name)} cannot name a log folder: it must not contain '/', '\\', '..' or NUL, nor be '.'`,
      { endpoint: name },
    );
  return name;
}

/**
 * Appends inference records to JSON-lines files by endpoint and UTC day of each record's
 * `timestamp`.
 *
 * Each `flush` serialises every record first (so a record that cannot be written fails the call
 * before any file is touched), then makes each folder once and appends to each file with a single
 * write, in record order. No `fsync`: when `flush` resolves the lines are in the operating
 * system's page cache, so they survive the Lathe process being killed, though not a power loss or
 * kernel crash in the next few seconds. Lines are whole: a reader never sees half a line of a
 * finished flush. Call `flush` one at a time (InferenceQueue does).
 */
export class JsonlInferenceSink<R extends InferenceRecordLike = InferenceRecordLike> {
  readonly dir: string;
  readonly endpoint: string | undefined;
  private readonly madeDirs = new Set<string>();
  private readonly suffix: string;
  /** File paths by endpoint and day: records of one flush mostly share one. */
  private readonly files = new Map<string, string>();
  private lastDay = Number.NaN;
  private lastDayName = '';

  /** @throws LatheError INVALID_ARGUMENT on an empty `dir` or a bad `endpoint`. */
  constructor(options: JsonlInferenceSinkOptions) {
    if (typeof options?.dir !== 'string' || options.dir === '')
      throw new LatheError(
        'INVALID_ARGUMENT',
        `the inference log needs a directory; got ${describeValue(options?.dir)}`,
        {},
      );
    this.dir = path.resolve(options.dir);
    this.endpoint = options.endpoint === undefined ? undefined : checkEndpointFolder(options.endpoint);
    if (options.part !== undefined && !/^[a-z0-9][a-z0-9-]{0,63}$/.test(options.part))
      throw new LatheError(
        'INVALID_ARGUMENT',
        `an inference log part is lowercase letters, digits and dashes; got ${describeValue(options.part)}`,
        {},
      );
    this.suffix = options.part === undefined ? '.jsonl' : `.${options.part}.jsonl`;
    this.flush = this.flush.bind(this);
  }

  /** The file a record with this endpoint and timestamp goes to. */
  fileFor(endpoint: string, timestamp: number): string {
    const day = this.dayName(timestamp);
    const key = `${endpoint}\u0000${day}`;
    let file = this.files.get(key);
    if (file === undefined) {
      file = path.join(this.dir, checkEndpointFolder(endpoint), `${day}${this.suffix}`);
      if (this.files.size > 1000) this.files.clear();
      this.files.set(key, file);
    }
    return file;
  }

  /**
   * Appends the records, one JSON line each (bound: may be passed as a function).
   * @throws LatheError INVALID_ARGUMENT, before writing anything, when a record lacks a finite
   *   `timestamp` or an endpoint, or cannot be rendered as JSON; file system errors as they come.
   */
  async flush(records: readonly R[]): Promise<void> {
    const files = new Map<string, string[]>();
    for (let i = 0; i < records.length; i++) {
      const rec = records[i]!;
      const ts = rec?.timestamp;
      if (typeof ts !== 'number' || !Number.isFinite(ts) || Math.abs(ts) > MAX_DATE_MS)
        throw new LatheError(
          'INVALID_ARGUMENT',
          `inference record ${i} needs a timestamp in epoch milliseconds; got ${describeValue(ts)}`,
          { record: i },
        );
      const endpoint = this.endpoint ?? rec.endpoint;
      if (endpoint === undefined)
        throw new LatheError(
          'INVALID_ARGUMENT',
          `inference record ${i} has no endpoint and the sink was built without one`,
          { record: i },
        );
      const file = this.fileFor(endpoint, ts);
      let line: string;
      try {
        line = JSON.stringify(rec);
      } catch (err) {
        throw new LatheError(
          'INVALID_ARGUMENT',
          `inference record ${i} cannot be written as JSON: ${String(err)}`,
          {
            record: i,
          },
        );
      }
      let lines = files.get(file);
      if (!lines) {
        lines = [];
        files.set(file, lines);
      }
      lines.push(line);
    }
    for (const [file, lines] of files) {
      const folder = path.dirname(file);
      if (!this.madeDirs.has(folder)) {
        await mkdir(folder, { recursive: true });
        this.madeDirs.add(folder);
      }
      lines.push('');
      const text = lines.join('\n');
      try {
        await appendFile(file, text, { encoding: 'utf8' });
      } catch (err) {
        // The folder was removed behind our back (retention, a hand clean-up): make it again once.
        if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
        await mkdir(folder, { recursive: true });
        await appendFile(file, text, { encoding: 'utf8' });
      }
    }
  }

  private dayName(timestamp: number): string {
    const day = Math.floor(timestamp / DAY_MS);
    if (day !== this.lastDay) {
      const iso = new Date(day * DAY_MS).toISOString();
      this.lastDayName = iso.slice(0, iso.indexOf('T'));
      this.lastDay = day;
    }
    return this.lastDayName;
  }
}
