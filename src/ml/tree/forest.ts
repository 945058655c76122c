/**
 * Random forests and extra trees, shared machinery (see random-forest.ts and extra-trees.ts for
 * the estimators). Each tree is a pure function of (data, weights, parameters, tree seed) —
 * {@link growForestTree} — so trees can be grown in any order or on worker threads and the forest
 * is the same.
 */
import type { Matrix, SavedModel } from '../matrix.js';
import { SeededRandom } from '../seeded-random.js';
import { type GrowParams, growTree, type TreeArrays, type TreeData } from './grow-tree.js';
import { argmaxRows, readSaved } from './decision-tree.js';
import { concatTrees, type ForestArrays, forestImportances, predictTrees } from './forest-arrays.js';
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

/** Fits a forest (random forest or extra trees, classification or regression). */
function fitForest(
  X: Matrix,
  y: Float64Array,
  options: ForestOptions,
  extra: FitExtra | undefined,
  classification: boolean,
  splitter: 'best' | 'random',
): FittedForest {
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
  const grown: TreeArrays[] = [];
  for (let t = 0; t < trees; t++) grown.push(growForestTree(data, weights, params, sampling, seeds[t]!));
  const outputs = classification ? data.classes : 1;
  const forest = concatTrees(grown, outputs);
  const oobScore = oob ? outOfBagScore(forest, X, y, sampling, seeds, outputs, classification) : undefined;
  return { forest, cols: X.cols, classes: data.classes, oobScore };
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

/** What every forest estimator shares. */
export abstract class Forest {
  /** Columns of the training data; predicted rows must have as many. */
  readonly cols: number;
  /** Number of classes k (classifiers) or 0 (regressors). */
  readonly classes: number;
  /** All trees in flat arrays (see ForestArrays); for inspection and TreeSHAP. */
  readonly forest: ForestArrays;
  /** Out-of-bag accuracy (classifiers) or R² (regressors) when fitted with `oobScore`. */
  readonly oobScore: number | undefined;
  /** Mean decrease in impurity per feature, averaged over trees and normalised (as scikit-learn). */
  readonly featureImportances: Float64Array;
  protected readonly options: ForestOptions;

  protected constructor(fitted: FittedForest, options: ForestOptions) {
    this.cols = fitted.cols;
    this.classes = fitted.classes;
    this.forest = fitted.forest;
    this.oobScore = fitted.oobScore;
    this.options = options;
    this.featureImportances = forestImportances(fitted.forest, fitted.cols);
  }

  /** Number of trees. */
  get treeCount(): number {
    return this.forest.treeStart.length - 1;
  }

  protected raw(X: Matrix): Float64Array {
    checkMatrix(X, 'predict', this.cols);
    return predictTrees(this.forest, X, this.classes > 0 ? this.classes : 1);
  }

  protected saveAs(kind: string): SavedModel {
    return {
      kind,
      version: 1,
      meta: {
        cols: this.cols,
        classes: this.classes,
        oobScore: this.oobScore ?? null,
        options: this.options,
      },
      arrays: { ...this.forest },
    };
  }

  protected static loadFitted(
    saved: SavedModel,
    kind: string,
    classifier: boolean,
  ): [FittedForest, ForestOptions] {
    const { cols, classes, forest, meta } = readSaved(saved, kind);
    if (classifier !== classes > 0)
      throw invalid(`meta.classes must be ${classifier ? '>= 2' : '0'} for ${kind}`, {
        field: 'meta.classes',
      });
    const oob = meta['oobScore'];
    return [
      { cols, classes, forest, oobScore: typeof oob === 'number' ? oob : undefined },
      (meta['options'] ?? {}) as ForestOptions,
    ];
  }
}

/** The constructor every concrete forest estimator has (protected on the classes themselves). */
type ForestConstructor<T> = new (fitted: FittedForest, options: ForestOptions) => T;

/** What a concrete forest class declares as `protected static readonly` fields. */
interface ForestSpec {
  /** The saved-model kind, e.g. `random-forest-classifier`. */
  readonly kind: string;
  /** `best` (exhaustive search, random forests) or `random` (one random threshold per feature, extra trees). */
  readonly splitter: 'best' | 'random';
}

/** The spec of the concrete class `cls` (the class `fit`/`load` was called on). */
function specOf(cls: unknown): ForestSpec {
  return cls as ForestSpec;
}

/** Constructs the concrete estimator `cls`. */
function construct<T>(cls: { prototype: T }, fitted: FittedForest, options: ForestOptions): T {
  return new (cls as unknown as ForestConstructor<T>)(fitted, options);
}

/**
 * A forest classifier: probabilities are the mean of the trees' leaf distributions. Concrete classes
 * declare `protected static readonly kind` and `splitter` (see {@link ForestSpec}).
 */
export abstract class ForestClassifier extends Forest {
  /**
   * Fits `options.trees` (default 100) trees. Targets are class indices 0..k−1.
   * @throws LatheError INVALID_ARGUMENT for an unknown or out-of-range option, NaN/Inf in X (naming
   *   row and column), y not class indices, fewer than 2 classes, or bad sample weights.
   */
  static fit<T>(
    this: { prototype: T },
    X: Matrix,
    y: Float64Array,
    options: ForestOptions = {},
    extra?: FitExtra,
  ): T {
    // biome-ignore lint/complexity/noThisInStatic: `this` is the concrete subclass (RandomForestClassifier, …) called
    return construct(this, fitForest(X, y, options, extra, true, specOf(this).splitter), { ...options });
  }

  /** Reads a forest written by `save`; it predicts exactly as the saved one. */
  static load<T>(this: { prototype: T }, saved: SavedModel): T {
    // biome-ignore lint/complexity/noThisInStatic: `this` is the concrete subclass (RandomForestClassifier, …) called
    return construct(this, ...Forest.loadFitted(saved, specOf(this).kind, true));
  }

  /** The forest as metadata and typed arrays; `load` reads it. */
  save(): SavedModel {
    return this.saveAs(specOf(this.constructor).kind);
  }

  /** Class probabilities, `X.rows` × `classes`: the mean of the trees' probabilities. */
  predictProba(X: Matrix): Matrix {
    return { data: this.raw(X), rows: X.rows, cols: this.classes };
  }

  /** The most probable class index per row (the lowest index on ties). */
  predict(X: Matrix): Float64Array {
    return argmaxRows(this.raw(X), X.rows, this.classes);
  }
}

/** A forest regressor: predictions are the mean of the trees' predictions (see ForestClassifier). */
export abstract class ForestRegressor extends Forest {
  /**
   * Fits `options.trees` (default 100) trees.
   * @throws LatheError INVALID_ARGUMENT for an unknown or out-of-range option, NaN/Inf in X or y
   *   (naming row and column), or bad sample weights.
   */
  static fit<T>(
    this: { prototype: T },
    X: Matrix,
    y: Float64Array,
    options: ForestOptions = {},
    extra?: FitExtra,
  ): T {
    // biome-ignore lint/complexity/noThisInStatic: `this` is the concrete subclass (RandomForestClassifier, …) called
    return construct(this, fitForest(X, y, options, extra, false, specOf(this).splitter), { ...options });
  }

  /** Reads a forest written by `save`; it predicts exactly as the saved one. */
  static load<T>(this: { prototype: T }, saved: SavedModel): T {
    // biome-ignore lint/complexity/noThisInStatic: `this` is the concrete subclass (RandomForestClassifier, …) called
    return construct(this, ...Forest.loadFitted(saved, specOf(this).kind, false));
  }

  /** The forest as metadata and typed arrays; `load` reads it. */
  save(): SavedModel {
    return this.saveAs(specOf(this.constructor).kind);
  }

  /** Predicted value per row. */
  predict(X: Matrix): Float64Array {
    return this.raw(X);
  }
}
