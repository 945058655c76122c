import type { DeploymentRevision, ShadowReport } from '../../../../src/sdk/index.js';
import { formatTime } from '../../format.js';
import { formatValue } from '../experiments/run-format.js';
import { graphSummary } from './serving-format.js';
import type { Action } from './use-action.js';

const percent = (v: number | null) => (v === null ? '—' : `${(v * 100).toFixed(1)}%`);

/** Every revision, newest first: why it was made, its routes, who and when; older ones can be re-applied. */
export function RevisionsTable({
  name,
  revisions,
  current,
  action,
}: {
  name: string;
  revisions: DeploymentRevision[];
  current: number;
  action: Action;
}) {
  return (
    <div className="table-wrap">
      <table className="table" aria-label="Revisions">
        <thead>
          <tr>
            <th scope="col" className="num">
              Revision
            </th>
            <th scope="col">Reason</th>
            <th scope="col">Routes</th>
            <th scope="col">Fallback</th>
            <th scope="col">By</th>
            <th scope="col">When (UTC)</th>
            <th scope="col">
              <span className="sr-only">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {revisions.map((r) => (
            <tr key={r.revision} className={r.revision === current ? 'strong' : undefined}>
              <td className="num">
                {r.revision}
                {r.revision === current && <span className="badge badge-info serving-current">current</span>}
              </td>
              <td>{r.reason}</td>
              <td className="mono small">
                {graphSummary(r.spec) ??
                  r.spec.models.map((m) => `${m.model} ${m.traffic}%`).join(', ') +
                    (r.spec.shadow.length ? `; shadow ${r.spec.shadow.map((s) => s.model).join(', ')}` : '')}
              </td>
              <td className="mono small">{r.spec.fallback ?? '—'}</td>
              <td>{r.createdBy}</td>
              <td className="nowrap" title={r.createdAt}>
                {formatTime(r.createdAt)}
              </td>
              <td className="actions">
                {r.revision !== current && (
                  <button
                    type="button"
                    className="btn btn-sm"
                    disabled={action.pending !== null}
                    onClick={() =>
                      void action.run(
                        `Roll back to revision ${r.revision}`,
                        (c) => c.serving.rollback(name, r.revision),
                        (d) =>
                          d.changed
                            ? `Revision ${d.revision} re-applies revision ${r.revision}.`
                            : `Revision ${r.revision} equals the current spec: nothing changed.`,
                      )
                    }
                  >
                    Re-apply
                  </button>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** A histogram of differences as `≤0.001: 12 · ≤0.01: 3 · >1: 0`, empty bins left out. */
function histogramText(h: ShadowReport['histogram']): string {
  const parts = h
    .map((b, i) => ({ label: b.upTo === null ? `>${h[i - 1]?.upTo ?? 0}` : `≤${b.upTo}`, rows: b.rows }))
    .filter((b) => b.rows > 0)
    .map((b) => `${b.label}: ${b.rows}`);
  return parts.length ? parts.join(' · ') : '—';
}

/** Shadow models against the answers returned: rows compared, agreement, differences, errors. */
export function ShadowTable({ shadows }: { shadows: ShadowReport[] }) {
  return (
    <div className="table-wrap">
      <table className="table" aria-label="Shadow report">
        <thead>
          <tr>
            <th scope="col">Shadow</th>
            <th scope="col">Version</th>
            <th scope="col" className="num">
              Rows
            </th>
            <th scope="col" className="num">
              Agreement
            </th>
            <th scope="col" className="num">
              Mean diff
            </th>
            <th scope="col" className="num">
              Max diff
            </th>
            <th scope="col" className="num">
              Errors
            </th>
            <th scope="col">Differences</th>
          </tr>
        </thead>
        <tbody>
          {shadows.map((s) => (
            <tr key={s.ref}>
              <td className="mono">{s.ref}</td>
              <td className="mono">{s.model}</td>
              <td className="num">{s.rows}</td>
              <td className="num">{percent(s.agreement)}</td>
              <td className="num mono">{s.meanDiff === null ? '—' : formatValue(s.meanDiff)}</td>
              <td className="num mono">{s.maxDiff === null ? '—' : formatValue(s.maxDiff)}</td>
              <td className="num">{s.errors}</td>
              <td className="small mono">{histogramText(s.histogram)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
