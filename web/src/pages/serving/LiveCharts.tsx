import { useMemo } from 'react';
import type { LivePoint } from '../../../../src/sdk/index.js';
import { Chart, type ChartOption } from '../../components/Chart.js';

const clock = (t: number) => new Date(t * 1000).toISOString().slice(11, 19);
const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
const ms = (v: number | null | undefined) =>
  v === null || v === undefined ? '—' : `${v < 10 ? v.toFixed(2) : v.toFixed(1)} ms`;

/** The last non-null value of a field, newest first. */
function latest(points: LivePoint[], key: 'p50Ms' | 'p99Ms'): number | null {
  for (let i = points.length - 1; i >= 0; i--) {
    const v = points[i]![key];
    if (v !== null) return v;
  }
  return null;
}

const axisBase = (times: string[]) => ({
  type: 'category' as const,
  data: times,
  axisLabel: { hideOverlap: true },
});

/**
 * The endpoint's live traffic, one point per second: requests per second stacked by the version
 * that answered, p50/p99 latency, errors and fallbacks; with the totals over the window above.
 */
export function LiveCharts({ points, log }: { points: LivePoint[]; log: Record<string, number> | null }) {
  const times = useMemo(() => points.map((p) => clock(p.t)), [points]);
  const models = useMemo(() => [...new Set(points.flatMap((p) => Object.keys(p.byModel)))].sort(), [points]);
  const requests = sum(points.map((p) => p.requests));
  const errors = sum(points.map((p) => p.errors));
  const fallbacks = sum(points.map((p) => p.fallbacks));
  const recent = points.slice(-10);
  const rate = recent.length ? sum(recent.map((p) => p.requests)) / recent.length : 0;
  const byModel = models.map((m) => `${m} ${sum(points.map((p) => p.byModel[m] ?? 0))}`);

  const traffic = useMemo<ChartOption>(
    () => ({
      legend: { top: 0, left: 0 },
      grid: { top: 32 },
      xAxis: axisBase(times),
      yAxis: { type: 'value', minInterval: 1 },
      series: models.map((m) => ({
        name: m,
        type: 'bar',
        stack: 'requests',
        animation: false,
        data: points.map((p) => p.byModel[m] ?? 0),
      })),
    }),
    [models, points, times],
  );
  const latency = useMemo<ChartOption>(
    () => ({
      legend: { top: 0, left: 0 },
      grid: { top: 32 },
      tooltip: { valueFormatter: (v) => (typeof v === 'number' ? ms(v) : '—') },
      xAxis: axisBase(times),
      yAxis: { type: 'value' },
      series: (['p50Ms', 'p99Ms'] as const).map((k) => ({
        name: k === 'p50Ms' ? 'p50' : 'p99',
        type: 'line',
        animation: false,
        connectNulls: false,
        showSymbol: true,
        symbolSize: 6,
        showAllSymbol: true,
        data: points.map((p) => p[k]),
      })),
    }),
    [points, times],
  );
  const failures = useMemo<ChartOption>(
    () => ({
      color: ['#dc2626', '#d97706'],
      legend: { top: 0, left: 0 },
      grid: { top: 32 },
      xAxis: axisBase(times),
      yAxis: { type: 'value', minInterval: 1 },
      series: [
        { name: 'errors', type: 'bar', animation: false, data: points.map((p) => p.errors) },
        { name: 'fallbacks', type: 'bar', animation: false, data: points.map((p) => p.fallbacks) },
      ],
    }),
    [points, times],
  );

  const span = points.length;
  return (
    <div className="serving-live">
      <dl className="serving-live-stats" aria-label="Live totals">
        <div>
          <dt>Requests ({span} s)</dt>
          <dd data-testid="live-requests">{requests}</dd>
        </div>
        <div>
          <dt>Rate (last 10 s)</dt>
          <dd>{rate.toFixed(1)}/s</dd>
        </div>
        <div>
          <dt>Latency p50 / p99</dt>
          <dd>
            {ms(latest(points, 'p50Ms'))} / {ms(latest(points, 'p99Ms'))}
          </dd>
        </div>
        <div>
          <dt>Errors</dt>
          <dd>{errors}</dd>
        </div>
        <div>
          <dt>Fallbacks</dt>
          <dd>{fallbacks}</dd>
        </div>
        {log && (
          <div>
            <dt>Inference log</dt>
            <dd
              title={Object.entries(log)
                .map(([k, v]) => `${k} ${v}`)
                .join(', ')}
            >
              {log.written ?? 0} written · {log.dropped ?? 0} dropped
            </dd>
          </div>
        )}
      </dl>
      <div className="serving-live-charts">
        <figure className="metric-chart serving-chart-traffic">
          <figcaption className="metric-chart-title">
            Requests per second by version{byModel.length ? ` (totals ${byModel.join(' · ')})` : ''}
          </figcaption>
          <Chart
            option={traffic}
            label={`Requests per second by version, last ${span} seconds`}
            height={220}
          />
        </figure>
        <figure className="metric-chart serving-chart-latency">
          <figcaption className="metric-chart-title">Latency p50 / p99 (ms)</figcaption>
          <Chart
            option={latency}
            label={`Latency p50 and p99 in milliseconds, last ${span} seconds`}
            height={220}
          />
        </figure>
        <figure className="metric-chart serving-chart-errors">
          <figcaption className="metric-chart-title">
            Errors and fallbacks: {errors} / {fallbacks}
          </figcaption>
          <Chart
            option={failures}
            label={`Errors and fallbacks per second, last ${span} seconds`}
            height={220}
          />
        </figure>
      </div>
    </div>
  );
}
