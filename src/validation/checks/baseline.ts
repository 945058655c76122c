/**
 * The `baseline` check: the candidate against a naive model (majority class / mean of the training
 * target) and, when given, the current champion: metric deltas (candidate − baseline) with
 * absolute and relative tolerances, and how far the candidate's predictions move from the
 * champion's on the same rows.
 */
import {
  type ChartData,
  type CheckResult,
  readParams,
  statusOf,
  type Threshold,
  type ValidationCheck,
} from '../check.js';
import { baselineShift, shiftCharts } from './baseline-shift.js';
import {
  classCount,
  fmt,
  isUnitScore,
  lowerIsBetter,
  metricsOf,
  naivePredictions,
  numberOrNull,
  readMetric,
  resolveMetric,
  round,
  TASK_METRICS,
} from './performance-metrics.js';
import { DEFAULT_PERFORMANCE_METRIC } from './performance.js';

/** Parameters of the baseline check. */
export interface BaselineParams extends Record<string, unknown> {
  metric: string | null;
  maxDrop: number | null;
  maxRelativeDrop: number | null;
}

/** Default tolerances of a drop against the champion. */
const DEFAULT_MAX_DROP = 0.01;
const DEFAULT_MAX_RELATIVE_DROP = 0.02;

const PARAMS = {
  metric: {
    help: 'The metric compared (default: roc_auc for binary, accuracy for multiclass, r2 for regression).',
    default: null,
  },
  maxDrop: {
    help: 'Fail when the candidate is worse than the champion by more than this, in metric units (default 0.01 for 0..1 scores, none for losses and errors).',
    default: null,
  },
  maxRelativeDrop: {
    help: "Fail when the candidate is worse than the champion by more than this share of the champion's value (default 0.02).",
    default: DEFAULT_MAX_RELATIVE_DROP,
  },
};

/** The candidate against a naive baseline and the champion. */
export const baselineCheck: ValidationCheck<BaselineParams> = {
  name: 'baseline',
  title: 'Against a baseline',
  description:
    'Compares the candidate with a naive model (the majority class with the class shares as probabilities, or the ' +
    'mean, learned from the training target, else the test target) and, when given, the current champion on the ' +
    'same test rows: the delta (candidate − baseline) of every metric, and how far predictions move (agreement of ' +
    'predicted classes, Kolmogorov–Smirnov statistic of the probabilities or predictions). The check fails when the ' +
    'candidate is worse than the naive model, or worse than the champion by more than the tolerance (default: 0.01 ' +
    'for 0..1 scores and 2% of the champion’s value, whichever is smaller — about the noise of a retrain), and warns ' +
    'on any smaller drop.',
  tasks: ['binary', 'multiclass', 'regression'],
  params: PARAMS,
  parseParams(raw) {
    return readParams<BaselineParams>('baseline', PARAMS, raw, {
      metric: readMetric,
      maxDrop: numberOrNull(0, Number.POSITIVE_INFINITY),
      maxRelativeDrop: numberOrNull(0, 10),
    });
  },
  async run(ctx, params): Promise<Omit<CheckResult, 'seconds'>> {
    const base = { check: 'baseline', title: 'Against a baseline', tables: [], charts: [] };
    const metric = resolveMetric('baseline', ctx, params.metric, DEFAULT_PERFORMANCE_METRIC);
    const n = ctx.yTest.length;
    const k = ctx.task === 'regression' ? 0 : classCount(ctx);
    const lower = lowerIsBetter(metric);
    const reference = ctx.yTrain && ctx.yTrain.length > 0 ? 'training' : 'test';
    const naive = naivePredictions(
      ctx.task,
      k,
      ctx.yTrain && ctx.yTrain.length > 0 ? ctx.yTrain : ctx.yTest,
      n,
    );
    const cand = metricsOf(ctx.task, k, ctx.yTest, ctx.candidate.test);
    const naiveM = metricsOf(ctx.task, k, ctx.yTest, naive);
    const champ = ctx.baseline ? metricsOf(ctx.task, k, ctx.yTest, ctx.baseline.test) : undefined;
    const c = cand[metric];
    const measureOf = (what: string) =>
      `${metric} delta (candidate − ${what}; ${lower ? 'lower' : 'higher'} is better)`;
    if (c === undefined || n === 0)
      return {
        ...base,
        status: 'skip',
        measure: measureOf('baseline'),
        value: null,
        threshold: null,
        message: `${metric} cannot be computed on this test set.`,
      };
    const sign = lower ? -1 : 1; // improvement = sign × delta
    const dNaive = c - naiveM[metric]!;
    const naiveWorse = sign * dNaive < 0;
    const naiveText = `${metric} ${fmt(c)} against ${fmt(naiveM[metric]!)} for the naive model (majority class / mean of the ${reference} target)`;
    const tables: CheckResult['tables'] = [];
    const charts: ChartData[] = [];
    const names = TASK_METRICS[ctx.task].filter((m) => cand[m] !== undefined);
    tables.push({
      title: 'Metric deltas (candidate − baseline)',
      columns: [
        'metric',
        'better',
        'candidate',
        'naive',
        'Δ naive',
        ...(champ ? ['champion', 'Δ champion'] : []),
      ],
      rows: names.map((m) => [
        m,
        lowerIsBetter(m) ? 'lower' : 'higher',
        round(cand[m]!),
        round(naiveM[m] ?? Number.NaN),
        round(cand[m]! - (naiveM[m] ?? Number.NaN)),
        ...(champ ? [round(champ[m] ?? Number.NaN), round(cand[m]! - (champ[m] ?? Number.NaN))] : []),
      ]),
    });
    const champValue = champ?.[metric];
    charts.push({
      kind: 'bar',
      title: `${metric}: naive model, champion and candidate`,
      yLabel: metric,
      labels: ['naive', ...(champValue !== undefined ? ['champion'] : []), 'candidate'],
      series: [
        {
          name: metric,
          values: [
            round(naiveM[metric]!),
            ...(champValue !== undefined ? [round(champValue)] : []),
            round(c),
          ],
        },
      ],
    });
    if (ctx.baseline === undefined || champValue === undefined) {
      const threshold: Threshold = { bad: lower ? 'above' : 'below', fail: 0 };
      const why =
        ctx.baseline === undefined
          ? 'No champion was given, so the candidate is compared with the naive model only.'
          : `${metric} cannot be computed for the champion ${ctx.baseline.ref}; compared with the naive model only.`;
      return {
        ...base,
        status: statusOf(dNaive, threshold),
        measure: measureOf('naive model'),
        value: dNaive,
        threshold,
        message: `${naiveWorse ? 'Worse than a naive model' : 'Better than a naive model'}: ${naiveText}. ${why}`,
        tables,
        charts,
      };
    }
    const ref = ctx.baseline;
    const dChamp = c - champValue;
    const maxDrop = params.maxDrop ?? (isUnitScore(metric) ? DEFAULT_MAX_DROP : null);
    const limits = [
      ...(maxDrop !== null ? [maxDrop] : []),
      ...(params.maxRelativeDrop !== null ? [params.maxRelativeDrop * Math.abs(champValue)] : []),
    ];
    const tolerance = limits.length ? Math.min(...limits) : Number.POSITIVE_INFINITY;
    const threshold: Threshold = lower
      ? { bad: 'above', warn: 0, ...(Number.isFinite(tolerance) ? { fail: tolerance } : {}) }
      : { bad: 'below', warn: 0, ...(Number.isFinite(tolerance) ? { fail: -tolerance } : {}) };
    let status = statusOf(dChamp, threshold);
    if (naiveWorse) status = 'fail';
    const shift = baselineShift(ctx, k);
    tables.push(shift.table);
    charts.push(...shiftCharts(ctx, k));
    const better = sign * dChamp >= 0;
    const message =
      `${better ? 'Not worse than' : 'Worse than'} the champion ${ref.ref}: ${metric} ${fmt(c)} against ${fmt(champValue)} ` +
      `(delta ${fmt(dChamp)}; fails beyond a drop of ${Number.isFinite(tolerance) ? fmt(tolerance) : '(no limit)'}). ` +
      `${naiveWorse ? 'Worse than a naive model: ' : 'Against the naive model: '}${naiveText}. ${shift.summary}`;
    return {
      ...base,
      status,
      measure: measureOf('champion'),
      value: dChamp,
      threshold,
      message,
      tables,
      charts,
    };
  },
};
