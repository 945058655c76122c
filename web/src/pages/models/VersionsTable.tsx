import type { VersionSummary } from '../../../../src/sdk/index.js';
import { formatMs, isoMs } from '../../format.js';
import { AliasBadges, StageLabel, VersionLink } from './AliasBadge.js';
import { RunLink } from './RunLink.js';
import { useRunExperiments } from './use-run-experiments.js';

/** Every live version of a model, newest first, with its run and aliases. */
export function VersionsTable({ name, versions }: { name: string; versions: VersionSummary[] }) {
  const experiments = useRunExperiments(versions.flatMap((v) => (v.runId ? [v.runId] : [])));
  if (versions.length === 0) {
    return (
      <p className="muted">
        No versions yet. Register one with <code>lathe models register {name} --source …</code>.
      </p>
    );
  }
  return (
    <div className="table-wrap">
      <table className="table" aria-label="Versions">
        <thead>
          <tr>
            <th scope="col">Version</th>
            <th scope="col">Created (UTC)</th>
            <th scope="col">Stage</th>
            <th scope="col">Source</th>
            <th scope="col">Run</th>
            <th scope="col">Aliases</th>
            <th scope="col">Status</th>
          </tr>
        </thead>
        <tbody>
          {versions.map((v) => (
            <tr key={v.version}>
              <td>
                <VersionLink name={name} version={v.version} />
              </td>
              <td className="nowrap" title={isoMs(v.creationTimestamp)}>
                {formatMs(v.creationTimestamp)}
              </td>
              <td>
                <StageLabel stage={v.currentStage} />
              </td>
              <td className="mono small models-source" title={v.source}>
                {v.source}
              </td>
              <td>
                <RunLink runId={v.runId} experimentId={v.runId ? experiments.get(v.runId) : undefined} />
              </td>
              <td>
                <AliasBadges aliases={v.aliases} />
              </td>
              <td>
                <span className={`status ${v.status === 'READY' ? 'status-active' : 'status-expired'}`}>
                  {v.status}
                </span>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
