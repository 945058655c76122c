/** Background jobs with progress, cancellation and a final status; see job-service.ts. */
export {
  type Job,
  type JobContext,
  type JobKind,
  type JobListener,
  type JobProgress,
  type JobStatus,
  jobStatuses,
} from './job.js';
export * from './job-service.js';
