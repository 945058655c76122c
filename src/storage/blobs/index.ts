/**
 * Blob storage: content-addressed, immutable byte blobs keyed by SHA-256.
 * Open a store with {@link openBlobStore}; backends implement {@link BlobStore}.
 */
export {
  assertDigest,
  type BlobGetOptions,
  type BlobInfo,
  type BlobPutOptions,
  type BlobSource,
  type BlobStore,
  DIGEST_PATTERN,
} from './blob-store.js';
export { FsBlobStore } from './fs/fs-blob-store.js';
export { openBlobStore } from './open-blob-store.js';
