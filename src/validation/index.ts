/**
 * Model validation: checks (one file each in checks/), suites of them, a runner that gathers a
 * report, JUnit output, and the `validate` job that stores reports with the model version.
 */
export * from './check.js';
export { VALIDATION_CHECKS } from './checks/index.js';
export { buildContext, type ValidationInputs } from './context-builder.js';
export { reportToHtml } from './html-report.js';
export { reportToJUnit } from './junit.js';
export { type ReportSources, runSuite, type ValidationReport } from './runner.js';
export { defaultSuite, parseSuite, type Suite, type SuiteEntry } from './suite.js';
export {
  type ValidateResult,
  type ValidateSpec,
  type ValidationDeps,
  ValidationService,
} from './validation-service.js';
