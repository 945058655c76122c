/**
 * Observability: the inference store (predictions and actuals from any model server), drift,
 * performance by slice and time, and monitors that open alerts, call webhooks and degrade
 * deployments.
 */
export { type Baseline, type CatalogModel, ModelCatalog } from './model-catalog.js';
export type { BaselineInput, BaselineResult } from './baselines.js';
export { maxBatchRecords } from './ingest.js';
export type { PredictionLookup } from './lookups.js';
export { type MonitoringOptions, MonitoringService } from './monitoring-service.js';
export type {
  PerformanceGroup,
  PerformanceOptions,
  PerformanceReport,
  TrafficBucket,
} from './performance-query.js';
export type { FeatureQuality, QualityReport } from './quality-query.js';
export type { RetentionResult } from './retention.js';
export {
  type DegradeFn,
  type EvaluationResult,
  judge,
  type Measurement,
  MonitorEvaluator,
  type MonitorSource,
} from './monitors/monitor-evaluator.js';
export { MonitorService, type MonitorServiceDeps, type MonitorStatus } from './monitors/monitor-service.js';
export {
  featureDriftMetrics,
  higherIsBetter,
  type MonitorBaseline,
  type MonitorKind,
  type MonitorMetric,
  type MonitorSpec,
  monitorKinds,
  monitorMetrics,
  parseMonitorFile,
  parseMonitorList,
  parseMonitorSpec,
} from './monitors/monitor-spec.js';
export {
  type Alert,
  type AppliedMonitor,
  type Monitor,
  type MonitorEvaluation,
  type MonitorState,
  MonitorStore,
} from './monitors/monitor-store.js';
export * from './explanations.js';
export { type NumericDriftPair, numericDriftMany } from './numeric-drift.js';
export { StoreMonitorSource } from './monitor-source.js';
export { type FeatureSuspect, type RootCause, rootCause, type SliceContribution } from './root-cause.js';
export * from './types.js';
export { parseDuration, parseTime, parseWhere, resolveWindows, type WindowQuery } from './windows.js';
export { type ServedLogOptions, ServedLogThread } from './served-log-thread.js';
