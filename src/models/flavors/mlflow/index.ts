export { mlflowFlavor } from './mlflow-flavor.js';
export { exampleRows, type MlModel, mlmodelSignature, parseMlModel } from './mlmodel.js';
