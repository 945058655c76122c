import { useCallback, useEffect, useRef, useState } from 'react';
import { Link, useSearchParams } from 'react-router-dom';
import type { Experiment } from '../../../../src/sdk/index.js';
import { FilterInput, type FilterProblem, filterProblem } from '../../components/FilterInput.js';
import { PageHeader } from '../../components/Layout.js';
import { Alert, Loading, Panel, useTitle } from '../../components/ui.js';
import { formatAgo, formatMs, isoMs } from '../../format.js';
import { errorMessage, useSignedIn } from '../../session.js';
import { experimentUrl } from './run-format.js';

const pageSize = 50;

interface State {
  experiments: Experiment[];
  nextPageToken: string | null;
  loading: boolean;
  error: string | null;
  problem: FilterProblem | null;
}

const initial: State = { experiments: [], nextPageToken: null, loading: true, error: null, problem: null };

/** `/experiments`: every experiment, filtered with MLflow's grammar (kept in `?filter=`), newest first. */
export function ExperimentsListPage() {
  useTitle('Experiments');
  const { client, handleError } = useSignedIn();
  const [params, setParams] = useSearchParams();
  const filter = params.get('filter') ?? '';
  const showDeleted = params.get('deleted') === '1';
  const [state, setState] = useState<State>(initial);

  const load = useCallback(
    async (pageToken: string | undefined, signal: { live: boolean }) => {
      setState((s) => ({ ...s, loading: true }));
      try {
        const page = await client.tracking.listExperiments({
          filter: filter || undefined,
          viewType: showDeleted ? 'ALL' : 'ACTIVE_ONLY',
          maxResults: pageSize,
          pageToken,
        });
        if (!signal.live) return;
        setState((s) => ({
          experiments: pageToken ? [...s.experiments, ...page.experiments] : page.experiments,
          nextPageToken: page.nextPageToken,
          loading: false,
          error: null,
          problem: null,
        }));
      } catch (err) {
        if (!signal.live || handleError(err)) return;
        const problem = filterProblem(err);
        setState({ ...initial, loading: false, problem, error: problem ? null : errorMessage(err) });
      }
    },
    [client, handleError, filter, showDeleted],
  );

  /** The current load's cancellation flag: "Load more" continues the listing the last effect started. */
  const signal = useRef({ live: true });
  useEffect(() => {
    const mine = { live: true };
    signal.current = mine;
    void load(undefined, mine);
    return () => {
      mine.live = false;
    };
  }, [load]);

  function update(next: { filter?: string; deleted?: boolean }) {
    const search = new URLSearchParams();
    const f = next.filter ?? filter;
    const d = next.deleted ?? showDeleted;
    if (f) search.set('filter', f);
    if (d) search.set('deleted', '1');
    setParams(search);
  }

  return (
    <>
      <PageHeader
        title="Experiments"
        description="Experiments group the runs of one modelling task: parameters, metrics and artifacts of every training run."
      />
      <Panel>
        <div className="exp-toolbar">
          <FilterInput
            label="Filter experiments"
            value={filter}
            onApply={(f) => update({ filter: f })}
            problem={state.problem}
            placeholder="name LIKE '%churn%'"
            hint={
              <>
                MLflow's search syntax: <code>name LIKE '%churn%'</code>, <code>tags.team = 'growth'</code>,
                joined with <code>AND</code>.
              </>
            }
          />
          <label className="check exp-deleted-toggle">
            <input
              type="checkbox"
              checked={showDeleted}
              onChange={(e) => update({ deleted: e.target.checked })}
            />
            Show deleted
          </label>
        </div>
        {state.error && <Alert title="Could not load the experiments">{state.error}</Alert>}
        {state.loading && state.experiments.length === 0 && <Loading label="Loading experiments…" />}
        {!state.loading && !state.error && !state.problem && state.experiments.length === 0 && (
          <div className="empty-state">
            <h2>{filter ? 'No experiment matches this filter' : 'No experiments yet'}</h2>
            {!filter && (
              <p className="muted">
                Log a run with the SDK (
                <code>lathe.tracking.withRun(&#123; experimentName: 'churn' &#125;, …)</code>), the CLI (
                <code>lathe experiments create churn</code>) or any MLflow client pointed at this server (
                <code>MLFLOW_TRACKING_URI</code>).
              </p>
            )}
          </div>
        )}
        {state.experiments.length > 0 && (
          <div className="table-wrap" aria-busy={state.loading}>
            <table className="table" aria-label="Experiments">
              <thead>
                <tr>
                  <th scope="col">Name</th>
                  <th scope="col">ID</th>
                  <th scope="col">Created (UTC)</th>
                  <th scope="col">Last update</th>
                  <th scope="col">Tags</th>
                </tr>
              </thead>
              <tbody>
                {state.experiments.map((e) => (
                  <tr key={e.experimentId} className={e.lifecycleStage === 'deleted' ? 'row-dim' : undefined}>
                    <td>
                      <Link className="strong" to={experimentUrl(e.experimentId)}>
                        {e.name}
                      </Link>
                      {e.lifecycleStage === 'deleted' && <span className="badge">deleted</span>}
                    </td>
                    <td className="mono small">{e.experimentId}</td>
                    <td className="nowrap" title={isoMs(e.creationTime)}>
                      {formatMs(e.creationTime, { seconds: true })}
                    </td>
                    <td className="nowrap" title={isoMs(e.lastUpdateTime)}>
                      {formatAgo(isoMs(e.lastUpdateTime) ?? null)}
                    </td>
                    <td>
                      <TagList tags={e.tags} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
        {state.nextPageToken && (
          <div className="pager">
            <button
              type="button"
              className="btn btn-sm"
              disabled={state.loading}
              onClick={() => void load(state.nextPageToken ?? undefined, signal.current)}
            >
              {state.loading ? 'Loading…' : 'Load more'}
            </button>
          </div>
        )}
      </Panel>
    </>
  );
}

/** Tags as `key=value` chips; MLflow's own `mlflow.*` tags are left out. */
export function TagList({ tags }: { tags: { key: string; value: string }[] }) {
  const shown = tags.filter((t) => !t.key.startsWith('mlflow.'));
  if (shown.length === 0) return <span className="muted">—</span>;
  return (
    <ul className="tag-list">
      {shown.map((t) => (
        <li key={t.key} className="tag" title={`${t.key}=${t.value}`}>
          {t.key}={t.value}
        </li>
      ))}
    </ul>
  );
}
