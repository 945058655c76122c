import { useMemo } from 'react';
import { Chart, type ChartOption } from '../../components/Chart.js';
import { formatValue } from '../experiments/run-format.js';
import type { MetricPoint } from './use-job.js';

/** The validation metrics a job reported, one line per metric, by iteration (`done`). */
export function LiveMetricChart({
  points,
  xName = 'iteration',
  height = 240,
}: {
  points: MetricPoint[];
  /** What `done` counts: iterations of a fit, trials of a search. */
  xName?: string;
  height?: number;
}) {
  const keys = useMemo(() => [...new Set(points.flatMap((p) => Object.keys(p.metrics)))].sort(), [points]);
  const option = useMemo<ChartOption>(
    () => ({
      legend: { top: 0, left: 0 },
      grid: { top: 32, bottom: 24 },
      tooltip: {
        trigger: 'axis',
        valueFormatter: (v) => (typeof v === 'number' ? formatValue(v) : String(v ?? '—')),
      },
      xAxis: {
        type: 'value',
        name: xName,
        nameLocation: 'middle',
        nameGap: 24,
        minInterval: 1,
        scale: true,
      },
      yAxis: { type: 'value', scale: true },
      series: keys.map((k) => ({
        name: k,
        type: 'line',
        showSymbol: points.length < 40,
        animation: false,
        data: points.filter((p) => k in p.metrics).map((p) => [p.done, p.metrics[k]!]),
      })),
    }),
    [keys, points, xName],
  );
  const last = points.at(-1);
  return (
    <figure className="metric-chart">
      <figcaption className="metric-chart-title">
        {last
          ? `${keys.map((k) => `${k} ${formatValue(last.metrics[k])}`).join(' · ')} at ${xName} ${last.done}`
          : 'no iterations yet'}
      </figcaption>
      <Chart
        option={option}
        label={`${keys.join(', ')} by ${xName}: ${points.length} points`}
        height={height}
      />
    </figure>
  );
}
