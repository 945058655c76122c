/**
 * The xgboost flavor: XGBoost models (JSON or UBJSON from `save_model`) evaluated in TypeScript,
 * exactly as XGBoost's CPU predictor evaluates them, with a TreeEnsemble view for TreeSHAP.
 */
export { xgbTreeEnsemble } from './ensemble.js';
export { float32Boundary, xgbMargins, xgbPredict } from './evaluate.js';
export { decodeModelDocument, readXgbModel, type XgbModel, type XgbTrees } from './model.js';
export { supportedObjectives } from './objectives.js';
export { decodeUbjson, type UbjValue } from './ubjson.js';
export { parseXgboostModel, xgboostFlavor } from './xgboost-flavor.js';
export { XgboostPredictor } from './xgboost-predictor.js';
