/**
 * Training: from a dataset version to a tracked, registered model, as background jobs (train;
 * tuning and AutoML build on it). See training-service.ts.
 */
export type { Evaluation } from './evaluation.js';
export type { ExcludedColumn, Label, Prepared } from './prepare.js';
export type { TrainResult, TrainingDeps } from './train-job.js';
export type { TrainSpec } from './train-spec.js';
export { type ModelFamilyInfo, TrainingService } from './training-service.js';
export type { TuneResult, TuneTrial } from './tune-job.js';
export type { TuneSpec } from './tune-spec.js';
export type { AutomlResult, LeaderboardRow } from './automl-job.js';
export type { AutomlSpec } from './automl-spec.js';
