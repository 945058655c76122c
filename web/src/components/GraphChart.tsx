import { GraphChart as EGraphChart, type GraphSeriesOption } from 'echarts/charts';
import {
  GridComponent,
  type GridComponentOption,
  LegendComponent,
  type LegendComponentOption,
  TooltipComponent,
  type TooltipComponentOption,
} from 'echarts/components';
import { type ComposeOption, use } from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';
import { useMemo, useRef } from 'react';
import { chartBaseOption, useECharts } from './Chart.js';

// The node-and-edge chart, kept apart from Chart.tsx so the line/bar charts' option type stays as it is.
// Registering a component twice is harmless: ECharts keeps one of each.
use([EGraphChart, GridComponent, TooltipComponent, LegendComponent, CanvasRenderer]);

/**
 * The ECharts options a GraphChart may use: graph series, tooltip, legend, and a grid with hidden
 * value axes to place nodes at fixed positions (`coordinateSystem: 'cartesian2d'`).
 */
export type GraphChartOption = ComposeOption<
  GraphSeriesOption | GridComponentOption | TooltipComponentOption | LegendComponentOption
>;

/** What a click on a node passes on: the node's `name` and the data item as given in the option. */
export interface GraphNodeClick {
  name: string;
  data: unknown;
}

export interface GraphChartProps {
  /** The chart, as an ECharts option; a new object replaces the previous one (`notMerge`). Memoise it. */
  option: GraphChartOption;
  /** A short description for screen readers. Give keyboard users the nodes' links elsewhere too. */
  label: string;
  /** CSS height; the width follows the container. Default 280px. */
  height?: number | string;
  /** Called when a node (not an edge) is clicked. */
  onNodeClick?: (node: GraphNodeClick) => void;
}

/**
 * One ECharts graph (nodes and edges: lineage, pipelines) in a div, with Lathe's palette and font.
 * Like `Chart`, it follows its container's size and disposes of the instance on unmount.
 */
export function GraphChart({ option, label, height = 280, onNodeClick }: GraphChartProps) {
  const clickRef = useRef(onNodeClick);
  clickRef.current = onNodeClick;
  const full = useMemo(
    () => ({ ...chartBaseOption, tooltip: { trigger: 'item', confine: true }, ...option }),
    [option],
  );
  const container = useECharts(full, (instance) => {
    instance.on('click', (params) => {
      if (params.dataType === 'node') clickRef.current?.({ name: params.name, data: params.data });
    });
  });
  return <div ref={container} role="img" aria-label={label} style={{ width: '100%', height }} />;
}
