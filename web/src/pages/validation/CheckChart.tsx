import { useMemo } from 'react';
import type { ValidationCheckResult } from '../../../../src/sdk/index.js';
import { Chart, type ChartOption } from '../../components/Chart.js';
import { formatValue } from '../experiments/run-format.js';

/** One chart of a check's result. */
export type ChartData = ValidationCheckResult['charts'][number];

/** Marks (thresholds, baseline values) as dashed reference lines on the first series. */
function markLine(chart: ChartData) {
  if (!chart.marks?.length) return undefined;
  return {
    silent: true,
    symbol: 'none',
    lineStyle: { type: 'dashed' as const, color: '#6b7280' },
    label: { formatter: '{b}', color: '#4b5563', fontSize: 10 },
    data: chart.marks.map((m) =>
      m.axis === 'x' ? { name: m.name, xAxis: m.value } : { name: m.name, yAxis: m.value },
    ),
  };
}

/** Long category labels (slices such as `0.01 ≤ x0 < 0.74`) are tilted and cut rather than hidden. */
function categoryLabels(labels: string[]) {
  const long = labels.length > 3 && labels.some((l) => l.length > 10);
  return long
    ? { interval: 0, rotate: 30, width: 130, overflow: 'truncate' as const }
    : { hideOverlap: true };
}

/** Translates a check's chart data into an ECharts option: bars over labels, lines, scatter, histograms. */
export function chartOption(chart: ChartData): ChartOption {
  const marks = markLine(chart);
  const legend = chart.series.length > 1 ? { top: 0, type: 'scroll' as const } : undefined;
  const grid = { top: legend ? 32 : 24, bottom: chart.xLabel ? 28 : 8, left: chart.yLabel ? 28 : 8 };
  const yAxis = {
    type: 'value' as const,
    name: chart.yLabel,
    nameLocation: 'middle' as const,
    nameGap: 36,
    scale: chart.kind === 'scatter' || chart.kind === 'line',
  };
  const xName = { name: chart.xLabel, nameLocation: 'middle' as const, nameGap: 24 };
  const categorical = chart.kind === 'bar' || (chart.kind === 'histogram' && !chart.x) || !chart.x;
  if (categorical) {
    const labels =
      chart.labels ??
      chart.x?.map((v) => formatValue(v)) ??
      Array.from({ length: chart.series[0]?.values.length ?? 0 }, (_, i) => String(i + 1));
    return {
      legend,
      grid,
      xAxis: { type: 'category', data: labels, ...xName, axisLabel: categoryLabels(labels) },
      yAxis,
      series: chart.series.map((s, i) => ({
        type: chart.kind === 'line' ? 'line' : 'bar',
        name: s.name,
        data: s.values,
        barGap: chart.kind === 'histogram' ? '0%' : undefined,
        barCategoryGap: chart.kind === 'histogram' ? '2%' : undefined,
        markLine: i === 0 ? marks : undefined,
      })),
    } as ChartOption;
  }
  const x = chart.x ?? [];
  const xs = x.filter(Number.isFinite);
  return {
    legend,
    grid,
    xAxis: {
      type: 'value',
      ...xName,
      scale: true,
      min: xs.length ? Math.min(...xs) : undefined,
      max: xs.length ? Math.max(...xs) : undefined,
    },
    yAxis,
    tooltip: chart.kind === 'scatter' ? { trigger: 'item' } : undefined,
    series: chart.series.map((s, i) => ({
      type: chart.kind === 'scatter' ? 'scatter' : chart.kind === 'histogram' ? 'bar' : 'line',
      name: s.name,
      data: s.values.map((v, j) => [x[j] ?? j, v]),
      symbolSize: chart.kind === 'scatter' ? 6 : 4,
      barGap: chart.kind === 'histogram' ? '0%' : undefined,
      connectNulls: false,
      markLine: i === 0 ? marks : undefined,
    })),
  } as ChartOption;
}

/** One chart of a check, with its title above it. */
export function CheckChart({ chart }: { chart: ChartData }) {
  const option = useMemo(() => chartOption(chart), [chart]);
  const series = chart.series.map((s) => s.name).join(', ');
  return (
    <figure className="check-chart">
      <figcaption className="check-chart-title">{chart.title}</figcaption>
      <Chart option={option} label={`${chart.title} (${chart.kind} chart of ${series})`} height={240} />
    </figure>
  );
}
