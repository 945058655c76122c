/** Background jobs with progress, cancellation and a final status; see job-service.ts. */
export * from './job-service.js';
