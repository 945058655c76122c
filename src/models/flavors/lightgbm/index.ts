/** The LightGBM flavor: text models evaluated in TypeScript as LightGBM predicts. */
export { lightgbmEnsemble } from './lgb-ensemble.js';
export { LIGHTGBM_MODEL_FILE, LightgbmPredictor, lightgbmFlavor } from './lightgbm-flavor.js';
export { type LightgbmModel, parseModelText } from './model-text.js';
