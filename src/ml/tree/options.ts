/**
 * Option and input validation shared by the tree and forest estimators (internal to src/ml/tree).
 * Everything is checked before any work starts; errors are LatheError('INVALID_ARGUMENT') naming
 * the option or the row and column, the valid range and what arrived.
 */
import { describeValue, type LatheError } from '../../core/index.js';
import { checkFitInputsAt, checkSampleWeightAt, invalid } from '../input-checks.js';
/** Checks `X` is a finite Matrix (with `cols` columns when given); messages start `where:`. */
export { checkMatrixAt as checkMatrix } from '../input-checks.js';
export { invalid } from '../input-checks.js';
import type { Matrix } from '../matrix.js';
import type { Criterion, GrowParams, TreeData } from './grow-tree.js';
import { rankColumns } from './sort.js';

/** Options of a single decision tree (scikit-learn's names in camelCase). */
export interface TreeOptions {
  /** `gini` (default) or `entropy` for classifiers; `squared_error` (the only one) for regressors. */
  criterion?: Criterion;
  /** Maximum depth (integer >= 1); null or absent grows until leaves are pure or too small. */
  maxDepth?: number | null;
  /** Rows a node needs to be split: an integer >= 2 (default 2) or a fraction in (0, 1) of the rows. */
  minSamplesSplit?: number;
  /** Rows each child must keep: an integer >= 1 (default 1) or a fraction in (0, 1) of the rows. */
  minSamplesLeaf?: number;
  /** A split must decrease the weighted impurity by at least this (>= 0, default 0). */
  minImpurityDecrease?: number;
  /**
   * Features examined per split: `sqrt`, `log2`, an integer count 1..cols, a fraction in (0, 1), or
   * null for all (the default for single trees).
   */
  maxFeatures?: 'sqrt' | 'log2' | number | null;
  /** Seed of the deterministic PRNG (default 0). */
  seed?: number;
}

/** Options of a forest: the tree options plus the ensemble's own. */
export interface ForestOptions extends TreeOptions {
  /** Number of trees (default 100). */
  trees?: number;
  /** Draw each tree's rows with replacement (default true for random forests, false for extra trees). */
  bootstrap?: boolean;
  /** Rows drawn per tree when bootstrapping: an integer 1..rows or a fraction in (0, 1); default all. */
  maxSamples?: number | null;
  /** Compute the out-of-bag score (accuracy or R²) after fitting; needs `bootstrap`. */
  oobScore?: boolean;
  /**
   * Worker threads that grow the trees in `fitAsync` (an integer 1..256, default 1: the calling
   * thread). The forest is identical for every value; `fit` always grows on the calling thread.
   */
  threads?: number;
}

/** Extra inputs of `fit`. */
export interface FitExtra {
  /** Non-negative weight per row (default 1). */
  sampleWeight?: Float64Array;
  /** Forests: called after each tree is grown with the trees done and planned. */
  onTree?: (done: number, total: number) => void;
  /** Forests: polled between trees; true stops the fit with the trees grown so far (at least one). */
  shouldStop?: () => boolean;
}

const TREE_KEYS = [
  'criterion',
  'maxDepth',
  'minSamplesSplit',
  'minSamplesLeaf',
  'minImpurityDecrease',
  'maxFeatures',
  'seed',
];
const FOREST_KEYS = [...TREE_KEYS, 'trees', 'bootstrap', 'maxSamples', 'oobScore', 'threads'];

/** Checks that `options` is an object holding only known option names. */
export function checkOptions(options: object, forest: boolean): void {
  if (typeof options !== 'object' || options === null)
    throw invalid(`options must be an object; got ${describeValue(options)}`, { field: 'options' });
  const allowed = forest ? FOREST_KEYS : TREE_KEYS;
  for (const key of Object.keys(options)) {
    if (!allowed.includes(key))
      throw invalid(`unknown option ${key}; valid options are ${allowed.join(', ')}`, { field: key });
  }
}

function optionError(name: string, range: string, value: unknown): LatheError {
  return invalid(`options.${name} must be ${range}; got ${describeValue(value)}`, {
    field: `options.${name}`,
  });
}

/** An integer count (>= min) or, when `fraction`, a number in (0, 1) scaled by `rows` and rounded up. */
function countOrFraction(name: string, value: unknown, min: number, rows: number): number {
  const range = `an integer >= ${min} or a fraction in (0, 1)`;
  if (typeof value !== 'number' || !Number.isFinite(value)) throw optionError(name, range, value);
  if (Number.isInteger(value)) {
    if (value < min) throw optionError(name, range, value);
    return value;
  }
  if (value <= 0 || value >= 1) throw optionError(name, range, value);
  return Math.max(min, Math.ceil(value * rows));
}

/** Resolves tree options into growth parameters for `rows` × `cols` data. */
export function resolveGrowParams(
  options: TreeOptions,
  rows: number,
  cols: number,
  classification: boolean,
  defaultMaxFeatures: TreeOptions['maxFeatures'],
  splitter: 'best' | 'random',
): GrowParams & { seed: number } {
  const criterion = options.criterion ?? (classification ? 'gini' : 'squared_error');
  const valid = classification ? ['gini', 'entropy'] : ['squared_error'];
  if (!valid.includes(criterion)) throw optionError('criterion', `one of ${valid.join(', ')}`, criterion);
  const depth = options.maxDepth ?? null;
  if (depth !== null && (typeof depth !== 'number' || !Number.isSafeInteger(depth) || depth < 1))
    throw optionError('maxDepth', 'an integer >= 1 or null', depth);
  const minSamplesSplit = countOrFraction('minSamplesSplit', options.minSamplesSplit ?? 2, 2, rows);
  const minSamplesLeaf = countOrFraction('minSamplesLeaf', options.minSamplesLeaf ?? 1, 1, rows);
  const mid = options.minImpurityDecrease ?? 0;
  if (typeof mid !== 'number' || !Number.isFinite(mid) || mid < 0)
    throw optionError('minImpurityDecrease', 'a finite number >= 0', mid);
  const mf = options.maxFeatures === undefined ? defaultMaxFeatures : options.maxFeatures;
  let maxFeatures: number;
  if (mf === null || mf === undefined) maxFeatures = cols;
  else if (mf === 'sqrt') maxFeatures = Math.max(1, Math.floor(Math.sqrt(cols)));
  else if (mf === 'log2') maxFeatures = Math.max(1, Math.floor(Math.log2(cols)));
  else if (typeof mf === 'number' && Number.isInteger(mf) && mf >= 1 && mf <= cols) maxFeatures = mf;
  else if (typeof mf === 'number' && mf > 0 && mf < 1) maxFeatures = Math.max(1, Math.floor(mf * cols));
  else
    throw optionError(
      'maxFeatures',
      `'sqrt', 'log2', an integer 1..${cols}, a fraction in (0, 1) or null`,
      mf,
    );
  const seed = options.seed ?? 0;
  if (!Number.isSafeInteger(seed)) throw optionError('seed', 'a safe integer', seed);
  return {
    criterion,
    splitter,
    maxDepth: depth ?? Number.POSITIVE_INFINITY,
    minSamplesSplit,
    minSamplesLeaf,
    minImpurityDecrease: mid,
    maxFeatures,
    seed,
  };
}

/** Validates fit inputs and builds the column-major tree data and per-row weights. */
export function prepareFit(
  X: Matrix,
  y: Float64Array,
  classification: boolean,
  extra: FitExtra | undefined,
): { data: TreeData; weights: Float64Array } {
  checkFitInputsAt(X, y, 'fit', !classification);
  let classes = 0;
  let yClass: Int32Array | undefined;
  if (classification) {
    yClass = new Int32Array(X.rows);
    const seen = new Set<number>();
    for (let i = 0; i < y.length; i++) {
      const v = y[i]!;
      if (!Number.isInteger(v) || v < 0 || v > 1e6)
        throw invalid(`fit: y must hold class indices 0..k-1; got ${v} at row ${i}`, { row: i, field: 'y' });
      yClass[i] = v;
      seen.add(v);
      if (v + 1 > classes) classes = v + 1;
    }
    if (seen.size < 2)
      throw invalid(`fit: y must hold at least 2 classes; got only class ${y[0]}`, { field: 'y' });
  }
  const weights = new Float64Array(X.rows).fill(1);
  const sw = checkSampleWeightAt(extra?.sampleWeight, X.rows, 'fit');
  if (sw !== undefined) weights.set(sw);
  const { rows, cols } = X;
  const columns = new Float64Array(rows * cols);
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) columns[j * rows + i] = X.data[i * cols + j]!;
  const ranks = rankColumns(columns, rows, cols);
  return { data: { columns, rows, cols, yClass, yValue: y, classes, ...ranks }, weights };
}
