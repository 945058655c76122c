/** Worker threads for parallel numeric work: a generic pool and shared-memory helpers. */
export { type NumericArray, toShared } from './shared.js';
export { sharedWorkerPool, WorkerPool } from './worker-pool.js';
