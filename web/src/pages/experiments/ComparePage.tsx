import { useCallback, useMemo, useState } from 'react';
import { Link, useParams, useSearchParams } from 'react-router-dom';
import type { LatheClient, Run } from '../../../../src/sdk/index.js';
import { PageHeader } from '../../components/Layout.js';
import { Alert, Loading, Panel, useTitle } from '../../components/ui.js';
import { useApi } from '../../use-api.js';
import { ParallelChart, ParamMetricScatter, palette } from './CompareCharts.js';
import { MetricChart, XAxisToggle, type XAxisMode } from './MetricChart.js';
import { limited, useMetricHistories } from './metric-history.js';
import { experimentUrl, formatValue, runLabel, runUrl, runValues } from './run-format.js';
import { Breadcrumbs } from './RunsPage.js';
import { StatusBadge } from './StatusBadge.js';

/** At most this many runs are compared (their histories are loaded one request per run and key). */
const maxRuns = 50;

const unionKeys = (runs: Run[], pick: (r: Run) => { key: string }[]) =>
  [...new Set(runs.flatMap((r) => pick(r).map((x) => x.key)))].sort();

/** `/experiments/:id/compare?runs=a,b,c`: metric overlays, a param diff, parallel coordinates and a scatter. */
export function ComparePage() {
  useTitle('Compare runs');
  const { id = '' } = useParams();
  const [params] = useSearchParams();
  const runIds = useMemo(
    () =>
      [
        ...new Set(
          (params.get('runs') ?? '')
            .split(',')
            .map((s) => s.trim())
            .filter(Boolean),
        ),
      ].slice(0, maxRuns),
    [params],
  );
  const loadRuns = useCallback(
    (client: LatheClient) => limited(runIds.map((r) => () => client.tracking.getRun(r))),
    [runIds],
  );
  const loadExperiment = useCallback((client: LatheClient) => client.tracking.getExperiment(id), [id]);
  const runs = useApi(loadRuns);
  const experiment = useApi(loadExperiment);

  const crumbs = (
    <Breadcrumbs name={experiment.data?.name ?? `Experiment ${id}`} experimentId={id} current="Compare" />
  );
  if (runIds.length < 2) {
    return (
      <>
        {crumbs}
        <PageHeader title="Compare runs" />
        <Alert kind="info">
          Choose at least two runs to compare: tick them in the <Link to={experimentUrl(id)}>runs table</Link>{' '}
          and press Compare.
        </Alert>
      </>
    );
  }
  return (
    <>
      {crumbs}
      <PageHeader title={`Compare ${runIds.length} runs`} />
      {runs.error && <Alert title="Could not load the runs">{runs.error}</Alert>}
      {runs.loading && !runs.data && <Loading label="Loading runs…" />}
      {runs.data && <Comparison runs={runs.data} />}
    </>
  );
}

function Comparison({ runs }: { runs: Run[] }) {
  const paramKeys = useMemo(() => unionKeys(runs, (r) => r.data.params), [runs]);
  const metricKeys = useMemo(() => unionKeys(runs, (r) => r.data.metrics), [runs]);
  const values = useMemo(() => runs.map(runValues), [runs]);
  const differing = useMemo(
    () => paramKeys.filter((k) => new Set(values.map((v) => v.params.get(k) ?? '\u0000')).size > 1),
    [paramKeys, values],
  );
  return (
    <>
      <Panel title="Runs">
        <ul className="compare-runs">
          {runs.map((r, i) => (
            <li key={r.info.runId}>
              <span className="swatch" style={{ background: palette(i) }} aria-hidden="true" />
              <Link to={runUrl(r.info.experimentId, r.info.runId)} className="strong">
                {runLabel(r)}
              </Link>
              <StatusBadge status={r.info.status} />
            </li>
          ))}
        </ul>
      </Panel>
      <OverlaidMetrics runs={runs} keys={metricKeys} />
      <ParamDiff runs={runs} keys={paramKeys} differing={differing} metricKeys={metricKeys} />
      <div className="run-grid">
        <Panel title="Parallel coordinates">
          <ParallelChart runs={runs} params={differing} metrics={metricKeys} />
        </Panel>
        <Panel title="Param against metric">
          <ParamMetricScatter runs={runs} params={paramKeys} metrics={metricKeys} />
        </Panel>
      </div>
    </>
  );
}

function OverlaidMetrics({ runs, keys }: { runs: Run[]; keys: string[] }) {
  const [xAxis, setXAxis] = useState<XAxisMode>('step');
  const runIds = useMemo(() => runs.map((r) => r.info.runId), [runs]);
  const { histories, loading, error } = useMetricHistories(runIds, keys);
  return (
    <Panel title="Metrics" actions={keys.length > 0 && <XAxisToggle value={xAxis} onChange={setXAxis} />}>
      {keys.length === 0 && <p className="muted">None of these runs logged metrics.</p>}
      {error && <Alert title="Could not load the metric histories">{error}</Alert>}
      {loading && <Loading label="Loading metric histories…" />}
      {!loading && histories.size > 0 && (
        <div className="chart-grid">
          {keys.map((key) => (
            <MetricChart
              key={key}
              metric={key}
              xAxis={xAxis}
              series={runs.map((r) => ({
                name: runLabel(r),
                points: histories.get(r.info.runId)?.get(key) ?? [],
              }))}
            />
          ))}
        </div>
      )}
    </Panel>
  );
}

function ParamDiff({
  runs,
  keys,
  differing,
  metricKeys,
}: {
  runs: Run[];
  keys: string[];
  differing: string[];
  metricKeys: string[];
}) {
  const [onlyDiff, setOnlyDiff] = useState(false);
  const values = useMemo(() => runs.map(runValues), [runs]);
  const diff = new Set(differing);
  const shown = onlyDiff ? differing : keys;
  return (
    <Panel
      title="Parameters and metrics"
      actions={
        <label className="check">
          <input type="checkbox" checked={onlyDiff} onChange={(e) => setOnlyDiff(e.target.checked)} />
          Only differing params
        </label>
      }
    >
      <div className="table-wrap">
        <table className="table diff-table" aria-label="Parameter differences">
          <thead>
            <tr>
              <th scope="col">Key</th>
              {runs.map((r) => (
                <th key={r.info.runId} scope="col">
                  {runLabel(r)}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {shown.length === 0 && (
              <tr>
                <td colSpan={runs.length + 1} className="muted">
                  {keys.length === 0 ? 'No params logged.' : 'Every param has the same value in these runs.'}
                </td>
              </tr>
            )}
            {shown.map((k) => (
              <tr key={`p:${k}`} className={diff.has(k) ? 'diff-row' : undefined}>
                <th scope="row" className="mono">
                  {k}
                  {diff.has(k) && <span className="sr-only"> (differs)</span>}
                </th>
                {values.map((v, i) => (
                  <td key={runs[i]!.info.runId} className="mono">
                    {v.params.get(k) ?? <span className="muted">—</span>}
                  </td>
                ))}
              </tr>
            ))}
            {metricKeys.length > 0 && (
              <tr className="diff-section">
                <th scope="rowgroup" colSpan={runs.length + 1}>
                  Latest metrics
                </th>
              </tr>
            )}
            {metricKeys.map((k) => (
              <tr key={`m:${k}`}>
                <th scope="row" className="mono">
                  {k}
                </th>
                {values.map((v, i) => (
                  <td key={runs[i]!.info.runId} className="mono num">
                    {v.metrics.has(k) ? formatValue(v.metrics.get(k)) : <span className="muted">—</span>}
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </Panel>
  );
}
