export { Experiments } from './experiments.js';
export { decodeOffsetToken, encodeOffsetToken } from './run-data.js';
export { type LogBatchInput, Runs } from './runs.js';
export { type ExperimentSearchInput, type RunSearchInput, TrackingSearch } from './search-service.js';
export { TrackingService } from './tracking-service.js';
export { searchModelVersions, searchRegisteredModels } from './search/index.js';
export * from './types.js';
export { limits } from './validation.js';
export * from './artifacts/index.js';
