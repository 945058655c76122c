/**
 * Models: the native package format (`lathe-model.json` + array files), signatures, and the one
 * Predictor interface serving, validation and batch scoring call. Flavors for imported formats
 * will live in flavors/<flavor>/.
 */
export * from './package.js';
export * from './predictor.js';
export * from './signature.js';
