export type { MetaDialect } from './meta-backend.js';
export { MetaStore, metaStoreSchemes, type OpenMetaStoreOptions, openMetaStore } from './meta-store.js';
export type { Migration, MigrationContext, MigrationResult, MigrationStatus } from './migrator.js';
export type * from './schema.js';
