import type { Kysely } from 'kysely';
import type { Migration } from '../migrator.js';

/**
 * Monitoring: the models the inference store holds records of (their schema and retention), the
 * catalogue of Parquet segments in the blob store, and per-day counters of refused and late
 * records. Written by the monitoring module only.
 */
export const monitoring: Migration = {
  version: 11,
  name: 'monitoring',
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('monitored_models')
      .addColumn('name', 'text', (c) => c.primaryKey())
      .addColumn('key', 'text', (c) => c.notNull().unique())
      .addColumn('task', 'text')
      .addColumn('features', 'text', (c) => c.notNull())
      .addColumn('classes', 'text', (c) => c.notNull())
      .addColumn('tags', 'text', (c) => c.notNull())
      .addColumn('versions', 'text', (c) => c.notNull())
      .addColumn('retention_days', 'integer')
      .addColumn('downsample', 'text')
      .addColumn('baselines', 'text', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema
      .createTable('monitoring_segments')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('model_key', 'text', (c) => c.notNull())
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('digest', 'text', (c) => c.notNull())
      .addColumn('rows', 'bigint', (c) => c.notNull())
      .addColumn('min_ts', 'bigint', (c) => c.notNull())
      .addColumn('max_ts', 'bigint', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('monitoring_segments_model')
      .on('monitoring_segments')
      .columns(['model_key', 'kind'])
      .execute();
    await db.schema
      .createTable('monitoring_counters')
      .addColumn('model', 'text', (c) => c.notNull())
      .addColumn('day', 'text', (c) => c.notNull())
      .addColumn('counter', 'text', (c) => c.notNull())
      .addColumn('n', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('monitoring_counters_pk', ['model', 'day', 'counter'])
      .execute();
  },
};
