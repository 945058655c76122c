import { useCallback, useMemo } from 'react';
import type { LatheClient, PerformanceReport, TrafficBucket } from '../../../../src/sdk/index.js';
import { Chart, type ChartOption } from '../../components/Chart.js';
import { Alert, Loading, Panel } from '../../components/ui.js';
import { useApi } from '../../use-api.js';
import { bucketLabel, bucketOf, num, pct, type WindowChoice } from './monitoring-format.js';

const ms = (v: number | null) => (v === null ? '—' : `${v < 10 ? v.toFixed(2) : v.toFixed(1)} ms`);
const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);

/**
 * The model's production traffic and performance over `window`: predictions per bucket, latency
 * p50/p99, and `metric` per bucket with the share of predictions that have their actual.
 */
export function TimeCharts({
  model,
  window,
  metric,
}: {
  model: string;
  window: WindowChoice;
  metric: string;
}) {
  const bucket = bucketOf[window];
  const load = useCallback(
    async (client: LatheClient) => {
      const [traffic, performance] = await Promise.all([
        client.monitoring.traffic(model, { window, bucket }),
        client.monitoring.performance(model, { window, bucket }),
      ]);
      return { traffic, performance };
    },
    [model, window, bucket],
  );
  const data = useApi(load, { everyMs: 30_000 });
  return (
    <Panel title="Volume, latency and performance" actions={<span className="muted small">by {bucket}</span>}>
      {data.error && <Alert title="Could not load traffic and performance">{data.error}</Alert>}
      {data.data ? (
        <Charts traffic={data.data.traffic} performance={data.data.performance} metric={metric} />
      ) : (
        !data.error && <Loading />
      )}
    </Panel>
  );
}

function Charts({
  traffic,
  performance,
  metric,
}: {
  traffic: TrafficBucket[];
  performance: PerformanceReport;
  metric: string;
}) {
  const bucketMs = traffic.length ? traffic[0]!.to - traffic[0]!.from : 3_600_000;
  const labels = useMemo(() => traffic.map((b) => bucketLabel(b.from, bucketMs)), [traffic, bucketMs]);
  const perf = useMemo(() => {
    const byFrom = new Map(performance.series.map((g) => [g.from, g]));
    return traffic.map((b) => byFrom.get(b.from) ?? null);
  }, [performance, traffic]);
  const rows = sum(traffic.map((b) => b.rows));
  const lat = traffic.filter((b) => b.latency.p50 !== null).at(-1)?.latency ?? null;
  const overall = performance.overall;
  const value = overall.metrics[metric];

  const volume = useMemo<ChartOption>(
    () => ({
      xAxis: { type: 'category', data: labels, axisLabel: { hideOverlap: true } },
      yAxis: { type: 'value', minInterval: 1 },
      series: [{ name: 'predictions', type: 'bar', data: traffic.map((b) => b.rows) }],
    }),
    [labels, traffic],
  );
  const latency = useMemo<ChartOption>(
    () => ({
      legend: { top: 0, left: 0 },
      grid: { top: 32 },
      tooltip: { valueFormatter: (v) => (typeof v === 'number' ? ms(v) : '—') },
      xAxis: { type: 'category', data: labels, axisLabel: { hideOverlap: true } },
      yAxis: { type: 'value' },
      series: (['p50', 'p99'] as const).map((k) => ({
        name: k,
        type: 'line',
        showSymbol: true,
        symbolSize: 5,
        connectNulls: false,
        data: traffic.map((b) => b.latency[k]),
      })),
    }),
    [labels, traffic],
  );
  const quality = useMemo<ChartOption>(
    () => ({
      legend: { top: 0, left: 0 },
      grid: { top: 32 },
      xAxis: { type: 'category', data: labels, axisLabel: { hideOverlap: true } },
      yAxis: [
        { type: 'value', scale: true },
        { type: 'value', min: 0, max: 1, axisLabel: { formatter: (v: number) => `${v * 100}%` } },
      ],
      series: [
        {
          name: metric,
          type: 'line',
          showSymbol: true,
          symbolSize: 6,
          connectNulls: false,
          data: perf.map((g) => g?.metrics[metric] ?? null),
        },
        {
          name: 'ground truth',
          type: 'bar',
          yAxisIndex: 1,
          itemStyle: { color: '#cbd5e1' },
          data: perf.map((g) => (g?.rows ? g.coverage : null)),
        },
      ],
    }),
    [labels, metric, perf],
  );

  return (
    <div className="monitoring-time">
      <dl className="serving-live-stats" aria-label="Window totals">
        <div>
          <dt>Predictions</dt>
          <dd data-testid="window-rows">{rows.toLocaleString('en-US')}</dd>
        </div>
        <div>
          <dt>Latency p50 / p99 (last bucket)</dt>
          <dd>
            {ms(lat?.p50 ?? null)} / {ms(lat?.p99 ?? null)}
          </dd>
        </div>
        <div>
          <dt>{metric}</dt>
          <dd data-testid="window-metric">{num(value)}</dd>
        </div>
        <div>
          <dt>Ground truth</dt>
          <dd data-testid="window-coverage">
            {pct(overall.coverage)}{' '}
            <span className="muted small">({overall.labeled.toLocaleString('en-US')})</span>
          </dd>
        </div>
      </dl>
      <div className="monitoring-charts">
        <figure className="metric-chart monitoring-chart-volume">
          <figcaption className="metric-chart-title">Predictions per bucket</figcaption>
          <Chart option={volume} label="Predictions per time bucket" height={200} />
        </figure>
        <figure className="metric-chart monitoring-chart-latency">
          <figcaption className="metric-chart-title">Latency p50 / p99 (ms)</figcaption>
          <Chart option={latency} label="Latency p50 and p99 per time bucket" height={200} />
        </figure>
        <figure className="metric-chart monitoring-chart-performance">
          <figcaption className="metric-chart-title">{metric} and ground-truth coverage</figcaption>
          <Chart
            option={quality}
            label={`${metric} per time bucket, with the share of predictions that have their actual`}
            height={200}
          />
        </figure>
      </div>
    </div>
  );
}
