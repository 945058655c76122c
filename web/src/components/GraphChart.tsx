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

/**
 * A graph laid out in columns, left to right: each node sits at (column, row) on hidden value axes,
 * so that node sizes stay in pixels (a graph with layout "none" scales its nodes with the box of
 * their coordinates instead), and each column's nodes are centred on the middle row. Answers each
 * node's position (in the order of `columns`) and the legend, grid and axes of the option; the
 * x axis spans at least `minColumns` columns. `kinds` are the legend's labels, in order.
 */
export function columnLayout(columns: number[], kinds: string[], minColumns = 1) {
  const perColumn = new Map<number, number>();
  const row = columns.map((c) => {
    const r = perColumn.get(c) ?? 0;
    perColumn.set(c, r + 1);
    return r;
  });
  const rows = Math.max(...perColumn.values());
  const count = Math.max(...columns) + 1;
  return {
    positions: columns.map((c, i): [number, number] => [c, row[i]! - ((perColumn.get(c) ?? 1) - 1) / 2]),
    option: {
      legend: { data: kinds, top: 0, left: 0, itemWidth: 12, itemHeight: 10, selectedMode: false },
      grid: { left: 0, right: 0, top: 36, bottom: 12 },
      xAxis: { type: 'value', show: false, min: -0.5, max: Math.max(count, minColumns) - 0.5 },
      yAxis: { type: 'value', show: false, min: -rows / 2, max: rows / 2, inverse: true },
    } satisfies GraphChartOption,
  };
}

/**
 * The parts of a graph series that the lineage charts share: nodes placed on the hidden axes of
 * `columnLayout`, drawn as rounded boxes coloured by category (`kinds`, in legend order), grey edges,
 * and a hovered node's neighbours highlighted.
 */
export function columnGraphSeries(kinds: readonly { label: string; color: string }[]) {
  return {
    type: 'graph',
    coordinateSystem: 'cartesian2d',
    categories: kinds.map((k) => ({ name: k.label, itemStyle: { color: k.color } })),
    symbol: 'roundRect',
    lineStyle: { color: '#9ca3af', width: 1.5, opacity: 1 },
    emphasis: { focus: 'adjacency', lineStyle: { width: 2.5 } },
  } satisfies GraphSeriesOption;
}

/**
 * A node's two-line label in ECharts rich text (`{t|TITLE}` over `{n|NAME}`, styled by the series'
 * `label.rich`): the name cut to `max` characters with `…`, and `{`, `}`, `|` (rich-text markup) in
 * either line turned into spaces.
 */
export function nodeLabel(title: string, name: string, max: number): string {
  const cut = name.length > max ? `${name.slice(0, max - 1)}…` : name;
  const plain = (s: string) => s.replace(/[{}|]/g, ' ');
  return `{t|${plain(title)}}\n{n|${plain(cut)}}`;
}

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
