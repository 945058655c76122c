/**
 * Serving: batch scoring jobs, and online deployments (routing, shadow, fallback, micro-batching,
 * the inference log), all over the same
 * ModelService.
 */
export type { BatchPredictDeps, BatchPredictResult } from './batch-predict.js';
export { type BatchPredictSpec, checkBatchPredictSpec, outputColumns } from './batch-predict-spec.js';
export { BatchScoring } from './batch-scoring.js';
export {
  type Combiner,
  type Condition,
  type DeploymentSpec,
  type GraphSpec,
  type ModelRoute,
  parseDeploymentSpec,
  type ShadowRoute,
  specValue,
} from './deployment-spec.js';
export type { Deployment, DeploymentRevision } from './deployments.js';
export type {
  AnswerModel,
  EndpointAnswer,
  EndpointRequest,
  FallbackReason,
  InferenceRecord,
} from './endpoint.js';
export { Endpoint } from './endpoint.js';
export {
  type ParsedPayload,
  type PayloadFormat,
  type PayloadOptions,
  parsePredictPayload,
} from './payload.js';
export type { ShadowReport } from './shadow.js';
export type { LivePoint } from './live-stats.js';
export { type DeploymentStatus, type ServingOptions, ServingService } from './serving-service.js';
export { checkGraph, conditionHolds, type GraphModel, type GraphResult, runGraph } from './graph.js';
