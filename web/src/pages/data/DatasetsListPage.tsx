import { useMemo, useState } from 'react';
import { Link } from 'react-router-dom';
import type { Dataset, LatheClient } from '../../../../src/sdk/index.js';
import { PageHeader } from '../../components/Layout.js';
import { ClearFilterButton, SortSelect, useListQuery } from '../../components/ListQuery.js';
import { Alert, Loading, Panel, useTitle } from '../../components/ui.js';
import { formatAgo, formatTime } from '../../format.js';
import { useSignedIn } from '../../session.js';
import { useApi } from '../../use-api.js';
import { formatBytes } from '../experiments/run-format.js';
import { datasetUrl, datasetVersionUrl, formatCount } from './data-format.js';
import { IngestPanel } from './IngestPanel.js';

const loadDatasets = (client: LatheClient) => client.data.list();

/** Whether a dataset matches the filter text (name or description, case-insensitive). */
function matches(d: Dataset, filter: string): boolean {
  const f = filter.toLowerCase();
  return d.name.toLowerCase().includes(f) || d.description.toLowerCase().includes(f);
}

/** `/data`: every dataset with its latest version, filtered by name or description. */
export function DatasetsListPage() {
  useTitle('Data');
  const { filter, order, draft, setDraft, apply, clear } = useListQuery({ replace: true });
  const datasets = useApi(loadDatasets);
  const canWrite = useSignedIn().me.permissions.includes('write');
  const [ingesting, setIngesting] = useState(false);

  const rows = useMemo(() => {
    const all = (datasets.data ?? []).filter((d) => !filter || matches(d, filter));
    return order === 'updated' ? [...all].sort((a, b) => b.updatedAt.localeCompare(a.updatedAt)) : all;
  }, [datasets.data, filter, order]);

  const total = datasets.data?.length ?? 0;
  return (
    <>
      <PageHeader
        title="Data"
        description="Datasets and their immutable versions: schema, profile, checks, personal data and lineage."
        actions={
          canWrite &&
          !ingesting && (
            <button type="button" className="btn btn-primary" onClick={() => setIngesting(true)}>
              New dataset
            </button>
          )
        }
      />
      {ingesting && <IngestPanel onClose={() => setIngesting(false)} onIngested={() => datasets.reload()} />}
      <Panel>
        {total > 0 && (
          <form
            className="form form-inline data-filter"
            aria-label="Filter datasets"
            onSubmit={(e) => {
              e.preventDefault();
              apply({ filter: draft.trim() });
            }}
          >
            <label className="field data-filter-field">
              <span className="field-label">Filter</span>
              <input
                name="filter"
                value={draft}
                onChange={(e) => {
                  setDraft(e.target.value);
                  apply({ filter: e.target.value.trim() });
                }}
                placeholder="name or description"
                autoComplete="off"
                spellCheck={false}
              />
            </label>
            <SortSelect value={order} onChange={(o) => apply({ order: o })} />
            <ClearFilterButton filter={filter} onClear={clear} />
            <span className="muted small data-filter-count" aria-live="polite">
              {filter
                ? `${rows.length} of ${total} datasets`
                : `${total} ${total === 1 ? 'dataset' : 'datasets'}`}
            </span>
          </form>
        )}
        {datasets.error && <Alert title="Could not load the datasets">{datasets.error}</Alert>}
        {datasets.loading && !datasets.data && <Loading label="Loading datasets…" />}
        {datasets.data &&
          !datasets.error &&
          (total === 0 ? (
            <NoDatasets onUpload={canWrite && !ingesting ? () => setIngesting(true) : undefined} />
          ) : rows.length === 0 ? (
            <p className="muted">No dataset matches “{filter}”.</p>
          ) : (
            <DatasetsTable rows={rows} />
          ))}
      </Panel>
    </>
  );
}

function NoDatasets({ onUpload }: { onUpload: (() => void) | undefined }) {
  return (
    <div className="empty-state">
      <h2>No datasets yet</h2>
      {onUpload && (
        <p>
          <button type="button" className="btn btn-primary" onClick={onUpload}>
            Upload a file
          </button>{' '}
          <span className="muted">or ingest the rows of a PostgreSQL query, from the browser.</span>
        </p>
      )}
      <p className="muted">
        Ingest a CSV, TSV, Parquet or JSON Lines file from the command line; it becomes version 1:
      </p>
      <pre className="data-command">lathe data ingest customers.csv --name customers --target churned</pre>
      <p className="muted small">
        Or from the SDK:{' '}
        <code>
          lathe.data.ingest('customers', file, {'{'} filename: 'customers.csv' {'}'})
        </code>
        , or <code>POST /api/v1/datasets/customers/versions</code> with the file as the body.
      </p>
    </div>
  );
}

function DatasetsTable({ rows }: { rows: Dataset[] }) {
  return (
    <div className="table-wrap">
      <table className="table" aria-label="Datasets">
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">Latest version</th>
            <th scope="col" className="num">
              Versions
            </th>
            <th scope="col" className="num">
              Rows
            </th>
            <th scope="col" className="num">
              Size
            </th>
            <th scope="col">Last updated (UTC)</th>
            <th scope="col">Description</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((d) => (
            <tr key={d.name}>
              <td>
                <Link className="strong" to={datasetUrl(d.name)}>
                  {d.name}
                </Link>
              </td>
              <td>
                {d.latestVersion === null ? (
                  <span className="muted">none</span>
                ) : (
                  <Link to={datasetVersionUrl(d.name, d.latestVersion)}>
                    {d.name}@{d.latestVersion}
                  </Link>
                )}
              </td>
              <td className="num">{d.versionCount}</td>
              <td className="num">{formatCount(d.latestRows)}</td>
              <td className="num nowrap">{d.latestSize === null ? '—' : formatBytes(d.latestSize)}</td>
              <td className="nowrap" title={d.updatedAt}>
                {formatTime(d.updatedAt)} <span className="muted small">({formatAgo(d.updatedAt)})</span>
              </td>
              <td className="data-description">{d.description || <span className="muted">—</span>}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
