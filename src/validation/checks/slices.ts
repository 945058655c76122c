/**
 * The `slices` check: a metric on slices of the test set (each frequent value of a categorical
 * column, quantile bins of a numeric one, and user-defined filters), the weakest slices ranked by
 * their gap to the overall metric weighted by their share of rows.
 */
import { LatheError } from '../../core/index.js';
import {
  type CheckResult,
  readParams,
  statusOf,
  type Threshold,
  type ValidationCheck,
  type ValidationTask,
} from '../check.js';
import {
  classCount,
  fmt,
  isUnitScore,
  lowerIsBetter,
  metricsOf,
  numberOrNull,
  readMetric,
  resolveMetric,
  round,
  sampleRows,
} from './performance-metrics.js';
import { autoSlices, readSliceFilters, type Slice, type SliceFilter, userSlices } from './slices-build.js';

/** Parameters of the slices check. */
export interface SlicesParams extends Record<string, unknown> {
  metric: string | null;
  minSize: number | null;
  bins: number;
  slices: SliceFilter[];
  top: number;
  warn: number | null;
  fail: number | null;
}

/** The metric compared per slice when none is named. */
const DEFAULT_SLICE_METRIC: Record<ValidationTask, string> = {
  binary: 'accuracy',
  multiclass: 'accuracy',
  regression: 'mae',
};

/** Default limits of the gap: absolute for 0..1 scores, relative to the overall value for losses. */
const UNIT_LIMITS = { warn: 0.05, fail: 0.1 };
const RELATIVE_LIMITS = { warn: 0.25, fail: 0.5 };

const PARAMS = {
  metric: {
    help: 'The metric per slice (default accuracy for classifiers, mae for regression).',
    default: null,
  },
  minSize: {
    help: 'Automatic slices need at least this many rows (default: the larger of 50 and 1% of the rows).',
    default: null,
  },
  bins: { help: 'Quantile bins per numeric column.', default: 4 },
  slices: {
    help: 'User-defined slices: a list of {name, column, op, value}, op one of =, !=, <, <=, >, >=, in.',
    default: [],
  },
  top: { help: 'How many of the weakest slices the table and chart show.', default: 10 },
  warn: {
    help: 'Warn when a slice is worse than overall by more than this gap (default 0.05 for 0..1 scores; 0.25, i.e. 25% worse, for losses and errors).',
    default: null,
  },
  fail: {
    help: 'Fail when a slice is worse than overall by more than this gap (default 0.10 for 0..1 scores; 0.5, i.e. 50% worse, for losses and errors).',
    default: null,
  },
};

/** A measured slice. */
interface Measured {
  slice: Slice;
  value: number;
  gap: number;
  weighted: number;
}

function integerOrNull(min: number): (v: unknown) => number | null {
  return (v) => {
    if (v === null) return null;
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min)
      throw new Error(`must be an integer ≥ ${min} or null; got ${JSON.stringify(v)}`);
    return v;
  };
}

function integerIn(min: number, max: number): (v: unknown) => number {
  return (v) => {
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max)
      throw new Error(`must be an integer in ${min}..${max}; got ${JSON.stringify(v)}`);
    return v;
  };
}

/** Performance by slice: the weakest slices ranked by size-weighted gap to the overall metric. */
export const slicesCheck: ValidationCheck<SlicesParams> = {
  name: 'slices',
  title: 'Performance by slice',
  description:
    'Computes a metric on slices of the test set — each value of a categorical column with enough rows, quantile ' +
    'bins of numeric columns, and user-defined filters — and ranks the weakest by their gap to the overall metric ' +
    'times their share of rows, so a large slice that is a little worse ranks above a tiny one that is noisy. The value ' +
    'is the largest gap. Defaults: warn above 0.05 and fail above 0.10 for 0..1 scores such as accuracy (a slice ten ' +
    'points worse than average is a group the model fails); for losses and errors the gap is relative to the overall ' +
    'value, warn above 25% worse and fail above 50% worse.',
  tasks: ['binary', 'multiclass', 'regression'],
  params: PARAMS,
  columns: (p) => p.slices.map((s) => s.column),
  parseParams(raw) {
    return readParams<SlicesParams>('slices', PARAMS, raw, {
      metric: readMetric,
      minSize: integerOrNull(1),
      bins: integerIn(2, 50),
      slices: readSliceFilters,
      top: integerIn(1, 1000),
      warn: numberOrNull(0, Number.POSITIVE_INFINITY),
      fail: numberOrNull(0, Number.POSITIVE_INFINITY),
    });
  },
  async run(ctx, params): Promise<Omit<CheckResult, 'seconds'>> {
    const base = { check: 'slices', title: 'Performance by slice', tables: [], charts: [] };
    const metric = resolveMetric('slices', ctx, params.metric, DEFAULT_SLICE_METRIC);
    const unit = isUnitScore(metric);
    const limits = unit ? UNIT_LIMITS : RELATIVE_LIMITS;
    const threshold: Threshold = {
      bad: 'above',
      warn: params.warn ?? limits.warn,
      fail: params.fail ?? limits.fail,
    };
    if (threshold.warn! > threshold.fail!)
      throw new LatheError(
        'INVALID_ARGUMENT',
        `check slices: warn (${threshold.warn}) must not be above fail (${threshold.fail})`,
        { field: 'slices.warn' },
      );
    const measure = unit
      ? `largest ${metric} gap of a slice below the overall value`
      : `largest relative ${metric} excess of a slice over the overall value`;
    const n = ctx.yTest.length;
    const rows = sampleRows(n, ctx.sampleSize, ctx.seed);
    const used = rows.length;
    const sample = used < n ? { sample: { rows: used, of: n } } : {};
    const minSize = params.minSize ?? Math.max(50, Math.ceil(0.01 * used));
    const k = ctx.task === 'regression' ? 0 : classCount(ctx);
    const overall = metricsOf(ctx.task, k, ctx.yTest, ctx.candidate.test, rows)[metric];
    const user = userSlices(ctx.test, params.slices, rows);
    const empty = user.filter((s) => s.rows.length === 0).map((s) => s.name);
    const slices = [...autoSlices(ctx.test, ctx.features, rows, minSize, params.bins), ...user];
    if (overall === undefined || slices.length === 0)
      return {
        ...base,
        ...sample,
        status: 'skip',
        measure,
        value: null,
        threshold,
        message:
          overall === undefined
            ? `${metric} cannot be computed on the test set.`
            : `No slice has at least ${minSize} of the ${used} rows; nothing to compare.`,
      };
    const worse = lowerIsBetter(metric) ? 1 : -1;
    const measured: Measured[] = [];
    for (const slice of slices) {
      const value = metricsOf(ctx.task, k, ctx.yTest, ctx.candidate.test, slice.rows)[metric];
      if (value === undefined || !Number.isFinite(value)) continue;
      const raw = worse * (value - overall);
      const gap = unit ? raw : raw / Math.max(Math.abs(overall), 1e-12);
      measured.push({ slice, value, gap, weighted: (gap * slice.rows.length) / used });
    }
    if (measured.length === 0)
      return {
        ...base,
        ...sample,
        status: 'skip',
        measure,
        value: null,
        threshold,
        message: `${metric} could not be computed on any slice (each holds a single class).`,
      };
    measured.sort((a, b) => b.weighted - a.weighted || b.gap - a.gap);
    const largest = measured.reduce((m, s) => (s.gap > m.gap ? s : m));
    const value = largest.gap;
    const status = statusOf(value, threshold);
    const shown = measured.slice(0, params.top);
    const first = measured[0]!;
    const gapText = (s: Measured) => (unit ? `a gap of ${fmt(s.gap)}` : `${fmt(100 * s.gap)}% worse`);
    const describe = (s: Measured) =>
      `${s.slice.name} (${s.slice.rows.length} rows, ${fmt((100 * s.slice.rows.length) / used)}%): ${metric} ${fmt(s.value)} against ${fmt(overall)} overall, ${gapText(s)}`;
    const message =
      (first.gap <= 0
        ? `No slice is worse than overall on ${metric} (${fmt(overall)}) across ${measured.length} slices.`
        : `Weakest slice by size-weighted gap: ${describe(first)}.` +
          (largest !== first ? ` Largest gap: ${describe(largest)}.` : '')) +
      ` ${status === 'pass' ? 'Within' : 'Beyond'} the limits (warn above ${fmt(threshold.warn!)}, fail above ${fmt(threshold.fail!)}).` +
      (empty.length ? ` User-defined slices matching no row: ${empty.join(', ')}.` : '');
    return {
      ...base,
      ...sample,
      status,
      measure,
      value,
      threshold,
      message,
      tables: [
        {
          title: `Weakest slices by size-weighted gap (${measured.length} slices of at least ${minSize} rows)`,
          columns: ['slice', 'rows', metric, unit ? 'gap' : 'relative gap', 'weighted gap'],
          rows: shown.map((s) => [
            s.slice.name,
            s.slice.rows.length,
            round(s.value),
            round(s.gap),
            round(s.weighted),
          ]),
        },
      ],
      charts: [
        {
          kind: 'bar',
          title: `${metric} of the weakest slices`,
          xLabel: 'slice',
          yLabel: metric,
          labels: shown.map((s) => s.slice.name),
          series: [{ name: metric, values: shown.map((s) => round(s.value)) }],
          marks: [{ name: 'overall', value: round(overall) ?? 0, axis: 'y' }],
        },
      ],
    };
  },
};
