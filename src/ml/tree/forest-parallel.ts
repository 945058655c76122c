/**
 * Grows forest trees on worker threads (internal to src/ml/tree). The training data are copied
 * once into shared memory; each tree is one pool task (a pure function of the data and its seed),
 * so the trees, returned in seed order, are the ones the calling thread would grow.
 */
import { taskModuleUrl } from '../../core/index.js';
import { sharedWorkerPool, toShared } from '../parallel/index.js';
import type { SamplingParams } from './forest-fit.js';
import type { GrowTreeArgs } from './forest-tasks.js';
import type { GrowParams, TreeArrays, TreeData } from './grow-tree.js';

const TASKS = taskModuleUrl(import.meta.url, './forest-tasks');

/** `data` with every array in shared memory (arrays already shared are kept). */
function sharedData(data: TreeData): TreeData {
  return {
    ...data,
    columns: toShared(data.columns),
    yValue: toShared(data.yValue),
    yClass: data.yClass && toShared(data.yClass),
    ...(data.ranks ? { ranks: toShared(data.ranks) } : {}),
    ...(data.rankValues ? { rankValues: toShared(data.rankValues) } : {}),
  };
}

/**
 * Grows one tree per seed on the process-wide pool of `threads` threads; resolves with the trees
 * in the order of `seeds`. Rejects with the first task's error.
 */
export async function growTreesOnPool(
  data: TreeData,
  weights: Float64Array,
  params: GrowParams,
  sampling: SamplingParams,
  seeds: Uint32Array,
  threads: number,
): Promise<TreeArrays[]> {
  const pool = sharedWorkerPool(threads);
  const shared = sharedData(data);
  const w = toShared(weights);
  return Promise.all(
    Array.from(seeds, (seed) =>
      pool.run<TreeArrays>(TASKS, 'growTreeTask', {
        data: shared,
        weights: w,
        params,
        sampling,
        seed,
      } satisfies GrowTreeArgs),
    ),
  );
}
