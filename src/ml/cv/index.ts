/** Cross-validation splitters: pure functions returning row indices (Int32Array) per fold. */
export type { Fold } from './check.js';
export { type HoldOutOptions, holdOut } from './hold-out.js';
export {
  groupKFold,
  type KFoldOptions,
  kFold,
  type StratifiedKFoldOptions,
  stratifiedKFold,
} from './k-fold.js';
export { type TimeSeriesSplitOptions, timeSeriesSplit } from './time-series.js';
