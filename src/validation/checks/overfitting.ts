/**
 * The `overfitting` check: the gap between the candidate's training and test metric (overfitting),
 * both metrics below a floor (underfitting), and a learning curve — a small model refitted on
 * growing shares of the training rows and scored on the test rows — and, for boosted models, the
 * test metric by boosting round: rounds past the optimum.
 */
import { LatheError } from '../../core/index.js';
import { SeededRandom } from '../../ml/index.js';
import {
  type ChartData,
  type CheckResult,
  type CheckTable,
  type FramePredictions,
  integerIn,
  numberIn,
  readParams,
  statusOf,
  type Threshold,
  type ValidationCheck,
  type ValidationContext,
} from '../check.js';
import { sampleIndices } from './frame-tools.js';
import { pastOptimum, type RoundsCurve, roundsCurve } from './overfitting-rounds.js';
import { pick } from './performance-metrics.js';
import { familyName, fitSmall, matrixOf, numericFeatures, sampleRows } from './label-errors-model.js';
import {
  belowFloor,
  defaultFloor,
  defaultMetric,
  GAP_METRICS,
  type GapMetric,
  gapOf,
  lowerIsBetter,
  metricsOf,
  score,
} from './overfitting-metric.js';

/** Parameters of {@link overfittingCheck}. */
export interface OverfittingParams extends Record<string, unknown> {
  metric: GapMetric | null;
  warn: number | null;
  fail: number | null;
  floor: number | null;
  learningCurve: boolean;
  shares: number[];
  model: string;
  rounds: number;
  roundsCurve: boolean;
  roundsSlack: number;
  roundsTolerance: number | null;
}

const NAME = 'overfitting';
const r4 = (v: number) => (Number.isNaN(v) ? null : Math.round(v * 10000) / 10000);

function nullable<T>(read: (v: unknown) => T): (v: unknown) => T | null {
  return (v) => (v === null ? null : read(v));
}

/** A learning-curve point: training rows, and the small model's metric on them and on the test rows. */
interface CurvePoint {
  rows: number;
  train: number;
  test: number;
}

function learningCurve(
  ctx: ValidationContext,
  p: OverfittingParams,
  metric: GapMetric,
): CurvePoint[] | string {
  const train = ctx.train!;
  const cols = numericFeatures(ctx, train, ctx.test);
  if (cols.length === 0) return 'learning curve not drawn: no numeric features';
  const k = ctx.task === 'regression' ? 0 : Math.max(ctx.classes?.length ?? 2, 2);
  // A seeded order of (at most sampleSize) training rows; each share takes a prefix of it.
  const order = sampleRows(train.rows, ctx.sampleSize, ctx.seed);
  const rng = new SeededRandom(ctx.seed + 7);
  for (let i = order.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
  const testRows = sampleRows(ctx.test.rows, ctx.sampleSize, ctx.seed + 3);
  const Xtest = matrixOf(ctx.test, cols, testRows);
  const yTest = pick(ctx.yTest, testRows);
  const points: CurvePoint[] = [];
  for (const share of p.shares) {
    const rows = order.slice(0, Math.max(2, Math.round(share * order.length))).sort();
    const X = matrixOf(train, cols, rows);
    const y = pick(ctx.yTrain!, rows);
    const predictions = (model: ReturnType<typeof fitSmall>, M: typeof X): FramePredictions => {
      const prepared = model.prepare(M);
      const proba = model.model.predictProba?.(prepared);
      return { y: model.model.predict(prepared), ...(proba ? { proba: proba.data } : {}) };
    };
    try {
      const task = ctx.task === 'regression' ? 'regression' : k === 2 ? 'binary' : 'multiclass';
      const model = fitSmall(X, y, { family: p.model, rounds: p.rounds, task, classes: k, seed: ctx.seed });
      points.push({
        rows: rows.length,
        train: score(metric, y, predictions(model, X), k),
        test: score(metric, yTest, predictions(model, Xtest), k),
      });
    } catch {
      points.push({ rows: rows.length, train: Number.NaN, test: Number.NaN });
    }
  }
  return points;
}

/** Over- and underfitting: the train/test gap of the candidate's metric, and a learning curve. */
export const overfittingCheck: ValidationCheck<OverfittingParams> = {
  name: NAME,
  title: 'Over- and underfitting',
  description:
    "Compares the candidate's metric on its training rows with the test rows. A model that scores much " +
    'better on data it has seen has memorised it: for scores (ROC-AUC, accuracy, R²) the gap train − test ' +
    'warns above 0.05 and fails above 0.10, the size of difference that changes decisions; for errors ' +
    '(RMSE, MAE) the relative gap (test − train) / test warns above 0.25 and fails above 0.5, since boosted ' +
    'models normally fit their training rows somewhat closer. When both metrics are worse than a floor ' +
    '(barely better than the majority class or the mean) the model underfits, and the check warns. A ' +
    'learning curve refits a small model on growing shares of the training rows: a test metric still ' +
    'rising at the full set says more data would help.',
  tasks: ['binary', 'multiclass', 'regression'],
  params: {
    metric: {
      help: `the metric compared: ${GAP_METRICS.join(', ')} (default roc_auc for binary, accuracy for multiclass, rmse for regression)`,
      default: null,
    },
    warn: { help: 'warn above this gap (default 0.05 for scores, 0.25 relative for errors)', default: null },
    fail: { help: 'fail above this gap (default 0.10 for scores, 0.5 relative for errors)', default: null },
    floor: {
      help: 'underfitting when train and test are both worse than this (default: majority rate + 0.02, AUC 0.55, R² 0.05, 98% of the mean predictor’s error)',
      default: null,
    },
    learningCurve: { help: 'draw a learning curve by refitting a small model (default true)', default: true },
    shares: {
      help: 'shares of the training rows of the learning curve (default 0.1, 0.25, 0.5, 1)',
      default: [0.1, 0.25, 0.5, 1],
    },
    model: { help: 'the model family of the learning curve (default gbdt)', default: 'gbdt' },
    rounds: { help: 'boosting rounds of the learning-curve gbdt (default 50)', default: 50 },
    roundsCurve: {
      help: 'boosted models: chart the test metric by boosting round and warn on rounds past its optimum (default true)',
      default: true,
    },
    roundsSlack: {
      help: 'share of the rounds that may follow the best one before it counts (default 0.2)',
      default: 0.2,
    },
    roundsTolerance: {
      help: 'how much worse the last round must score than the best to warn (default 0.005 for scores, 1% relative for errors)',
      default: null,
    },
  },
  parseParams(raw) {
    return readParams<OverfittingParams>(NAME, this.params, raw, {
      metric: (v) => {
        if (!GAP_METRICS.includes(v as GapMetric))
          throw new Error(`must be one of ${GAP_METRICS.join(', ')}; got ${JSON.stringify(v)}`);
        return v as GapMetric;
      },
      warn: nullable(numberIn(0, 1e9)),
      fail: nullable(numberIn(0, 1e9)),
      floor: nullable(numberIn(-1e15, 1e15)),
      learningCurve: (v) => {
        if (typeof v !== 'boolean') throw new Error(`must be true or false; got ${JSON.stringify(v)}`);
        return v;
      },
      shares: (v) => {
        if (!Array.isArray(v) || v.length === 0 || v.some((s) => typeof s !== 'number' || !(s > 0 && s <= 1)))
          throw new Error(`must be a list of shares in (0, 1]; got ${JSON.stringify(v)}`);
        return [...(v as number[])].sort((a, b) => a - b);
      },
      model: familyName,
      rounds: integerIn(1, 1000),
      roundsCurve: (v) => {
        if (typeof v !== 'boolean') throw new Error(`must be true or false; got ${JSON.stringify(v)}`);
        return v;
      },
      roundsSlack: numberIn(0, 1),
      roundsTolerance: nullable(numberIn(0, 1e9)),
    });
  },
  async run(ctx: ValidationContext, p: OverfittingParams): Promise<Omit<CheckResult, 'seconds'>> {
    const trainPred = ctx.candidate.train;
    const metric = p.metric ?? defaultMetric(ctx.task, ctx.candidate.test.proba !== undefined);
    if (!metricsOf(ctx.task).includes(metric))
      throw new LatheError(
        'INVALID_ARGUMENT',
        `check ${NAME}: metric ${metric} does not apply to ${ctx.task} models; use ${metricsOf(ctx.task).join(', ')}`,
        { field: `${NAME}.metric` },
      );
    const relative = lowerIsBetter(metric);
    const threshold: Threshold = {
      bad: 'above',
      warn: p.warn ?? (relative ? 0.25 : 0.05),
      fail: p.fail ?? (relative ? 0.5 : 0.1),
    };
    const base = {
      check: NAME,
      title: this.title,
      measure: `train − test gap of ${metric}${relative ? ' (relative)' : ''}`,
      threshold,
    };
    const rounds = p.roundsCurve
      ? roundsCurve(ctx, metric, sampleIndices(ctx.test.rows, ctx.sampleSize, ctx.seed + 11))
      : null;
    const past =
      rounds && typeof rounds !== 'string'
        ? pastOptimum(rounds, metric, p.roundsSlack, p.roundsTolerance ?? (relative ? 0.01 : 0.005))
        : false;
    if (!ctx.train || !ctx.yTrain || !trainPred) {
      if (!rounds || typeof rounds === 'string')
        return {
          ...base,
          status: 'skip',
          value: null,
          message: 'No training set was given: the train/test gap needs one.',
          tables: [],
          charts: [],
        };
      const shown = roundsReport(rounds, metric, past);
      return {
        ...base,
        status: past ? 'warn' : 'pass',
        value: null,
        message: `No training set was given, so no train/test gap. ${shown.message}`,
        tables: [shown.table],
        charts: [shown.chart],
        ...(ctx.test.rows > rounds.rows ? { sample: { rows: rounds.rows, of: ctx.test.rows } } : {}),
      };
    }
    const k = ctx.task === 'regression' ? 0 : Math.max(ctx.classes?.length ?? 2, 2);
    const trainScore = score(metric, ctx.yTrain, trainPred, k);
    const testScore = score(metric, ctx.yTest, ctx.candidate.test, k);
    const gap = gapOf(metric, trainScore, testScore);
    let status = statusOf(gap, threshold);
    const floor = p.floor ?? defaultFloor(metric, ctx.yTrain, k);
    const underfit = belowFloor(metric, trainScore, floor) && belowFloor(metric, testScore, floor);
    if (underfit && status === 'pass') status = 'warn';
    const words: string[] = [
      `${metric} is ${trainScore.toFixed(4)} on training rows and ${testScore.toFixed(4)} on test rows: ` +
        `${relative ? 'relative ' : ''}gap ${gap.toFixed(4)}` +
        (status === 'fail'
          ? ` above ${threshold.fail}, the model overfits.`
          : gap > threshold.warn!
            ? ` above ${threshold.warn}.`
            : '.'),
    ];
    if (underfit) words.push(`Both are worse than the floor ${floor.toFixed(4)}: the model underfits.`);
    const tables: CheckTable[] = [
      {
        title: 'Train and test metric',
        columns: ['metric', 'train', 'test', 'gap', 'underfitting floor'],
        rows: [[metric, r4(trainScore), r4(testScore), r4(gap), r4(floor)]],
      },
    ];
    const charts: ChartData[] = [
      {
        kind: 'bar',
        title: `${metric} on training and test rows`,
        labels: ['train', 'test'],
        series: [{ name: metric, values: [r4(trainScore), r4(testScore)] }],
        ...(Number.isNaN(floor)
          ? {}
          : { marks: [{ name: 'underfitting floor', value: floor, axis: 'y' as const }] }),
      },
    ];
    let sample: { rows: number; of: number } | undefined;
    if (p.learningCurve) {
      const curve = learningCurve(ctx, p, metric);
      if (typeof curve === 'string') words.push(`(${curve}.)`);
      else {
        tables.push({
          title: `Learning curve of a small ${p.model} model`,
          columns: ['training rows', `train ${metric}`, `test ${metric}`],
          rows: curve.map((c) => [c.rows, r4(c.train), r4(c.test)]),
        });
        charts.push({
          kind: 'line',
          title: `Learning curve (${metric} of a small ${p.model} model)`,
          xLabel: 'training rows',
          yLabel: metric,
          x: curve.map((c) => c.rows),
          series: [
            { name: 'train', values: curve.map((c) => r4(c.train)) },
            { name: 'test', values: curve.map((c) => r4(c.test)) },
          ],
        });
        const [a, b] = curve.slice(-2);
        if (a && b && !Number.isNaN(a.test) && !Number.isNaN(b.test)) {
          const gain = relative ? (a.test - b.test) / (a.test || 1) : b.test - a.test;
          words.push(
            gain > 0.01
              ? `On the learning curve the test ${metric} still improves from ${a.rows} to ${b.rows} rows (${a.test.toFixed(4)} → ${b.test.toFixed(4)}): more data would likely help.`
              : `The learning curve flattens: test ${metric} ${a.test.toFixed(4)} at ${a.rows} rows, ${b.test.toFixed(4)} at ${b.rows}.`,
          );
        }
        if (ctx.train.rows > ctx.sampleSize) sample = { rows: ctx.sampleSize, of: ctx.train.rows };
      }
    }
    if (rounds && typeof rounds !== 'string') {
      const shown = roundsReport(rounds, metric, past);
      words.push(shown.message);
      tables.push(shown.table);
      charts.push(shown.chart);
      if (past && status === 'pass') status = 'warn';
    } else if (typeof rounds === 'string' && ctx.candidate.trees) words.push(`(No rounds curve: ${rounds}.)`);
    return {
      ...base,
      status,
      value: r4(gap),
      message: words.join(' '),
      tables,
      charts,
      ...(sample ? { sample } : {}),
    };
  },
};

/** The rounds curve as words, a table and a chart. */
function roundsReport(
  curve: RoundsCurve,
  metric: GapMetric,
  past: boolean,
): { message: string; table: CheckTable; chart: ChartData } {
  const { best, last } = curve;
  const message = past
    ? `Test ${metric} peaks at boosting round ${best.round} (${best.value.toFixed(4)}) and ends at round ${last.round} ` +
      `(${last.value.toFixed(4)}): the last ${last.round - best.round} rounds fit noise of the training rows; retrain ` +
      `with about ${best.round} rounds or early stopping on a validation set.`
    : `Test ${metric} by boosting round: best ${best.value.toFixed(4)} at round ${best.round}, ${last.value.toFixed(4)} at the last round ${last.round}.`;
  return {
    message,
    table: {
      title: `Test ${metric} by boosting round`,
      columns: ['best round', `best ${metric}`, 'last round', `last ${metric}`, 'test rows'],
      rows: [[best.round, r4(best.value), last.round, r4(last.value), curve.rows]],
    },
    chart: {
      kind: 'line',
      title: `Test ${metric} by boosting round`,
      xLabel: 'boosting round',
      yLabel: metric,
      x: curve.rounds,
      series: [{ name: `test ${metric}`, values: curve.test.map(r4) }],
      marks: [{ name: 'best round', value: best.round, axis: 'x' }],
    },
  };
}
