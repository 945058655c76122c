/** Every validation check, in the order a default suite runs them. */
import type { ValidationCheck } from '../check.js';
import { backtestingCheck } from './backtesting.js';
import { importanceCheck } from './importance.js';
import { pipelineConsistencyCheck } from './pipeline-consistency.js';

export const VALIDATION_CHECKS: readonly ValidationCheck[] = [
  importanceCheck,
  backtestingCheck,
  pipelineConsistencyCheck,
] as readonly ValidationCheck[];
