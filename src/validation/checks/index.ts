/** Every validation check, in the order a default suite runs them. */
import type { ValidationCheck } from '../check.js';
import { backtestingCheck } from './backtesting.js';
import { baselineCheck } from './baseline.js';
import { calibrationCheck } from './calibration.js';
import { driftCheck } from './drift.js';
import { fairnessCheck } from './fairness.js';
import { importanceCheck } from './importance.js';
import { labelErrorsCheck } from './label-errors.js';
import { leakageCheck } from './leakage.js';
import { overfittingCheck } from './overfitting.js';
import { performanceCheck } from './performance.js';
import { pipelineConsistencyCheck } from './pipeline-consistency.js';
import { sensitivityCheck } from './sensitivity.js';
import { slicesCheck } from './slices.js';
import { stressCheck } from './stress.js';

export const VALIDATION_CHECKS: readonly ValidationCheck[] = [
  performanceCheck,
  slicesCheck,
  baselineCheck,
  calibrationCheck,
  driftCheck,
  leakageCheck,
  overfittingCheck,
  labelErrorsCheck,
  fairnessCheck,
  importanceCheck,
  sensitivityCheck,
  stressCheck,
  backtestingCheck,
  pipelineConsistencyCheck,
] as readonly ValidationCheck[];
