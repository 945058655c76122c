/**
 * Hyperparameter search: samplers (grid, random, TPE) behind one ask/tell contract, asynchronous
 * successive halving, cross-validated scoring of a parameter set, and the search driver. Pure and
 * I/O-free; the training service runs objectives in worker threads and records trials in tracking.
 */
export type { ParamDomain, ParamSet, ParamValue, SearchSpace } from './space.js';
export { type CheckSpaceOptions, checkSpace, type Direction } from './check-space.js';
export {
  SAMPLER_NAMES,
  type Sampler,
  type SamplerName,
  type SamplerOptions,
  type TrialResult,
  type TrialState,
} from './sampler.js';
export { DEFAULT_GRID_POINTS, GridSampler, gridValues } from './grid-sampler.js';
export { RandomSampler } from './random-sampler.js';
export { defaultGamma, TpeSampler } from './tpe-sampler.js';
export {
  type AshaOptions,
  AshaScheduler,
  type BudgetPlan,
  budgetPlan,
  type Decision,
  type Scheduler,
  withBudget,
} from './asha.js';
export { METRICS, type MetricInfo, metricDirection, metricInfo } from './metric-direction.js';
export { type ParamScore, type ScoreOptions, scoreParams, subsampleRows } from './score-params.js';
export {
  bestTrial,
  createSampler,
  type Objective,
  runSearch,
  type SearchOptions,
  type SearchResult,
  type TrialRecord,
  type TrialReport,
} from './run-search.js';
