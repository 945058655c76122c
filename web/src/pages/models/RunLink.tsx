import { Link } from 'react-router-dom';
import { runUrl } from '../experiments/run-format.js';

/**
 * A run ID, linked to its page once its experiment is known. `experimentId` null means the run
 * could not be read: the ID is shown unlinked.
 */
export function RunLink({ runId, experimentId }: { runId: string | null; experimentId?: string | null }) {
  if (!runId) return <span className="muted">—</span>;
  const short = runId.length > 12 ? `${runId.slice(0, 12)}…` : runId;
  if (!experimentId)
    return (
      <span className="mono small" title={experimentId === null ? `${runId} (run not readable)` : runId}>
        {short}
      </span>
    );
  return (
    <Link className="mono small" to={runUrl(experimentId, runId)} title={runId} aria-label={`Run ${runId}`}>
      {short}
    </Link>
  );
}
