export type { MetaDialect } from './meta-backend.js';
export {
  MetaStore,
  maxInList,
  metaStoreSchemes,
  type OpenMetaStoreOptions,
  openMetaStore,
  selectInChunks,
  type WriteTx,
} from './meta-store.js';
export type { Migration, MigrationContext, MigrationResult, MigrationStatus } from './migrator.js';
export type * from './schema.js';
