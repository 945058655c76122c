import { useCallback, useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router-dom';
import type { DatasetVersion, LatheClient } from '../../../../src/sdk/index.js';
import { Breadcrumbs, PageHeader } from '../../components/Layout.js';
import { Alert, Fact, Facts, Loading, Panel, useTitle } from '../../components/ui.js';
import { formatTime } from '../../format.js';
import { useSignedIn } from '../../session.js';
import { useApi } from '../../use-api.js';
import { formatBytes } from '../experiments/run-format.js';
import { DatasetNotFound } from './DatasetNotFound.js';
import { datasetVersionUrl, diffUrl, formatCount, shortDigest, sourceLabel } from './data-format.js';
import { ParentRefs } from './RefLink.js';
import { IngestPanel } from './IngestPanel.js';

/** `/data/:name`: a dataset's versions, newest first; tick two to compare them. */
export function DatasetPage() {
  const name = useParams().name ?? '';
  useTitle(name);
  const load = useCallback((client: LatheClient) => client.data.get(name), [name]);
  const dataset = useApi(load);
  const [picked, setPicked] = useState<number[]>([]);
  const navigate = useNavigate();
  const canWrite = useSignedIn().me.permissions.includes('write');
  const [ingesting, setIngesting] = useState(false);

  if (dataset.errorCode === 'NOT_FOUND' || dataset.errorCode === 'INVALID_ARGUMENT')
    return <DatasetNotFound name={name} message={dataset.error ?? undefined} />;
  const d = dataset.data?.name === name ? dataset.data : undefined;

  function toggle(version: number, on: boolean) {
    // At most two ticked: ticking a third drops the oldest tick.
    setPicked((p) =>
      on ? [...p.filter((v) => v !== version), version].slice(-2) : p.filter((v) => v !== version),
    );
  }
  const [a, b] = [...picked].sort((x, y) => x - y);

  return (
    <>
      <Breadcrumbs links={[['Data', '/data']]} current={name} />
      <PageHeader
        title={name}
        description={d ? d.description || 'No description.' : undefined}
        actions={
          d &&
          canWrite &&
          !ingesting && (
            <button type="button" className="btn btn-primary" onClick={() => setIngesting(true)}>
              New version
            </button>
          )
        }
      />
      {d && ingesting && (
        <IngestPanel
          dataset={name}
          latestVersion={d.latestVersion}
          onClose={() => setIngesting(false)}
          onIngested={() => dataset.reload()}
        />
      )}
      {dataset.error && <Alert title="Could not load the dataset">{dataset.error}</Alert>}
      {!d && !dataset.error && <Loading label="Loading the dataset…" />}
      {d && (
        <>
          <Panel title="About">
            <Facts>
              <Fact label="Latest version">
                {d.latestVersion === null ? (
                  'none'
                ) : (
                  <Link to={datasetVersionUrl(name, d.latestVersion)}>
                    {name}@{d.latestVersion}
                  </Link>
                )}
              </Fact>
              <Fact label="Versions">{d.versionCount}</Fact>
              <Fact label="Rows (latest)">{formatCount(d.latestRows)}</Fact>
              <Fact label="Created (UTC)">
                <span title={d.createdAt}>{formatTime(d.createdAt)}</span>
              </Fact>
              <Fact label="Last updated (UTC)">
                <span title={d.updatedAt}>{formatTime(d.updatedAt)}</span>
              </Fact>
              <Fact label="Created by">{d.createdBy || '—'}</Fact>
            </Facts>
          </Panel>
          <Panel
            title={`Versions (${d.versions.length})`}
            actions={
              d.versions.length > 1 && (
                <span className="data-compare-actions">
                  <span className="muted small">
                    {picked.length === 2 ? `v${a} ↔ v${b}` : 'Tick two versions to compare them'}
                  </span>
                  <button
                    type="button"
                    className="btn btn-sm btn-primary"
                    disabled={picked.length !== 2}
                    onClick={() => navigate(diffUrl(name, a!, b!))}
                  >
                    Compare
                  </button>
                </span>
              )
            }
          >
            <DataVersionsTable name={name} versions={d.versions} picked={picked} onToggle={toggle} />
          </Panel>
        </>
      )}
    </>
  );
}

function DataVersionsTable({
  name,
  versions,
  picked,
  onToggle,
}: {
  name: string;
  versions: DatasetVersion[];
  picked: number[];
  onToggle(version: number, on: boolean): void;
}) {
  if (versions.length === 0) {
    return (
      <p className="muted">
        No versions yet. Ingest one with <code>lathe data ingest FILE --name {name}</code>.
      </p>
    );
  }
  return (
    <div className="table-wrap">
      <table className="table" aria-label="Dataset versions">
        <thead>
          <tr>
            {versions.length > 1 && (
              <th scope="col" className="data-pick">
                <span className="sr-only">Compare</span>
              </th>
            )}
            <th scope="col">Version</th>
            <th scope="col" className="num">
              Rows
            </th>
            <th scope="col" className="num">
              Size
            </th>
            <th scope="col" className="num">
              Columns
            </th>
            <th scope="col">Message</th>
            <th scope="col">Source</th>
            <th scope="col">Parents</th>
            <th scope="col">Created (UTC)</th>
            <th scope="col">By</th>
            <th scope="col">Digest</th>
          </tr>
        </thead>
        <tbody>
          {versions.map((v) => (
            <tr key={v.version} className={picked.includes(v.version) ? 'row-picked' : undefined}>
              {versions.length > 1 && (
                <td className="data-pick">
                  <input
                    type="checkbox"
                    aria-label={`Compare version ${v.version}`}
                    checked={picked.includes(v.version)}
                    onChange={(e) => onToggle(v.version, e.target.checked)}
                  />
                </td>
              )}
              <td>
                <Link className="strong" to={datasetVersionUrl(name, v.version)}>
                  {v.ref}
                </Link>
              </td>
              <td className="num">{formatCount(v.rows)}</td>
              <td className="num nowrap">{formatBytes(v.size)}</td>
              <td className="num">{v.columns.length}</td>
              <td className="data-description">{v.message || <span className="muted">—</span>}</td>
              <td className="small data-source" title={sourceLabel(v.source)}>
                {sourceLabel(v.source)}
              </td>
              <td>
                <ParentRefs parents={v.parents} empty="—" />
              </td>
              <td className="nowrap" title={v.createdAt}>
                {formatTime(v.createdAt)}
              </td>
              <td>{v.createdBy}</td>
              <td className="mono small" title={v.digest}>
                {shortDigest(v.digest)}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
