import { type ReactNode, useEffect, useMemo, useState } from 'react';
import type { AuditEvent, LatheClient, SystemInfo } from '../../../src/sdk/index.js';
import { AuditTable } from '../components/AuditTable.js';
import { Chart, type ChartOption } from '../components/Chart.js';
import { PageHeader } from '../components/Layout.js';
import { Alert, Fact, Facts, Loading, Panel, useTitle } from '../components/ui.js';
import { formatAgo, formatDuration, formatTime, utcDay } from '../format.js';
import { useSignedIn } from '../session.js';
import { useApi } from '../use-api.js';

/** How many audit events the chart counts (the API's page limit). */
const auditSample = 1000;
/** The chart always shows at least this many days, ending today (UTC). */
const minDays = 14;
/** Actions drawn as their own series; the rest are summed as "other". */
const maxSeries = 6;

const loadInfo = (client: LatheClient) => client.systemInfo();
const loadAudit = (client: LatheClient) => client.audit.list({ limit: auditSample });

/** Server uptime, counting on in the browser from the moment the answer arrived. */
function Uptime({ info }: { info: SystemInfo }) {
  const [receivedAt] = useState(() => Date.now());
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = window.setInterval(() => setNow(Date.now()), 1000);
    return () => window.clearInterval(timer);
  }, []);
  return <span>{formatDuration(info.uptimeSeconds + (now - receivedAt) / 1000)}</span>;
}

/** Every UTC day from `first` to `last` inclusive, as `YYYY-MM-DD`. */
function dayRange(first: string, last: string): string[] {
  const days: string[] = [];
  for (let t = Date.parse(`${first}T00:00:00Z`); t <= Date.parse(`${last}T00:00:00Z`); t += 86_400_000) {
    days.push(utcDay(t));
  }
  return days;
}

/** Audit events per UTC day, stacked by action. */
function activityOption(events: AuditEvent[], now = new Date()): ChartOption {
  const today = utcDay(now);
  const earliest = utcDay(now.getTime() - (minDays - 1) * 86_400_000);
  const eventDays = events.map((e) => utcDay(e.at));
  const first = [earliest, ...eventDays].sort()[0]!;
  const days = dayRange(first, today);

  const totals = new Map<string, number>();
  for (const e of events) totals.set(e.action, (totals.get(e.action) ?? 0) + 1);
  const ranked = [...totals.entries()].sort((a, b) => b[1] - a[1]).map(([action]) => action);
  const shown = ranked.length > maxSeries ? ranked.slice(0, maxSeries - 1) : ranked;
  const seriesNames = ranked.length > shown.length ? [...shown, 'other'] : shown;

  const index = new Map(days.map((d, i) => [d, i]));
  const counts = new Map(seriesNames.map((name) => [name, new Array<number>(days.length).fill(0)]));
  events.forEach((e, i) => {
    const series = counts.get(shown.includes(e.action) ? e.action : 'other');
    const day = index.get(eventDays[i]!);
    if (series && day !== undefined) series[day]! += 1;
  });

  return {
    legend: {
      show: seriesNames.length > 1,
      top: 0,
      right: 0,
      itemWidth: 10,
      itemHeight: 10,
      icon: 'roundRect',
    },
    grid: { left: 4, right: 8, top: seriesNames.length > 1 ? 32 : 12, bottom: 4 },
    xAxis: {
      type: 'category',
      data: days,
      axisTick: { alignWithLabel: true },
      axisLabel: { formatter: (d: string) => d.slice(5) },
    },
    yAxis: { type: 'value', minInterval: 1, splitLine: { lineStyle: { color: '#eef0f3' } } },
    series: seriesNames.map((name) => ({
      name,
      type: 'bar',
      stack: 'events',
      barMaxWidth: 28,
      emphasis: { focus: 'series' },
      data: counts.get(name)!,
    })),
  };
}

/** The audit log's activity chart and latest events; mounted for admins only (others may not read the log). */
function ActivityPanel() {
  const audit = useApi(loadAudit);
  const option = useMemo(() => (audit.data ? activityOption(audit.data.events) : null), [audit.data]);
  const events = audit.data?.events ?? [];
  const note = audit.data?.nextPageToken
    ? `Counts the latest ${events.length} events; older ones are not included.`
    : `${events.length} event${events.length === 1 ? '' : 's'} in the audit log.`;

  return (
    <>
      <Panel
        title="Audit activity per day (UTC)"
        actions={audit.data && <span className="muted small">{note}</span>}
      >
        {audit.error && <Alert>{audit.error}</Alert>}
        {!audit.error && !option && <Loading />}
        {option && (
          <Chart
            option={option}
            label="Bar chart of audit events per UTC day, stacked by action"
            height={220}
          />
        )}
      </Panel>
      {audit.data && (
        <Panel title="Recent activity">
          {events.length === 0 ? (
            <p className="muted">No audit events yet.</p>
          ) : (
            <AuditTable events={events.slice(0, 8)} />
          )}
        </Panel>
      )}
    </>
  );
}

export function OverviewPage() {
  useTitle('Overview');
  const { me } = useSignedIn();
  const info = useApi(loadInfo);
  return (
    <>
      <PageHeader
        title="Overview"
        description={`Welcome, ${me.user.name}. This is the state of this Lathe server.`}
      />
      {info.error && <Alert title="Could not load the server's information">{info.error}</Alert>}
      <div className="stat-grid">
        <Stat label="Version" value={info.data?.version} />
        <Stat label="Uptime" value={info.data && <Uptime info={info.data} />} />
        <Stat label="Metadata store" value={info.data?.metaStore} />
        <Stat label="Blob store" value={info.data?.blobStore} />
      </div>
      {info.data && (
        <Panel title="Server">
          <Facts>
            <Fact label="Started">
              {formatTime(info.data.startedAt)} UTC ({formatAgo(info.data.startedAt)})
            </Fact>
            <Fact label="Authentication">
              {info.data.authEnabled ? 'on: every API call needs a token' : 'off (loopback only)'}
            </Fact>
            <Fact label="Your permissions">{me.permissions.join(', ') || 'none'}</Fact>
          </Facts>
        </Panel>
      )}
      {me.permissions.includes('admin') ? (
        <ActivityPanel />
      ) : (
        <Panel title="Audit activity">
          <p className="muted">The audit log is visible to admins only.</p>
        </Panel>
      )}
    </>
  );
}

function Stat({ label, value }: { label: string; value: ReactNode }) {
  return (
    <div className="stat">
      <div className="stat-label">{label}</div>
      <div className="stat-value">{value ?? <span className="muted">—</span>}</div>
    </div>
  );
}
