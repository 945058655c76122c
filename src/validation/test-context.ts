/**
 * Test helper (not exported from src/validation): a ValidationContext over frames built in a test
 * and models given as plain functions of a frame, so each check's tests can plant exactly what the
 * check must find (a leak, a weak slice, drift) and build data that must pass.
 */
import type {
  Frame,
  FramePredictions,
  Label,
  ValidationContext,
  ValidationModel,
  ValidationTask,
} from './check.js';

/** A model as a function of a frame (class indices or values, and probabilities). */
export type FrameModel = ((frame: Frame) => FramePredictions) & { trees?: ValidationModel['trees'] };

/** A validation model from a function, with its predictions on `test` (and `train`). */
export function modelOf(ref: string, fn: FrameModel, test: Frame, train?: Frame): ValidationModel {
  return {
    ref,
    predict: async (frame) => fn(frame),
    test: fn(test),
    ...(train ? { train: fn(train) } : {}),
    ...(fn.trees ? { trees: fn.trees } : {}),
  };
}

/** What `contextOf` needs: the data, the target, and the candidate (and baseline) as functions. */
export interface ContextInput {
  task: ValidationTask;
  classes?: Label[];
  target: string;
  features: string[];
  test: Frame;
  yTest: Float64Array;
  train?: Frame;
  yTrain?: Float64Array;
  candidate: FrameModel;
  baseline?: FrameModel;
  seed?: number;
  sampleSize?: number;
}

/** A ValidationContext over the given frames and model functions. */
export function contextOf(input: ContextInput): ValidationContext {
  return {
    task: input.task,
    ...(input.classes ? { classes: input.classes } : {}),
    target: input.target,
    features: input.features,
    test: input.test,
    yTest: input.yTest,
    ...(input.train ? { train: input.train } : {}),
    ...(input.yTrain ? { yTrain: input.yTrain } : {}),
    candidate: modelOf('candidate@2', input.candidate, input.test, input.train),
    ...(input.baseline ? { baseline: modelOf('candidate@1', input.baseline, input.test, input.train) } : {}),
    seed: input.seed ?? 0,
    sampleSize: input.sampleSize ?? 10_000,
  };
}

/** A binary classifier's predictions from a score per row (probability of class 1). */
export function binaryFromScores(scores: ArrayLike<number>): FramePredictions {
  const n = scores.length;
  const y = new Float64Array(n);
  const proba = new Float64Array(n * 2);
  for (let i = 0; i < n; i++) {
    const p = scores[i]!;
    proba[i * 2] = 1 - p;
    proba[i * 2 + 1] = p;
    y[i] = p >= 0.5 ? 1 : 0;
  }
  return { y, proba };
}
