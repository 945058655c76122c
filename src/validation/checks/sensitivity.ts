/**
 * The `sensitivity` check: how much do predictions move when numeric inputs move a little (random
 * noise scaled to each feature's spread) or a lot (extreme values)? A model whose answers flip
 * under measurement-sized noise is brittle; the features it is most sensitive to are named.
 */
import { LatheError } from '../../core/index.js';
import { SeededRandom } from '../../ml/index.js';
import { quantile } from '../../stats/index.js';
import type { CheckResult, Frame, ValidationCheck, ValidationContext } from '../check.js';
import { numberIn, readParams, statusOf } from '../check.js';
import {
  changedCount,
  meanStd,
  numericValues,
  round,
  sampleIndices,
  takeRows,
  withColumn,
} from './frame-tools.js';

/** Parameters of the sensitivity check. */
export interface SensitivityParams extends Record<string, unknown> {
  scale: number;
  tolerance: number;
  warn: number;
  fail: number;
}

const PARAMS = {
  scale: {
    help: "noise standard deviation, as a multiple of each feature's standard deviation",
    default: 0.1,
  },
  tolerance: {
    help: 'regression: a prediction changed when it moved by more than tolerance × max(|prediction|, std of the predictions)',
    default: 0.25,
  },
  warn: { help: 'share of predictions changed by noise above which the check warns', default: 0.05 },
  fail: { help: 'share of predictions changed by noise above which the check fails', default: 0.15 },
} as const;

interface FeatureRow {
  feature: string;
  std: number;
  noise: number;
  percentiles: number | null;
  beyond: number | null;
  note: string;
}

/** Sensitivity to noise and extreme values: the share of predictions that change under noise. */
export const sensitivityCheck: ValidationCheck<SensitivityParams> = {
  name: 'sensitivity',
  title: 'Sensitivity to noise and extreme values',
  description:
    "Adds Gaussian noise of 0.1 × each numeric feature's standard deviation to the test rows and counts " +
    'the predictions that change (classifiers: a different label; regression: a move beyond 0.25 × the ' +
    'larger of the prediction and the standard deviation of the predictions, 2.5 times what such noise ' +
    'moves a smooth linear model). Each feature is then perturbed alone, with the same noise and with ' +
    'extreme values (its 1st and 99th percentiles, and min − range, max + range), to rank the features the model is most ' +
    'sensitive to. Noise of a tenth of a standard deviation is within measurement error for most ' +
    'data, so a robust model changes few answers: more than 5% changed warns, more than 15% fails. ' +
    'Text features are left as they are (the stress check tries unseen categories).',
  tasks: ['binary', 'multiclass', 'regression'],
  params: PARAMS,
  parseParams(raw) {
    const p = readParams<SensitivityParams>('sensitivity', PARAMS, raw, {
      scale: numberIn(0, 10),
      tolerance: numberIn(0, 100),
      warn: numberIn(0, 1),
      fail: numberIn(0, 1),
    });
    if (p.warn > p.fail)
      throw new LatheError(
        'INVALID_ARGUMENT',
        `check sensitivity: warn must be <= fail (${p.fail}); got ${p.warn}`,
        {
          field: 'sensitivity.warn',
        },
      );
    return p;
  },
  async run(ctx: ValidationContext, p: SensitivityParams): Promise<Omit<CheckResult, 'seconds'>> {
    const head = {
      check: 'sensitivity',
      title: this.title,
      measure: 'share of predictions changed by noise on the numeric inputs',
    };
    const idx = sampleIndices(ctx.test.rows, ctx.sampleSize, ctx.seed);
    const frame = takeRows(ctx.test, ctx.features, idx);
    // Columns of whole numbers (counts, integer-typed inputs) stay whole under noise and extremes:
    // a model that reads integers refuses fractions.
    const numeric = ctx.features
      .map((f) => {
        const v = numericValues(frame.columns[f]);
        return { f, v, whole: v?.every((x) => !Number.isFinite(x) || Number.isInteger(x)) };
      })
      .filter(
        (x): x is { f: string; v: Float64Array; whole: boolean } => x.v !== null && meanStd(x.v).std > 0,
      );
    if (numeric.length === 0 || frame.rows === 0)
      return {
        ...head,
        status: 'skip',
        value: null,
        threshold: null,
        message: 'Skipped: the model has no numeric input with any spread to perturb.',
        tables: [],
        charts: [],
      };
    const classifier = ctx.task !== 'regression';
    const base = (await ctx.candidate.predict(frame)).y;
    const spread = classifier ? 0 : meanStd(base).std;
    const n = frame.rows;
    const share = async (f: Frame) =>
      changedCount(base, (await ctx.candidate.predict(f)).y, classifier, p.tolerance, spread) / n;

    const rng = new SeededRandom(ctx.seed);
    const noisy = new Map<string, Float64Array>();
    for (const { f, v, whole } of numeric) {
      const sd = meanStd(v).std;
      noisy.set(
        f,
        v.map((x) => {
          const y = x + p.scale * sd * rng.normal();
          return whole ? Math.round(y) : y;
        }),
      );
    }
    let all = frame;
    for (const [f, col] of noisy) all = withColumn(all, f, col);
    const overall = await share(all);

    const rows: FeatureRow[] = [];
    for (const { f, v, whole } of numeric) {
      const { std, min, max } = meanStd(v);
      const range = max - min;
      const [q1, q99] = quantile(v, [0.01, 0.99]) as [number, number];
      const [p1, p99] = whole ? [Math.round(q1), Math.round(q99)] : [q1, q99];
      const constant = (x: number) => withColumn(frame, f, new Float64Array(n).fill(x));
      const notes: string[] = [];
      const extreme = async (values: number[]) => {
        let worst = 0;
        for (const x of values) {
          try {
            worst = Math.max(worst, await share(constant(x)));
          } catch (err) {
            notes.push(`refused ${round(x)}: ${(err as Error).message}`);
            return null;
          }
        }
        return round(worst);
      };
      rows.push({
        feature: f,
        std: round(std),
        noise: round(await share(withColumn(frame, f, noisy.get(f)!))),
        percentiles: await extreme([p1, p99]),
        beyond: await extreme([min - range, max + range]),
        note: notes.join('; '),
      });
    }
    rows.sort((a, b) => b.noise - a.noise || (b.beyond ?? 1) - (a.beyond ?? 1));

    const threshold = { bad: 'above' as const, warn: p.warn, fail: p.fail };
    const status = statusOf(overall, threshold);
    const pct = (x: number) => `${round(x * 100, 3)}%`;
    const what = classifier
      ? 'labels flipped'
      : `predictions moved by more than ${p.tolerance} × max(|prediction|, ${round(spread)} = std of predictions)`;
    const top = rows.filter((r) => r.noise > 0).slice(0, 3);
    const message =
      `Noise of ${p.scale} standard deviations on ${numeric.length} numeric features: ${pct(overall)} of ` +
      `${n} ${what} (warn above ${pct(p.warn)}, fail above ${pct(p.fail)}). ` +
      (top.length
        ? `Most sensitive: ${top.map((r) => `${r.feature} (${pct(r.noise)} alone)`).join(', ')}.`
        : 'No single feature changed any prediction alone.');
    return {
      ...head,
      status,
      value: round(overall),
      threshold,
      message,
      tables: [
        {
          title: 'Features by sensitivity (share of predictions changed when only that feature is perturbed)',
          columns: ['feature', 'std', 'noise', 'percentiles', 'beyondRange', 'note'],
          rows: rows.map((r) => [r.feature, r.std, r.noise, r.percentiles, r.beyond, r.note]),
        },
      ],
      charts: [
        {
          kind: 'bar',
          title: 'Share of predictions changed per feature',
          xLabel: 'feature',
          yLabel: 'share changed',
          labels: rows.map((r) => r.feature),
          series: [
            { name: `noise ${p.scale}·std`, values: rows.map((r) => r.noise) },
            { name: '1st/99th percentile', values: rows.map((r) => r.percentiles) },
            { name: 'beyond range', values: rows.map((r) => r.beyond) },
          ],
          marks: [
            { name: 'warn', value: p.warn, axis: 'y' },
            { name: 'fail', value: p.fail, axis: 'y' },
          ],
        },
      ],
      ...(ctx.test.rows > n ? { sample: { rows: n, of: ctx.test.rows } } : {}),
    };
  },
};
