/**
 * Fitting a forest (internal to src/ml/tree): option checks, per-tree seeds, growing the trees on
 * this thread or on worker threads, out-of-bag score. Each tree is a pure function of (data,
 * weights, parameters, tree seed) — {@link growForestTree} — so trees can be grown in any order or
 * on worker threads and the forest is the same.
 */
import type { Matrix } from '../matrix.js';
import { SeededRandom } from '../seeded-random.js';
import { concatTrees, type ForestArrays } from './forest-arrays.js';
import { growTreesOnPool } from './forest-parallel.js';
import { type GrowParams, growTree, type TreeArrays, type TreeData } from './grow-tree.js';
import {
  checkMatrix,
  checkOptions,
  type FitExtra,
  type ForestOptions,
  invalid,
  prepareFit,
  resolveGrowParams,
} from './options.js';

/** How each tree of a forest samples its rows. */
export interface SamplingParams {
  /** Draw `samples` rows with replacement (true) or use every row once (false). */
  bootstrap: boolean;
  /** Rows drawn per tree when bootstrapping. */
  samples: number;
}

/**
 * How many times each row is drawn for the tree with seed `seed` (all 1 without bootstrap). The
 * same generator then grows the tree, so this is recomputable for out-of-bag predictions.
 */
function drawRows(rows: number, sampling: SamplingParams, random: SeededRandom): Int32Array {
  const counts = new Int32Array(rows);
  if (!sampling.bootstrap) return counts.fill(1);
  for (let s = 0; s < sampling.samples; s++) counts[random.int(rows)]!++;
  return counts;
}

/**
 * Grows one tree of a forest: a pure function of its inputs. Bootstrap counts multiply the row
 * weights (as scikit-learn does), rows not drawn are left out.
 */
export function growForestTree(
  data: TreeData,
  weights: Float64Array,
  params: GrowParams,
  sampling: SamplingParams,
  seed: number,
): TreeArrays {
  const random = new SeededRandom(seed);
  const counts = drawRows(data.rows, sampling, random);
  const w = new Float64Array(data.rows);
  let n = 0;
  let total = 0;
  for (let i = 0; i < data.rows; i++) {
    w[i] = weights[i]! * counts[i]!;
    total += w[i]!;
    if (w[i]! > 0) n++;
  }
  const indices = new Int32Array(n);
  n = 0;
  for (let i = 0; i < data.rows; i++) if (w[i]! > 0) indices[n++] = i;
  return growTree(data, indices, w, total, params, random);
}

/** Per-tree seeds derived from the forest seed. */
export function treeSeeds(seed: number, trees: number): Uint32Array {
  const random = new SeededRandom(seed);
  const out = new Uint32Array(trees);
  for (let t = 0; t < trees; t++) out[t] = random.nextUint32();
  return out;
}

/** What a fitted forest is made of. */
export interface FittedForest {
  forest: ForestArrays;
  cols: number;
  classes: number;
  oobScore: number | undefined;
}

/** A validated forest fit, ready to grow: the inputs of every {@link growForestTree} call. */
interface ForestPlan {
  X: Matrix;
  y: Float64Array;
  data: TreeData;
  weights: Float64Array;
  params: GrowParams;
  sampling: SamplingParams;
  seeds: Uint32Array;
  oob: boolean;
  classification: boolean;
  threads: number;
}

/** Checks every option and input and prepares the data; grows nothing. */
function planForest(
  X: Matrix,
  y: Float64Array,
  options: ForestOptions,
  extra: FitExtra | undefined,
  classification: boolean,
  splitter: 'best' | 'random',
): ForestPlan {
  checkOptions(options, true);
  checkMatrix(X, 'fit');
  const params = resolveGrowParams(
    options,
    X.rows,
    X.cols,
    classification,
    classification ? 'sqrt' : null,
    splitter,
  );
  const trees = options.trees ?? 100;
  if (!Number.isSafeInteger(trees) || trees < 1)
    throw invalid(`options.trees must be an integer >= 1; got ${String(trees)}`, { field: 'options.trees' });
  const threads = options.threads ?? 1;
  if (!Number.isSafeInteger(threads) || threads < 1 || threads > 256)
    throw invalid(`options.threads must be an integer 1..256; got ${String(threads)}`, {
      field: 'options.threads',
    });
  const bootstrap = options.bootstrap ?? splitter === 'best';
  if (typeof bootstrap !== 'boolean')
    throw invalid(`options.bootstrap must be true or false; got ${String(bootstrap)}`, {
      field: 'options.bootstrap',
    });
  const ms = options.maxSamples ?? null;
  let samples = X.rows;
  if (ms !== null) {
    if (!bootstrap)
      throw invalid('options.maxSamples needs options.bootstrap true', { field: 'options.maxSamples' });
    if (typeof ms === 'number' && Number.isInteger(ms) && ms >= 1 && ms <= X.rows) samples = ms;
    else if (typeof ms === 'number' && ms > 0 && ms < 1) samples = Math.max(1, Math.round(ms * X.rows));
    else
      throw invalid(
        `options.maxSamples must be an integer 1..${X.rows}, a fraction in (0, 1) or null; got ${String(ms)}`,
        { field: 'options.maxSamples' },
      );
  }
  const oob = options.oobScore ?? false;
  if (typeof oob !== 'boolean')
    throw invalid(`options.oobScore must be true or false; got ${String(oob)}`, {
      field: 'options.oobScore',
    });
  if (oob && !bootstrap)
    throw invalid('options.oobScore needs options.bootstrap true', { field: 'options.oobScore' });
  const { data, weights } = prepareFit(X, y, classification, extra);
  const sampling: SamplingParams = { bootstrap, samples };
  const seeds = treeSeeds(params.seed, trees);
  return { X, y, data, weights, params, sampling, seeds, oob, classification, threads };
}

/** Assembles the grown trees (in seed order) into the fitted forest. */
function finishForest(plan: ForestPlan, grown: TreeArrays[]): FittedForest {
  const { X, y, data, sampling, classification } = plan;
  // A stopped fit keeps the trees it grew: the first seeds.
  const seeds = plan.seeds.subarray(0, grown.length);
  const outputs = classification ? data.classes : 1;
  const forest = concatTrees(grown, outputs);
  const oobScore = plan.oob
    ? outOfBagScore(forest, X, y, sampling, seeds, outputs, classification)
    : undefined;
  return { forest, cols: X.cols, classes: data.classes, oobScore };
}

/**
 * Grows the trees of `plan` one after the other on this thread, reporting each to `extra.onTree`
 * and stopping early (after at least one tree) when `extra.shouldStop` says so.
 */
function growAll(plan: ForestPlan, extra: FitExtra | undefined): TreeArrays[] {
  const grown: TreeArrays[] = [];
  for (const seed of plan.seeds) {
    if (grown.length > 0 && extra?.shouldStop?.()) break;
    grown.push(growForestTree(plan.data, plan.weights, plan.params, plan.sampling, seed));
    extra?.onTree?.(grown.length, plan.seeds.length);
  }
  return grown;
}

/** Fits a forest (random forest or extra trees, classification or regression) on this thread. */
export function fitForest(
  X: Matrix,
  y: Float64Array,
  options: ForestOptions,
  extra: FitExtra | undefined,
  classification: boolean,
  splitter: 'best' | 'random',
): FittedForest {
  const plan = planForest(X, y, options, extra, classification, splitter);
  return finishForest(plan, growAll(plan, extra));
}

/** Fits a forest growing its trees on `options.threads` worker threads (this thread when 1). */
export async function fitForestAsync(
  X: Matrix,
  y: Float64Array,
  options: ForestOptions,
  extra: FitExtra | undefined,
  classification: boolean,
  splitter: 'best' | 'random',
): Promise<FittedForest> {
  const plan = planForest(X, y, options, extra, classification, splitter);
  if (plan.threads === 1 || plan.seeds.length === 1) return finishForest(plan, growAll(plan, extra));
  // Waves of a few trees per thread, so progress is reported and a stop is honoured between waves.
  const wave = plan.threads * 4;
  const grown: TreeArrays[] = [];
  for (let from = 0; from < plan.seeds.length; from += wave) {
    if (grown.length > 0 && extra?.shouldStop?.()) break;
    const seeds = plan.seeds.subarray(from, Math.min(plan.seeds.length, from + wave));
    grown.push(
      ...(await growTreesOnPool(plan.data, plan.weights, plan.params, plan.sampling, seeds, plan.threads)),
    );
    extra?.onTree?.(grown.length, plan.seeds.length);
  }
  return finishForest(plan, grown);
}

/** Accuracy (classification) or R² (regression) of out-of-bag predictions, over rows with any. */
function outOfBagScore(
  forest: ForestArrays,
  X: Matrix,
  y: Float64Array,
  sampling: SamplingParams,
  seeds: Uint32Array,
  outputs: number,
  classification: boolean,
): number {
  const rows = X.rows;
  const sum = new Float64Array(rows * outputs);
  const hits = new Int32Array(rows);
  for (let t = 0; t < seeds.length; t++) {
    const counts = drawRows(rows, sampling, new SeededRandom(seeds[t]!));
    const base = forest.treeStart[t]!;
    for (let r = 0; r < rows; r++) {
      if (counts[r]! > 0) continue;
      let node = base;
      while (forest.feature[node]! >= 0) {
        const f = forest.feature[node]!;
        node =
          base +
          (X.data[r * X.cols + f]! <= forest.threshold[node]! ? forest.left[node]! : forest.right[node]!);
      }
      for (let j = 0; j < outputs; j++) sum[r * outputs + j]! += forest.value[node * outputs + j]!;
      hits[r]!++;
    }
  }
  let n = 0;
  let correct = 0;
  let mean = 0;
  for (let r = 0; r < rows; r++) {
    if (hits[r] === 0) continue;
    n++;
    mean += y[r]!;
  }
  if (n === 0) return Number.NaN;
  mean /= n;
  let ssRes = 0;
  let ssTot = 0;
  for (let r = 0; r < rows; r++) {
    if (hits[r] === 0) continue;
    if (classification) {
      let best = 0;
      for (let j = 1; j < outputs; j++) if (sum[r * outputs + j]! > sum[r * outputs + best]!) best = j;
      if (best === y[r]) correct++;
    } else {
      const e = sum[r]! / hits[r]! - y[r]!;
      ssRes += e * e;
      ssTot += (y[r]! - mean) ** 2;
    }
  }
  return classification ? correct / n : ssTot > 0 ? 1 - ssRes / ssTot : 0;
}
