import {
  BarChart,
  type BarSeriesOption,
  LineChart,
  type LineSeriesOption,
  ParallelChart,
  type ParallelSeriesOption,
  ScatterChart,
  type ScatterSeriesOption,
} from 'echarts/charts';
import {
  DatasetComponent,
  type DatasetComponentOption,
  DataZoomComponent,
  type DataZoomComponentOption,
  GridComponent,
  type GridComponentOption,
  LegendComponent,
  type LegendComponentOption,
  ParallelComponent,
  type ParallelComponentOption,
  TooltipComponent,
  type TooltipComponentOption,
} from 'echarts/components';
import { type ComposeOption, type EChartsType, init, use } from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';
import { type CSSProperties, useEffect, useRef } from 'react';

// Only what the UI draws is bundled. A new chart or component type is registered here, once.
use([
  LineChart,
  BarChart,
  GridComponent,
  TooltipComponent,
  LegendComponent,
  DatasetComponent,
  ScatterChart,
  ParallelChart,
  ParallelComponent,
  DataZoomComponent,
  CanvasRenderer,
]);

/**
 * The ECharts options the UI's charts may use: line, bar, scatter and parallel-coordinates series;
 * grid, parallel axes, data zoom, tooltip, legend and dataset.
 */
export type ChartOption = ComposeOption<
  | LineSeriesOption
  | BarSeriesOption
  | ScatterSeriesOption
  | ParallelSeriesOption
  | DataZoomComponentOption
  | GridComponentOption
  | TooltipComponentOption
  | LegendComponentOption
  | DatasetComponentOption
> & {
  // Added by hand: composing ParallelComponentOption in would widen every key (its axis has no literal mainType).
  parallel?: ParallelComponentOption | ParallelComponentOption[];
  parallelAxis?: ParallelAxisOption | ParallelAxisOption[];
};

/** One axis of a parallel-coordinates chart (`parallelAxis`). */
export type ParallelAxisOption = NonNullable<ParallelComponentOption['parallelAxisDefault']> & {
  dim?: number;
};

/** Lathe's series palette; matches the CSS variables `--chart-1` … in styles.css. */
export const chartPalette = [
  '#2563eb',
  '#0d9488',
  '#d97706',
  '#9333ea',
  '#dc2626',
  '#0891b2',
  '#65a30d',
  '#db2777',
];

/** Canvas text cannot inherit CSS fonts: this is `--font` of styles.css. */
const chartFont = "-apple-system, BlinkMacSystemFont, 'Segoe UI', Inter, 'Helvetica Neue', Arial, sans-serif";

/** Grid defaults: the margins hold the axis labels (the ECharts 6 form of `containLabel`). */
const baseGrid: GridComponentOption = {
  left: 8,
  right: 16,
  top: 24,
  bottom: 8,
  outerBoundsMode: 'same',
  outerBoundsContain: 'axisLabel',
};

/**
 * Lays Lathe's defaults under `option` so charts look alike; the option's own values win. A single
 * `grid` or `tooltip` object is merged key by key with the defaults.
 */
export function withChartDefaults(option: ChartOption): ChartOption {
  const { grid, tooltip } = option;
  return {
    color: chartPalette,
    textStyle: { fontFamily: chartFont, fontSize: 11, color: '#4b5563' },
    animationDuration: 300,
    ...option,
    grid: grid === undefined || Array.isArray(grid) ? (grid ?? baseGrid) : { ...baseGrid, ...grid },
    tooltip:
      tooltip === undefined || Array.isArray(tooltip)
        ? (tooltip ?? { trigger: 'axis', confine: true })
        : { trigger: 'axis', confine: true, ...tooltip },
  };
}

export interface ChartProps {
  /** The chart, as an ECharts option. A new object replaces the previous option (`notMerge`). */
  option: ChartOption;
  /** A short description for screen readers, e.g. "Audit events per day, last 14 days". */
  label: string;
  /** CSS height of the chart; the width follows the container. Default 240px. */
  height?: number | string;
  /** Shows ECharts' loading mask. */
  loading?: boolean;
  className?: string;
  style?: CSSProperties;
}

/**
 * One ECharts instance in a div. It follows its container's size (ResizeObserver), replaces the
 * option when `option` changes, and disposes of the instance on unmount.
 */
export function Chart({ option, label, height = 240, loading = false, className, style }: ChartProps) {
  const container = useRef<HTMLDivElement>(null);
  const chart = useRef<EChartsType | null>(null);

  useEffect(() => {
    const el = container.current;
    if (!el) return;
    const instance = init(el, null, { renderer: 'canvas' });
    chart.current = instance;
    const observer = new ResizeObserver(() => instance.resize());
    observer.observe(el);
    return () => {
      observer.disconnect();
      instance.dispose();
      chart.current = null;
    };
  }, []);

  useEffect(() => {
    chart.current?.setOption(withChartDefaults(option), { notMerge: true, lazyUpdate: true });
  }, [option]);

  useEffect(() => {
    if (loading)
      chart.current?.showLoading('default', {
        text: '',
        color: chartPalette[0],
        maskColor: 'rgba(255,255,255,0.6)',
      });
    else chart.current?.hideLoading();
  }, [loading]);

  return (
    <div
      ref={container}
      className={className}
      role="img"
      aria-label={label}
      style={{ width: '100%', height, ...style }}
    />
  );
}
