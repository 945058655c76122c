/**
 * Cross-validation of a training spec (`train --cv k`): the folds of fold-data.ts (the encoding
 * refitted on each fold's training rows, so nothing of a fold's held-out rows leaks into it), each
 * fit on a worker thread, every metric of the task; answers each metric's mean and standard
 * deviation over the folds.
 */
import type { JobContext } from '../jobs/index.js';
import { evaluate, modelFamily, type ParamSet } from '../ml/index.js';
import { meanStd } from './cv-score.js';
import { classScores } from './evaluation.js';
import { fitInWorker } from './fit-in-worker.js';
import { earlyStoppingSplit, encodingPlan, foldData } from './fold-data.js';
import type { Prepared } from './prepare.js';
import type { TrainSpec } from './train-spec.js';

/** Metric name → mean and population standard deviation over folds. */
export type CvSummary = Record<string, { mean: number; std: number }>;

/**
 * Cross-validates `params` of the spec's family on `spec.cv` folds of the training part, one fold
 * after the other (progress as phase `cross-validating`); stops between folds when the job's signal
 * aborts, answering the folds done.
 */
export async function crossValidate(
  spec: TrainSpec,
  prepared: Prepared,
  values: Record<string, unknown[]>,
  params: ParamSet,
  context: JobContext,
): Promise<CvSummary> {
  const family = modelFamily(spec.model);
  const { folds } = foldData(prepared, values, encodingPlan(family), spec);
  const scores: Record<string, number[]> = {};
  for (let f = 0; f < folds.length; f++) {
    if (context.signal.aborted) break;
    context.progress({
      phase: 'cross-validating',
      message: `fold ${f + 1} of ${folds.length}`,
      done: f,
      total: folds.length,
    });
    const fold = folds[f]!;
    const { train, validation } = earlyStoppingSplit(fold.train, prepared.task, params);
    const { model } = await fitInWorker({
      family: family.name,
      X: train.X,
      y: train.y,
      ...(validation ? { validation } : {}),
      params,
      task: prepared.task,
      classes: prepared.classes.length,
      signal: context.signal,
    });
    // A fold whose fit was stopped would score a partly built model: it is left out.
    if (context.signal.aborted) break;
    const { X, y } = fold.test;
    const proba = classScores(model, prepared.task, X);
    for (const [name, v] of Object.entries(evaluate(prepared.task, y, model.predict(X), proba)))
      if (typeof v === 'number') {
        scores[name] ??= [];
        scores[name].push(v);
      }
  }
  return Object.fromEntries(Object.entries(scores).map(([name, vs]) => [name, meanStd(vs)]));
}
