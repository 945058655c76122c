/** Linear models: least squares, ridge, lasso, elastic net and logistic regression. */
export type { FitExtra } from './check.js';
export { ElasticNet, type ElasticNetOptions, Lasso, type LassoOptions } from './elastic-net.js';
export { LinearRegression, type LinearRegressionOptions, Ridge, type RidgeOptions } from './least-squares.js';
export { type InformationCriteria, LinearRegressor, type LinearRegressorKind } from './linear-regressor.js';
export { LogisticRegression, type LogisticRegressionOptions } from './logistic-regression.js';
