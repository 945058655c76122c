/**
 * Serving: batch scoring jobs, and online deployments (routing, shadow, fallback, micro-batching,
 * the inference log), all over the same ModelService.
 */
export type { BatchPredictResult } from './batch-predict.js';
export { BatchScoring } from './batch-scoring.js';
export type {
  Combiner,
  Condition,
  DeploymentSpec,
  GraphSpec,
  ModelRoute,
  ShadowRoute,
} from './deployment-spec.js';
export { specValue } from './deployment-spec.js';
export type { DeploymentRevision } from './deployments.js';
export type { EndpointAnswer, FallbackReason, InferenceRecord } from './endpoint.js';
export type { LivePoint } from './live-stats.js';
export { parsePredictPayload } from './payload.js';
export { type DeploymentStatus, ServingService } from './serving-service.js';
export type { ShadowReport } from './shadow.js';
