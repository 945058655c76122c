import { useCallback } from 'react';
import { Link } from 'react-router-dom';
import type { Alert as MonitorAlert, LatheClient, MonitorStatus } from '../../../../src/sdk/index.js';
import { Alert, Loading } from '../../components/ui.js';
import { formatTime } from '../../format.js';
import { useApi } from '../../use-api.js';
import { useAction } from '../serving/use-action.js';
import { AlertBadge, MonitorBadge, monitoringUrl, num } from './monitoring-format.js';

/** How often the alert lists refresh, in ms. */
export const alertsRefreshMs = 5000;

/**
 * Alerts in a table, newest first, with an Acknowledge button on open alerts nobody acknowledged
 * yet; `model` keeps one model's alerts, `showModel` adds a column linking to its dashboard.
 */
export function AlertsTable({
  state,
  model,
  label,
  showModel = true,
  limit = 100,
  empty,
}: {
  state: 'open' | 'resolved';
  model?: string;
  label: string;
  showModel?: boolean;
  limit?: number;
  empty: string;
}) {
  const load = useCallback(
    async (client: LatheClient) => {
      const all = await client.monitoring.alerts({ state, limit });
      return model ? all.filter((a) => a.model === model) : all;
    },
    [state, model, limit],
  );
  const alerts = useApi(load, { everyMs: alertsRefreshMs });
  const action = useAction(alerts.reload);

  if (alerts.error) return <Alert title="Could not load the alerts">{alerts.error}</Alert>;
  if (!alerts.data) return <Loading label="Loading alerts…" />;
  return (
    <>
      {action.error && <Alert title="The server refused">{action.error}</Alert>}
      {action.notice && <Alert kind="success">{action.notice}</Alert>}
      {alerts.data.length === 0 ? (
        <p className="muted">{empty}</p>
      ) : (
        <div className="table-wrap">
          <table className="table" aria-label={label}>
            <thead>
              <tr>
                <th scope="col">Severity</th>
                {showModel && <th scope="col">Model</th>}
                <th scope="col">Monitor</th>
                <th scope="col">Message</th>
                <th scope="col" className="num">
                  Value
                </th>
                <th scope="col">Opened (UTC)</th>
                <th scope="col">{state === 'open' ? 'Acknowledged' : 'Resolved (UTC)'}</th>
              </tr>
            </thead>
            <tbody>
              {alerts.data.map((a) => (
                <AlertRow key={a.id} a={a} showModel={showModel} state={state} action={action} />
              ))}
            </tbody>
          </table>
        </div>
      )}
    </>
  );
}

function AlertRow({
  a,
  showModel,
  state,
  action,
}: {
  a: MonitorAlert;
  showModel: boolean;
  state: 'open' | 'resolved';
  action: ReturnType<typeof useAction>;
}) {
  return (
    <tr data-alert={a.id}>
      <td>
        <AlertBadge alert={a} />
      </td>
      {showModel && (
        <td>
          <Link to={monitoringUrl(a.model)}>{a.model}</Link>
        </td>
      )}
      <td className="mono">{a.monitor}</td>
      <td className="monitoring-message">{a.message}</td>
      <td className="num">{num(a.value)}</td>
      <td className="nowrap" title={a.openedAt}>
        {formatTime(a.openedAt)}
        {a.evaluations > 1 && <span className="muted"> · {a.evaluations} checks</span>}
      </td>
      <td className="nowrap">
        {state === 'resolved' ? (
          formatTime(a.resolvedAt)
        ) : a.acknowledgedAt ? (
          <span title={a.acknowledgedAt}>
            by {a.acknowledgedBy ?? 'someone'} {formatTime(a.acknowledgedAt)}
          </span>
        ) : (
          <button
            type="button"
            className="btn btn-sm"
            disabled={action.pending !== null}
            aria-label={`Acknowledge the alert of ${a.monitor}`}
            onClick={() =>
              void action.run(
                'Acknowledge',
                (c) => c.monitoring.acknowledge(a.id),
                (done) => `Acknowledged the alert of ${done.monitor}.`,
              )
            }
          >
            Acknowledge
          </button>
        )}
      </td>
    </tr>
  );
}

/** Monitors in a table: state, what they check, their last value and message. */
export function MonitorsTable({ monitors, label }: { monitors: MonitorStatus[]; label: string }) {
  if (!monitors.length)
    return (
      <p className="muted">
        No monitors. Apply some with <code>lathe monitors apply monitors.yaml</code> (or{' '}
        <code>POST /api/v1/monitors</code>).
      </p>
    );
  return (
    <div className="table-wrap">
      <table className="table" aria-label={label}>
        <thead>
          <tr>
            <th scope="col">Monitor</th>
            <th scope="col">State</th>
            <th scope="col">Checks</th>
            <th scope="col" className="num">
              Value
            </th>
            <th scope="col" className="num">
              Threshold
            </th>
            <th scope="col">Message</th>
            <th scope="col">Evaluated (UTC)</th>
          </tr>
        </thead>
        <tbody>
          {monitors.map((m) => (
            <tr key={m.name}>
              <td className="mono">{m.name}</td>
              <td>
                <MonitorBadge state={m.state} />
              </td>
              <td>
                {m.spec.kind} {m.spec.metric}
                {m.spec.feature ? ` of ${m.spec.feature}` : ''} over {m.spec.window}
                {Object.entries(m.spec.where).map(([k, v]) => (
                  <span key={k} className="tag monitoring-where">
                    {k}={String(v)}
                  </span>
                ))}
              </td>
              <td className="num">{num(m.value)}</td>
              <td className="num nowrap">
                {m.spec.direction === 'below' ? '<' : '>'} {num(m.spec.critical)}
                {m.spec.warning !== null && <span className="muted"> (warn {num(m.spec.warning)})</span>}
              </td>
              <td className="monitoring-message">{m.message}</td>
              <td className="nowrap">{formatTime(m.evaluatedAt, 'not yet')}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
