import { useMemo } from 'react';
import type { Metric } from '../../../../src/sdk/index.js';
import { Chart, type ChartOption } from '../../components/Chart.js';
import { chartValue } from './metric-history.js';
import { formatValue } from './run-format.js';

export type XAxisMode = 'step' | 'time';

/** One line of a metric chart: a run's history of one key. */
export interface MetricSeries {
  name: string;
  points: Metric[];
}

/**
 * A metric over steps (or wall-clock time), one line per series; NaN and infinite values are
 * gaps. Wheel or pinch zooms the x axis.
 */
export function MetricChart({
  metric,
  series,
  xAxis,
  height = 220,
}: {
  metric: string;
  series: MetricSeries[];
  xAxis: XAxisMode;
  height?: number;
}) {
  const option = useMemo<ChartOption>(() => {
    const many = series.length > 1;
    // One instant only (e.g. a metric logged once): show a minute either side, not ECharts' two days.
    let lo = Number.POSITIVE_INFINITY;
    let hi = Number.NEGATIVE_INFINITY;
    for (const s of series)
      for (const p of s.points) {
        lo = Math.min(lo, p.timestamp);
        hi = Math.max(hi, p.timestamp);
      }
    const lone = lo === hi ? lo : null;
    return {
      legend: many ? { type: 'scroll', top: 0, left: 0, right: 0 } : undefined,
      grid: { top: many ? 32 : 16 },
      tooltip: {
        trigger: 'axis',
        valueFormatter: (v) => (typeof v === 'number' ? formatValue(v) : String(v ?? '—')),
      },
      xAxis:
        xAxis === 'time'
          ? {
              type: 'time',
              name: 'time (UTC)',
              nameLocation: 'middle',
              nameGap: 24,
              splitNumber: 4,
              axisLabel: { hideOverlap: true },
              ...(lone !== null ? { min: lone - 60_000, max: lone + 60_000 } : {}),
            }
          : {
              type: 'value',
              name: 'step',
              nameLocation: 'middle',
              nameGap: 24,
              minInterval: 1,
              scale: true,
              axisLabel: { hideOverlap: true },
            },
      yAxis: { type: 'value', scale: true },
      dataZoom: [{ type: 'inside', xAxisIndex: 0, filterMode: 'none' }],
      series: series.map((s) => ({
        name: s.name,
        type: 'line',
        showSymbol: s.points.length < 40,
        // A lone point (a metric logged once) would be a speck: draw it as a solid dot.
        symbol: s.points.length <= 1 ? 'circle' : 'emptyCircle',
        symbolSize: s.points.length <= 1 ? 9 : 5,
        connectNulls: false,
        sampling: 'lttb',
        data: s.points.map((p) => [xAxis === 'time' ? p.timestamp : p.step, chartValue(p.value)]),
      })),
    };
  }, [series, xAxis]);

  const points = series.reduce((n, s) => n + s.points.length, 0);
  return (
    <figure className="metric-chart">
      <figcaption className="metric-chart-title mono">{metric}</figcaption>
      <Chart
        option={option}
        label={`${metric} by ${xAxis}: ${series.length} ${series.length === 1 ? 'run' : 'runs'}, ${points} points`}
        height={height}
      />
    </figure>
  );
}

/** A two-way toggle between step and time for the x axis of metric charts. */
export function XAxisToggle({ value, onChange }: { value: XAxisMode; onChange(mode: XAxisMode): void }) {
  return (
    <fieldset className="segmented" aria-label="X axis">
      <legend className="sr-only">X axis</legend>
      {(['step', 'time'] as const).map((mode) => (
        <label key={mode} className={value === mode ? 'segment active' : 'segment'}>
          <input
            type="radio"
            name="x-axis"
            value={mode}
            checked={value === mode}
            onChange={() => onChange(mode)}
            className="sr-only"
          />
          {mode === 'step' ? 'Step' : 'Time'}
        </label>
      ))}
    </fieldset>
  );
}
