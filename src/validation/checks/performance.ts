/**
 * The `performance` check: the task's standard metrics on the test set, one of them compared with
 * limits, with the ROC and precision–recall curves (binary), the confusion matrix (classifiers) or
 * the residual histogram (regression) as charts.
 */
import { LatheError } from '../../core/index.js';
import { confusionMatrix, precisionRecallCurve, rocCurve } from '../../ml/index.js';
import { histogramSketch } from '../../stats/index.js';
import {
  type ChartData,
  type CheckResult,
  readParams,
  statusOf,
  type Threshold,
  type ValidationCheck,
  type ValidationContext,
  type ValidationTask,
} from '../check.js';
import {
  classCount,
  classLabel,
  fmt,
  lowerIsBetter,
  metricsOf,
  naivePredictions,
  numberOrNull,
  readMetric,
  resolveMetric,
  round,
  TASK_METRICS,
} from './performance-metrics.js';

/** Parameters of the performance check. */
export interface PerformanceParams extends Record<string, unknown> {
  metric: string | null;
  warn: number | null;
  fail: number | null;
}

/** The metric compared when none is named. */
export const DEFAULT_PERFORMANCE_METRIC: Record<ValidationTask, string> = {
  binary: 'roc_auc',
  multiclass: 'accuracy',
  regression: 'r2',
};

/** Share of the way from the naive model's score to a perfect one below which the check fails / warns. */
const FAIL_SHARE = 0.1;
const WARN_SHARE = 0.3;

const PARAMS = {
  metric: {
    help: 'The metric compared with the limits (default: roc_auc for binary, accuracy for multiclass, r2 for regression).',
    default: null,
  },
  warn: {
    help: 'Warn when the metric is worse than this (below for scores, above for losses). Default: 30% of the way from a naive model to a perfect one.',
    default: null,
  },
  fail: {
    help: 'Fail when the metric is worse than this. Default: 10% of the way from a naive model (majority class / mean of the test target) to a perfect one.',
    default: null,
  },
};

/** Keeps at most ~`max` points of a curve (every j-th and the last), for charts. */
function thin(n: number, max = 200): number[] {
  const step = Math.max(1, Math.ceil(n / max));
  const idx: number[] = [];
  for (let i = 0; i < n; i += step) idx.push(i);
  if (idx[idx.length - 1] !== n - 1 && n > 0) idx.push(n - 1);
  return idx;
}

function charts(ctx: ValidationContext, k: number): ChartData[] {
  const preds = ctx.candidate.test;
  const out: ChartData[] = [];
  if (ctx.task === 'regression') {
    const residuals = ctx.yTest.map((t, i) => t - preds.y[i]!);
    const h = histogramSketch(residuals, 20);
    out.push({
      kind: 'histogram',
      title: 'Residuals (actual − predicted)',
      xLabel: 'residual',
      yLabel: 'rows',
      x: h.edges.slice(0, -1).map((e) => round(e) ?? 0),
      series: [{ name: 'rows', values: h.counts }],
      marks: [{ name: 'no error', value: 0, axis: 'x' }],
    });
    return out;
  }
  if (ctx.task === 'binary' && preds.proba && new Set(ctx.yTest).size === 2) {
    const p1 = preds.y.map((_, i) => preds.proba![i * k + 1]!);
    const roc = rocCurve(ctx.yTest, p1);
    const r = thin(roc.fpr.length);
    out.push({
      kind: 'line',
      title: 'ROC curve',
      xLabel: 'false positive rate',
      yLabel: 'true positive rate',
      x: r.map((i) => round(roc.fpr[i]!) ?? 0),
      series: [
        { name: 'model', values: r.map((i) => round(roc.tpr[i]!)) },
        { name: 'chance', values: r.map((i) => round(roc.fpr[i]!)) },
      ],
    });
    const pr = precisionRecallCurve(ctx.yTest, p1);
    const q = thin(pr.recall.length);
    const prevalence = ctx.yTest.reduce((a, v) => a + (v === 1 ? 1 : 0), 0) / ctx.yTest.length;
    out.push({
      kind: 'line',
      title: 'Precision–recall curve',
      xLabel: 'recall',
      yLabel: 'precision',
      x: q.map((i) => round(pr.recall[i]!) ?? 0),
      series: [{ name: 'model', values: q.map((i) => round(pr.precision[i]!)) }],
      marks: [{ name: 'positive share', value: round(prevalence) ?? 0, axis: 'y' }],
    });
  }
  const cm = confusionMatrix(ctx.yTest, preds.y, { classes: k });
  out.push({
    kind: 'bar',
    title: 'Confusion matrix (rows per true class, by predicted class)',
    xLabel: 'true class',
    yLabel: 'rows',
    labels: cm.labels.map((c) => classLabel(ctx, c)),
    series: cm.labels.map((p, j) => ({
      name: `predicted ${classLabel(ctx, p)}`,
      values: cm.labels.map((_, i) => cm.matrix.data[i * k + j]!),
    })),
  });
  return out;
}

/** The limits: the given ones, else 10% / 30% of the way from the naive score to a perfect one. */
function limits(metric: string, naive: number, params: PerformanceParams): Threshold {
  const bad = lowerIsBetter(metric) ? 'above' : 'below';
  if (params.warn !== null || params.fail !== null) {
    const t: Threshold = { bad };
    if (params.warn !== null) t.warn = params.warn;
    if (params.fail !== null) t.fail = params.fail;
    if (t.warn !== undefined && t.fail !== undefined && (bad === 'below' ? t.warn < t.fail : t.warn > t.fail))
      throw new LatheError(
        'INVALID_ARGUMENT',
        `check performance: warn (${t.warn}) must be ${bad === 'below' ? 'at least' : 'at most'} fail (${t.fail}) for ${metric}, where ${bad === 'below' ? 'higher' : 'lower'} is better`,
        { field: 'performance.warn' },
      );
    return t;
  }
  if (!Number.isFinite(naive)) return { bad };
  const perfect = bad === 'below' ? 1 : 0;
  return {
    bad,
    fail: round(naive + FAIL_SHARE * (perfect - naive)) ?? naive,
    warn: round(naive + WARN_SHARE * (perfect - naive)) ?? naive,
  };
}

/** Performance overall: the task's metrics on the test set, one compared with limits. */
export const performanceCheck: ValidationCheck<PerformanceParams> = {
  name: 'performance',
  title: 'Performance overall',
  description:
    "The task's standard metrics on the test set (accuracy, balanced accuracy, precision/recall/F1, ROC-AUC, PR-AUC, " +
    'log-loss and Brier for binary; macro/weighted F1, log-loss and one-vs-rest ROC-AUC for multiclass; MAE, RMSE, R² ' +
    'and MAPE for regression). One metric is compared with limits; by default the check fails when the model is less ' +
    'than 10% of the way from a naive model (majority class with class shares, or the mean) to a perfect one, and warns ' +
    'under 30% — a model barely better than one that knows nothing should not ship, whatever the domain.',
  tasks: ['binary', 'multiclass', 'regression'],
  params: PARAMS,
  parseParams(raw) {
    return readParams<PerformanceParams>('performance', PARAMS, raw, {
      metric: readMetric,
      warn: numberOrNull(Number.NEGATIVE_INFINITY, Number.POSITIVE_INFINITY),
      fail: numberOrNull(Number.NEGATIVE_INFINITY, Number.POSITIVE_INFINITY),
    });
  },
  async run(ctx, params): Promise<Omit<CheckResult, 'seconds'>> {
    const base = { check: 'performance', title: 'Performance overall', tables: [], charts: [] };
    const metric = resolveMetric('performance', ctx, params.metric, DEFAULT_PERFORMANCE_METRIC);
    const n = ctx.yTest.length;
    if (n === 0)
      return {
        ...base,
        status: 'skip',
        measure: metric,
        value: null,
        threshold: null,
        message: 'The test set has no rows.',
      };
    const k = ctx.task === 'regression' ? 0 : classCount(ctx);
    const metrics = metricsOf(ctx.task, k, ctx.yTest, ctx.candidate.test);
    const naiveMetrics = metricsOf(ctx.task, k, ctx.yTest, naivePredictions(ctx.task, k, ctx.yTest, n));
    const value = metrics[metric];
    if (value === undefined)
      return {
        ...base,
        status: 'skip',
        measure: metric,
        value: null,
        threshold: null,
        message: `${metric} cannot be computed on this test set (it needs every class present in the target).`,
      };
    const naive = naiveMetrics[metric] ?? Number.NaN;
    const threshold = limits(metric, naive, params);
    const status = statusOf(value, threshold);
    const dir = threshold.bad === 'below' ? 'below' : 'above';
    const lim = [
      threshold.fail !== undefined ? `fails ${dir} ${fmt(threshold.fail)}` : '',
      threshold.warn !== undefined ? `warns ${dir} ${fmt(threshold.warn)}` : '',
    ].filter(Boolean);
    const message =
      `${metric} is ${fmt(value)} on ${n} test rows (a naive model scores ${fmt(naive)})` +
      (lim.length ? `; the check ${lim.join(' and ')}.` : '; no limit is set.');
    const names = TASK_METRICS[ctx.task].filter((m) => metrics[m] !== undefined);
    return {
      ...base,
      status,
      measure: `${metric} on the test set`,
      value,
      threshold,
      message,
      tables: [
        {
          title: 'Metrics on the test set',
          columns: ['metric', 'value', 'naive model', 'better'],
          rows: names.map((m) => [
            m,
            round(metrics[m]!),
            round(naiveMetrics[m] ?? Number.NaN),
            lowerIsBetter(m) ? 'lower' : 'higher',
          ]),
        },
      ],
      charts: charts(ctx, k),
    };
  },
};
