/**
 * Worker-thread tasks of the forests (a task module for src/ml/parallel's WorkerPool; internal to
 * src/ml/tree). The data arrive as SharedArrayBuffer-backed arrays, so no task copies them.
 */
import { growForestTree, type SamplingParams } from './forest-fit.js';
import type { GrowParams, TreeArrays, TreeData } from './grow-tree.js';

/** Arguments of {@link growTreeTask}: everything {@link growForestTree} takes. */
export interface GrowTreeArgs {
  data: TreeData;
  weights: Float64Array;
  params: GrowParams;
  sampling: SamplingParams;
  seed: number;
}

/** Grows one forest tree; its arrays are moved back to the caller. */
export function growTreeTask(args: GrowTreeArgs): TreeArrays {
  return growForestTree(args.data, args.weights, args.params, args.sampling, args.seed);
}
