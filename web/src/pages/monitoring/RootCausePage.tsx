import { useCallback, useMemo } from 'react';
import { Link, useParams, useSearchParams } from 'react-router-dom';
import type { LatheClient, RootCause } from '../../../../src/sdk/index.js';
import { Chart, type ChartOption } from '../../components/Chart.js';
import { Breadcrumbs, PageHeader } from '../../components/Layout.js';
import { Alert, Loading, Panel, useTitle } from '../../components/ui.js';
import { formatMs } from '../../format.js';
import { useApi } from '../../use-api.js';
import { monitoringUrl, num, pct, signed, WindowPicker, windowFrom } from './monitoring-format.js';

/** Slices shown in the chart (the table lists every slice the server ranked). */
const chartSlices = 12;

const span = (w: { from?: number; to?: number }) =>
  w.from !== undefined && w.to !== undefined ? `${formatMs(w.from)} → ${formatMs(w.to)} UTC` : 'all time';

/**
 * `/monitoring/:model/root-cause`: what changed between the window before and the current one, and
 * where — slices ranked by their contribution to the metric's change (worst first), and features
 * ranked by drift × how much the metric varies across them.
 */
export function RootCausePage() {
  const { model = '' } = useParams();
  const [params, setParams] = useSearchParams();
  const window = windowFrom(params.get('window') ?? '1d');
  useTitle(`Root cause · ${model}`);
  const load = useCallback(
    (client: LatheClient) => client.monitoring.rootCause(model, { window }),
    [model, window],
  );
  const cause = useApi(load);
  const r = cause.data?.model === model ? cause.data : undefined;
  return (
    <>
      <Breadcrumbs
        links={[
          ['Monitoring', '/monitoring'],
          [model, monitoringUrl(model)],
        ]}
        current="Root cause"
      />
      <PageHeader
        title={`Root cause · ${model}`}
        description="The current window against the window just before it: which slices the change comes from, and which features moved where it matters."
        actions={
          <WindowPicker value={window} onChange={(w) => setParams({ window: w }, { replace: true })} />
        }
      />
      {cause.error && (
        <Alert title="Could not find the root cause">
          {cause.error} <Link to={monitoringUrl(model)}>Back to the dashboard</Link>
        </Alert>
      )}
      {!r && !cause.error && <Loading label="Comparing the windows…" />}
      {r && <RootCauseBody r={r} />}
    </>
  );
}

function RootCauseBody({ r }: { r: RootCause }) {
  const worst = r.slices.slice(0, chartSlices);
  const option = useMemo<ChartOption>(
    () => ({
      legend: { top: 0, left: 0 },
      grid: { top: 32, left: 8, right: 24 },
      tooltip: { trigger: 'axis', valueFormatter: (v) => (typeof v === 'number' ? signed(v) : '—') },
      xAxis: { type: 'value' },
      yAxis: { type: 'category', inverse: true, data: worst.map((s) => `${s.by}=${s.key}`) },
      series: [
        {
          name: 'inside the slice',
          type: 'bar',
          stack: 'c',
          data: worst.map((s) => s.performanceEffect),
        },
        { name: 'change of mix', type: 'bar', stack: 'c', data: worst.map((s) => s.mixEffect) },
      ],
    }),
    [worst],
  );
  return (
    <>
      <Panel title="Summary">
        <p className="monitoring-summary" data-testid="root-cause-summary">
          {r.summary}
        </p>
        <dl className="serving-live-stats">
          <div>
            <dt>Before ({span(r.baseline.window)})</dt>
            <dd>
              {r.metric} {num(r.baseline.value)}{' '}
              <span className="muted small">{r.baseline.labeled.toLocaleString('en-US')} labeled</span>
            </dd>
          </div>
          <div>
            <dt>Now ({span(r.current.window)})</dt>
            <dd>
              {r.metric} {num(r.current.value)}{' '}
              <span className="muted small">{r.current.labeled.toLocaleString('en-US')} labeled</span>
            </dd>
          </div>
          <div>
            <dt>Change</dt>
            <dd data-testid="root-cause-change">{signed(r.change)}</dd>
          </div>
        </dl>
      </Panel>
      <Panel title="Slices by contribution" actions={<span className="muted small">worst first</span>}>
        {r.slices.length === 0 ? (
          <p className="muted">No slices to compare: log tags (e.g. region) or features with few values.</p>
        ) : (
          <>
            <figure className="metric-chart monitoring-chart-contrib">
              <figcaption className="metric-chart-title">
                Contribution to the change of {r.metric} ({r.higherIsBetter ? 'negative' : 'positive'} is
                worse)
              </figcaption>
              <Chart
                option={option}
                label={`Contribution of each slice to the change of ${r.metric}`}
                height={Math.max(160, 26 * worst.length + 56)}
              />
            </figure>
            <SlicesTable r={r} />
          </>
        )}
      </Panel>
      <Panel title="Features by drift × spread">
        <div className="table-wrap">
          <table className="table" aria-label="Suspect features">
            <thead>
              <tr>
                <th scope="col">Feature</th>
                <th scope="col" className="num">
                  PSI now vs before
                </th>
                <th scope="col">Drifted</th>
                <th scope="col" className="num">
                  {r.metric} spread across slices
                </th>
                <th scope="col" className="num">
                  Score
                </th>
              </tr>
            </thead>
            <tbody>
              {r.features.map((f) => (
                <tr key={f.feature}>
                  <td className="mono">{f.feature}</td>
                  <td className="num">{num(f.psi)}</td>
                  <td>
                    {f.drifted ? (
                      <span className="run-status run-failed">drifted</span>
                    ) : (
                      <span className="muted">no</span>
                    )}
                  </td>
                  <td className="num">{num(f.spread)}</td>
                  <td className="num">{num(f.score)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </Panel>
    </>
  );
}

function SlicesTable({ r }: { r: RootCause }) {
  return (
    <div className="table-wrap">
      <table className="table" aria-label="Slices by contribution">
        <thead>
          <tr>
            <th scope="col">Slice</th>
            <th scope="col" className="num">
              {r.metric} before
            </th>
            <th scope="col" className="num">
              {r.metric} now
            </th>
            <th scope="col" className="num">
              Share before → now
            </th>
            <th scope="col" className="num">
              Inside the slice
            </th>
            <th scope="col" className="num">
              Change of mix
            </th>
            <th scope="col" className="num">
              Contribution
            </th>
          </tr>
        </thead>
        <tbody>
          {r.slices.map((s) => (
            <tr key={`${s.by}=${s.key}`}>
              <td className="mono">
                {s.by}={s.key}
              </td>
              <td className="num">{num(s.baseline.value)}</td>
              <td className="num">{num(s.current.value)}</td>
              <td className="num nowrap">
                {pct(s.baseline.share)} → {pct(s.current.share)}
              </td>
              <td className="num">{signed(s.performanceEffect)}</td>
              <td className="num">{signed(s.mixEffect)}</td>
              <td className="num strong">{signed(s.contribution)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
