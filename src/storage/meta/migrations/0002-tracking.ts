import { type Kysely, sql } from 'kysely';
import type { Migration, MigrationContext } from '../migrator.js';

/**
 * Experiment tracking, laid out like MLflow's SQL store so searches stay in SQL: full metric
 * history in `metrics`, the newest point per key in `latest_metrics` (what filters and sorting
 * read), params, tags, dataset inputs, and generic lineage edges.
 */
export const tracking: Migration = {
  version: 2,
  name: 'tracking',
  async up(db: Kysely<unknown>, { dialect }: MigrationContext) {
    const id = dialect === 'postgres' ? 'bigint' : 'integer';
    await db.schema
      .createTable('experiments')
      .addColumn('experiment_id', id, (c) =>
        dialect === 'postgres'
          ? c.primaryKey().generatedByDefaultAsIdentity()
          : c.primaryKey().autoIncrement(),
      )
      .addColumn('name', 'text', (c) => c.notNull().unique())
      .addColumn('artifact_location', 'text', (c) => c.notNull())
      .addColumn('lifecycle_stage', 'text', (c) => c.notNull())
      .addColumn('creation_time', 'bigint', (c) => c.notNull())
      .addColumn('last_update_time', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema
      .createTable('experiment_tags')
      .addColumn('experiment_id', 'bigint', (c) => c.notNull())
      .addColumn('key', 'text', (c) => c.notNull())
      .addColumn('value', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('experiment_tags_pk', ['experiment_id', 'key'])
      .execute();
    await db.schema
      .createTable('runs')
      .addColumn('run_uuid', 'text', (c) => c.primaryKey())
      .addColumn('experiment_id', 'bigint', (c) => c.notNull())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('user_id', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('start_time', 'bigint')
      .addColumn('end_time', 'bigint')
      .addColumn('lifecycle_stage', 'text', (c) => c.notNull())
      .addColumn('artifact_uri', 'text', (c) => c.notNull())
      .addColumn('deleted_time', 'bigint')
      .execute();
    await db.schema
      .createIndex('runs_experiment')
      .on('runs')
      .columns(['experiment_id', 'lifecycle_stage', 'start_time'])
      .execute();
    for (const table of ['params', 'tags'] as const) {
      await db.schema
        .createTable(table)
        .addColumn('run_uuid', 'text', (c) => c.notNull())
        .addColumn('key', 'text', (c) => c.notNull())
        .addColumn('value', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint(`${table}_pk`, ['run_uuid', 'key'])
        .execute();
      await db.schema.createIndex(`${table}_key_value`).on(table).columns(['key', 'value']).execute();
    }
    await db.schema
      .createTable('metrics')
      .addColumn('run_uuid', 'text', (c) => c.notNull())
      .addColumn('key', 'text', (c) => c.notNull())
      .addColumn('step', 'bigint', (c) => c.notNull())
      .addColumn('timestamp', 'bigint', (c) => c.notNull())
      .addColumn('value', 'double precision', (c) => c.notNull())
      .addColumn('is_nan', 'integer', (c) => c.notNull().defaultTo(0))
      .addPrimaryKeyConstraint('metrics_pk', ['run_uuid', 'key', 'step', 'timestamp', 'value', 'is_nan'])
      .execute();
    await db.schema
      .createTable('latest_metrics')
      .addColumn('run_uuid', 'text', (c) => c.notNull())
      .addColumn('key', 'text', (c) => c.notNull())
      .addColumn('step', 'bigint', (c) => c.notNull())
      .addColumn('timestamp', 'bigint', (c) => c.notNull())
      .addColumn('value', 'double precision', (c) => c.notNull())
      .addColumn('is_nan', 'integer', (c) => c.notNull().defaultTo(0))
      .addPrimaryKeyConstraint('latest_metrics_pk', ['run_uuid', 'key'])
      .execute();
    await db.schema
      .createIndex('latest_metrics_key_value')
      .on('latest_metrics')
      .columns(['key', 'value'])
      .execute();
    await db.schema
      .createTable('datasets')
      .addColumn('dataset_uuid', 'text', (c) => c.primaryKey())
      .addColumn('experiment_id', 'bigint', (c) => c.notNull())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('digest', 'text', (c) => c.notNull())
      .addColumn('source_type', 'text', (c) => c.notNull())
      .addColumn('source', 'text', (c) => c.notNull())
      .addColumn('schema', 'text')
      .addColumn('profile', 'text')
      .addUniqueConstraint('datasets_identity', ['experiment_id', 'name', 'digest'])
      .execute();
    await db.schema
      .createTable('inputs')
      .addColumn('input_uuid', 'text', (c) => c.primaryKey())
      .addColumn('source_type', 'text', (c) => c.notNull())
      .addColumn('source_id', 'text', (c) => c.notNull())
      .addColumn('destination_type', 'text', (c) => c.notNull())
      .addColumn('destination_id', 'text', (c) => c.notNull())
      .addUniqueConstraint('inputs_identity', [
        'source_type',
        'source_id',
        'destination_type',
        'destination_id',
      ])
      .execute();
    await db.schema
      .createIndex('inputs_destination')
      .on('inputs')
      .columns(['destination_type', 'destination_id'])
      .execute();
    await db.schema
      .createTable('input_tags')
      .addColumn('input_uuid', 'text', (c) => c.notNull())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('value', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('input_tags_pk', ['input_uuid', 'name'])
      .execute();
    await db.schema
      .createTable('lineage_edges')
      .addColumn('src_type', 'text', (c) => c.notNull())
      .addColumn('src_id', 'text', (c) => c.notNull())
      .addColumn('dst_type', 'text', (c) => c.notNull())
      .addColumn('dst_id', 'text', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('lineage_edges_pk', ['src_type', 'src_id', 'dst_type', 'dst_id'])
      .execute();
    await db.schema
      .createIndex('lineage_edges_dst')
      .on('lineage_edges')
      .columns(['dst_type', 'dst_id'])
      .execute();
    // MLflow's "Default" experiment has id 0; clients rely on it.
    const now = Date.now();
    await sql`insert into experiments (experiment_id, name, artifact_location, lifecycle_stage, creation_time, last_update_time)
      values (0, 'Default', 'mlflow-artifacts:/0', 'active', ${now}, ${now})`.execute(db);
  },
};
