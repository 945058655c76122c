import { Link } from 'react-router-dom';
import type { LatheClient } from '../../../../src/sdk/index.js';
import { PageHeader } from '../../components/Layout.js';
import { Alert, Loading, Panel, useTitle } from '../../components/ui.js';
import { formatAgo } from '../../format.js';
import { useApi } from '../../use-api.js';
import { AlertsTable } from './AlertsPanel.js';
import { monitoringUrl, monitorSummary, pct } from './monitoring-format.js';

/** One row of the models table: the model, its production traffic and coverage, alerts and monitors. */
interface ModelRow {
  name: string;
  task: string | null;
  versions: string[];
  environments: string[];
  last24h: number;
  rows: number;
  coverage: number | null;
  last: string | null;
  openAlerts: number;
  monitors: string;
}

async function loadModels(client: LatheClient): Promise<ModelRow[]> {
  const [models, alerts, monitors] = await Promise.all([
    client.monitoring.models(),
    client.monitoring.alerts({ state: 'open', limit: 1000 }),
    client.monitoring.monitors(),
  ]);
  const statuses = await Promise.all(models.map((m) => client.monitoring.status(m.name)));
  return models.map((m, i) => {
    const envs = statuses[i]!.environments;
    const prod = envs.find((e) => e.environment === 'production');
    return {
      name: m.name,
      task: m.task,
      versions: m.versions,
      environments: envs.map((e) => e.environment),
      last24h: prod?.last24h ?? 0,
      rows: prod?.rows ?? 0,
      coverage: prod ? prod.coverage : null,
      last: prod?.last ?? null,
      openAlerts: alerts.filter((a) => a.model === m.name).length,
      monitors: monitorSummary(monitors.filter((x) => x.spec.model === m.name).map((x) => x.state)),
    };
  });
}

/** `/monitoring`: the monitored models with their traffic, coverage, alerts and monitors; the alerts inbox. */
export function MonitoringListPage() {
  useTitle('Monitoring');
  const models = useApi(loadModels, { everyMs: 10_000 });
  return (
    <>
      <PageHeader
        title="Monitoring"
        description="Models in production: predictions joined with ground truth, drift, performance by slice, monitors and alerts."
        actions={
          <div className="monitoring-actions">
            <Link className="btn" to="/monitoring/alerts">
              All alerts
            </Link>
            <button type="button" className="btn" onClick={models.reload} disabled={models.loading}>
              Refresh
            </button>
          </div>
        }
      />
      <Panel title="Monitored models">
        {models.error && <Alert title="Could not load the monitored models">{models.error}</Alert>}
        {models.loading && !models.data && <Loading label="Loading monitored models…" />}
        {models.data && !models.error && <ModelsTable rows={models.data} />}
      </Panel>
      <Panel
        title="Alerts inbox"
        actions={
          <Link className="small" to="/monitoring/alerts">
            Resolved alerts
          </Link>
        }
      >
        <AlertsTable state="open" label="Open alerts" empty="No open alerts: every monitor is quiet." />
      </Panel>
    </>
  );
}

function EmptyState() {
  return (
    <div className="empty-state">
      <h2>No monitored models yet</h2>
      <p className="muted">
        Lathe endpoints log their predictions here by themselves. Any other server can post them to{' '}
        <code>POST /api/v1/monitoring/predictions</code> and the ground truth, when it is known, to{' '}
        <code>POST /api/v1/monitoring/actuals</code> (or use <code>lathe.monitoring.logPredictions</code> in
        the SDK).
      </p>
    </div>
  );
}

function ModelsTable({ rows }: { rows: ModelRow[] }) {
  if (!rows.length) return <EmptyState />;
  return (
    <div className="table-wrap">
      <table className="table" aria-label="Monitored models">
        <thead>
          <tr>
            <th scope="col">Model</th>
            <th scope="col">Task</th>
            <th scope="col">Versions</th>
            <th scope="col" className="num">
              Rows last 24 h
            </th>
            <th scope="col" className="num">
              Ground truth
            </th>
            <th scope="col">Last prediction</th>
            <th scope="col" className="num">
              Open alerts
            </th>
            <th scope="col">Monitors</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={r.name}>
              <td>
                <Link className="strong" to={monitoringUrl(r.name)}>
                  {r.name}
                </Link>
              </td>
              <td>{r.task ?? <span className="muted">unknown</span>}</td>
              <td className="mono small">{r.versions.join(', ') || '—'}</td>
              <td className="num">{r.last24h.toLocaleString('en-US')}</td>
              <td className="num" title={`${r.rows.toLocaleString('en-US')} production rows in all`}>
                {pct(r.coverage)}
              </td>
              <td className="nowrap" title={r.last ?? undefined}>
                {formatAgo(r.last)}
              </td>
              <td className="num">
                {r.openAlerts > 0 ? (
                  <span className="run-status run-failed">{r.openAlerts}</span>
                ) : (
                  <span className="muted">0</span>
                )}
              </td>
              <td>{r.monitors}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
