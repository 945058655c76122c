// ECharts options for the Data pages: histograms, top values, rows per period and correlations.
// Pure functions of the profile, so the pages only memoise them.
import type { ColumnProfile } from '../../../../src/sdk/index.js';
import { type ChartOption, chartPalette } from '../../components/Chart.js';
import { escapeHtml, formatMs, utcDay } from '../../format.js';
import { axisNumber, formatCount, formatShare, formatStat } from './data-format.js';

type DatetimeProfile = NonNullable<ColumnProfile['datetime']>;
type HistogramSketch = NonNullable<ColumnProfile['histogram']>;

/** One version's counts over the same bins (or categories), for overlays. */
export interface CountSeries {
  name: string;
  counts: number[];
}

const axisLabel = { fontSize: 10, color: '#6b7280' };
const splitLine = { lineStyle: { color: '#eef0f3' } };

/** The value axis of bar charts: counts, or shares of each version's values. */
const valueAxis = (shares: boolean) => ({
  type: 'value' as const,
  axisLabel: { ...axisLabel, formatter: shares ? (v: number) => formatShare(v) : axisNumber },
  splitLine,
});

/** A legend when several versions overlay. */
const versionsLegend = (series: CountSeries[]) =>
  series.length > 1 ? { top: 0, itemWidth: 12, itemHeight: 8 } : undefined;

/** The tooltip of bars over `labels`: each version's count and its share of `totals`. */
function versionsTooltip(labels: string[], series: CountSeries[], totals: number[]) {
  return {
    trigger: 'axis' as const,
    axisPointer: { type: 'shadow' as const },
    formatter: (params: unknown) => {
      const items = params as {
        dataIndex: number;
        seriesIndex: number;
        seriesName: string;
        marker: string;
      }[];
      const i = items[0]?.dataIndex ?? 0;
      const lines = items.map((it) => {
        const n = series[it.seriesIndex]!.counts[i] ?? 0;
        return `${it.marker}${escapeHtml(it.seriesName)}: ${formatCount(n)} (${formatShare(n / (totals[it.seriesIndex] || 1))})`;
      });
      return [escapeHtml(labels[i] ?? ''), ...lines].join('<br/>');
    },
  };
}

/** How bin edges read: numbers, or (for times compared as epoch milliseconds) UTC dates. */
export type EdgeFormat = 'number' | 'date';

const edgeText = (format: EdgeFormat, x: number, short: boolean) =>
  format === 'date' ? (short ? utcDay(x) : formatMs(x)) : short ? axisNumber(x) : formatStat(x);

/** Bin labels `[a, b)` (the last bin is closed, as numpy's). */
function binLabels(edges: number[], format: EdgeFormat = 'number'): string[] {
  return edges
    .slice(0, -1)
    .map(
      (lo, i) =>
        `[${edgeText(format, lo, false)}, ${edgeText(format, edges[i + 1]!, false)}${i === edges.length - 2 ? ']' : ')'}`,
    );
}

/**
 * A histogram over fixed bins: one bar series per version (two overlay as grouped bars). With
 * `shares`, bars are each version's share of its values, so versions of different sizes compare.
 */
export function histogramOption(
  edges: number[],
  series: CountSeries[],
  shares = false,
  format: EdgeFormat = 'number',
): ChartOption {
  const labels = binLabels(edges, format);
  const totals = series.map((s) => s.counts.reduce((a, b) => a + b, 0) || 1);
  return {
    grid: { top: series.length > 1 ? 28 : 10, bottom: 4, left: 4, right: 8 },
    legend: versionsLegend(series),
    tooltip: versionsTooltip(labels, series, totals),
    xAxis: {
      type: 'category',
      data: edges.slice(0, -1).map((e) => edgeText(format, e, true)),
      axisLabel: { ...axisLabel, hideOverlap: true },
      axisTick: { alignWithLabel: true },
    },
    yAxis: valueAxis(shares),
    series: series.map((s, k) => ({
      type: 'bar',
      name: s.name,
      data: shares ? s.counts.map((c) => c / totals[k]!) : s.counts,
      barCategoryGap: series.length > 1 ? '20%' : '4%',
      barGap: '0%',
      itemStyle: { color: chartPalette[k % chartPalette.length], opacity: series.length > 1 ? 0.85 : 1 },
    })),
  };
}

/** The counts of a stored histogram sketch, for `histogramOption`. */
export const sketchSeries = (name: string, h: HistogramSketch): CountSeries => ({ name, counts: h.counts });

/**
 * Most frequent values as horizontal bars, most frequent on top. With several series (versions), the
 * categories are the union in the first series' order, and bars show shares of each version's rows.
 */
export function topValuesOption(
  categories: string[],
  series: CountSeries[],
  totals: number[],
  shares = false,
): ChartOption {
  const shown = categories.map((c) => (c.length > 18 ? `${c.slice(0, 17)}…` : c));
  return {
    grid: { top: series.length > 1 ? 28 : 4, bottom: 4, left: 4, right: 40 },
    legend: versionsLegend(series),
    tooltip: versionsTooltip(categories, series, totals),
    xAxis: valueAxis(shares),
    yAxis: { type: 'category', data: shown, inverse: true, axisLabel: { ...axisLabel, color: '#374151' } },
    series: series.map((s, k) => ({
      type: 'bar',
      name: s.name,
      data: shares ? s.counts.map((c) => c / (totals[k] || 1)) : s.counts,
      barGap: '10%',
      barMaxWidth: 18,
      itemStyle: { color: chartPalette[(k + (series.length > 1 ? 0 : 1)) % chartPalette.length] },
      label:
        series.length > 1
          ? undefined
          : {
              show: true,
              position: 'right',
              fontSize: 10,
              color: '#6b7280',
              formatter: (p: { value: unknown }) => axisNumber(Number(p.value)),
            },
    })),
  };
}

const periodFormat: Record<DatetimeProfile['period'], (iso: string) => string> = {
  hour: (iso) => iso.slice(0, 13).replace('T', ' '),
  day: (iso) => iso.slice(0, 10),
  week: (iso) => iso.slice(0, 10),
  month: (iso) => iso.slice(0, 7),
  year: (iso) => iso.slice(0, 4),
};

/** Rows per period of a datetime column, oldest first, as bars (gaps show as empty periods). */
export function perPeriodOption(dt: DatetimeProfile): ChartOption {
  const fmt = periodFormat[dt.period];
  return {
    grid: { top: 10, bottom: 4, left: 4, right: 24 },
    tooltip: {
      trigger: 'axis',
      axisPointer: { type: 'shadow' },
      formatter: (params: unknown) => {
        const it = (params as { dataIndex: number }[])[0];
        const p = dt.perPeriod[it?.dataIndex ?? 0];
        return p ? `${dt.period} of ${escapeHtml(fmt(p.start))}: ${formatCount(p.rows)} rows` : '';
      },
    },
    xAxis: {
      type: 'category',
      data: dt.perPeriod.map((p) => fmt(p.start)),
      axisLabel: { ...axisLabel, hideOverlap: true },
    },
    yAxis: valueAxis(false),
    series: [
      {
        type: 'bar',
        name: `rows per ${dt.period}`,
        data: dt.perPeriod.map((p) => p.rows),
        barCategoryGap: '10%',
        itemStyle: { color: chartPalette[5] },
      },
    ],
  };
}

/** The Pearson correlations of numeric columns as a symmetric heatmap, −1 (blue) to +1 (red). */
export function correlationOption(pairs: { a: string; b: string; r: number }[]): ChartOption {
  const names: string[] = [];
  for (const p of pairs) for (const n of [p.a, p.b]) if (!names.includes(n)) names.push(n);
  const index = new Map(names.map((n, i) => [n, i]));
  const cells: [number, number, number][] = names.map((_, i) => [i, i, 1]);
  for (const p of pairs) {
    const i = index.get(p.a)!;
    const j = index.get(p.b)!;
    cells.push([i, j, p.r], [j, i, p.r]);
  }
  return {
    grid: { top: 8, bottom: 40, left: 4, right: 8 },
    tooltip: {
      trigger: 'item',
      formatter: (p: unknown) => {
        const [i, j, r] = (p as { value: [number, number, number] }).value;
        return `${escapeHtml(names[i]!)} × ${escapeHtml(names[j]!)}<br/>r = ${r.toFixed(3)}`;
      },
    },
    xAxis: {
      type: 'category',
      data: names,
      axisLabel: { ...axisLabel, rotate: names.length > 6 ? 30 : 0 },
      splitArea: { show: false },
    },
    yAxis: { type: 'category', data: names, inverse: true, axisLabel },
    visualMap: {
      min: -1,
      max: 1,
      calculable: false,
      orient: 'horizontal',
      left: 'center',
      bottom: 0,
      itemWidth: 10,
      itemHeight: 160,
      text: ['+1', '−1'],
      textStyle: { fontSize: 10 },
      inRange: { color: ['#2563eb', '#f8fafc', '#dc2626'] },
    },
    series: [
      {
        type: 'heatmap',
        name: 'r',
        data: cells,
        label: {
          show: names.length <= 12,
          fontSize: 10,
          formatter: (p: { value: unknown }) => (p.value as number[])[2]!.toFixed(2),
        },
        itemStyle: { borderColor: '#fff', borderWidth: 1 },
      },
    ],
  };
}

/** Each numeric column's correlation with the target, strongest first, as horizontal bars. */
export function targetCorrelationOption(rows: { column: string; r: number }[]): ChartOption {
  const sorted = [...rows].sort((x, y) => Math.abs(y.r) - Math.abs(x.r));
  return {
    grid: { top: 4, bottom: 4, left: 4, right: 40 },
    tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
    xAxis: { type: 'value', min: -1, max: 1, axisLabel, splitLine },
    yAxis: {
      type: 'category',
      data: sorted.map((r) => r.column),
      inverse: true,
      axisLabel: { ...axisLabel, color: '#374151' },
    },
    series: [
      {
        type: 'bar',
        name: 'r with target',
        barMaxWidth: 16,
        data: sorted.map((r) => ({
          value: Number(r.r.toFixed(4)),
          itemStyle: { color: r.r >= 0 ? '#dc2626' : '#2563eb' },
        })),
        label: {
          show: true,
          position: 'right',
          fontSize: 10,
          formatter: (p: { value: unknown }) => Number(p.value).toFixed(2),
        },
      },
    ],
  };
}
