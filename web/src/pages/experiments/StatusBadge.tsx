import type { RunStatus } from '../../../../src/sdk/index.js';

const kinds: Record<RunStatus, string> = {
  RUNNING: 'run-running',
  SCHEDULED: 'run-scheduled',
  FINISHED: 'run-finished',
  FAILED: 'run-failed',
  KILLED: 'run-killed',
};

/** A run's status as a coloured badge (the word is always shown, colour is not the only cue). */
export function StatusBadge({ status }: { status: RunStatus }) {
  return <span className={`run-status ${kinds[status] ?? ''}`}>{status.toLowerCase()}</span>;
}
