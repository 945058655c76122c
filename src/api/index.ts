export { type AppOptions, buildApp, type LatheApp } from './app.js';
export { buildServingApp, type ServingAppOptions } from './serving-app.js';
export { httpStatusByCode } from './error-status.js';
export { type RunningServer, startServer } from './server.js';
