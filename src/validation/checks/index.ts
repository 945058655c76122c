/** Every validation check, in the order a default suite runs them. */
import type { ValidationCheck } from '../check.js';

export const VALIDATION_CHECKS: readonly ValidationCheck[] = [];
