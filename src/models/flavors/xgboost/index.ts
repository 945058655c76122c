/**
 * The xgboost flavor: XGBoost models (JSON or UBJSON from `save_model`) evaluated in TypeScript,
 * exactly as XGBoost's CPU predictor evaluates them, with a TreeEnsemble view for TreeSHAP.
 */
export { xgbTreeEnsemble } from './ensemble.js';
export { float32Boundary, xgbMargins, xgbPredict } from './evaluate.js';
export { readXgbModel, type XgbModel } from './model.js';
export { parseXgboostModel, xgboostFlavor } from './xgboost-flavor.js';
