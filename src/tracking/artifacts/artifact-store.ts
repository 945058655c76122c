import type { Readable } from 'node:stream';
import { sql } from 'kysely';
import { LatheError } from '../../core/index.js';
import type { BlobSource, BlobStore } from '../../storage/blobs/index.js';
import type { MetaStore } from '../../storage/meta/index.js';
import { safeArtifactPath } from './safe-path.js';

/** A stored artifact file. */
export interface ArtifactFile {
  /** Relative to the artifact root, e.g. `1/<run>/artifacts/model/MLmodel`. */
  path: string;
  digest: string;
  /** Bytes. */
  size: number;
  /** Epoch milliseconds (UTC) of the upload. */
  createdAt: number;
}

/** One entry of a directory listing, as MLflow's `FileInfo`. */
export interface ArtifactEntry {
  /** Relative to the artifact root (the caller decides how to present it). */
  path: string;
  isDir: boolean;
  /** Bytes; absent for directories. */
  fileSize?: number;
}

/**
 * Artifact files addressed by relative path (`a/b/c.txt`), bytes in the blob store, index in the
 * metadata store. Directories are implied by path prefixes: a directory exists while a file lies
 * under it. Knows nothing of HTTP or runs.
 *
 * Every path argument is re-checked with `safeArtifactPath`, so a caller that forgot to validate
 * cannot reach outside the tree; the blob store takes no names from users at all (content
 * addressed), so there is nothing like a symlink to follow.
 *
 * Blobs are not removed on delete or overwrite: other paths (or other modules) may share the same
 * content; unreferenced blobs are left to a sweep that knows every referrer.
 */
export class ArtifactStore {
  constructor(
    private readonly meta: MetaStore,
    private readonly blobs: BlobStore,
    /** Largest file `put` accepts, in bytes; a larger upload fails and stores nothing. */
    private readonly maxBytes = Number.POSITIVE_INFINITY,
  ) {}

  /**
   * Streams `source` into the blob store, then records it at `path`, replacing a file already
   * there. Refuses (`CONFLICT`) a path that is a directory or lies under a file.
   */
  async put(path: string, source: BlobSource): Promise<ArtifactFile> {
    const p = safeArtifactPath(path);
    await this.assertWritable(p);
    const blob = await this.blobs.put(capped(source, this.maxBytes, p));
    const row = { path: p, digest: blob.digest, size: blob.size, created_at: Date.now() };
    await this.meta.db
      .insertInto('artifacts')
      .values(row)
      .onConflict((oc) =>
        oc.column('path').doUpdateSet({ digest: row.digest, size: row.size, created_at: row.created_at }),
      )
      .execute();
    return { path: p, digest: row.digest, size: row.size, createdAt: row.created_at };
  }

  /** The file at `path`, or null when there is no file there (a directory is not a file). */
  async stat(path: string): Promise<ArtifactFile | null> {
    const p = safeArtifactPath(path);
    const row = await this.meta.db
      .selectFrom('artifacts')
      .selectAll()
      .where('path', '=', p)
      .executeTakeFirst();
    if (!row) return null;
    return { path: row.path, digest: row.digest, size: Number(row.size), createdAt: Number(row.created_at) };
  }

  /**
   * Opens the file at `path` for reading.
   * @throws LatheError `NOT_FOUND` when no file is there (the message says when it is a directory).
   */
  async open(path: string): Promise<{ file: ArtifactFile; stream: Readable }> {
    const file = await this.stat(path);
    if (!file) {
      const p = safeArtifactPath(path);
      const isDir = (await this.countUnder(p)) > 0;
      throw new LatheError(
        'NOT_FOUND',
        isDir
          ? `The artifact path '${p}' is a directory, not a file; list it instead.`
          : `No artifact file at path '${p}'.`,
        { path: p },
      );
    }
    return { file, stream: await this.blobs.get(file.digest) };
  }

  /**
   * Lists one level of the directory `dir` (`''` for the root): files with their size and
   * sub-directories, sorted by path (code-unit order). Paths are relative to the artifact root.
   * A `dir` that names a file, or nothing, lists as empty (as MLflow's local repository does).
   */
  async list(dir: string): Promise<ArtifactEntry[]> {
    const d = safeArtifactPath(dir, { allowEmpty: true });
    const prefix = d === '' ? '' : `${d}/`;
    let q = this.meta.db.selectFrom('artifacts').select(['path', 'size']);
    if (prefix) q = q.where(sql<boolean>`substr(path, 1, ${[...prefix].length}) = ${prefix}`);
    const rows = await q.execute();
    const entries = new Map<string, ArtifactEntry>();
    for (const row of rows) {
      if (!row.path.startsWith(prefix)) continue; // defensive: substr counts characters
      const rest = row.path.slice(prefix.length);
      const slash = rest.indexOf('/');
      if (slash === -1) {
        entries.set(rest, { path: prefix + rest, isDir: false, fileSize: Number(row.size) });
      } else {
        const name = rest.slice(0, slash);
        if (!entries.has(name)) entries.set(name, { path: prefix + name, isDir: true });
      }
    }
    return [...entries.values()].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  }

  /**
   * Deletes the file at `path`, or every file under the directory `path`. Deleting nothing is not
   * an error (as MLflow's local repository). Resolves to the number of files removed.
   */
  async delete(path: string): Promise<number> {
    const p = safeArtifactPath(path);
    const res = await this.meta.db
      .deleteFrom('artifacts')
      .where((eb) =>
        eb.or([eb('path', '=', p), eb(sql<string>`substr(path, 1, ${[...p].length + 1})`, '=', `${p}/`)]),
      )
      .executeTakeFirst();
    return Number(res.numDeletedRows);
  }

  /** Number of files under the directory `dir`. */
  private async countUnder(dir: string): Promise<number> {
    const prefix = `${dir}/`;
    const row = await this.meta.db
      .selectFrom('artifacts')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where(sql<boolean>`substr(path, 1, ${[...prefix].length}) = ${prefix}`)
      .executeTakeFirst();
    return Number(row?.n ?? 0);
  }

  /** A file may not be written where a directory is, nor under another file. */
  private async assertWritable(p: string): Promise<void> {
    if ((await this.countUnder(p)) > 0) {
      throw new LatheError(
        'CONFLICT',
        `Cannot write the artifact file '${p}': a directory of that name exists.`,
        {
          path: p,
        },
      );
    }
    const segments = p.split('/');
    const ancestors = segments.slice(0, -1).map((_, i) => segments.slice(0, i + 1).join('/'));
    if (ancestors.length === 0) return;
    const clash = await this.meta.db
      .selectFrom('artifacts')
      .select('path')
      .where('path', 'in', ancestors)
      .executeTakeFirst();
    if (clash) {
      throw new LatheError(
        'CONFLICT',
        `Cannot write the artifact file '${p}': '${clash.path}' is a file, not a directory.`,
        { path: p, file: clash.path },
      );
    }
  }
}

/** `source`, failing with PAYLOAD_TOO_LARGE as soon as more than `maxBytes` have come through. */
function capped(source: BlobSource, maxBytes: number, path: string): BlobSource {
  if (maxBytes === Number.POSITIVE_INFINITY) return source;
  const tooLarge = () =>
    new LatheError(
      'PAYLOAD_TOO_LARGE',
      `artifact ${path} is larger than the ${maxBytes}-byte limit (server.artifactLimitBytes)`,
      { limit: maxBytes },
    );
  if (source instanceof Uint8Array) {
    if (source.byteLength > maxBytes) throw tooLarge();
    return source;
  }
  return (async function* () {
    let seen = 0;
    for await (const chunk of source as AsyncIterable<Uint8Array>) {
      seen += chunk.byteLength;
      if (seen > maxBytes) throw tooLarge();
      yield chunk;
    }
  })();
}
