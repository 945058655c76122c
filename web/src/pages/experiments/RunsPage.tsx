import { useCallback, useState } from 'react';
import { Link, useNavigate, useParams, useSearchParams } from 'react-router-dom';
import type { LatheClient } from '../../../../src/sdk/index.js';
import { FilterInput } from '../../components/FilterInput.js';
import { PageHeader } from '../../components/Layout.js';
import { Alert, Loading, Panel, useTitle } from '../../components/ui.js';
import { formatMs } from '../../format.js';
import { useApi } from '../../use-api.js';
import { ColumnPicker } from './ColumnPicker.js';
import { TagList } from './ExperimentsListPage.js';
import { useRunColumns } from './run-columns.js';
import { compareUrl, experimentUrl } from './run-format.js';
import { parseSort, type RunSort, RunsTable } from './RunsTable.js';
import { useRunSearch } from './use-run-search.js';

const numberFormat = new Intl.NumberFormat('en-US');

/** `/experiments/:id`: the experiment's runs, searched, sorted and paged by the server. */
export function RunsPage() {
  const { id = '' } = useParams();
  const navigate = useNavigate();
  const [params, setParams] = useSearchParams();
  const filter = params.get('filter') ?? '';
  const sort = parseSort(params.get('order'));
  const showDeleted = params.get('deleted') === '1';

  const loadExperiment = useCallback((client: LatheClient) => client.tracking.getExperiment(id), [id]);
  const loadKeys = useCallback((client: LatheClient) => client.tracking.experimentKeys(id), [id]);
  const experiment = useApi(loadExperiment);
  const keys = useApi(loadKeys);
  const [chosen, setColumns] = useRunColumns(id, keys.data);
  const columns = chosen ?? (keys.error ? [] : null);
  useTitle(experiment.data ? `${experiment.data.name} · Experiments` : 'Experiment');

  const orderBy = sort ? [`${sort.field} ${sort.direction}`] : [];
  const search = useRunSearch({
    experimentId: id,
    filter,
    orderBy,
    viewType: showDeleted ? 'ALL' : 'ACTIVE_ONLY',
  });

  const [selected, setSelected] = useState<Set<string>>(() => new Set());
  const onSelect = useCallback((runId: string, on: boolean) => {
    setSelected((prev) => {
      const next = new Set(prev);
      if (on) next.add(runId);
      else next.delete(runId);
      return next;
    });
  }, []);
  const [range, setRange] = useState<[number, number]>([0, 0]);
  const onRangeChange = useCallback((first: number, last: number) => setRange([first, last]), []);

  function update(next: { filter?: string; sort?: RunSort | null; deleted?: boolean }) {
    const out = new URLSearchParams();
    const f = next.filter ?? filter;
    const s = next.sort === undefined ? sort : next.sort;
    const d = next.deleted ?? showDeleted;
    if (f) out.set('filter', f);
    if (s) out.set('order', `${s.field} ${s.direction}`);
    if (d) out.set('deleted', '1');
    setParams(out);
  }
  const onSort = useCallback(
    (s: RunSort) => {
      const out = new URLSearchParams(params);
      out.set('order', `${s.field} ${s.direction}`);
      setParams(out);
    },
    [params, setParams],
  );

  if (experiment.errorCode === 'NOT_FOUND') {
    return (
      <>
        <Breadcrumbs />
        <PageHeader title="Experiment not found" />
        <Alert title="No such experiment">
          {experiment.error} <Link to="/experiments">See all experiments</Link>.
        </Alert>
      </>
    );
  }

  const exp = experiment.data;
  const total = search.total;
  const shown = search.runs.length;
  return (
    <>
      <Breadcrumbs name={exp?.name} />
      <PageHeader
        title={exp?.name ?? 'Experiment'}
        description={
          exp
            ? `Experiment ${exp.experimentId} · created ${formatMs(exp.creationTime, { seconds: true })} UTC`
            : undefined
        }
        actions={
          <>
            {selected.size > 0 && (
              <button type="button" className="btn btn-ghost" onClick={() => setSelected(new Set())}>
                Clear selection
              </button>
            )}
            <button
              type="button"
              className="btn btn-primary"
              disabled={selected.size < 2}
              title={selected.size < 2 ? 'Select at least two runs to compare' : undefined}
              onClick={() => navigate(compareUrl(id, [...selected]))}
            >
              Compare {selected.size > 0 ? `(${selected.size})` : 'runs'}
            </button>
          </>
        }
      />
      {experiment.error && <Alert title="Could not load the experiment">{experiment.error}</Alert>}
      {exp && exp.lifecycleStage === 'deleted' && (
        <Alert kind="warning">This experiment is deleted; its runs are shown with “Show deleted runs”.</Alert>
      )}
      {exp?.tags.some((t) => !t.key.startsWith('mlflow.')) && (
        <div className="exp-tags">
          <TagList tags={exp.tags} />
        </div>
      )}
      <Panel>
        <div className="exp-toolbar">
          <FilterInput
            label="Filter runs"
            value={filter}
            onApply={(f) => update({ filter: f })}
            problem={search.problem}
            placeholder="metrics.acc > 0.9 and params.lr = '0.1'"
            hint={
              <>
                <code>metrics.acc &gt; 0.9</code>, <code>params.lr = '0.1'</code>,{' '}
                <code>tags.team = 'x'</code>, <code>attributes.status = 'FINISHED'</code>, joined with{' '}
                <code>and</code>. Press Enter to apply.
              </>
            }
          />
          <label className="check exp-deleted-toggle">
            <input
              type="checkbox"
              checked={showDeleted}
              onChange={(e) => update({ deleted: e.target.checked })}
            />
            Show deleted runs
          </label>
          <ColumnPicker keys={keys.data} columns={columns ?? []} onChange={setColumns} />
        </div>
        {keys.error && <Alert kind="warning">Could not load the column keys: {keys.error}</Alert>}
        {search.error && (
          <Alert title="Could not load the runs">
            {search.error}{' '}
            <button type="button" className="btn btn-sm" onClick={search.reload}>
              Try again
            </button>
          </Alert>
        )}
        <div className="runs-count" aria-live="polite">
          {search.loading ? (
            <Loading label="Loading runs…" />
          ) : total !== null && total > 0 ? (
            <span>
              {numberFormat.format(Math.min(range[0] + 1, shown))}–
              {numberFormat.format(Math.max(range[1], 1))} of {numberFormat.format(total)} runs
              {shown < total && <span className="muted"> · {numberFormat.format(shown)} loaded</span>}
              {sort && (
                <span className="muted">
                  {' '}
                  · sorted by <code>{sort.field}</code>{' '}
                  {sort.direction === 'DESC' ? 'descending' : 'ascending'}{' '}
                  <button
                    type="button"
                    className="btn btn-sm btn-ghost"
                    onClick={() => update({ sort: null })}
                  >
                    Reset sort
                  </button>
                </span>
              )}
            </span>
          ) : null}
        </div>
        {!search.loading && !search.error && !search.problem && shown === 0 && (
          <div className="empty-state">
            <h2>{filter ? 'No run matches this filter' : 'No runs in this experiment yet'}</h2>
            {!filter && (
              <p className="muted">
                Runs appear here as they are logged, from the SDK (<code>lathe.tracking.withRun</code>), the
                CLI or any MLflow client.
              </p>
            )}
          </div>
        )}
        {shown > 0 && columns && (
          <RunsTable
            runs={search.runs}
            total={total}
            columns={columns}
            sort={sort}
            onSort={onSort}
            selected={selected}
            onSelect={onSelect}
            hasMore={search.hasMore}
            loadingMore={search.loadingMore}
            onNearEnd={search.loadMore}
            onRangeChange={onRangeChange}
          />
        )}
      </Panel>
    </>
  );
}

/** Experiments › name. */
export function Breadcrumbs({
  name,
  experimentId,
  current,
}: {
  name?: string;
  experimentId?: string;
  current?: string;
}) {
  return (
    <nav className="breadcrumbs" aria-label="Breadcrumbs">
      <Link to="/experiments">Experiments</Link>
      {name !== undefined && <span aria-hidden="true">/</span>}
      {name !== undefined &&
        (experimentId && current ? (
          <Link to={experimentUrl(experimentId)}>{name}</Link>
        ) : (
          <span aria-current="page">{name}</span>
        ))}
      {current && <span aria-hidden="true">/</span>}
      {current && <span aria-current="page">{current}</span>}
    </nav>
  );
}
