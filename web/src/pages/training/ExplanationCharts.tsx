import { useMemo, useState } from 'react';
import { Chart, type ChartOption } from '../../components/Chart.js';
import { escapeHtml } from '../../format.js';
import { formatValue } from '../experiments/run-format.js';
import { ImportanceBars } from './EvaluationCharts.js';
import type { Explanations } from '../../../../src/sdk/index.js';

const low = '#2563eb';
const high = '#dc2626';

/** A stable jitter in [-0.35, 0.35] for point `i` (the same picture on every render). */
const jitter = (i: number) => ((Math.sin(i * 12.9898) * 43758.5453) % 1) * 0.35;

/**
 * The beeswarm-style summary: one row per top feature, each dot a row of data at x = its SHAP
 * value, coloured by the feature's value from low (blue) to high (red) within that feature.
 */
function Beeswarm({ explanations, top = 10 }: { explanations: Explanations; top?: number }) {
  const features = useMemo(
    () =>
      explanations.globalImportance
        .map((g) => g.feature)
        .filter((f) => explanations.beeswarm[f]?.length)
        .slice(0, top),
    [explanations, top],
  );
  const option = useMemo<ChartOption>(() => {
    const names = [...features].reverse();
    const data: [number, number, number, string][] = [];
    names.forEach((f, fi) => {
      const points = explanations.beeswarm[f] ?? [];
      const nums = points
        .map((p) => (typeof p.value === 'number' ? p.value : Number.NaN))
        .filter(Number.isFinite);
      const lo = Math.min(...nums);
      const hi = Math.max(...nums);
      points.forEach((p, i) => {
        const v = typeof p.value === 'number' && hi > lo ? (p.value - lo) / (hi - lo) : 0.5;
        data.push([p.shap, fi + jitter(i), v, `${f} = ${p.value === null ? 'missing' : String(p.value)}`]);
      });
    });
    return {
      grid: { top: 30, bottom: 24, left: 8, right: 24 },
      tooltip: {
        trigger: 'item',
        formatter: (p: unknown) => {
          const d = (p as { value: [number, number, number, string] }).value;
          return `${escapeHtml(d[3])}<br>SHAP ${formatValue(d[0])}`;
        },
      },
      xAxis: {
        type: 'value',
        name: 'SHAP value (impact on the model output)',
        nameLocation: 'middle',
        nameGap: 24,
        axisLine: { onZero: false },
      },
      yAxis: {
        type: 'value',
        min: -1,
        max: names.length,
        interval: 1,
        axisLabel: { formatter: (v: number) => names[Math.round(v)] ?? '', width: 160, overflow: 'truncate' },
        splitLine: { show: false },
      },
      visualMap: {
        type: 'continuous',
        dimension: 2,
        min: 0,
        max: 1,
        orient: 'horizontal',
        right: 0,
        top: 0,
        itemWidth: 10,
        itemHeight: 80,
        text: ['high', 'feature value: low'],
        calculable: false,
        inRange: { color: [low, '#a855f7', high] },
      },
      series: [{ name: 'SHAP', type: 'scatter', symbolSize: 5, data, large: data.length > 2000 }],
    };
  }, [explanations, features]);
  if (features.length === 0) return null;
  return (
    <figure className="metric-chart">
      <figcaption className="metric-chart-title">
        Summary (beeswarm): SHAP value per row, coloured by feature value
      </figcaption>
      <Chart
        option={option}
        label={`Beeswarm of SHAP values for ${features.join(', ')}`}
        height={Math.max(220, 60 + features.length * 30)}
      />
    </figure>
  );
}

/** One waterfall row of explanations.json. */
type ExplainedRow = Explanations['rows'][number];

/**
 * A waterfall's bars: where it starts and each step, largest |SHAP| first (the explain job keeps
 * the top contributions and sums the rest into one `N other features` entry).
 */
function waterfallSteps(row: ExplainedRow): { base: number; steps: { label: string; s: number }[] } {
  const steps = row.contributions.map((c) => ({
    label: c.value === null ? c.feature : `${c.feature} = ${fmt(c.value)}`,
    s: c.shap,
  }));
  return { base: row.base, steps };
}

/**
 * A single prediction's waterfall: from the expected value, each feature's SHAP value pushes the
 * output up (red) or down (blue), largest first; the rest are summed into one bar.
 */
function Waterfall({ explanations, top = 12 }: { explanations: Explanations; top?: number }) {
  const rows = explanations.rows;
  const [chosen, setChosen] = useState(0);
  const row = rows[Math.min(chosen, rows.length - 1)];
  const option = useMemo<ChartOption | null>(() => {
    if (!row) return null;
    const { base, steps } = waterfallSteps(row);
    // Bars run from the axis origin: everything is shifted right by -lo (so no bar crosses zero) and
    // the axis labels say the true value. Each step is a coloured bar to where it ends with a bar in
    // the panel's colour over it up to where it starts (ECharts' stacked bars misplace such gaps).
    let at = base;
    const ends = [base];
    for (const st of steps) {
      at += st.s;
      ends.push(at);
    }
    const lo = Math.min(0, ...ends);
    const bars: { label: string; from: number; to: number; color: string; delta: number | null }[] = [
      { label: `E[f(x)] = ${formatValue(base)}`, from: 0, to: base - lo, color: '#6b7280', delta: null },
    ];
    at = base;
    for (const st of steps) {
      const next = at + st.s;
      bars.push({
        label: st.label,
        from: Math.min(at, next) - lo,
        to: Math.max(at, next) - lo,
        color: st.s >= 0 ? high : low,
        delta: st.s,
      });
      at = next;
    }
    bars.push({ label: `f(x) = ${formatValue(at)}`, from: 0, to: at - lo, color: '#6b7280', delta: null });
    bars.reverse();
    return {
      grid: { top: 8, bottom: 24, left: 8, right: 24 },
      tooltip: {
        trigger: 'axis',
        axisPointer: { type: 'shadow' },
        formatter: (ps: unknown) => {
          const b = bars[(ps as { dataIndex: number }[])[0]?.dataIndex ?? -1];
          if (!b) return '';
          const d =
            b.delta === null ? '' : `<br>${b.delta >= 0 ? '+' : '−'}${formatValue(Math.abs(b.delta))}`;
          return `${escapeHtml(b.label)}${d}`;
        },
      },
      xAxis: {
        type: 'value',
        name: 'model output',
        nameLocation: 'middle',
        nameGap: 24,
        axisLabel: { formatter: (v: number) => formatValue(v + lo) },
      },
      yAxis: {
        type: 'category',
        data: bars.map((b) => b.label),
        axisLabel: { width: 200, overflow: 'truncate' },
      },
      series: [
        {
          name: 'to',
          type: 'bar',
          barWidth: '60%',
          data: bars.map((b) => ({ value: b.to, itemStyle: { color: b.color } })),
        },
        {
          name: 'from',
          type: 'bar',
          barWidth: '60%',
          barGap: '-100%',
          silent: true,
          itemStyle: { color: '#ffffff' },
          data: bars.map((b) => b.from),
        },
      ],
    };
  }, [row]);
  if (!row || !option) return null;
  return (
    <figure className="metric-chart">
      <figcaption className="metric-chart-title waterfall-title">
        <span>Single prediction (waterfall)</span>
        <label className="field-inline small">
          Row{' '}
          <select
            value={chosen}
            onChange={(e) => setChosen(Number(e.target.value))}
            aria-label="Row to explain"
          >
            {rows.map((r, i) => (
              <option key={r.index} value={i}>
                #{r.index} → {fmt(r.output)}
              </option>
            ))}
          </select>
        </label>
      </figcaption>
      <Chart
        option={option}
        label={`Waterfall of SHAP values for row ${row.index}`}
        height={Math.max(220, 60 + (top + 2) * 24)}
      />
    </figure>
  );
}

function fmt(v: unknown): string {
  if (typeof v === 'number') return formatValue(v);
  if (v === null || v === undefined) return 'missing';
  return String(v);
}

/** All the charts of explanations.json. */
export function ExplanationCharts({ explanations: x }: { explanations: Explanations }) {
  const global = useMemo(
    () => x.globalImportance.map((g) => ({ feature: g.feature, value: g.meanAbs })),
    [x],
  );
  const permutation = useMemo(
    () => x.permutationImportance.map((p) => ({ feature: p.feature, value: p.mean })),
    [x],
  );
  return (
    <div className="chart-grid">
      <ImportanceBars title="Global importance (mean |SHAP|)" items={global} valueName="mean |SHAP|" />
      <Beeswarm explanations={x} />
      <Waterfall explanations={x} />
      {permutation.length > 0 && (
        <ImportanceBars title="Permutation importance" items={permutation} valueName="score drop" />
      )}
    </div>
  );
}
