import type { Kysely } from 'kysely';
import type { Migration } from '../migrator.js';

/**
 * Lathe datasets: named datasets with immutable, numbered versions. A version's rows are a
 * Parquet blob (`digest`); its schema, profile and ingest report are JSON documents. Parents and
 * recipes are lineage edges (`dataset_version` → `dataset_version`). Named `data_*` because
 * `datasets` holds MLflow's dataset inputs of runs.
 */
export const datasets: Migration = {
  version: 6,
  name: 'datasets',
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('data_sets')
      .addColumn('name', 'text', (c) => c.primaryKey())
      .addColumn('description', 'text', (c) => c.notNull().defaultTo(''))
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .addColumn('created_by', 'text', (c) => c.notNull())
      .execute();
    await db.schema
      .createTable('data_versions')
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('version', 'integer', (c) => c.notNull())
      .addColumn('digest', 'text', (c) => c.notNull())
      .addColumn('rows', 'bigint', (c) => c.notNull())
      .addColumn('size', 'bigint', (c) => c.notNull())
      .addColumn('schema', 'text', (c) => c.notNull())
      .addColumn('profile', 'text', (c) => c.notNull())
      .addColumn('report', 'text', (c) => c.notNull())
      .addColumn('source', 'text', (c) => c.notNull())
      .addColumn('recipe', 'text')
      .addColumn('message', 'text', (c) => c.notNull().defaultTo(''))
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('created_by', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('data_versions_pk', ['name', 'version'])
      .execute();
    await db.schema
      .createIndex('data_versions_digest')
      .on('data_versions')
      .columns(['name', 'digest'])
      .execute();
  },
};
