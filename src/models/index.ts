/**
 * Models: the package format (`lathe-model.json` + array files or imported files), signatures and
 * their enforcement, the one Predictor interface serving, validation and batch scoring call, and
 * the flavors models come in (flavors/<flavor>/).
 */
export * from './conform.js';
export * from './flavors/index.js';
export * from './package.js';
export * from './predictor.js';
export * from './signature.js';
export * from './model-service.js';
export { isTar, readTar } from './tar.js';
export { writeTar } from './tar-writer.js';
