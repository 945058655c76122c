import { useCallback, useMemo, useState } from 'react';
import { Link, useParams } from 'react-router-dom';
import type { LatheClient, Run } from '../../../../src/sdk/index.js';
import { PageHeader } from '../../components/Layout.js';
import { Alert, CopyButton, Fact, Facts, Loading, Panel, useTitle } from '../../components/ui.js';
import { formatMs, isoMs } from '../../format.js';
import { useApi } from '../../use-api.js';
import { TrainedRunSections } from '../training/TrainedRunSections.js';
import { ArtifactsBrowser } from './ArtifactsBrowser.js';
import { MetricChart, XAxisToggle, type XAxisMode } from './MetricChart.js';
import { useMetricHistories } from './metric-history.js';
import { datasetSource, experimentUrl, formatValue, runDuration, runLabel } from './run-format.js';
import { Breadcrumbs } from './RunsPage.js';
import { StatusBadge } from './StatusBadge.js';

/** `/experiments/:id/runs/:runId`: one run's facts, params, tags, inputs, metric charts and artifacts. */
export function RunPage() {
  const { id = '', runId = '' } = useParams();
  const loadRun = useCallback((client: LatheClient) => client.tracking.getRun(runId), [runId]);
  const loadExperiment = useCallback((client: LatheClient) => client.tracking.getExperiment(id), [id]);
  const run = useApi(loadRun);
  const experiment = useApi(loadExperiment);
  const r = run.data;
  useTitle(r ? `${runLabel(r)} · Run` : 'Run');

  const crumbs = (
    <Breadcrumbs
      name={experiment.data?.name ?? `Experiment ${id}`}
      experimentId={id}
      current={r ? runLabel(r) : runId}
    />
  );
  if (run.error) {
    return (
      <>
        {crumbs}
        <PageHeader title={run.errorCode === 'NOT_FOUND' ? 'Run not found' : 'Run'} />
        <Alert title={run.errorCode === 'NOT_FOUND' ? 'No such run' : 'Could not load the run'}>
          {run.error} <Link to={experimentUrl(id)}>Back to the experiment</Link>.
        </Alert>
      </>
    );
  }
  if (!r) {
    return (
      <>
        {crumbs}
        <Loading label="Loading run…" />
      </>
    );
  }
  return (
    <>
      {crumbs}
      <PageHeader title={runLabel(r)} actions={<StatusBadge status={r.info.status} />} />
      {r.info.experimentId !== id && (
        <Alert kind="warning">
          This run belongs to experiment {r.info.experimentId}, not {id}.{' '}
          <Link to={experimentUrl(r.info.experimentId)}>Open its experiment</Link>.
        </Alert>
      )}
      {r.info.lifecycleStage === 'deleted' && <Alert kind="warning">This run is deleted.</Alert>}
      <Panel>
        <Facts>
          <Fact label="Status">
            <StatusBadge status={r.info.status} />
          </Fact>
          <Fact label="Started (UTC)">
            <span title={isoMs(r.info.startTime)}>{formatMs(r.info.startTime, { seconds: true })}</span>
          </Fact>
          <Fact label="Ended (UTC)">
            <span title={isoMs(r.info.endTime)}>{formatMs(r.info.endTime, { seconds: true })}</span>
          </Fact>
          <Fact label="Duration">{runDuration(r)}</Fact>
          <Fact label="User">{r.info.userId || '—'}</Fact>
          <Fact label="Run ID">
            <span className="ref-row">
              <span className="mono">{r.info.runId}</span>
              <CopyButton text={r.info.runId} label="Copy run ID" />
            </span>
          </Fact>
          <Fact label="Artifact URI">
            <span className="mono small break">{r.info.artifactUri}</span>
          </Fact>
        </Facts>
      </Panel>
      <div className="run-grid">
        <KeyValueTable title="Parameters" empty="This run logged no parameters." rows={r.data.params} />
        <KeyValueTable
          title="Latest metrics"
          empty="This run logged no metrics."
          rows={r.data.metrics.map((m) => ({ key: m.key, value: formatValue(m.value) }))}
        />
        <KeyValueTable title="Tags" empty="This run has no tags." rows={r.data.tags} />
        <DatasetInputs run={r} />
      </div>
      <TrainedRunSections run={r} />
      <RunMetrics run={r} />
      <ArtifactsBrowser runId={r.info.runId} />
    </>
  );
}

function KeyValueTable({
  title,
  rows,
  empty,
}: {
  title: string;
  rows: { key: string; value: string }[];
  empty: string;
}) {
  const sorted = useMemo(() => [...rows].sort((a, b) => a.key.localeCompare(b.key)), [rows]);
  return (
    <Panel title={title}>
      {sorted.length === 0 ? (
        <p className="muted">{empty}</p>
      ) : (
        <div className="table-wrap kv-wrap">
          <table className="table kv-table" aria-label={title}>
            <thead>
              <tr>
                <th scope="col">Key</th>
                <th scope="col">Value</th>
              </tr>
            </thead>
            <tbody>
              {sorted.map((kv) => (
                <tr key={kv.key} className={kv.key.startsWith('mlflow.') ? 'row-dim' : undefined}>
                  <th scope="row" className="mono kv-key">
                    {kv.key}
                  </th>
                  <td className="mono kv-value">{kv.value}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </Panel>
  );
}

function DatasetInputs({ run }: { run: Run }) {
  const inputs = run.inputs.datasetInputs;
  return (
    <Panel title="Dataset inputs">
      {inputs.length === 0 ? (
        <p className="muted">This run logged no dataset inputs.</p>
      ) : (
        <table className="table" aria-label="Dataset inputs">
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Context</th>
              <th scope="col">Digest</th>
              <th scope="col">Source</th>
            </tr>
          </thead>
          <tbody>
            {inputs.map((d) => (
              <tr key={`${d.dataset.name}:${d.dataset.digest}`}>
                <td className="strong">{d.dataset.name}</td>
                <td>{d.tags.find((t) => t.key === 'mlflow.data.context')?.value ?? '—'}</td>
                <td className="mono small">{d.dataset.digest}</td>
                <td className="mono small" title={`${d.dataset.sourceType}: ${d.dataset.source}`}>
                  {datasetSource(d.dataset.source)}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </Panel>
  );
}

/** One chart per metric key, over steps or time. */
function RunMetrics({ run }: { run: Run }) {
  const [xAxis, setXAxis] = useState<XAxisMode>('step');
  const keys = useMemo(() => run.data.metrics.map((m) => m.key).sort(), [run]);
  const runIds = useMemo(() => [run.info.runId], [run]);
  const { histories, loading, error } = useMetricHistories(runIds, keys);
  const mine = histories.get(run.info.runId);
  return (
    <Panel
      title="Metric charts"
      actions={keys.length > 0 && <XAxisToggle value={xAxis} onChange={setXAxis} />}
    >
      {keys.length === 0 && <p className="muted">This run logged no metrics.</p>}
      {error && <Alert title="Could not load the metric histories">{error}</Alert>}
      {loading && <Loading label="Loading metric histories…" />}
      {mine && (
        <div className="chart-grid">
          {keys.map((key) => (
            <MetricChart
              key={key}
              metric={key}
              xAxis={xAxis}
              series={[{ name: runLabel(run), points: mine.get(key) ?? [] }]}
            />
          ))}
        </div>
      )}
    </Panel>
  );
}
