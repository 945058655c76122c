import type { Readable } from 'node:stream';
import { describeValue, LatheError } from '../../core/index.js';

/** A blob digest: 64 lowercase hex characters, the SHA-256 of the blob's bytes. */
export const DIGEST_PATTERN = /^[0-9a-f]{64}$/;

/**
 * What `put` accepts: a Node stream, any async iterable of byte chunks, or the bytes themselves.
 * Chunks must be `Uint8Array`s (Buffers included); string chunks are rejected.
 */
export type BlobSource = Readable | AsyncIterable<Uint8Array> | Uint8Array;

/** Options for {@link BlobStore.put}. */
export interface BlobPutOptions {
  /**
   * The digest the caller expects the content to have (64 lowercase hex). When the content hashes
   * to anything else, `put` rejects with `BLOB_DIGEST_MISMATCH` and stores nothing.
   */
  expectedSha256?: string;
}

/** Options for {@link BlobStore.get}: a byte range, half-open `[start, end)`. */
export interface BlobGetOptions {
  /** First byte to read, 0-based, inclusive. Default 0. Must not exceed the blob's size. */
  start?: number;
  /** Byte offset to stop before (exclusive). Default the blob's size; larger values are clamped to it. */
  end?: number;
}

/** What the store knows about one blob. */
export interface BlobInfo {
  /** Lowercase hex SHA-256 of the content. */
  digest: string;
  /** Size in bytes. */
  size: number;
}

/**
 * The blob store contract: content-addressed, immutable byte blobs keyed by their SHA-256.
 * Backends implement only these primitive operations; services above add naming and policy.
 * Every backend runs `runBlobStoreConformance`.
 *
 * Every method that takes a digest validates it against {@link DIGEST_PATTERN} first and throws
 * `INVALID_ARGUMENT` for anything else, before touching storage.
 */
export interface BlobStore {
  /** The backend's kind, as its URI scheme names it (`file` for the filesystem store); shown in system info. */
  readonly kind: string;

  /**
   * Stores the content and resolves to its digest and size in bytes once it is durable.
   * Identical content is stored once; putting it again returns the same digest. The content is
   * streamed, never held whole in memory. On any error (source error, digest mismatch, I/O) the
   * store is left as it was: no partial blob becomes visible.
   * @throws LatheError `BLOB_DIGEST_MISMATCH` when `expectedSha256` is given and differs;
   *   `INVALID_ARGUMENT` for a malformed `expectedSha256` or a non-byte chunk.
   */
  put(source: BlobSource, options?: BlobPutOptions): Promise<BlobInfo>;

  /**
   * Opens the blob (or the byte range `[start, end)` of it) as a stream.
   * @throws LatheError `BLOB_NOT_FOUND` when no blob has that digest; `INVALID_ARGUMENT` for a
   *   malformed digest or range (negative, non-integer, `start > end`, `start > size`).
   */
  get(digest: string, options?: BlobGetOptions): Promise<Readable>;

  /** The blob's digest and size in bytes, or null when it is not stored. */
  stat(digest: string): Promise<BlobInfo | null>;

  /** True when a blob with that digest is stored. */
  has(digest: string): Promise<boolean>;

  /** Removes the blob; true when it existed, false when there was nothing to remove. */
  delete(digest: string): Promise<boolean>;

  /** Every stored digest, each once, in ascending (lexicographic) order. */
  list(): AsyncIterable<string>;

  /**
   * The absolute filesystem path where the blob's bytes live, for readers (such as DuckDB) that
   * want a file; null for backends without local files. The path is returned whether or not the
   * blob exists (check `has` first) and must be treated as read-only.
   */
  localPath(digest: string): string | null;

  /** Checks that the store answers and accepts writes; throws `UNAVAILABLE` (saying why) otherwise. */
  ping(): Promise<void>;

  /** Releases the backend's resources. The store must not be used afterwards. */
  close(): Promise<void>;
}

/**
 * Checks that `digest` is 64 lowercase hex characters and returns it; throws `INVALID_ARGUMENT`
 * (saying what was expected and what arrived) otherwise. Call before building any path or key.
 */
export function assertDigest(digest: unknown, what = 'digest'): string {
  if (typeof digest !== 'string' || !DIGEST_PATTERN.test(digest)) {
    throw new LatheError(
      'INVALID_ARGUMENT',
      `Expected the ${what} to be a SHA-256 as 64 lowercase hex characters (0-9, a-f), but got ${describeValue(digest)}.`,
      { field: what, expected: DIGEST_PATTERN.source },
    );
  }
  return digest;
}

/**
 * Resolves a requested range against a blob of `size` bytes to a half-open `[start, end)`,
 * clamping `end` to `size`. Throws `INVALID_ARGUMENT` for an impossible range.
 */
export function resolveRange(
  options: BlobGetOptions | undefined,
  size: number,
): { start: number; end: number } {
  const start = options?.start ?? 0;
  const requestedEnd = options?.end ?? size;
  for (const [name, value] of [
    ['start', start],
    ['end', requestedEnd],
  ] as const) {
    if (!Number.isSafeInteger(value) || value < 0) {
      throw new LatheError(
        'INVALID_ARGUMENT',
        `Expected the range ${name} to be a non-negative integer byte offset, but got ${describeValue(value)}.`,
        { field: name },
      );
    }
  }
  if (start > requestedEnd) {
    throw new LatheError(
      'INVALID_ARGUMENT',
      `Expected the range start (${start}) to be at most its end (${requestedEnd}); the range is [start, end).`,
      { start, end: requestedEnd },
    );
  }
  if (start > size) {
    throw new LatheError(
      'INVALID_ARGUMENT',
      `Expected the range start to be at most the blob size (${size} bytes), but got ${start}.`,
      { start, size },
    );
  }
  return { start, end: Math.min(requestedEnd, size) };
}

/** Iterates any {@link BlobSource} as byte chunks, rejecting chunks that are not bytes. */
export async function* iterateSource(source: BlobSource): AsyncGenerator<Uint8Array> {
  if (source instanceof Uint8Array) {
    yield source;
    return;
  }
  if (source === null || typeof source !== 'object' || !(Symbol.asyncIterator in source)) {
    throw new LatheError(
      'INVALID_ARGUMENT',
      `Expected the blob source to be a Readable, an async iterable of Uint8Array or a Uint8Array, but got ${describeValue(source)}.`,
    );
  }
  for await (const chunk of source as AsyncIterable<unknown>) {
    if (!(chunk instanceof Uint8Array)) {
      throw new LatheError(
        'INVALID_ARGUMENT',
        `Expected every chunk of the blob source to be a Uint8Array (bytes), but got ${describeValue(chunk)}.`,
      );
    }
    yield chunk;
  }
}
