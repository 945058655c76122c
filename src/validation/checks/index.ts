/** Every validation check, in the order a default suite runs them. */
import type { ValidationCheck } from '../check.js';
import { backtestingCheck } from './backtesting.js';
import { driftCheck } from './drift.js';
import { importanceCheck } from './importance.js';
import { pipelineConsistencyCheck } from './pipeline-consistency.js';
import { sensitivityCheck } from './sensitivity.js';
import { stressCheck } from './stress.js';

export const VALIDATION_CHECKS: readonly ValidationCheck[] = [
  driftCheck,
  importanceCheck,
  sensitivityCheck,
  stressCheck,
  backtestingCheck,
  pipelineConsistencyCheck,
] as readonly ValidationCheck[];
