/**
 * Machine learning: pure numeric cores on typed arrays (no I/O), each in its own folder. Every
 * entry point validates its input and throws LatheError('INVALID_ARGUMENT') naming what was expected
 * and what arrived. Importing this module has no side effects.
 */
export {
  IsolationForest,
  type IsolationForestJSON,
  type IsolationForestOptions,
  type IsolationTreeJSON,
} from './isolation-forest/isolation-forest.js';
export { SeededRandom } from './seeded-random.js';
export { type Matrix, matrix, matrixFromRows, type SavedModel } from './matrix.js';
