/**
 * Machine learning: pure numeric cores on typed arrays (no I/O), each in its own folder. Every
 * entry point validates its input and throws LatheError('INVALID_ARGUMENT') naming what was expected
 * and what arrived. Importing this module has no side effects.
 */
export {
  IsolationForest,
  type IsolationForestJSON,
  type IsolationForestOptions,
  type IsolationTreeJSON,
} from './isolation-forest/isolation-forest.js';
export { SeededRandom } from './seeded-random.js';
export { type Matrix, matrix, matrixFromColumns, matrixFromRows, type SavedModel } from './matrix.js';
export { KNeighborsClassifier } from './neighbors/k-neighbors-classifier.js';
export { KNeighborsRegressor } from './neighbors/k-neighbors-regressor.js';
export type { KNeighborsOptions } from './neighbors/k-neighbors-base.js';
export {
  GaussianNaiveBayes,
  type GaussianNaiveBayesExtra,
  type GaussianNaiveBayesOptions,
} from './naive-bayes/gaussian-naive-bayes.js';
export { KMeans, type KMeansExtra, type KMeansOptions } from './cluster/k-means.js';
export {
  DecisionTreeClassifier,
  DecisionTreeRegressor,
} from './tree/decision-tree.js';
export { RandomForestClassifier, RandomForestRegressor } from './tree/random-forest.js';
export { ExtraTreesClassifier, ExtraTreesRegressor } from './tree/extra-trees.js';
export type { FitExtra as TreeFitExtra, ForestOptions, TreeOptions } from './tree/options.js';
export type { ForestArrays } from './tree/forest-arrays.js';
export {
  addPaddedMargins,
  type PaddedTrees,
  padTrees,
  type TreeFeatures,
  type TreeNodes,
} from './tree/padded-walk.js';
export type {
  Criterion as TreeCriterion,
  GrowParams as TreeGrowParams,
  TreeArrays,
  TreeData,
} from './tree/grow-tree.js';
export * from './metrics/index.js';
export * from './cv/index.js';
export {
  ElasticNet,
  type ElasticNetOptions,
  type FitExtra as LinearFitExtra,
  type InformationCriteria,
  Lasso,
  type LassoOptions,
  LinearRegression,
  type LinearRegressionOptions,
  LinearRegressor,
  type LinearRegressorKind,
  LogisticRegression,
  type LogisticRegressionOptions,
  Ridge,
  type RidgeOptions,
} from './linear/index.js';
export {
  type LbfgsOptions,
  type LbfgsResult,
  minimizeLbfgs,
  type ObjectiveWithGradient,
} from './optim/lbfgs.js';
export type { FitContext, FitProgress, FittedModel, ModelFamily, Task } from './family.js';
export {
  type NumericArray,
  sharedWorkerPool,
  toShared,
  WorkerPool,
} from './parallel/index.js';
export { cartEnsemble, loadFitted, MODEL_FAMILIES, modelFamily } from './families.js';
export {
  type EnsembleMemberSpec,
  ensembleFamily,
  MAX_ENSEMBLE_MEMBERS,
  parseEnsembleParams,
} from './ensemble/ensemble-family.js';
export { goesLeft, leafIndex, rawTreeOutputs, type TreeEnsemble } from './tree-ensemble.js';
export { gbdtFamily } from './gbdt/gbdt-family.js';
export { GBDT_KIND, type GbdtFitContext, GradientBoosting } from './gbdt/gradient-boosting.js';
export { GBDT_PARAM_HELP, type GbdtOptions, type RegressionLoss } from './gbdt/options.js';
export * from './tune/index.js';
export * from './explain/index.js';
export { softmaxRow } from './softmax.js';
