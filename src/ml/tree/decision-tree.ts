/**
 * CART decision trees as in scikit-learn's DecisionTreeClassifier / DecisionTreeRegressor:
 * exhaustive sorted split search, gini / entropy / squared error, depth and size limits, a random
 * feature subset per split and sample weights.
 */
import { describeValue } from '../../core/index.js';
import type { Matrix, SavedModel } from '../matrix.js';
import { SeededRandom } from '../seeded-random.js';
import { growTree } from './grow-tree.js';
import {
  concatTrees,
  type ForestArrays,
  forestFromArrays,
  forestImportances,
  predictTrees,
} from './forest-arrays.js';
import {
  checkMatrix,
  checkOptions,
  type FitExtra,
  invalid,
  prepareFit,
  resolveGrowParams,
  type TreeOptions,
} from './options.js';

/** Fits one tree: shared by the classifier and the regressor. */
function fitTree(
  X: Matrix,
  y: Float64Array,
  options: TreeOptions,
  extra: FitExtra | undefined,
  classification: boolean,
): { forest: ForestArrays; classes: number } {
  checkOptions(options, false);
  checkMatrix(X, 'fit');
  const params = resolveGrowParams(options, X.rows, X.cols, classification, null, 'best');
  const { data, weights } = prepareFit(X, y, classification, extra);
  const indices: number[] = [];
  let total = 0;
  for (let i = 0; i < X.rows; i++) {
    if (weights[i]! > 0) indices.push(i);
    total += weights[i]!;
  }
  const tree = growTree(
    data,
    Int32Array.from(indices),
    weights,
    total,
    params,
    new SeededRandom(params.seed),
  );
  return { forest: concatTrees([tree], classification ? data.classes : 1), classes: data.classes };
}

/** Reads the common saved form of a tree or forest model. */
export function readSaved(
  saved: SavedModel,
  kind: string,
): { cols: number; classes: number; forest: ForestArrays; meta: Record<string, unknown> } {
  if (typeof saved !== 'object' || saved === null || saved.kind !== kind || saved.version !== 1)
    throw invalid(
      `expected a saved model of kind ${kind}, version 1; got kind ${describeValue(saved?.kind)} and version ${describeValue(saved?.version)}`,
      { field: 'kind' },
    );
  const meta = saved.meta ?? {};
  const cols = meta['cols'];
  const classes = meta['classes'];
  if (typeof cols !== 'number' || !Number.isInteger(cols) || cols < 1)
    throw invalid(`meta.cols must be an integer >= 1; got ${describeValue(cols)}`, { field: 'meta.cols' });
  if (typeof classes !== 'number' || !Number.isInteger(classes) || classes < 0 || classes === 1)
    throw invalid(`meta.classes must be 0 (regression) or an integer >= 2; got ${describeValue(classes)}`, {
      field: 'meta.classes',
    });
  const forest = forestFromArrays(saved.arrays ?? {}, cols, classes > 0 ? classes : 1);
  return { cols, classes, forest, meta };
}

/** Index of the largest of `k` values at `p[offset..]` (the first on ties, as numpy's argmax). */
export function argmaxRows(p: Float64Array, rows: number, k: number): Float64Array {
  const out = new Float64Array(rows);
  for (let r = 0; r < rows; r++) {
    let best = 0;
    for (let j = 1; j < k; j++) if (p[r * k + j]! > p[r * k + best]!) best = j;
    out[r] = best;
  }
  return out;
}

/** What both single-tree estimators share: the tree, its shape and its importances. */
abstract class DecisionTree {
  /** Columns of the training data; predicted rows must have as many. */
  readonly cols: number;
  /** Number of classes k (classifier) or 0 (regressor). */
  readonly classes: number;
  /** The tree in flat arrays (one tree: `treeStart` = [0, nodes]); for inspection and TreeSHAP. */
  readonly tree: ForestArrays;
  /** Mean decrease in impurity per feature, normalised to sum 1 (scikit-learn's feature_importances_). */
  readonly featureImportances: Float64Array;
  protected readonly options: TreeOptions;

  protected constructor(cols: number, classes: number, tree: ForestArrays, options: TreeOptions) {
    this.cols = cols;
    this.classes = classes;
    this.tree = tree;
    this.options = options;
    this.featureImportances = forestImportances(tree, cols);
  }

  /** Number of nodes. */
  get nodeCount(): number {
    return this.tree.feature.length;
  }

  /** Depth of the deepest leaf (0 for a single leaf). */
  get depth(): number {
    const { left, right } = this.tree;
    const depth = new Int32Array(left.length);
    let max = 0;
    for (let i = 0; i < left.length; i++) {
      if (left[i]! < 0) continue;
      depth[left[i]!] = depth[right[i]!] = depth[i]! + 1;
      if (depth[i]! + 1 > max) max = depth[i]! + 1;
    }
    return max;
  }

  protected raw(X: Matrix): Float64Array {
    checkMatrix(X, 'predict', this.cols);
    return predictTrees(this.tree, X, this.classes > 0 ? this.classes : 1);
  }

  protected saveAs(kind: string): SavedModel {
    return {
      kind,
      version: 1,
      meta: { cols: this.cols, classes: this.classes, options: this.options },
      arrays: { ...this.tree },
    };
  }
}

/**
 * A fitted CART classification tree. Targets are class indices 0..k−1; `predict` gives the most
 * probable class, `predictProba` the weighted class distribution of the leaf reached.
 */
export class DecisionTreeClassifier extends DecisionTree {
  /**
   * Fits a tree on `X` (rows × cols) and class indices `y`.
   * @throws LatheError INVALID_ARGUMENT for an unknown or out-of-range option, NaN/Inf in X (naming
   *   row and column), y not class indices, fewer than 2 classes, or bad sample weights.
   */
  static fit(
    X: Matrix,
    y: Float64Array,
    options: TreeOptions = {},
    extra?: FitExtra,
  ): DecisionTreeClassifier {
    const { forest, classes } = fitTree(X, y, options, extra, true);
    return new DecisionTreeClassifier(X.cols, classes, forest, { ...options });
  }

  /** Class probabilities, `X.rows` × `classes`. */
  predictProba(X: Matrix): Matrix {
    return { data: this.raw(X), rows: X.rows, cols: this.classes };
  }

  /** The most probable class index per row (the lowest index on ties). */
  predict(X: Matrix): Float64Array {
    return argmaxRows(this.raw(X), X.rows, this.classes);
  }

  /** The fitted tree as metadata and typed arrays; {@link DecisionTreeClassifier.load} reads it. */
  save(): SavedModel {
    return this.saveAs('decision-tree-classifier');
  }

  /** Reads a tree written by `save`; it predicts exactly as the saved one. */
  static load(saved: SavedModel): DecisionTreeClassifier {
    const { cols, classes, forest, meta } = readSaved(saved, 'decision-tree-classifier');
    if (classes < 2) throw invalid('meta.classes must be >= 2 for a classifier', { field: 'meta.classes' });
    return new DecisionTreeClassifier(cols, classes, forest, (meta['options'] ?? {}) as TreeOptions);
  }
}

/** A fitted CART regression tree (squared error): `predict` gives the weighted mean of the leaf. */
export class DecisionTreeRegressor extends DecisionTree {
  /**
   * Fits a tree on `X` (rows × cols) and targets `y`.
   * @throws LatheError INVALID_ARGUMENT for an unknown or out-of-range option, NaN/Inf in X or y
   *   (naming row and column), or bad sample weights.
   */
  static fit(X: Matrix, y: Float64Array, options: TreeOptions = {}, extra?: FitExtra): DecisionTreeRegressor {
    const { forest } = fitTree(X, y, options, extra, false);
    return new DecisionTreeRegressor(X.cols, 0, forest, { ...options });
  }

  /** Predicted value per row. */
  predict(X: Matrix): Float64Array {
    return this.raw(X);
  }

  /** The fitted tree as metadata and typed arrays; {@link DecisionTreeRegressor.load} reads it. */
  save(): SavedModel {
    return this.saveAs('decision-tree-regressor');
  }

  /** Reads a tree written by `save`; it predicts exactly as the saved one. */
  static load(saved: SavedModel): DecisionTreeRegressor {
    const { cols, classes, forest, meta } = readSaved(saved, 'decision-tree-regressor');
    if (classes !== 0) throw invalid('meta.classes must be 0 for a regressor', { field: 'meta.classes' });
    return new DecisionTreeRegressor(cols, 0, forest, (meta['options'] ?? {}) as TreeOptions);
  }
}
