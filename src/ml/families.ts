/**
 * The registry of trainable model families: one explicit list, names unique. `lathe train --model`,
 * tuning, AutoML and the model package look families up here.
 */
import { LatheError } from '../core/index.js';
import type { FitContext, FittedModel, ModelFamily, Task } from './family.js';
import { ensembleFamily } from './ensemble/ensemble-family.js';
import { gbdtFamily } from './gbdt/gbdt-family.js';
import { invalid } from './input-checks.js';
import {
  ElasticNet,
  Lasso,
  LinearRegression,
  LinearRegressor,
  LogisticRegression,
  Ridge,
} from './linear/index.js';
import type { Matrix, SavedModel } from './matrix.js';
import { GaussianNaiveBayes } from './naive-bayes/gaussian-naive-bayes.js';
import { KNeighborsClassifier } from './neighbors/k-neighbors-classifier.js';
import { KNeighborsRegressor } from './neighbors/k-neighbors-regressor.js';
import { DecisionTreeClassifier, DecisionTreeRegressor } from './tree/decision-tree.js';
import { ExtraTreesClassifier, ExtraTreesRegressor } from './tree/extra-trees.js';
import type { ForestArrays } from './tree/forest-arrays.js';
import { RandomForestClassifier, RandomForestRegressor } from './tree/random-forest.js';
import type { TreeEnsemble } from './tree-ensemble.js';
import type { ParamSet } from './tune/space.js';

const CLASSIFICATION: readonly Task[] = ['binary', 'multiclass'];
const ALL_TASKS: readonly Task[] = ['binary', 'multiclass', 'regression'];

/** What the estimator classes of src/ml have in common. */
interface Estimator {
  readonly cols: number;
  predict(X: Matrix): Float64Array;
  predictProba?(X: Matrix): Matrix;
  save(): SavedModel;
  readonly iterations?: number;
  readonly featureImportances?: Float64Array;
  informationCriteria?(X: Matrix, y: Float64Array): { aic: number; bic: number };
}

/** Pads probability columns up to `classes` (a fold may lack the highest classes). */
function padProba(p: Matrix, classes: number): Matrix {
  if (p.cols >= classes) return p;
  const out = new Float64Array(p.rows * classes);
  for (let r = 0; r < p.rows; r++) out.set(p.data.subarray(r * p.cols, (r + 1) * p.cols), r * classes);
  return { data: out, rows: p.rows, cols: classes };
}

/** A FittedModel around an estimator; `trees` gives its TreeEnsemble view when it has one. */
function fitted(
  family: string,
  task: Task,
  classes: number,
  model: Estimator,
  trees?: () => TreeEnsemble,
): FittedModel {
  const out: FittedModel = {
    family,
    task,
    cols: model.cols,
    predict: (X) => model.predict(X),
    save: () => model.save(),
    ...(model.iterations === undefined ? {} : { iterations: model.iterations }),
  };
  if (task !== 'regression' && model.predictProba) {
    const proba = model.predictProba.bind(model);
    out.predictProba = (X) => padProba(proba(X), classes);
  }
  if (model.featureImportances) {
    const importances = model.featureImportances;
    out.featureImportances = () => importances;
  }
  if (trees) out.treeEnsemble = trees;
  if (model.informationCriteria) {
    const ic = model.informationCriteria.bind(model);
    out.informationCriteria = (X, y) => {
      const { aic, bic } = ic(X, y);
      return { aic, bic };
    };
  }
  return out;
}

/** The TreeEnsemble view of CART trees (single trees and forests: the mean of the trees). */
export function cartEnsemble(forest: ForestArrays, cols: number, classes: number): TreeEnsemble {
  const trees = forest.treeStart.length - 1;
  const outputs = classes > 0 ? classes : 1;
  return {
    treeStart: forest.treeStart,
    feature: forest.feature,
    threshold: forest.threshold,
    left: forest.left,
    right: forest.right,
    missingLeft: new Uint8Array(forest.feature.length),
    cover: forest.weight,
    value: forest.value,
    outputs,
    scale: 1 / trees,
    base: new Float64Array(outputs),
    link: 'identity',
    cols,
  };
}

function taskOfClasses(classes: number): Task {
  return classes === 0 ? 'regression' : classes === 2 ? 'binary' : 'multiclass';
}

function requireTask(family: ModelFamily, context: FitContext): void {
  if (!family.tasks.includes(context.task))
    throw invalid(`model ${family.name} does not do ${context.task}; it does ${family.tasks.join(', ')}`, {
      field: 'model',
    });
}

const TREE_PARAMS = {
  criterion: 'split quality: gini (default) or entropy for classifiers; squared_error for regression',
  maxDepth: 'maximum depth, an integer >= 1, or null (default) to grow until pure',
  minSamplesSplit: 'rows a node needs to be split: integer >= 2 (default 2) or a fraction in (0, 1)',
  minSamplesLeaf: 'rows each leaf keeps: integer >= 1 (default 1) or a fraction in (0, 1)',
  minImpurityDecrease: 'a split must decrease impurity by at least this (>= 0, default 0)',
  maxFeatures: 'features tried per split: sqrt, log2, an integer, a fraction in (0, 1), or null for all',
  seed: 'random seed (default 0)',
} as const;

const FOREST_PARAMS = {
  ...TREE_PARAMS,
  trees: 'number of trees, an integer >= 1 (default 100)',
  bootstrap: 'draw rows with replacement for each tree (true/false)',
  maxSamples: 'rows drawn per tree: an integer or a fraction in (0, 1); default all',
  oobScore: 'compute the out-of-bag score (needs bootstrap)',
  threads:
    'worker threads growing the trees, an integer 1..256 (default 1); the forest is the same for any value',
} as const;

const TREE_PREPROCESS = { scale: false, missing: 'impute', categorical: 'ordinal' } as const;
const SCALED_PREPROCESS = { scale: true, missing: 'impute', categorical: 'one-hot' } as const;

type ForestClass = {
  fit(
    X: Matrix,
    y: Float64Array,
    options: object,
    extra?: object,
  ): Estimator & { forest: ForestArrays; classes: number };
  fitAsync(
    X: Matrix,
    y: Float64Array,
    options: object,
    extra?: object,
  ): Promise<Estimator & { forest: ForestArrays; classes: number }>;
  load(saved: SavedModel): Estimator & { forest: ForestArrays; classes: number };
};

/** An estimator's fit extras from a family context: the sample weights, when there are any. */
function weightExtra(context: FitContext): { sampleWeight: Float64Array } | undefined {
  return context.sampleWeight ? { sampleWeight: context.sampleWeight } : undefined;
}

/** A forest's fit extras from a family context: weights, progress per tree, the stop request. */
function forestExtra(context: FitContext) {
  return {
    ...weightExtra(context),
    ...(context.onProgress
      ? { onTree: (done: number, total: number) => context.onProgress!({ iteration: done, total }) }
      : {}),
    ...(context.shouldStop ? { shouldStop: context.shouldStop } : {}),
  };
}

function forestFamily(
  name: string,
  summary: string,
  classifier: ForestClass,
  regressor: ForestClass,
  kinds: [string, string],
  bootstrap: boolean,
): ModelFamily {
  const wrap = (task: Task, m: Estimator & { forest: ForestArrays; classes: number }) =>
    fitted(name, task, m.classes, m, () => cartEnsemble(m.forest, m.cols, m.classes));
  const family: ModelFamily = {
    name,
    summary,
    tasks: ALL_TASKS,
    params: FOREST_PARAMS,
    space: {
      trees: { type: 'int', low: 20, high: 400, log: true },
      maxDepth: { type: 'categorical', choices: [null, 6, 10, 16, 24] },
      minSamplesLeaf: { type: 'int', low: 1, high: 32, log: true },
      maxFeatures: { type: 'categorical', choices: ['sqrt', 'log2', 0.5, null] },
      ...(bootstrap ? { bootstrap: { type: 'categorical', choices: [true, false] } } : {}),
    },
    cheapStart: { trees: 20, maxDepth: 10, minSamplesLeaf: 1, maxFeatures: 'sqrt' },
    budgetParam: 'trees',
    preprocess: TREE_PREPROCESS,
    kinds,
    fit(X, y, params, context) {
      requireTask(family, context);
      const extra = forestExtra(context);
      if (context.task === 'regression') return wrap('regression', regressor.fit(X, y, params, extra));
      return wrap(context.task, classifier.fit(X, y, params, extra));
    },
    async fitAsync(X, y, params, context) {
      requireTask(family, context);
      const extra = forestExtra(context);
      if (context.task === 'regression')
        return wrap('regression', await regressor.fitAsync(X, y, params, extra));
      return wrap(context.task, await classifier.fitAsync(X, y, params, extra));
    },
    load(saved) {
      const m = saved.kind === kinds[0] ? classifier.load(saved) : regressor.load(saved);
      return wrap(taskOfClasses(m.classes), m);
    },
  };
  return family;
}

const LINEAR_PARAMS = {
  fitIntercept: 'fit an intercept (default true)',
} as const;

/** A least-squares family (`linear`, `ridge`, `lasso`, `elastic-net`). */
function linearFamily(
  name: string,
  summary: string,
  kind: string,
  params: Record<string, string>,
  space: ModelFamily['space'],
  cheapStart: ParamSet,
  fit: (
    X: Matrix,
    y: Float64Array,
    params: ParamSet,
    extra?: { sampleWeight: Float64Array },
  ) => LinearRegressor,
): ModelFamily {
  const family: ModelFamily = {
    name,
    summary,
    tasks: ['regression'],
    params: { ...LINEAR_PARAMS, ...params },
    space,
    cheapStart,
    preprocess: SCALED_PREPROCESS,
    kinds: [kind],
    fit(X, y, p, context) {
      requireTask(family, context);
      const extra = weightExtra(context);
      return fitted(name, 'regression', 0, fit(X, y, p, extra));
    },
    load: (saved) => fitted(name, 'regression', 0, LinearRegressor.load(saved)),
  };
  return family;
}

const CD_PARAMS = {
  alpha: 'penalty strength α >= 0 (default 1)',
  maxIter: 'maximum coordinate-descent passes (default 1000)',
  tol: 'stopping tolerance (default 1e-4)',
} as const;

const logistic: ModelFamily = {
  name: 'logistic',
  summary: 'Logistic regression (binary or multinomial), L2 by L-BFGS or L1 by OWL-QN',
  tasks: CLASSIFICATION,
  params: {
    penalty: "'l2' (default), 'l1' or 'none'",
    C: 'inverse regularisation strength, > 0 (default 1)',
    fitIntercept: 'fit intercepts (default true)',
    maxIter: 'maximum solver iterations, >= 1 (default 100)',
    tol: 'gradient tolerance (default 1e-4)',
    threads:
      'threads evaluating the binary objective, an integer 1..256 (default 1); same model for any value',
  },
  space: {
    C: { type: 'float', low: 1e-3, high: 100, log: true },
    penalty: { type: 'categorical', choices: ['l2', 'l1'] },
  },
  cheapStart: { C: 1, penalty: 'l2' },
  budgetParam: 'maxIter',
  preprocess: SCALED_PREPROCESS,
  kinds: ['logistic'],
  fit(X, y, params, context) {
    requireTask(logistic, context);
    const extra = weightExtra(context);
    const m = LogisticRegression.fit(X, y, { ...params, classes: context.classes }, extra);
    return fitted('logistic', context.task, context.classes, m);
  },
  async fitAsync(X, y, params, context) {
    requireTask(logistic, context);
    const extra = weightExtra(context);
    const m = await LogisticRegression.fitAsync(X, y, { ...params, classes: context.classes }, extra);
    return fitted('logistic', context.task, context.classes, m);
  },
  load(saved) {
    const m = LogisticRegression.load(saved);
    return fitted('logistic', taskOfClasses(m.classes), m.classes, m);
  },
};

const decisionTree: ModelFamily = {
  name: 'decision-tree',
  summary: 'A single CART decision tree (gini, entropy or squared error)',
  tasks: ALL_TASKS,
  params: TREE_PARAMS,
  space: {
    maxDepth: { type: 'int', low: 2, high: 20 },
    minSamplesLeaf: { type: 'int', low: 1, high: 64, log: true },
  },
  cheapStart: { maxDepth: 6, minSamplesLeaf: 4 },
  preprocess: TREE_PREPROCESS,
  kinds: ['decision-tree-classifier', 'decision-tree-regressor'],
  fit(X, y, params, context) {
    requireTask(decisionTree, context);
    const extra = weightExtra(context);
    const m =
      context.task === 'regression'
        ? DecisionTreeRegressor.fit(X, y, params, extra)
        : DecisionTreeClassifier.fit(X, y, params, extra);
    return fitted('decision-tree', context.task, m.classes, m, () => cartEnsemble(m.tree, m.cols, m.classes));
  },
  load(saved) {
    const m =
      saved.kind === 'decision-tree-regressor'
        ? DecisionTreeRegressor.load(saved)
        : DecisionTreeClassifier.load(saved);
    return fitted('decision-tree', taskOfClasses(m.classes), m.classes, m, () =>
      cartEnsemble(m.tree, m.cols, m.classes),
    );
  },
};

const KNN_PARAMS = {
  k: 'number of neighbours, 1..rows (default 5)',
  weights: "'uniform' (default) or 'distance'",
  metric: "'euclidean' (default), 'manhattan' or 'minkowski'",
  p: 'Minkowski exponent >= 1 (default 2)',
  algorithm: "'auto' (default), 'brute' or 'kd-tree'",
} as const;

const knn: ModelFamily = {
  name: 'knn',
  summary: 'k-nearest neighbours (KD-tree or brute force)',
  tasks: ALL_TASKS,
  params: KNN_PARAMS,
  space: {
    k: { type: 'int', low: 1, high: 50, log: true },
    weights: { type: 'categorical', choices: ['uniform', 'distance'] },
  },
  cheapStart: { k: 5 },
  preprocess: SCALED_PREPROCESS,
  kinds: ['knn-classifier', 'knn-regressor'],
  fit(X, y, params, context) {
    requireTask(knn, context);
    if (context.sampleWeight) throw invalid('knn does not take sample weights', { field: 'sampleWeight' });
    if (context.task === 'regression')
      return fitted('knn', 'regression', 0, KNeighborsRegressor.fit(X, y, params));
    const m = KNeighborsClassifier.fit(X, y, params);
    return fitted('knn', context.task, context.classes, m);
  },
  load(saved) {
    if (saved.kind === 'knn-regressor')
      return fitted('knn', 'regression', 0, KNeighborsRegressor.load(saved));
    const m = KNeighborsClassifier.load(saved);
    return fitted('knn', taskOfClasses(m.classes), m.classes, m);
  },
};

const naiveBayes: ModelFamily = {
  name: 'naive-bayes',
  summary: 'Gaussian naive Bayes',
  tasks: CLASSIFICATION,
  params: {
    priors: 'class prior probabilities (default: class frequencies)',
    varSmoothing: 'share of the largest variance added to every variance (default 1e-9)',
  },
  space: { varSmoothing: { type: 'float', low: 1e-12, high: 1e-2, log: true } },
  cheapStart: {},
  preprocess: { scale: false, missing: 'impute', categorical: 'one-hot' },
  kinds: ['gaussian-naive-bayes'],
  fit(X, y, params, context) {
    requireTask(naiveBayes, context);
    const extra = weightExtra(context);
    const m = GaussianNaiveBayes.fit(X, y, params, extra);
    return fitted('naive-bayes', context.task, context.classes, m);
  },
  load(saved) {
    const m = GaussianNaiveBayes.load(saved);
    return fitted('naive-bayes', taskOfClasses(m.classes), m.classes, m);
  },
};

/** Every trainable family, in the order help texts list them. */
export const MODEL_FAMILIES: readonly ModelFamily[] = [
  logistic,
  linearFamily('linear', 'Ordinary least squares', 'linear-regression', {}, {}, {}, (X, y, p, e) =>
    LinearRegression.fit(X, y, p, e),
  ),
  linearFamily(
    'ridge',
    'Ridge regression (L2)',
    'ridge',
    { alpha: 'penalty strength α >= 0 (default 1)' },
    { alpha: { type: 'float', low: 1e-4, high: 100, log: true } },
    { alpha: 1 },
    (X, y, p, e) => Ridge.fit(X, y, p, e),
  ),
  linearFamily(
    'lasso',
    'Lasso regression (L1, coordinate descent)',
    'lasso',
    CD_PARAMS,
    { alpha: { type: 'float', low: 1e-4, high: 10, log: true } },
    { alpha: 0.1 },
    (X, y, p, e) => Lasso.fit(X, y, p, e),
  ),
  linearFamily(
    'elastic-net',
    'Elastic net (L1 + L2, coordinate descent)',
    'elastic-net',
    { ...CD_PARAMS, l1Ratio: 'share of L1 in the penalty, 0..1 (default 0.5)' },
    {
      alpha: { type: 'float', low: 1e-4, high: 10, log: true },
      l1Ratio: { type: 'float', low: 0.05, high: 1 },
    },
    { alpha: 0.1, l1Ratio: 0.5 },
    (X, y, p, e) => ElasticNet.fit(X, y, p, e),
  ),
  decisionTree,
  forestFamily(
    'rf',
    'Random forest (bootstrap, random feature subsets)',
    RandomForestClassifier as unknown as ForestClass,
    RandomForestRegressor as unknown as ForestClass,
    ['random-forest-classifier', 'random-forest-regressor'],
    true,
  ),
  forestFamily(
    'extra-trees',
    'Extremely randomized trees',
    ExtraTreesClassifier as unknown as ForestClass,
    ExtraTreesRegressor as unknown as ForestClass,
    ['extra-trees-classifier', 'extra-trees-regressor'],
    false,
  ),
  knn,
  naiveBayes,
  gbdtFamily,
  // Last: AutoML's weighted average of members of the families above.
  ensembleFamily(
    (name) => modelFamily(name),
    (saved) => loadFitted(saved),
  ),
];

/**
 * The family named `name`.
 * @throws LatheError INVALID_ARGUMENT naming the valid families when there is none.
 */
export function modelFamily(name: string): ModelFamily {
  const family = MODEL_FAMILIES.find((f) => f.name === name);
  if (!family)
    throw new LatheError(
      'INVALID_ARGUMENT',
      `unknown model ${JSON.stringify(name)}; valid models are ${MODEL_FAMILIES.map((f) => f.name).join(', ')}`,
      { field: 'model' },
    );
  return family;
}

/**
 * Loads a saved model of any family by its kind.
 * @throws LatheError INVALID_ARGUMENT when no family reads `saved.kind`.
 */
export function loadFitted(saved: SavedModel): FittedModel {
  const family = MODEL_FAMILIES.find((f) => f.kinds.includes(saved.kind));
  if (!family)
    throw new LatheError(
      'INVALID_ARGUMENT',
      `no model family reads saved kind ${JSON.stringify(saved.kind)}`,
      {
        field: 'kind',
      },
    );
  return family.load(saved);
}
