/**
 * The cross-validated score of one hyperparameter set on prepared folds (see fold-data.ts): each
 * fold fitted on a worker thread (fitInWorker), predicted on its held-out rows, scored on one
 * metric. The objective of tuning and AutoML trials.
 */
import { LatheError } from '../core/index.js';
import {
  evaluate,
  metricInfo,
  type ParamSet,
  subsampleRows,
  type Task,
  type WorkerPool,
} from '../ml/index.js';
import { classScores } from './evaluation.js';
import { fitInWorker } from './fit-in-worker.js';
import { earlyStoppingSplit, type FoldData, takeRows } from './fold-data.js';

/** What {@link cvScore} needs besides the family and params. */
export interface CvScoreInput {
  family: string;
  params: ParamSet;
  data: FoldData;
  task: Task;
  classes: number;
  metric: string;
  /** Aborting stops the running fit (it returns what it built) and the score reports `stopped`. */
  signal: AbortSignal;
  /** Share of each fold's training rows to fit on (successive halving by rows); default 1. */
  trainFraction?: number;
  seed?: number;
  /** Time prediction on the hold-out test rows (latency per row) with the last fold's model. */
  measureLatency?: boolean;
  /** The worker pool the fits run on (a search's shared pool); default a fresh thread per fit. */
  pool?: WorkerPool;
}

/** The cross-validated score. */
export interface CvScore {
  mean: number;
  std: number;
  /** The metric per fold, in fold order. */
  values: number[];
  /** Mean fit time per fold, seconds. */
  fitSeconds: number;
  /** True when the signal stopped a fit: the values are not to be trusted. */
  stopped: boolean;
  /** Prediction time on the hold-out rows by the last fold's model, ms per row (when measured). */
  latencyMsPerRow?: number;
  /** Bytes of the last fold's saved arrays. */
  sizeBytes: number;
}

/** The mean and population standard deviation of `values` (0 and 0 when empty). */
export function meanStd(values: readonly number[]): { mean: number; std: number } {
  const n = values.length || 1;
  const mean = values.reduce((a, b) => a + b, 0) / n;
  return { mean, std: Math.sqrt(values.reduce((a, b) => a + (b - mean) ** 2, 0) / n) };
}

/**
 * Scores `params` of `family` by cross-validation on `data`'s folds, one fold after the other.
 * @throws LatheError INVALID_ARGUMENT when the metric has no value on a fold, and whatever the
 *   family's fit refuses (out-of-range hyperparameters).
 */
export async function cvScore(input: CvScoreInput): Promise<CvScore> {
  const info = metricInfo(input.metric, input.task);
  const values: number[] = [];
  let fitSeconds = 0;
  let stopped = false;
  let sizeBytes = 0;
  let latencyMsPerRow: number | undefined;
  const { folds } = input.data;
  for (let f = 0; f < folds.length; f++) {
    if (input.signal.aborted) {
      stopped = true;
      break;
    }
    const fold = folds[f]!;
    let train = fold.train;
    const fraction = input.trainFraction ?? 1;
    if (fraction < 1) {
      const all = Int32Array.from({ length: train.y.length }, (_, i) => i);
      train = takeRows(train.X, train.y, subsampleRows(all, fraction, input.seed ?? 0, f));
    }
    const stopping = earlyStoppingSplit(train, input.task, input.params);
    const fit = await fitInWorker({
      family: input.family,
      X: stopping.train.X,
      y: stopping.train.y,
      ...(stopping.validation ? { validation: stopping.validation } : {}),
      params: input.params,
      task: input.task,
      classes: input.classes,
      signal: input.signal,
      ...(input.pool ? { pool: input.pool } : {}),
    });
    if (input.signal.aborted) {
      stopped = true;
      break;
    }
    fitSeconds += fit.fitSeconds;
    const { X, y } = fold.test;
    const pred = fit.model.predict(X);
    const scores = info.proba ? classScores(fit.model, input.task, X) : undefined;
    const value = evaluate(input.task, y, pred, scores)[input.metric];
    if (typeof value !== 'number' || !Number.isFinite(value))
      throw new LatheError(
        'INVALID_ARGUMENT',
        `metric ${input.metric} has no value on fold ${f + 1} (its held-out rows lack a class it needs); use fewer folds or another metric`,
        { field: 'metric' },
      );
    values.push(value);
    if (f === folds.length - 1) {
      sizeBytes = Object.values(fit.saved.arrays).reduce((s, a) => s + a.byteLength, 0);
      const L = input.data.latencyX;
      if (input.measureLatency && L.rows > 0 && L.cols === X.cols) {
        const t0 = performance.now();
        fit.model.predict(L);
        if (input.task !== 'regression') fit.model.predictProba?.(L);
        latencyMsPerRow = (performance.now() - t0) / L.rows;
      }
    }
  }
  const { mean, std } = meanStd(values);
  return {
    mean,
    std,
    values,
    fitSeconds: fitSeconds / (values.length || 1),
    stopped,
    sizeBytes,
    ...(latencyMsPerRow === undefined ? {} : { latencyMsPerRow }),
  };
}
