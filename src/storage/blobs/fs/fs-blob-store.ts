import { createHash } from 'node:crypto';
import { constants } from 'node:fs';
import { access, type FileHandle, mkdir, open, readdir, rename, stat, unlink } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { Readable } from 'node:stream';
import { LatheError, newId } from '../../../core/index.js';
import {
  assertDigest,
  type BlobGetOptions,
  type BlobInfo,
  type BlobPutOptions,
  type BlobSource,
  type BlobStore,
  DIGEST_PATTERN,
  iterateSource,
  resolveRange,
} from '../blob-store.js';

const FANOUT_PATTERN = /^[0-9a-f]{2}$/;

function isErrnoCode(err: unknown, code: string): boolean {
  return typeof err === 'object' && err !== null && (err as { code?: unknown }).code === code;
}

/** fsyncs a directory so a rename or creation inside it survives a crash. */
async function syncDirectory(path: string): Promise<void> {
  const handle = await open(path, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Writes all of `chunk` at the handle's current position, looping over short writes. */
async function writeAll(handle: FileHandle, chunk: Uint8Array): Promise<void> {
  let offset = 0;
  while (offset < chunk.byteLength) {
    const { bytesWritten } = await handle.write(chunk, offset, chunk.byteLength - offset);
    offset += bytesWritten;
  }
}

/**
 * A {@link BlobStore} on the local filesystem.
 *
 * Layout: `<root>/sha256/ab/cd/<digest>` (the first two byte pairs of the digest fan out the
 * directories) and `<root>/tmp/` for writes in progress. A write streams into a temp file while
 * hashing, fsyncs it, renames it into place and fsyncs the directory, so an acknowledged blob
 * survives a crash and a reader never sees a partial blob. Leftover temp files can only come from
 * a killed process; they are never visible as blobs.
 */
export class FsBlobStore implements BlobStore {
  readonly kind = 'file';
  /** The absolute root directory. */
  readonly root: string;
  private readonly blobDir: string;
  private readonly tmpDir: string;

  private constructor(root: string) {
    this.root = root;
    this.blobDir = join(root, 'sha256');
    this.tmpDir = join(root, 'tmp');
  }

  /** Opens (creating when needed) a store rooted at `root`, resolved against the working directory. */
  static async open(root: string): Promise<FsBlobStore> {
    if (typeof root !== 'string' || root.length === 0 || root.includes('\0')) {
      throw new LatheError(
        'INVALID_ARGUMENT',
        'Expected the blob store root to be a non-empty directory path.',
      );
    }
    const store = new FsBlobStore(resolve(root));
    await mkdir(store.blobDir, { recursive: true });
    await mkdir(store.tmpDir, { recursive: true });
    return store;
  }

  /** The path of a (validated) digest; never built from unchecked input. */
  private pathOf(digest: string): string {
    const valid = assertDigest(digest);
    return join(this.blobDir, valid.slice(0, 2), valid.slice(2, 4), valid);
  }

  async put(source: BlobSource, options?: BlobPutOptions): Promise<BlobInfo> {
    const expected =
      options?.expectedSha256 === undefined
        ? undefined
        : assertDigest(options.expectedSha256, 'expectedSha256');
    await mkdir(this.tmpDir, { recursive: true });
    const tmpPath = join(this.tmpDir, `${newId('put-')}.tmp`);
    const handle = await open(tmpPath, 'wx');
    let handleOpen = true;
    let tmpExists = true;
    try {
      const hash = createHash('sha256');
      let size = 0;
      for await (const chunk of iterateSource(source)) {
        hash.update(chunk);
        await writeAll(handle, chunk);
        size += chunk.byteLength;
      }
      await handle.sync();
      handleOpen = false;
      await handle.close();
      const digest = hash.digest('hex');
      if (expected !== undefined && expected !== digest) {
        throw new LatheError(
          'BLOB_DIGEST_MISMATCH',
          `Expected content with SHA-256 ${expected}, but the ${size} bytes written hash to ${digest}; nothing was stored.`,
          { expected, actual: digest, size },
        );
      }
      const finalPath = this.pathOf(digest);
      if (await this.exists(finalPath)) {
        return { digest, size };
      }
      const dir = dirname(finalPath);
      const firstCreated = await mkdir(dir, { recursive: true });
      await rename(tmpPath, finalPath);
      tmpExists = false;
      await syncDirectory(dir);
      if (firstCreated !== undefined) {
        // New fan-out directories: make their entries durable in their parents too.
        for (let d = dirname(dir); d.length >= this.blobDir.length; d = dirname(d)) {
          await syncDirectory(d);
          if (d === dirname(firstCreated)) break;
        }
      }
      return { digest, size };
    } finally {
      if (handleOpen) await handle.close().catch(() => undefined);
      if (tmpExists) await unlink(tmpPath).catch(() => undefined);
    }
  }

  async get(digest: string, options?: BlobGetOptions): Promise<Readable> {
    const path = this.pathOf(digest);
    let handle: FileHandle;
    try {
      handle = await open(path, 'r');
    } catch (err) {
      if (isErrnoCode(err, 'ENOENT')) throw notFound(digest);
      throw err;
    }
    try {
      const { size } = await handle.stat();
      const { start, end } = resolveRange(options, size);
      if (end === start) {
        await handle.close();
        return emptyStream();
      }
      // createReadStream's `end` is inclusive; the handle closes when the stream ends or is destroyed.
      return handle.createReadStream({ start, end: end - 1, autoClose: true });
    } catch (err) {
      await handle.close().catch(() => undefined);
      throw err;
    }
  }

  async stat(digest: string): Promise<BlobInfo | null> {
    const path = this.pathOf(digest);
    try {
      const info = await stat(path);
      return { digest, size: info.size };
    } catch (err) {
      if (isErrnoCode(err, 'ENOENT')) return null;
      throw err;
    }
  }

  async ping(): Promise<void> {
    for (const dir of [this.blobDir, this.tmpDir]) {
      try {
        await access(dir, constants.R_OK | constants.W_OK);
      } catch (err) {
        throw new LatheError(
          'UNAVAILABLE',
          `blob store directory ${dir} is not readable and writable: ${(err as Error).message}`,
          { root: this.root },
          { cause: err },
        );
      }
    }
  }

  async has(digest: string): Promise<boolean> {
    return (await this.stat(digest)) !== null;
  }

  async delete(digest: string): Promise<boolean> {
    const path = this.pathOf(digest);
    try {
      await unlink(path);
      return true;
    } catch (err) {
      if (isErrnoCode(err, 'ENOENT')) return false;
      throw err;
    }
  }

  async *list(): AsyncIterable<string> {
    for (const first of await this.subdirectories(this.blobDir)) {
      const firstDir = join(this.blobDir, first);
      for (const second of await this.subdirectories(firstDir)) {
        const prefix = first + second;
        const names = await readdirSorted(join(firstDir, second));
        for (const name of names) {
          if (DIGEST_PATTERN.test(name) && name.startsWith(prefix)) yield name;
        }
      }
    }
  }

  localPath(digest: string): string {
    return this.pathOf(digest);
  }

  async close(): Promise<void> {
    // Nothing is held open between calls.
  }

  private async subdirectories(dir: string): Promise<string[]> {
    return (await readdirSorted(dir)).filter((name) => FANOUT_PATTERN.test(name));
  }

  private async exists(path: string): Promise<boolean> {
    try {
      await stat(path);
      return true;
    } catch (err) {
      if (isErrnoCode(err, 'ENOENT')) return false;
      throw err;
    }
  }
}

/** Directory entries in ascending order; an absent directory is empty. */
async function readdirSorted(dir: string): Promise<string[]> {
  try {
    return (await readdir(dir)).sort();
  } catch (err) {
    if (isErrnoCode(err, 'ENOENT')) return [];
    throw err;
  }
}

function emptyStream(): Readable {
  return new Readable({
    read() {
      this.push(null);
    },
  });
}

function notFound(digest: string): LatheError {
  return new LatheError('BLOB_NOT_FOUND', `No blob with digest ${digest} is stored.`, { digest });
}
