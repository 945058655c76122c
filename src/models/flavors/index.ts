/** Model flavors: the formats models come in, one folder each, behind one contract. */
export * from './flavor.js';
export { type ImportedPackageOptions, importedPackage, readPackageFiles } from './imported-package.js';
export { detectFlavor, loadModelPackage, loadPackage, modelFlavor, modelFlavors } from './flavors.js';
export { exampleRows, mlmodelSignature, parseMlModel } from './mlflow/index.js';
export { findPickle, pickleRefusal } from './pickle.js';
