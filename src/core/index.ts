export * from './collections.js';
export * from './clock.js';
export * from './config.js';
export * from './error-codes.js';
export * from './errors.js';
export * from './ids.js';
export * from './logging.js';
export { version } from './version.js';
export { xmlAttr, xmlText } from './xml.js';
