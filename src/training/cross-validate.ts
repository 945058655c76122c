/**
 * Cross-validation of a training spec (`train --cv k`): the folds of fold-data.ts (the encoding
 * refitted on each fold's training rows, so nothing of a fold's held-out rows leaks into it), each
 * fit on a worker thread, every metric of the task; answers each metric's mean and standard
 * deviation over the folds.
 */
import type { JobContext } from '../jobs/index.js';
import { evaluate, type Matrix, modelFamily, type ParamSet } from '../ml/index.js';
import { fitInWorker } from './fit-in-worker.js';
import { encodingPlan, foldData } from './fold-data.js';
import type { Prepared } from './prepare.js';
import type { TrainSpec } from './train-spec.js';

/** Metric name → mean and population standard deviation over folds. */
export type CvSummary = Record<string, { mean: number; std: number }>;

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
    const { model } = await fitInWorker({
      family: family.name,
      X: fold.train.X,
      y: fold.train.y,
      params,
      task: prepared.task,
      classes: prepared.classes.length,
      signal: context.signal,
    });
    const { X, y } = fold.test;
    const pred = model.predict(X);
    let proba: Float64Array | Matrix | undefined;
    if (prepared.task !== 'regression') {
      const p = model.predictProba!(X);
      proba =
        prepared.task === 'binary' ? Float64Array.from({ length: p.rows }, (_, r) => p.data[r * 2 + 1]!) : p;
    }
    for (const [name, v] of Object.entries(evaluate(prepared.task, y, pred, proba)))
      if (typeof v === 'number') {
        scores[name] ??= [];
        scores[name].push(v);
      }
  }
  const out: CvSummary = {};
  for (const [name, vs] of Object.entries(scores)) {
    const mean = vs.reduce((a, b) => a + b, 0) / vs.length;
    out[name] = { mean, std: Math.sqrt(vs.reduce((a, b) => a + (b - mean) ** 2, 0) / vs.length) };
  }
  return out;
}
