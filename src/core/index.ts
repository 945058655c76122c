export * from './collections.js';
export * from './clock.js';
export * from './config.js';
export * from './error-codes.js';
export * from './errors.js';
export * from './ids.js';
export * from './logging.js';
export { lowerPriority } from './priority.js';
export {
  type CounterSeries,
  FastCounter,
  FastGauge,
  FastHistogram,
  type GaugeSeries,
  type HistogramSeries,
} from './metrics.js';
export { startWorker, taskModuleUrl } from './threads.js';
export { version } from './version.js';
export { xmlAttr, xmlText } from './xml.js';
