/**
 * The `calibration` check: whether a classifier's probabilities mean what they say. The reliability
 * curve (observed frequency against mean predicted probability per bin) and the expected
 * calibration error: binary on the positive class, multiclass on the top label (confidence of the
 * predicted class against whether it was right).
 */
import { LatheError } from '../../core/index.js';
import { calibrationCurve } from '../../ml/index.js';
import { histogram, histogramEdges } from '../../stats/index.js';
import {
  type CheckResult,
  numberIn,
  readParams,
  statusOf,
  type Threshold,
  type ValidationCheck,
} from '../check.js';
import { classCount, classLabel, fmt, round } from './performance-metrics.js';

/** Parameters of the calibration check. */
export interface CalibrationParams extends Record<string, unknown> {
  bins: number;
  strategy: 'uniform' | 'quantile';
  warn: number;
  fail: number;
}

const PARAMS = {
  bins: { help: 'Probability bins of the reliability curve.', default: 10 },
  strategy: {
    help: 'Bins of equal width on [0, 1] (uniform) or of equal row counts (quantile).',
    default: 'uniform',
  },
  warn: { help: 'Warn when the expected calibration error is above this.', default: 0.05 },
  fail: { help: 'Fail when the expected calibration error is above this.', default: 0.1 },
};

/**
 * The scores and outcomes calibration is measured on: P(positive) and y = positive (binary), or
 * the top-label confidence and y = predicted class was right (multiclass).
 */
function scoresAndOutcomes(y: Float64Array, proba: Float64Array, k: number, binary: boolean) {
  const n = y.length;
  const score = new Float64Array(n);
  const outcome = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    if (binary) {
      score[i] = proba[i * k + 1]!;
      outcome[i] = y[i] === 1 ? 1 : 0;
      continue;
    }
    let top = 0;
    for (let c = 1; c < k; c++) if (proba[i * k + c]! > proba[i * k + top]!) top = c;
    score[i] = proba[i * k + top]!;
    outcome[i] = y[i] === top ? 1 : 0;
  }
  // Clamp rounding noise (1.0000000000000002) so the curve accepts the values.
  for (let i = 0; i < n; i++) score[i] = Math.min(1, Math.max(0, score[i]!));
  return { score, outcome };
}

/** Calibration of a classifier: the reliability curve and expected calibration error. */
export const calibrationCheck: ValidationCheck<CalibrationParams> = {
  name: 'calibration',
  title: 'Calibration',
  description:
    'Whether predicted probabilities match observed frequencies: rows are binned by predicted probability (binary: ' +
    'of the positive class; multiclass: of the predicted class, the top-label view) and each bin’s mean prediction is ' +
    'compared with how often the event happened. The expected calibration error (ECE) is the row-weighted mean of ' +
    'those differences. Defaults: warn above 0.05 and fail above 0.10 — probabilities off by ten points on average ' +
    'mislead any decision taken on a probability cut-off, expected cost or ranking by risk.',
  tasks: ['binary', 'multiclass'],
  params: PARAMS,
  parseParams(raw) {
    const p = readParams<CalibrationParams>('calibration', PARAMS, raw, {
      bins: (v) => {
        const x = numberIn(2, 100)(v);
        if (!Number.isInteger(x)) throw new Error(`must be an integer in 2..100; got ${JSON.stringify(v)}`);
        return x;
      },
      strategy: (v) => {
        if (v !== 'uniform' && v !== 'quantile')
          throw new Error(`must be uniform or quantile; got ${JSON.stringify(v)}`);
        return v;
      },
      warn: numberIn(0, 1),
      fail: numberIn(0, 1),
    });
    if (p.warn > p.fail)
      throw new LatheError(
        'INVALID_ARGUMENT',
        `check calibration: warn (${p.warn}) must not be above fail (${p.fail})`,
        {
          field: 'calibration.warn',
        },
      );
    return p;
  },
  async run(ctx, params): Promise<Omit<CheckResult, 'seconds'>> {
    const base = { check: 'calibration', title: 'Calibration', tables: [], charts: [] };
    const threshold: Threshold = { bad: 'above', warn: params.warn, fail: params.fail };
    const measure = 'expected calibration error';
    const proba = ctx.candidate.test.proba;
    const skip = (message: string) => ({
      ...base,
      status: 'skip' as const,
      measure,
      value: null,
      threshold: null,
      message,
    });
    if (ctx.task === 'regression')
      return skip('Calibration applies to classifiers; this is a regression model.');
    if (proba === undefined) return skip(`${ctx.candidate.ref} gives no class probabilities.`);
    const n = ctx.yTest.length;
    if (n === 0) return skip('The test set has no rows.');
    const k = classCount(ctx);
    const binary = ctx.task === 'binary';
    const { score, outcome } = scoresAndOutcomes(ctx.yTest, proba, k, binary);
    const curve = calibrationCurve(outcome, score, { bins: params.bins, strategy: params.strategy });
    let ece = 0;
    let worst = 0;
    for (let b = 0; b < curve.counts.length; b++) {
      const gap = Math.abs(curve.probTrue[b]! - curve.probPred[b]!);
      ece += (curve.counts[b]! / n) * gap;
      if (gap > Math.abs(curve.probTrue[worst]! - curve.probPred[worst]!)) worst = b;
    }
    const status = statusOf(ece, threshold);
    const what = binary ? `P(${classLabel(ctx, 1)})` : 'the predicted class’s probability';
    const over = curve.probPred[worst]! > curve.probTrue[worst]!;
    const message =
      `Expected calibration error ${fmt(ece)} over ${n} rows on ${what} (warn above ${fmt(params.warn)}, fail above ${fmt(params.fail)}). ` +
      `Worst bin: mean prediction ${fmt(curve.probPred[worst]!)} against ${fmt(curve.probTrue[worst]!)} observed ` +
      `(${curve.counts[worst]} rows, ${over ? 'over' : 'under'}-confident).`;
    const h = histogram(score, histogramEdges(0, 1, params.bins));
    const observed = binary ? 'observed positive share' : 'observed accuracy';
    return {
      ...base,
      status,
      measure,
      value: ece,
      threshold,
      message,
      tables: [
        {
          title: 'Reliability by probability bin',
          columns: ['bin', 'rows', 'mean predicted', observed, 'gap'],
          rows: Array.from(curve.counts, (c, b) => [
            b + 1,
            c,
            round(curve.probPred[b]!),
            round(curve.probTrue[b]!),
            round(curve.probTrue[b]! - curve.probPred[b]!),
          ]),
        },
      ],
      charts: [
        {
          kind: 'line',
          title: 'Reliability curve',
          xLabel: `mean predicted ${binary ? 'probability' : 'confidence'}`,
          yLabel: observed,
          x: Array.from(curve.probPred, (p) => round(p) ?? 0),
          series: [
            { name: 'model', values: Array.from(curve.probTrue, (p) => round(p)) },
            { name: 'perfectly calibrated', values: Array.from(curve.probPred, (p) => round(p)) },
          ],
        },
        {
          kind: 'histogram',
          title: `Predicted ${binary ? 'probabilities' : 'confidences'}`,
          xLabel: binary ? `P(${classLabel(ctx, 1)})` : 'top-class probability',
          yLabel: 'rows',
          x: h.edges.slice(0, -1).map((e) => round(e) ?? 0),
          series: [{ name: 'rows', values: h.counts }],
        },
      ],
    };
  },
};
