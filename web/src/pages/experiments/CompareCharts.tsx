import { useId, useMemo, useState } from 'react';
import type { Run } from '../../../../src/sdk/index.js';
import { Chart, type ChartOption, chartPalette } from '../../components/Chart.js';
import { escapeHtml } from '../../format.js';
import { chartValue } from './metric-history.js';
import { formatValue, runLabel, runValues } from './run-format.js';

/** An axis of the comparison: a param or a metric. */
interface Dimension {
  kind: 'param' | 'metric';
  key: string;
}

const dimName = (d: Dimension) => d.key;

/** Whether every present value of a param is a number (then its axis is numeric). */
function numericParam(runs: Run[], key: string): boolean {
  const values = runs
    .map((r) => r.data.params.find((p) => p.key === key)?.value)
    .filter((v) => v !== undefined);
  return values.length > 0 && values.every((v) => v.trim() !== '' && Number.isFinite(Number(v)));
}

function value(run: Run, d: Dimension): string | number | null {
  if (d.kind === 'metric') {
    const m = run.data.metrics.find((x) => x.key === d.key);
    return m ? chartValue(m.value) : null;
  }
  return run.data.params.find((p) => p.key === d.key)?.value ?? null;
}

/**
 * Parallel coordinates: one axis per param (numeric or categorical) and per metric, one line per
 * run. Params that are the same in every run are left out (they separate nothing).
 */
export function ParallelChart({
  runs,
  params,
  metrics,
}: {
  runs: Run[];
  params: string[];
  metrics: string[];
}) {
  const dims = useMemo<Dimension[]>(
    () => [
      ...params.map((key) => ({ kind: 'param' as const, key })),
      ...metrics.map((key) => ({ kind: 'metric' as const, key })),
    ],
    [params, metrics],
  );
  const option = useMemo<ChartOption>(() => {
    const axes = dims.map((d, dim) => {
      const numeric = d.kind === 'metric' || numericParam(runs, d.key);
      const categories = numeric
        ? undefined
        : [...new Set(runs.map((r) => value(r, d)).filter((v): v is string => typeof v === 'string'))].sort();
      return {
        dim,
        name: dimName(d),
        type: numeric ? ('value' as const) : ('category' as const),
        data: categories,
        scale: true,
        nameTextStyle: { color: d.kind === 'metric' ? '#0d9488' : '#4b5563', fontWeight: 600 as const },
      };
    });
    return {
      grid: undefined,
      parallel: { left: 48, right: 72, top: 36, bottom: 24 },
      parallelAxis: axes,
      tooltip: { trigger: 'item' },
      series: [
        {
          type: 'parallel',
          lineStyle: { width: 2, opacity: 0.75 },
          emphasis: { lineStyle: { width: 4, opacity: 1 } },
          data: runs.map((r, i) => ({
            name: runLabel(r),
            value: dims.map((d) => {
              const v = value(r, d);
              return d.kind === 'param' && axes[dims.indexOf(d)]?.type === 'value' && v !== null
                ? Number(v)
                : v;
            }) as (string | number)[],
            lineStyle: { color: palette(i) },
          })),
        },
      ],
    } as ChartOption;
  }, [dims, runs]);

  if (dims.length < 2) {
    return (
      <p className="muted">
        Parallel coordinates need at least two params or metrics that differ between runs.
      </p>
    );
  }
  return (
    <Chart
      option={option}
      label={`Parallel coordinates of ${runs.length} runs over ${dims.map(dimName).join(', ')}`}
      height={300}
    />
  );
}

/** A param (x) against a metric (y), one point per run, both chosen from lists. */
export function ParamMetricScatter({
  runs,
  params,
  metrics,
}: {
  runs: Run[];
  params: string[];
  metrics: string[];
}) {
  const [param, setParam] = useState(params[0] ?? '');
  const [metric, setMetric] = useState(metrics[0] ?? '');
  const xId = useId();
  const p = params.includes(param) ? param : (params[0] ?? '');
  const m = metrics.includes(metric) ? metric : (metrics[0] ?? '');

  const option = useMemo<ChartOption>(() => {
    const numeric = numericParam(runs, p);
    const points = runs.flatMap((r, i) => {
      const v = runValues(r);
      const x = v.params.get(p);
      const y = v.metrics.get(m);
      if (x === undefined || y === undefined || !Number.isFinite(y)) return [];
      return [{ name: runLabel(r), value: [numeric ? Number(x) : x, y], itemStyle: { color: palette(i) } }];
    });
    const categories = numeric ? undefined : [...new Set(points.map((pt) => String(pt.value[0])))].sort();
    return {
      grid: { top: 32, bottom: 28 },
      tooltip: {
        trigger: 'item',
        formatter: (item) => {
          const it = item as unknown as { name: string; value: [string | number, number] };
          return `${escapeHtml(it.name)}<br/>${escapeHtml(p)} = ${escapeHtml(String(it.value[0]))}<br/>${escapeHtml(m)} = ${formatValue(it.value[1])}`;
        },
      },
      xAxis: numeric
        ? {
            type: 'value',
            name: p,
            nameLocation: 'middle',
            nameGap: 24,
            scale: true,
            boundaryGap: ['8%', '8%'],
          }
        : { type: 'category', name: p, nameLocation: 'middle', nameGap: 24, data: categories },
      yAxis: { type: 'value', name: m, scale: true, boundaryGap: ['8%', '8%'] },
      series: [{ type: 'scatter', symbolSize: 10, data: points }],
    } as ChartOption;
  }, [runs, p, m]);

  if (params.length === 0 || metrics.length === 0) {
    return <p className="muted">A scatter needs at least one param and one metric.</p>;
  }
  return (
    <div>
      <div className="form form-inline scatter-controls">
        <label className="field" htmlFor={`${xId}-x`}>
          <span className="field-label">Param (x)</span>
          <select id={`${xId}-x`} value={p} onChange={(e) => setParam(e.target.value)}>
            {params.map((k) => (
              <option key={k}>{k}</option>
            ))}
          </select>
        </label>
        <label className="field" htmlFor={`${xId}-y`}>
          <span className="field-label">Metric (y)</span>
          <select id={`${xId}-y`} value={m} onChange={(e) => setMetric(e.target.value)}>
            {metrics.map((k) => (
              <option key={k}>{k}</option>
            ))}
          </select>
        </label>
      </div>
      <Chart
        option={option}
        label={`Scatter of param ${p} against metric ${m}, one point per run`}
        height={280}
      />
    </div>
  );
}

/** The chart palette colour of the i-th run (matches the metric charts' series order). */
export const palette = (i: number) => chartPalette[i % chartPalette.length]!;
