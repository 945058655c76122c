import { type FormEvent, useCallback, useId, useState } from 'react';
import { Link } from 'react-router-dom';
import type { LatheClient, RegisteredModel } from '../../../../src/sdk/index.js';
import { PageHeader } from '../../components/Layout.js';
import { ClearFilterButton, type ListOrder, SortSelect, useListQuery } from '../../components/ListQuery.js';
import { Alert, Loading, Panel, useTitle } from '../../components/ui.js';
import { formatMs, isoMs } from '../../format.js';
import { useApi } from '../../use-api.js';
import { AliasBadge } from './AliasBadge.js';
import { modelUrl, versionUrl } from './model-links.js';

const pageSize = 25;

const orderBy: Record<ListOrder, string[]> = {
  name: ['name ASC'],
  updated: ['last_updated_timestamp DESC', 'name ASC'],
};

/** The highest version of a model, from its latest version per stage. */
function latestVersion(model: RegisteredModel): number | null {
  const versions = model.latestVersions.map((v) => v.version);
  return versions.length ? Math.max(...versions) : null;
}

/** `/models`: every registered model, filtered with MLflow's grammar, sorted and paged. */
export function ModelsListPage() {
  useTitle('Models');
  // Tokens of the pages before the current one; the current page's token is the last entry.
  const [tokens, setTokens] = useState<(string | undefined)[]>([undefined]);
  const { filter, order, draft, setDraft, apply, clear } = useListQuery({
    onApply: () => setTokens([undefined]),
  });
  const pageToken = tokens[tokens.length - 1];
  const hintId = useId();

  const load = useCallback(
    (client: LatheClient) =>
      client.registry.listModels({
        filter: filter || undefined,
        orderBy: orderBy[order],
        maxResults: pageSize,
        pageToken,
      }),
    [filter, order, pageToken],
  );
  const models = useApi(load);

  function onSubmit(event: FormEvent) {
    event.preventDefault();
    apply({ filter: draft.trim() });
  }

  const filterError = models.errorCode === 'INVALID_ARGUMENT' ? models.error : null;
  const rows = models.data?.models ?? [];
  const page = tokens.length;

  return (
    <>
      <PageHeader
        title="Models"
        description="The model registry: registered models, their versions and the aliases that point at them."
      />
      <Panel>
        <form className="form form-inline models-filter" onSubmit={onSubmit} aria-label="Filter models">
          <label className="field models-filter-field">
            <span className="field-label">Filter</span>
            <input
              name="filter"
              value={draft}
              onChange={(e) => setDraft(e.target.value)}
              placeholder="name LIKE '%churn%'"
              aria-describedby={hintId}
              aria-invalid={filterError ? true : undefined}
              autoComplete="off"
              spellCheck={false}
              className="mono"
            />
          </label>
          <SortSelect value={order} onChange={(o) => apply({ order: o })} />
          <button type="submit" className="btn btn-primary">
            Apply filter
          </button>
          <ClearFilterButton filter={filter} onClear={clear} />
        </form>
        <p id={hintId} className="muted small">
          MLflow's search syntax: <code>name LIKE 'fraud%'</code>, <code>name = 'churn'</code>,{' '}
          <code>tags.team = 'risk'</code>, joined with <code>AND</code>.
        </p>
        {filterError && <Alert title="The server could not use this filter">{filterError}</Alert>}
        {models.error && !filterError && <Alert title="Could not load the models">{models.error}</Alert>}
        {models.loading && !models.data && <Loading label="Loading models…" />}
        {models.data && !models.error && (
          <ModelsTable rows={rows} filtered={Boolean(filter)} loading={models.loading} />
        )}
        {models.data && !models.error && (page > 1 || models.data.nextPageToken) && (
          <nav className="pager" aria-label="Pages of models">
            <button
              type="button"
              className="btn btn-sm"
              disabled={page <= 1 || models.loading}
              onClick={() => setTokens((t) => t.slice(0, -1))}
            >
              Previous
            </button>
            <span className="muted small" aria-live="polite">
              Page {page}
            </span>
            <button
              type="button"
              className="btn btn-sm"
              disabled={!models.data.nextPageToken || models.loading}
              onClick={() => {
                const next = models.data?.nextPageToken;
                if (next) setTokens((t) => [...t, next]);
              }}
            >
              Next
            </button>
          </nav>
        )}
      </Panel>
    </>
  );
}

function ModelsTable({
  rows,
  filtered,
  loading,
}: {
  rows: RegisteredModel[];
  filtered: boolean;
  loading: boolean;
}) {
  if (rows.length === 0) {
    return filtered ? (
      <p className="muted">No model matches this filter.</p>
    ) : (
      <div className="models-empty">
        <h2>No models registered yet</h2>
        <p className="muted">
          Register one from a run with the SDK (
          <code>
            lathe.registry.registerModel('churn', {'{'} source, runId {'}'})
          </code>
          ), the CLI (<code>lathe models register churn --source runs:/RUN_ID/model</code>) or MLflow's{' '}
          <code>mlflow.register_model</code>.
        </p>
      </div>
    );
  }
  return (
    <div className="table-wrap" aria-busy={loading}>
      <table className="table" aria-label="Registered models">
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">Latest version</th>
            <th scope="col">Aliases</th>
            <th scope="col">Last updated (UTC)</th>
            <th scope="col">Description</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((m) => {
            const latest = latestVersion(m);
            return (
              <tr key={m.name}>
                <td>
                  <Link className="strong" to={modelUrl(m.name)}>
                    {m.name}
                  </Link>
                </td>
                <td>
                  {latest === null ? (
                    <span className="muted">none</span>
                  ) : (
                    <Link to={versionUrl(m.name, latest)}>v{latest}</Link>
                  )}
                </td>
                <td>
                  {m.aliases.length === 0 ? (
                    <span className="muted">—</span>
                  ) : (
                    <span className="alias-list">
                      {m.aliases.map((a) => (
                        <AliasBadge key={a.alias} alias={a.alias} version={a.version} />
                      ))}
                    </span>
                  )}
                </td>
                <td className="nowrap" title={isoMs(m.lastUpdatedTimestamp)}>
                  {formatMs(m.lastUpdatedTimestamp)}
                </td>
                <td className="models-description">{m.description || <span className="muted">—</span>}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
