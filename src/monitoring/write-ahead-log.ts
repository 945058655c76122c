/**
 * The write-ahead buffer of the inference store: records as JSON lines in files under
 * `<dir>/<stream>/`, each process writing its own files (`<part>-<seq>.ndjson`), every append
 * flushed to disk (`fdatasync`) before it is acknowledged. A file is sealed when it holds
 * `rotateRows` lines or is older than `rotateMs`; sealed files wait for compaction into Parquet
 * segments, and every file (open or sealed) is read by queries, so a record is visible as soon as
 * it is acknowledged.
 */
import { type FileHandle, mkdir, open, readdir, rm, stat } from 'node:fs/promises';
import path from 'node:path';

/** One stream's open file. */
interface OpenFile {
  name: string;
  handle: FileHandle;
  rows: number;
  openedAt: number;
}

/** Options of a {@link WriteAheadLog}. */
export interface WriteAheadLogOptions {
  dir: string;
  /** This process's file prefix: lowercase letters, digits, `-`. */
  part: string;
  /** Lines per file before it is sealed (default 200,000). */
  rotateRows?: number;
  /** Milliseconds a file stays open before it is sealed (default 10,000). */
  rotateMs?: number;
  /** False skips `fdatasync` (tests and benchmarks of the difference only). Default true. */
  sync?: boolean;
}

const FILE = /^([a-z0-9-]+)-(\d{12})\.ndjson$/;

/** Appends lines durably, one file per stream at a time; appends to one stream are serialized. */
export class WriteAheadLog {
  readonly dir: string;
  readonly part: string;
  readonly #rotateRows: number;
  readonly #rotateMs: number;
  readonly #sync: boolean;
  readonly #open = new Map<string, OpenFile>();
  readonly #chains = new Map<string, Promise<unknown>>();
  readonly #pending = new Map<
    string,
    { bytes: Uint8Array; rows: number; resolve: () => void; reject: (err: unknown) => void }[]
  >();
  #seq = 0;

  constructor(options: WriteAheadLogOptions) {
    if (!/^[a-z0-9-]+$/.test(options.part))
      throw new Error(`a WAL part must be [a-z0-9-]+; got ${options.part}`);
    this.dir = options.dir;
    this.part = options.part;
    this.#rotateRows = options.rotateRows ?? 200_000;
    this.#rotateMs = options.rotateMs ?? 10_000;
    this.#sync = options.sync ?? true;
  }

  /** Runs `fn` after every earlier operation on `stream`. */
  #serial<T>(stream: string, fn: () => Promise<T>): Promise<T> {
    const before = this.#chains.get(stream) ?? Promise.resolve();
    const run = before.catch(() => {}).then(fn);
    this.#chains.set(stream, run);
    return run;
  }

  /**
   * Appends `bytes` (UTF-8 of whole lines, each ending in `\n`, `rows` of them) to the stream's open
   * file and resolves once it is on disk. Appends that arrive while a write is syncing are written together
   * with one sync afterwards (group commit), in arrival order.
   */
  append(stream: string, bytes: Uint8Array, rows: number): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const group = this.#pending.get(stream);
      const entry = { bytes, rows, resolve, reject };
      if (group) group.push(entry);
      else this.#pending.set(stream, [entry]);
      if (!group) void this.#serial(stream, () => this.#flush(stream));
    });
  }

  /** Writes and syncs everything pending for `stream`, as one write. */
  async #flush(stream: string): Promise<void> {
    const group = this.#pending.get(stream) ?? [];
    this.#pending.delete(stream);
    if (!group.length) return;
    try {
      let file = this.#open.get(stream);
      if (file && (file.rows >= this.#rotateRows || Date.now() - file.openedAt >= this.#rotateMs)) {
        await file.handle.close();
        this.#open.delete(stream);
        file = undefined;
      }
      if (!file) {
        const folder = path.join(this.dir, stream);
        await mkdir(folder, { recursive: true });
        const name = await this.#nextName(folder);
        file = { name, handle: await open(path.join(folder, name), 'a'), rows: 0, openedAt: Date.now() };
        this.#open.set(stream, file);
      }
      await file.handle.write(
        group.length === 1 ? group[0]!.bytes : Buffer.concat(group.map((g) => g.bytes)),
      );
      if (this.#sync) await file.handle.datasync();
      for (const g of group) file.rows += g.rows;
      for (const g of group) g.resolve();
    } catch (err) {
      for (const g of group) g.reject(err);
    }
  }

  /** A file name after every name of this part in `folder` (so a restart never reuses one). */
  async #nextName(folder: string): Promise<string> {
    if (this.#seq === 0)
      for (const n of await readdir(folder).catch(() => [] as string[])) {
        const m = FILE.exec(n);
        if (m && m[1] === this.part) this.#seq = Math.max(this.#seq, Number(m[2]));
      }
    this.#seq = Math.max(this.#seq + 1, Date.now());
    return `${this.part}-${String(this.#seq).padStart(12, '0').slice(-12)}.ndjson`;
  }

  /** Seals the stream's open file when it is full or old (or always, with `force`). */
  seal(stream: string, force = false): Promise<void> {
    return this.#serial(stream, async () => {
      const file = this.#open.get(stream);
      if (!file) return;
      if (!force && file.rows < this.#rotateRows && Date.now() - file.openedAt < this.#rotateMs) return;
      await file.handle.close();
      this.#open.delete(stream);
    });
  }

  /** The streams with files on disk (folder names). */
  async streams(): Promise<string[]> {
    return (await readdir(this.dir, { withFileTypes: true }).catch(() => []))
      .filter((d) => d.isDirectory())
      .map((d) => d.name);
  }

  /** Paths of every file of `stream` (all processes'), oldest first. */
  async files(stream: string): Promise<string[]> {
    const folder = path.join(this.dir, stream);
    const names = (await readdir(folder).catch(() => [] as string[])).filter((n) => FILE.test(n)).sort();
    return names.map((n) => path.join(folder, n));
  }

  /**
   * Paths of the sealed files of `stream`, oldest first: this process's files it does not hold
   * open, and with `othersIdleMs`, other processes' files unchanged for that long. (A writer never
   * appends to a file older than its rotation age, so an idle file of another process is final once
   * `othersIdleMs` exceeds that age.)
   */
  async sealed(stream: string, othersIdleMs?: number): Promise<string[]> {
    const open = this.#open.get(stream)?.name;
    const out: string[] = [];
    for (const f of await this.files(stream)) {
      const name = path.basename(f);
      if (FILE.exec(name)?.[1] === this.part) {
        if (name !== open) out.push(f);
      } else if (othersIdleMs !== undefined) {
        const info = await stat(f).catch(() => null);
        if (info && Date.now() - info.mtimeMs >= othersIdleMs) out.push(f);
      }
    }
    return out;
  }

  /** Milliseconds a file stays open for appends (see `rotateMs`). */
  get rotateMs(): number {
    return this.#rotateMs;
  }

  /** Removes a compacted file. */
  async remove(file: string): Promise<void> {
    await rm(file, { force: true });
  }

  /** Closes every open file (their lines stay on disk for the next compaction). */
  async close(): Promise<void> {
    for (const stream of [...this.#open.keys()]) await this.seal(stream, true);
  }
}
