import { fileURLToPath } from 'node:url';
import { describeValue, LatheError } from '../../core/index.js';
import type { BlobStore } from './blob-store.js';
import { FsBlobStore } from './fs/fs-blob-store.js';

const VALID_SCHEMES =
  '`file:` (a local directory, e.g. `file:./lathe-data/blobs` or `file:/srv/blobs`); `s3:` is planned';
const SCHEME_PATTERN = /^([A-Za-z][A-Za-z0-9+.-]*):/;

/**
 * Opens the blob store a URI names, choosing the backend by scheme:
 * - `file:PATH` — the filesystem backend rooted at PATH (relative paths resolve against the
 *   working directory); the URL form `file:///abs/path` is accepted too. The directory is
 *   created when missing.
 * - `s3:` — planned; rejected with `NOT_IMPLEMENTED`.
 * @throws LatheError `STORE_URI_INVALID` for an unknown scheme, a missing scheme or an empty
 *   path; `NOT_IMPLEMENTED` for a planned backend not in this build.
 */
export async function openBlobStore(uri: string): Promise<BlobStore> {
  if (typeof uri !== 'string' || uri.trim().length === 0) {
    throw new LatheError(
      'STORE_URI_INVALID',
      `Expected a blob store URI such as file:./lathe-data/blobs, but got ${describeValue(uri)}. Valid schemes: ${VALID_SCHEMES}.`,
    );
  }
  const scheme = SCHEME_PATTERN.exec(uri)?.[1]?.toLowerCase();
  if (scheme === undefined) {
    throw new LatheError(
      'STORE_URI_INVALID',
      `Expected the blob store URI to start with a scheme, but got ${describeValue(uri)}. ` +
        `Valid schemes: ${VALID_SCHEMES}. For a local directory write file:${uri}.`,
      { uri },
    );
  }
  switch (scheme) {
    case 'file':
      return FsBlobStore.open(filePathOf(uri));
    case 's3':
      throw new LatheError(
        'NOT_IMPLEMENTED',
        `The s3: blob store is planned but not available in this build (got ${describeValue(uri)}). ` +
          `Valid schemes: ${VALID_SCHEMES}.`,
        { uri, scheme },
      );
    default:
      throw new LatheError(
        'STORE_URI_INVALID',
        `Unknown blob store scheme "${scheme}:" in ${describeValue(uri)}. Valid schemes: ${VALID_SCHEMES}.`,
        { uri, scheme },
      );
  }
}

/** The directory a `file:` URI names: `file:PATH` as written, or `file://[localhost]/abs` as a URL. */
function filePathOf(uri: string): string {
  const rest = uri.slice('file:'.length);
  let path = rest;
  if (rest.startsWith('//')) {
    try {
      path = fileURLToPath(uri);
    } catch (err) {
      throw new LatheError(
        'STORE_URI_INVALID',
        `Expected a file URL of the form file:///absolute/path, but got ${describeValue(uri)}: ${(err as Error).message}`,
        { uri },
        { cause: err },
      );
    }
  }
  if (path.length === 0 || path.includes('\0')) {
    throw new LatheError(
      'STORE_URI_INVALID',
      `Expected a directory path after "file:", but got ${describeValue(uri)}. Example: file:./lathe-data/blobs.`,
      { uri },
    );
  }
  return path;
}
