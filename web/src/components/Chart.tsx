import {
  BarChart,
  type BarSeriesOption,
  HeatmapChart,
  type HeatmapSeriesOption,
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
  VisualMapComponent,
  type VisualMapComponentOption,
} from 'echarts/components';
import { type ComposeOption, type EChartsCoreOption, type EChartsType, init, use } from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';
import { type RefObject, useEffect, useMemo, useRef } from 'react';

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
  HeatmapChart,
  VisualMapComponent,
  CanvasRenderer,
]);

/**
 * The ECharts options the UI's charts may use: line, bar, scatter, heatmap and parallel-coordinates
 * series; grid, parallel axes, data zoom, visual map (the heatmap's colour scale), tooltip, legend
 * and dataset.
 */
export type ChartOption = ComposeOption<
  | LineSeriesOption
  | BarSeriesOption
  | ScatterSeriesOption
  | ParallelSeriesOption
  | HeatmapSeriesOption
  | DataZoomComponentOption
  | VisualMapComponentOption
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

/** The look every Lathe chart shares (palette, canvas font, animation); a chart's own option goes on top. */
export const chartBaseOption = {
  color: chartPalette,
  textStyle: { fontFamily: chartFont, fontSize: 11, color: '#4b5563' },
  animationDuration: 300,
};

/**
 * Lays Lathe's defaults under `option` so charts look alike; the option's own values win. A single
 * `grid` or `tooltip` object is merged key by key with the defaults.
 */
function withChartDefaults(option: ChartOption): ChartOption {
  const { grid, tooltip } = option;
  return {
    ...chartBaseOption,
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
}

/**
 * One ECharts instance for the div the returned ref is put on. It follows the div's size
 * (ResizeObserver), sets `option` whenever a new object is given (`notMerge`, so memoise it), and
 * disposes of the instance on unmount. `onInit` runs once on the new instance (to add event handlers).
 */
export function useECharts(
  option: EChartsCoreOption,
  onInit?: (instance: EChartsType) => void,
): RefObject<HTMLDivElement | null> {
  const container = useRef<HTMLDivElement>(null);
  const chart = useRef<EChartsType | null>(null);
  const onInitRef = useRef(onInit);
  onInitRef.current = onInit;

  useEffect(() => {
    const el = container.current;
    if (!el) return;
    const instance = init(el, null, { renderer: 'canvas' });
    chart.current = instance;
    onInitRef.current?.(instance);
    const observer = new ResizeObserver(() => instance.resize());
    observer.observe(el);
    return () => {
      observer.disconnect();
      instance.dispose();
      chart.current = null;
    };
  }, []);

  useEffect(() => {
    chart.current?.setOption(option, { notMerge: true, lazyUpdate: true });
  }, [option]);

  return container;
}

/**
 * One ECharts instance in a div. It follows its container's size (ResizeObserver), replaces the
 * option when `option` changes, and disposes of the instance on unmount.
 */
export function Chart({ option, label, height = 240 }: ChartProps) {
  const full = useMemo(() => withChartDefaults(option), [option]);
  const container = useECharts(full);
  return <div ref={container} role="img" aria-label={label} style={{ width: '100%', height }} />;
}
