/**
 * Backtesting: the test rows ordered by a time column and cut into consecutive windows of equal
 * size (rolling origin), the model's metric in each window, and its trend. A model whose latest
 * window is clearly worse than the earlier ones is degrading with time: it will likely be worse
 * still in production, after the newest data it was tested on.
 */
import { LatheError } from '../../core/index.js';
import { type CheckResult, numberIn, readParams, statusOf, type ValidationCheck } from '../check.js';
import { primaryMetric, subsetPredictions } from './performance-metrics.js';

export interface BacktestingParams extends Record<string, unknown> {
  timeColumn: string | undefined;
  windows: number;
  warn: number;
  fail: number;
}

/** Milliseconds (or the number itself) of a time value; NaN when it is not one. */
function timeOf(v: unknown): number {
  if (typeof v === 'number') return v;
  if (v instanceof Date) return v.getTime();
  if (typeof v === 'string') return Date.parse(v);
  return Number.NaN;
}

const label = (t: number) => (t > 1e11 ? new Date(t).toISOString().slice(0, 10) : String(t));

export const backtestingCheck: ValidationCheck<BacktestingParams> = {
  name: 'backtesting',
  title: 'Backtesting over time',
  description:
    'Orders the test rows by a time column, cuts them into consecutive windows of equal size and measures the model in each (ROC-AUC for binary, accuracy for multiclass, RMSE for regression). The measured value is how much worse the latest window is than the mean of the earlier ones (relative, for RMSE): 0.02 warns, 0.05 fails by default.',
  tasks: ['binary', 'multiclass', 'regression'],
  params: {
    timeColumn: {
      help: 'the column that orders rows in time (a date, a timestamp or a number); required',
      default: undefined,
    },
    windows: { help: 'consecutive windows of equal size', default: 5 },
    warn: { help: 'degradation of the latest window that warns', default: 0.02 },
    fail: { help: 'degradation of the latest window that fails', default: 0.05 },
  },
  columns: (p) => (p.timeColumn ? [p.timeColumn] : []),
  parseParams: (raw) => {
    const p = readParams<BacktestingParams>('backtesting', backtestingCheck.params, raw, {
      timeColumn: (v) => {
        if (typeof v !== 'string' || !v) throw new Error(`must be a column name; got ${JSON.stringify(v)}`);
        return v;
      },
      windows: (v) => Math.round(numberIn(2, 100)(v)),
      warn: numberIn(0, 10),
      fail: numberIn(0, 10),
    });
    if (p.timeColumn === undefined)
      throw new LatheError(
        'INVALID_ARGUMENT',
        'check backtesting: timeColumn is required (the column that orders rows in time)',
        {
          field: 'backtesting.timeColumn',
        },
      );
    return p;
  },
  async run(ctx, p): Promise<Omit<CheckResult, 'seconds'>> {
    const col = ctx.test.columns[p.timeColumn!];
    if (!col)
      throw new Error(
        `timeColumn ${p.timeColumn} is not a column of the test set; its columns are ${Object.keys(ctx.test.columns).join(', ')}`,
      );
    const times = Array.from({ length: ctx.test.rows }, (_, i) => timeOf(col[i]));
    const order = times
      .map((_, i) => i)
      .filter((i) => !Number.isNaN(times[i]!))
      .sort((a, b) => times[a]! - times[b]!);
    const size = Math.floor(order.length / p.windows);
    if (size < 10)
      throw new Error(
        `${order.length} rows with a time are too few for ${p.windows} windows (at least 10 rows each)`,
      );
    const windows = Array.from({ length: p.windows }, (_, w) =>
      order.slice(w * size, w === p.windows - 1 ? order.length : (w + 1) * size),
    );
    // One metric for every window (a window holding one class has no ROC-AUC: NaN, left out).
    const primary = primaryMetric(ctx);
    const width = ctx.candidate.test.proba ? ctx.candidate.test.proba.length / ctx.test.rows : 0;
    const metrics = windows.map((idx) =>
      primary.score(
        Float64Array.from(idx, (i) => ctx.yTest[i]!),
        subsetPredictions(ctx.candidate.test, idx, width),
      ),
    );
    const higherBetter = primary.higherIsBetter;
    const before = metrics.slice(0, -1).filter(Number.isFinite);
    const earlier = before.reduce((s, m) => s + m, 0) / before.length;
    const last = metrics[metrics.length - 1]!;
    const degradation = higherBetter ? earlier - last : (last - earlier) / Math.max(Math.abs(earlier), 1e-12);
    // Least-squares slope of the metric over the window index: its trend per window.
    const mx = (metrics.length - 1) / 2;
    const slope =
      metrics.reduce((s, m, w) => s + (w - mx) * (m - earlier), 0) /
      metrics.reduce((s, _, w) => s + (w - mx) ** 2, 0);
    const threshold = { bad: 'above' as const, warn: p.warn, fail: p.fail };
    const metricName = primary.label;
    return {
      check: 'backtesting',
      title: 'Backtesting over time',
      status: statusOf(degradation, threshold),
      measure: `how much worse the latest window's ${metricName} is than the earlier windows'${higherBetter ? '' : ' (relative)'}`,
      value: degradation,
      threshold,
      message: `${metricName} per window from ${label(times[order[0]!]!)} to ${label(times[order[order.length - 1]!]!)}: ${metrics.map((m) => m.toFixed(3)).join(', ')}; the latest window is ${degradation > 0 ? `${degradation.toFixed(3)} worse than` : 'as good as or better than'} the earlier ones (trend ${slope >= 0 ? '+' : ''}${slope.toFixed(4)} per window)`,
      tables: [
        {
          title: `${metricName} per time window`,
          columns: ['window', 'from', 'to', 'rows', metricName],
          rows: windows.map((idx, w) => [
            w + 1,
            label(times[idx[0]!]!),
            label(times[idx[idx.length - 1]!]!),
            idx.length,
            metrics[w]!,
          ]),
        },
      ],
      charts: [
        {
          kind: 'line',
          title: `${metricName} per time window`,
          xLabel: 'window start',
          yLabel: metricName,
          labels: windows.map((idx) => label(times[idx[0]!]!)),
          x: windows.map((_, w) => w + 1),
          series: [{ name: metricName, values: metrics }],
          marks: [{ name: 'earlier windows', value: earlier, axis: 'y' }],
        },
      ],
    };
  },
};
