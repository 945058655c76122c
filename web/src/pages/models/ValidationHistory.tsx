import { useCallback } from 'react';
import { Link } from 'react-router-dom';
import type { GateStatus, LatheClient } from '../../../../src/sdk/index.js';
import { Alert, Loading } from '../../components/ui.js';
import { formatTime } from '../../format.js';
import { useApi } from '../../use-api.js';
import { reportUrl, ValidationBadge } from '../validation/validation-format.js';
import { versionUrl } from './model-links.js';

type Validation = NonNullable<GateStatus['validation']>;

/** How many of the newest versions the history reads (one request each). */
const shownVersions = 20;

/** The validations of the newest versions, newest version first. */
async function loadHistory(client: LatheClient, name: string, versions: number[]) {
  const newest = [...versions].sort((a, b) => b - a).slice(0, shownVersions);
  const rows = await Promise.all(
    newest.map(async (version) => ({
      version,
      validations: (await client.registry.validations(`${name}@${version}`)) as Validation[],
    })),
  );
  return { key: `${name}:${newest.join(',')}`, rows, total: versions.length };
}

/**
 * The validation history of a model: per version (the newest 20), its latest validation (suite,
 * status, date, a link to the report) and how many validations it had.
 */
export function ValidationHistory({ name, versions }: { name: string; versions: number[] }) {
  // Keyed by the version numbers, so a new array with the same versions does not reload.
  const key = versions.join(',');
  const load = useCallback(
    (client: LatheClient) => loadHistory(client, name, key ? key.split(',').map(Number) : []),
    [name, key],
  );
  const data = useApi(load);
  if (data.error) return <Alert title="Could not load the validations">{data.error}</Alert>;
  if (!data.data) return <Loading label="Loading validations…" />;
  const { rows, total } = data.data;
  if (!rows.some((r) => r.validations.length))
    return (
      <p className="muted small">
        No version has been validated yet. Run{' '}
        <code>lathe validate --model {name}@VERSION --test DATASET@V</code>.
      </p>
    );
  return (
    <>
      <div className="table-wrap">
        <table className="table" aria-label="Validation history">
          <thead>
            <tr>
              <th scope="col">Version</th>
              <th scope="col">Latest validation</th>
              <th scope="col">Suite</th>
              <th scope="col">Date (UTC)</th>
              <th scope="col" className="num">
                Runs
              </th>
              <th scope="col">Report</th>
            </tr>
          </thead>
          <tbody>
            {rows.map(({ version, validations }) => {
              const latest = validations[0];
              return (
                <tr key={version}>
                  <td>
                    <Link to={versionUrl(name, version)}>Version {version}</Link>
                  </td>
                  <td>
                    {latest ? (
                      <ValidationBadge status={latest.status} />
                    ) : (
                      <span className="muted">none</span>
                    )}
                  </td>
                  <td>{latest?.suite ?? '—'}</td>
                  <td className="nowrap" title={latest?.createdAt}>
                    {latest ? formatTime(latest.createdAt) : '—'}
                  </td>
                  <td className="num">{validations.length}</td>
                  <td>{latest && <Link to={reportUrl(name, version, latest.job)}>Open report</Link>}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
      {total > shownVersions && (
        <p className="muted small">
          The newest {shownVersions} of {total} versions.
        </p>
      )}
    </>
  );
}
