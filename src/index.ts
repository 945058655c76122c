/**
 * Lathe as a library: build or start the server in-process, open the stores, use the client.
 * Importing this module has no side effects.
 */
export { type AppOptions, buildApp, type LatheApp, type RunningServer, startServer } from './api/index.js';
export { AuthService } from './auth/index.js';
export {
  type ErrorCode,
  errorCodes,
  isLatheError,
  type LatheConfig,
  LatheError,
  loadConfig,
  version,
} from './core/index.js';
export { LatheClient } from './sdk/index.js';
export { type BlobStore, openBlobStore } from './storage/blobs/index.js';
export { MetaStore, openMetaStore } from './storage/meta/index.js';
export { TableEngine } from './storage/tables/index.js';
