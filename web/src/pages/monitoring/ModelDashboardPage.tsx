import { useCallback } from 'react';
import { Link, useParams, useSearchParams } from 'react-router-dom';
import type { LatheClient, MonitoredModelStatus } from '../../../../src/sdk/index.js';
import { Breadcrumbs, PageHeader } from '../../components/Layout.js';
import { Alert, Fact, Facts, Loading, Panel, useTitle } from '../../components/ui.js';
import { formatAgo } from '../../format.js';
import { useApi } from '../../use-api.js';
import { AlertsTable, MonitorsTable } from './AlertsPanel.js';
import { DriftPanels } from './DriftPanels.js';
import { pct, primaryMetric, rootCauseUrl, WindowPicker, windowFrom } from './monitoring-format.js';
import { PredictionLookup } from './PredictionLookup.js';
import { QualityPanel } from './QualityPanel.js';
import { SliceExplorer } from './SliceExplorer.js';
import { TimeCharts } from './TimeCharts.js';

const tabs = [
  ['dashboard', 'Dashboard'],
  ['slices', 'Slice explorer'],
  ['lookup', 'Prediction lookup'],
] as const;
type Tab = (typeof tabs)[number][0];

/**
 * `/monitoring/:model`: one monitored model — its environments and versions; a dashboard of volume,
 * latency, performance with ground-truth coverage, drift and data quality over the picked window,
 * and its monitors and alerts; a slice explorer; a prediction lookup (`?tab=`, `?window=`, `?id=`).
 */
export function ModelDashboardPage() {
  const { model = '' } = useParams();
  const [params, setParams] = useSearchParams();
  const tab: Tab = tabs.some(([t]) => t === params.get('tab')) ? (params.get('tab') as Tab) : 'dashboard';
  const window = windowFrom(params.get('window'));
  useTitle(model);
  const set = (changes: Record<string, string | null>) =>
    setParams(
      (p) => {
        const next = new URLSearchParams(p);
        for (const [k, v] of Object.entries(changes)) v === null ? next.delete(k) : next.set(k, v);
        return next;
      },
      { replace: true },
    );

  const loadStatus = useCallback((client: LatheClient) => client.monitoring.status(model), [model]);
  const status = useApi(loadStatus, { everyMs: 15_000 });
  const s = status.data?.model.name === model ? status.data : undefined;

  if (!s)
    return (
      <>
        <Breadcrumbs links={[['Monitoring', '/monitoring']]} current={model} />
        <PageHeader title={model} />
        {status.error ? (
          <Alert title={`Could not load monitored model ${model}`}>
            {status.error} <Link to="/monitoring">All monitored models</Link>
          </Alert>
        ) : (
          <Loading label="Loading the model…" />
        )}
      </>
    );

  const metric = primaryMetric(s.model.task);
  const keys = [
    ...s.model.tags,
    ...s.model.features.map((f) => f.name).filter((f) => !s.model.tags.includes(f)),
  ];
  return (
    <>
      <Breadcrumbs links={[['Monitoring', '/monitoring']]} current={model} />
      <PageHeader
        title={model}
        description={`${s.model.task ?? 'Unknown task'} · ${s.model.features.length} features · monitored since ${s.model.createdAt.slice(0, 10)}`}
        actions={
          <div className="monitoring-actions">
            <WindowPicker value={window} onChange={(w) => set({ window: w })} />
            <Link className="btn" to={`${rootCauseUrl(model)}?window=1d`}>
              Root cause
            </Link>
          </div>
        }
      />
      <ModelFacts s={s} />
      <nav className="monitoring-tabs" aria-label="Model views">
        {tabs.map(([t, label]) => (
          <button
            key={t}
            type="button"
            className={t === tab ? 'monitoring-tab monitoring-tab-on' : 'monitoring-tab'}
            aria-current={t === tab ? 'page' : undefined}
            onClick={() => set({ tab: t === 'dashboard' ? null : t })}
          >
            {label}
          </button>
        ))}
      </nav>
      {tab === 'dashboard' && <Dashboard model={model} window={window} metric={metric} />}
      {tab === 'slices' && <SliceExplorer model={model} window={window} keys={keys} metric={metric} />}
      {tab === 'lookup' && (
        <PredictionLookup initialId={params.get('id') ?? ''} onLookup={(id) => set({ id })} />
      )}
    </>
  );
}

function ModelFacts({ s }: { s: MonitoredModelStatus }) {
  return (
    <Panel>
      <Facts>
        <Fact label="Task">{s.model.task ?? 'unknown'}</Fact>
        <Fact label="Versions">
          <span className="mono">{s.model.versions.join(', ') || '—'}</span>
        </Fact>
        <Fact label="Environments">
          {s.environments.map((e) => (
            <span
              key={e.environment}
              className="tag"
              title={`${e.rows} rows, ${e.labeled} with actuals, last ${e.last ?? 'never'}`}
            >
              {e.environment} {e.rows.toLocaleString('en-US')} rows · {pct(e.coverage, 0)} labeled
            </span>
          ))}
        </Fact>
        <Fact label="Rows last 24 h">
          <span data-testid="last24h">
            {(s.environments.find((e) => e.environment === 'production')?.last24h ?? 0).toLocaleString(
              'en-US',
            )}
          </span>
        </Fact>
        <Fact label="Last prediction">
          {formatAgo(s.environments.find((e) => e.environment === 'production')?.last ?? null)}
        </Fact>
        <Fact label="Slice tags">{s.model.tags.join(', ') || 'none'}</Fact>
        <Fact label="Baselines">
          {s.model.baselines.map((b) => `${b.environment}: ${b.dataset}`).join(', ') || 'logged records only'}
        </Fact>
        <Fact label="Retention">
          {s.model.retentionDays === null ? 'forever' : `${s.model.retentionDays} days`}
        </Fact>
      </Facts>
    </Panel>
  );
}

function Dashboard({
  model,
  window,
  metric,
}: {
  model: string;
  window: '1d' | '7d' | '30d';
  metric: string;
}) {
  const loadMonitors = useCallback(
    async (client: LatheClient) => (await client.monitoring.monitors()).filter((m) => m.spec.model === model),
    [model],
  );
  const monitors = useApi(loadMonitors, { everyMs: 10_000 });
  return (
    <>
      <TimeCharts model={model} window={window} metric={metric} />
      <DriftPanels model={model} window={window} />
      <QualityPanel model={model} window={window} />
      <Panel title="Monitors">
        {monitors.error && <Alert title="Could not load the monitors">{monitors.error}</Alert>}
        {monitors.data ? (
          <MonitorsTable monitors={monitors.data} label="Monitors of the model" />
        ) : (
          !monitors.error && <Loading />
        )}
      </Panel>
      <Panel title="Open alerts">
        <AlertsTable
          state="open"
          model={model}
          showModel={false}
          label="Open alerts of the model"
          empty="No open alerts for this model."
        />
      </Panel>
    </>
  );
}
