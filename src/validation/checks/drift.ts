/**
 * The `drift` check: does the test set look like the data the model was trained on? Per feature,
 * numeric columns are compared with the two-sample Kolmogorov–Smirnov test and the population
 * stability index, categorical columns with the chi-squared homogeneity test and the
 * Jensen–Shannon distance.
 */
import { LatheError } from '../../core/index.js';
import type { ChartData, CheckResult, Frame, ValidationCheck, ValidationContext } from '../check.js';
import { integerIn, numberIn, readParams, statusOf } from '../check.js';
import {
  categoricalDrift,
  type DriftParams,
  distributionChart,
  type FeatureDrift,
  numericDrift,
} from './drift-features.js';
import { type Column, numericValues, round, sampleIndices, takeColumn } from './frame-tools.js';

export type { DriftParams } from './drift-features.js';

const PARAMS = {
  psiWarn: { help: 'PSI above which a numeric feature is reported as a moderate shift', default: 0.1 },
  psiFail: {
    help: 'PSI above which a numeric feature drifted (0.2: the common "significant shift")',
    default: 0.2,
  },
  ksPValue: { help: 'KS p-value below which a numeric feature may have drifted', default: 0.01 },
  ksMinStatistic: {
    help: 'smallest KS statistic (CDF gap) that counts as drift, so large samples do not flag tiny shifts',
    default: 0.1,
  },
  chiPValue: {
    help: 'chi-squared p-value below which a categorical feature may have drifted',
    default: 0.01,
  },
  jsMinDistance: {
    help: 'smallest Jensen–Shannon distance (base 2) that counts as categorical drift',
    default: 0.1,
  },
  bins: { help: 'PSI bins: quantiles of the training values', default: 10 },
  maxDrifted: {
    help: 'share of drifted features above which the check fails (any drifted feature warns)',
    default: 0.3,
  },
} as const;

/** Feature distribution train vs test: the share of features that drifted. */
export const driftCheck: ValidationCheck<DriftParams> = {
  name: 'drift',
  title: 'Feature distribution: train vs test (and production)',
  description:
    'Compares each input feature between the training and the test set: numeric features with the ' +
    'two-sample Kolmogorov–Smirnov test and the population stability index (PSI over training deciles), ' +
    'categorical features with the chi-squared homogeneity test and the Jensen–Shannon distance. A numeric ' +
    'feature drifted when PSI > 0.2 (the usual "significant shift") or KS p < 0.01 with a CDF gap of at ' +
    'least 0.1; a categorical one when chi-squared p < 0.01 and JS distance >= 0.1 (the minimum effects keep ' +
    'large samples from flagging negligible shifts). Any drifted feature warns: test metrics then describe ' +
    'other data than the model learned from. More than 30% drifted fails: the test set (or the world) no ' +
    'longer resembles the training data, so the validation results say little about either (stricter ' +
    "than Evidently's 50% dataset-drift share, since this is a launch gate).",
  tasks: ['binary', 'multiclass', 'regression'],
  params: PARAMS,
  parseParams(raw) {
    const p = readParams<DriftParams>('drift', PARAMS, raw, {
      psiWarn: numberIn(0, 100),
      psiFail: numberIn(0, 100),
      ksPValue: numberIn(0, 1),
      ksMinStatistic: numberIn(0, 1),
      chiPValue: numberIn(0, 1),
      jsMinDistance: numberIn(0, 1),
      bins: integerIn(2, 100),
      maxDrifted: numberIn(0, 1),
    });
    if (p.psiWarn > p.psiFail)
      throw new LatheError(
        'INVALID_ARGUMENT',
        `check drift: psiWarn must be <= psiFail (${p.psiFail}); got ${p.psiWarn}`,
        { field: 'drift.psiWarn' },
      );
    return p;
  },
  async run(ctx: ValidationContext, p: DriftParams): Promise<Omit<CheckResult, 'seconds'>> {
    const pairs = comparisons(ctx);
    const head = {
      check: 'drift',
      title: this.title,
      measure: `share of features that drifted (${pairs.length > 1 ? 'worst of ' : ''}${pairs.map((c) => c.name).join(', ') || 'train vs test'})`,
    };
    if (pairs.length === 0)
      return {
        ...head,
        status: 'skip',
        value: null,
        threshold: null,
        message:
          'Skipped: no training set or production sample was given (pass --train, --production or both to compare distributions).',
        tables: [],
        charts: [],
      };
    const threshold = { bad: 'above' as const, warn: 0, fail: p.maxDrifted };
    const results = pairs.map((pair, i) => ({ pair, ...compare(ctx, pair, p, ctx.seed + 2 * i) }));
    const worst = results.reduce((a, b) => (b.share > a.share ? b : a));
    const status = statusOf(worst.share, threshold);
    const message = results
      .map(({ pair, rows, drifted, share }) => {
        const named = drifted
          .slice(0, 5)
          .map(
            (r) =>
              `${r.feature} (${r.statistic === 'none' ? r.note : `${r.statistic.toUpperCase()} ${r.value}`})`,
          )
          .join(', ');
        const which = pairs.length > 1 ? `${pair.name}: ` : '';
        return drifted.length
          ? `${which}${drifted.length} of ${rows.length} features drifted (${Math.round(share * 100)}%): ${named}${drifted.length > 5 ? ', …' : ''}.`
          : `${which}${which ? 'n' : 'N'}o feature drifted among ${rows.length}.`;
      })
      .join(' ');
    const tail =
      status === 'fail'
        ? ` More than ${Math.round(p.maxDrifted * 100)}% of features drifted.`
        : worst.drifted.length === 0
          ? ` Every PSI <= ${p.psiFail}, JS distance < ${p.jsMinDistance} or differences not significant.`
          : '';
    const charts: ChartData[] = [];
    for (const { pair, rows, cols } of results) {
      charts.push({
        kind: 'bar',
        title: `Drift statistic per feature: ${pair.name}`,
        xLabel: 'feature',
        yLabel: 'PSI (numeric) / JS distance (categorical)',
        labels: rows.map((r) => r.feature),
        series: [
          { name: 'PSI', values: rows.map((r) => (r.statistic === 'psi' ? r.value : null)) },
          { name: 'JS distance', values: rows.map((r) => (r.statistic === 'js' ? r.value : null)) },
        ],
        marks: [
          { name: 'PSI limit', value: p.psiFail, axis: 'y' },
          { name: 'JS limit', value: p.jsMinDistance, axis: 'y' },
        ],
      });
      const top = rows.find((r) => cols.has(r.feature));
      if (top) {
        const [a, b] = cols.get(top.feature)!;
        charts.push(distributionChart(top, a, b, pair.labels));
      }
    }
    const sizes = pairs.flatMap((c) => [c.reference.rows, c.current.rows]);
    const largest = Math.max(...sizes);
    return {
      ...head,
      status,
      value: round(worst.share),
      threshold,
      message: `${message}${tail}`.trim(),
      tables: results.map(({ pair, rows }) => ({
        title: `Drift per feature, ${pair.name} (drifted first)`,
        columns: ['feature', 'kind', 'statistic', 'value', 'threshold', 'ks', 'pValue', 'drifted', 'note'],
        rows: rows.map((r) => [
          r.feature,
          r.kind,
          r.statistic,
          r.value,
          r.threshold,
          r.ks,
          r.pValue,
          r.drifted,
          r.note,
        ]),
      })),
      charts,
      // The largest side when one was sampled.
      ...(largest > ctx.sampleSize ? { sample: { rows: ctx.sampleSize, of: largest } } : {}),
    };
  },
};

/** Two frames compared: the reference (what the model learned from) and the current one. */
interface Comparison {
  name: string;
  labels: [string, string];
  reference: Frame;
  current: Frame;
}

/** Train vs test, and vs the production sample (from train, or from test when there is no train). */
function comparisons(ctx: ValidationContext): Comparison[] {
  const out: Comparison[] = [];
  if (ctx.train)
    out.push({ name: 'train vs test', labels: ['train', 'test'], reference: ctx.train, current: ctx.test });
  if (ctx.production) {
    const [reference, label] = ctx.train ? [ctx.train, 'train'] : [ctx.test, 'test'];
    out.push({
      name: `${label} vs production`,
      labels: [label, 'production'],
      reference,
      current: ctx.production,
    });
  }
  return out;
}

/** Per-feature drift of one comparison, drifted features first. */
function compare(
  ctx: ValidationContext,
  pair: Comparison,
  p: DriftParams,
  seed: number,
): { rows: FeatureDrift[]; drifted: FeatureDrift[]; share: number; cols: Map<string, [Column, Column]> } {
  const refIdx = sampleIndices(pair.reference.rows, ctx.sampleSize, seed);
  const curIdx = sampleIndices(pair.current.rows, ctx.sampleSize, seed + 1);
  const rows: FeatureDrift[] = [];
  const cols = new Map<string, [Column, Column]>();
  for (const f of ctx.features) {
    const ta = pair.reference.columns[f];
    const tb = pair.current.columns[f];
    if (!ta || !tb) {
      rows.push({
        feature: f,
        kind: 'categorical',
        statistic: 'none',
        value: null,
        threshold: null,
        ks: null,
        pValue: null,
        drifted: true,
        score: Number.POSITIVE_INFINITY,
        note: `column missing from ${ta ? pair.labels[1] : pair.labels[0]}`,
      });
      continue;
    }
    const a = takeColumn(ta, refIdx);
    const b = takeColumn(tb, curIdx);
    cols.set(f, [a, b]);
    const na = numericValues(a);
    const nb = numericValues(b);
    rows.push(na && nb ? numericDrift(f, na, nb, p) : categoricalDrift(f, a, b, p));
  }
  rows.sort((x, y) => Number(y.drifted) - Number(x.drifted) || y.score - x.score);
  const drifted = rows.filter((r) => r.drifted);
  return { rows, drifted, share: rows.length ? drifted.length / rows.length : 0, cols };
}
