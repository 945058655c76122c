import { useMemo } from 'react';
import type { Evaluation, FeatureImportance } from '../../../../src/sdk/index.js';
import { Chart, type ChartOption } from '../../components/Chart.js';
import { formatValue } from '../experiments/run-format.js';

const diagonal = {
  name: 'chance',
  type: 'line' as const,
  showSymbol: false,
  silent: true,
  lineStyle: { type: 'dashed' as const, color: '#9ca3af', width: 1 },
  data: [
    [0, 0],
    [1, 1],
  ],
};

const unitAxis = (name: string) => ({
  type: 'value' as const,
  name,
  nameLocation: 'middle' as const,
  nameGap: 24,
  min: 0,
  max: 1,
});

/** A curve on the unit square (ROC, PR, calibration), with the chance diagonal when asked. */
function CurveChart({
  title,
  x,
  y,
  xName,
  yName,
  withDiagonal,
  step = false,
}: {
  title: string;
  x: number[];
  y: number[];
  xName: string;
  yName: string;
  withDiagonal: boolean;
  step?: boolean;
}) {
  const option = useMemo<ChartOption>(
    () => ({
      grid: { top: 16, bottom: 24, left: 16 },
      tooltip: {
        trigger: 'item',
        valueFormatter: (v) => (typeof v === 'number' ? formatValue(v) : String(v)),
      },
      xAxis: unitAxis(xName),
      yAxis: { ...unitAxis(yName), nameGap: 32 },
      series: [
        {
          name: title,
          type: 'line',
          showSymbol: x.length < 30,
          ...(step ? { step: 'end' as const } : {}),
          data: x.map((v, i) => [v, y[i] ?? null]),
        },
        ...(withDiagonal ? [diagonal] : []),
      ],
    }),
    [title, x, y, xName, yName, withDiagonal, step],
  );
  return (
    <figure className="metric-chart">
      <figcaption className="metric-chart-title">{title}</figcaption>
      <Chart option={option} label={`${title}: ${yName} against ${xName}, ${x.length} points`} height={260} />
    </figure>
  );
}

/** The confusion matrix as a heatmap (rows: actual, columns: predicted) and as a table. */
function ConfusionMatrix({ classes, matrix }: { classes: string[]; matrix: number[][] }) {
  const option = useMemo<ChartOption>(() => {
    const data = matrix.flatMap((row, i) => row.map((n, j) => [j, classes.length - 1 - i, n]));
    const max = Math.max(1, ...data.map((d) => d[2]!));
    return {
      grid: { top: 8, bottom: 32, left: 16, right: 16 },
      tooltip: {
        trigger: 'item',
        formatter: (p: unknown) => {
          const [j, i, n] = (p as { value: number[] }).value;
          return `actual ${classes[classes.length - 1 - i!]}, predicted ${classes[j!]}: ${n}`;
        },
      },
      xAxis: { type: 'category', data: classes, name: 'predicted', nameLocation: 'middle', nameGap: 22 },
      yAxis: {
        type: 'category',
        data: [...classes].reverse(),
        name: 'actual',
        nameLocation: 'middle',
        nameGap: 28,
      },
      visualMap: { min: 0, max, show: false, inRange: { color: ['#eff4ff', '#2563eb'] } },
      series: [{ type: 'heatmap', data, label: { show: true, color: '#111827' } }],
    };
  }, [classes, matrix]);
  return (
    <figure className="metric-chart">
      <figcaption className="metric-chart-title">Confusion matrix</figcaption>
      <Chart option={option} label={`Confusion matrix of ${classes.length} classes`} height={260} />
      <table className="table confusion-table" aria-label="Confusion matrix">
        <thead>
          <tr>
            <th scope="col">actual \ predicted</th>
            {classes.map((c) => (
              <th key={c} scope="col" className="num">
                {c}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {matrix.map((row, i) => (
            <tr key={classes[i]}>
              <th scope="row">{classes[i]}</th>
              {row.map((n, j) => (
                <td key={classes[j]} className={i === j ? 'num strong' : 'num'}>
                  {n}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </figure>
  );
}

/** Regression: predicted against actual, with the y = x line. */
function PredictedVsActual({ actual, predicted }: { actual: number[]; predicted: number[] }) {
  const option = useMemo<ChartOption>(() => {
    const all = [...actual, ...predicted].filter(Number.isFinite);
    const lo = Math.min(...all);
    const hi = Math.max(...all);
    return {
      grid: { top: 16, bottom: 24, left: 16 },
      tooltip: {
        trigger: 'item',
        valueFormatter: (v) => (typeof v === 'number' ? formatValue(v) : String(v)),
      },
      xAxis: { type: 'value', name: 'actual', nameLocation: 'middle', nameGap: 24, scale: true },
      yAxis: { type: 'value', name: 'predicted', nameLocation: 'middle', nameGap: 36, scale: true },
      series: [
        {
          name: 'rows',
          type: 'scatter',
          symbolSize: 5,
          data: actual.map((a, i) => [a, predicted[i] ?? null]),
        },
        {
          ...diagonal,
          name: 'y = x',
          data: [
            [lo, lo],
            [hi, hi],
          ],
        },
      ],
    };
  }, [actual, predicted]);
  return (
    <figure className="metric-chart">
      <figcaption className="metric-chart-title">Predicted vs actual</figcaption>
      <Chart option={option} label={`Predicted against actual for ${actual.length} test rows`} height={300} />
    </figure>
  );
}

/** The charts of evaluation.json: curves and confusion matrix (classification) or the scatter (regression). */
export function EvaluationCharts({ evaluation: e }: { evaluation: Evaluation }) {
  const classes = (e.classes ?? []).map(String);
  return (
    <div className="chart-grid">
      {e.roc && (
        <CurveChart
          title={`ROC curve (AUC ${formatValue(e.metrics.roc_auc)})`}
          x={e.roc.fpr}
          y={e.roc.tpr}
          xName="false positive rate"
          yName="true positive rate"
          withDiagonal
        />
      )}
      {e.pr && (
        <CurveChart
          title={`Precision–recall curve (AP ${formatValue(e.metrics.average_precision ?? e.metrics.pr_auc)})`}
          x={e.pr.recall}
          y={e.pr.precision}
          xName="recall"
          yName="precision"
          withDiagonal={false}
        />
      )}
      {e.calibration && (
        <CurveChart
          title="Calibration curve"
          x={e.calibration.predicted}
          y={e.calibration.observed}
          xName="mean predicted probability"
          yName="observed frequency"
          withDiagonal
        />
      )}
      {e.confusion && classes.length > 0 && <ConfusionMatrix classes={classes} matrix={e.confusion} />}
      {e.scatter && <PredictedVsActual actual={e.scatter.actual} predicted={e.scatter.predicted} />}
    </div>
  );
}

/** A horizontal bar chart of the top `top` (feature, value) pairs, largest at the top. */
export function ImportanceBars({
  title,
  items,
  valueName,
  top = 20,
}: {
  title: string;
  items: { feature: string; value: number }[];
  valueName: string;
  top?: number;
}) {
  const shown = useMemo(() => [...items].sort((a, b) => b.value - a.value).slice(0, top), [items, top]);
  const option = useMemo<ChartOption>(
    () => ({
      grid: { top: 8, bottom: 24, left: 8, right: 24 },
      tooltip: {
        trigger: 'axis',
        axisPointer: { type: 'shadow' },
        valueFormatter: (v) => (typeof v === 'number' ? formatValue(v) : String(v)),
      },
      xAxis: { type: 'value', name: valueName, nameLocation: 'middle', nameGap: 24 },
      yAxis: {
        type: 'category',
        data: shown.map((s) => s.feature).reverse(),
        axisLabel: { width: 160, overflow: 'truncate' },
      },
      series: [{ name: valueName, type: 'bar', data: shown.map((s) => s.value).reverse(), barMaxWidth: 18 }],
    }),
    [shown, valueName],
  );
  return (
    <figure className="metric-chart">
      <figcaption className="metric-chart-title">{title}</figcaption>
      <Chart
        option={option}
        label={`${title}: ${shown.map((s) => s.feature).join(', ')}`}
        height={Math.max(160, 40 + shown.length * 22)}
      />
    </figure>
  );
}

/** feature_importance.json as bars. */
export function FeatureImportanceChart({ importance }: { importance: FeatureImportance }) {
  const items = useMemo(
    () => importance.map((i) => ({ feature: i.feature, value: i.importance })),
    [importance],
  );
  return <ImportanceBars title="Feature importance" items={items} valueName="importance" />;
}
