/**
 * Serving: batch scoring jobs today; deployments, routing and online prediction build on the same
 * ModelService.
 */
export type { BatchPredictDeps, BatchPredictResult } from './batch-predict.js';
export { type BatchPredictSpec, checkBatchPredictSpec, outputColumns } from './batch-predict-spec.js';
export { BatchScoring } from './batch-scoring.js';
