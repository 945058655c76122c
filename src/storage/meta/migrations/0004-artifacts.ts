import type { Kysely } from 'kysely';
import type { Migration } from '../migrator.js';

/**
 * Artifact files served through MLflow's artifact proxy: one row per file, its bytes in the blob
 * store. Directories are implied by path prefixes.
 */
export const artifacts: Migration = {
  version: 4,
  name: 'artifacts',
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('artifacts')
      .addColumn('path', 'text', (c) => c.primaryKey())
      .addColumn('digest', 'text', (c) => c.notNull())
      .addColumn('size', 'bigint', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('artifacts_digest').on('artifacts').column('digest').execute();
  },
};
