import type { Job, JobProgress, JobStatus } from '../../../../src/sdk/index.js';
import { formatDuration } from '../../format.js';

const statusClass: Record<JobStatus, string> = {
  queued: 'run-scheduled',
  running: 'run-running',
  succeeded: 'run-finished',
  failed: 'run-failed',
  cancelled: 'run-killed',
};

/** A job's status as a coloured badge (the word is always shown). */
export function JobStatusBadge({ status }: { status: JobStatus }) {
  return <span className={`run-status ${statusClass[status] ?? ''}`}>{status}</span>;
}

/** `fitting · 40 / 100 · ETA 12s`: the progress report in words. */
export function progressText(p: JobProgress | null): string {
  if (!p) return 'waiting to start';
  const parts = [p.phase];
  if (typeof p.done === 'number' && typeof p.total === 'number' && p.total > 0)
    parts.push(`${p.done.toLocaleString('en-US')} / ${p.total.toLocaleString('en-US')}`);
  else if (typeof p.done === 'number') parts.push(p.done.toLocaleString('en-US'));
  if (typeof p.etaSeconds === 'number' && Number.isFinite(p.etaSeconds))
    parts.push(`ETA ${formatDuration(p.etaSeconds)}`);
  return parts.join(' · ');
}

/**
 * A job's progress bar (role=progressbar with the phase in its label); indeterminate while the job
 * reports no done/total.
 */
export function JobProgressBar({ job, compact = false }: { job: Job; compact?: boolean }) {
  const p = job.progress;
  const determinate = typeof p?.done === 'number' && typeof p?.total === 'number' && p.total > 0;
  const share = determinate ? Math.min(1, p!.done! / p!.total!) : null;
  return (
    <div className={compact ? 'job-progress job-progress-compact' : 'job-progress'}>
      <progress
        className="upload-bar"
        aria-label="Job progress"
        aria-valuetext={progressText(p)}
        max={determinate ? p!.total : undefined}
        value={determinate ? p!.done : undefined}
      />
      <span className={compact ? 'small muted' : 'job-progress-text'}>
        {progressText(p)}
        {share !== null && !compact && ` (${Math.floor(share * 100)}%)`}
      </span>
      {!compact && p?.message && <span className="small muted">{p.message}</span>}
    </div>
  );
}
