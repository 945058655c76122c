import type { Kysely } from 'kysely';
import type { Migration } from '../migrator.js';

/**
 * Quality-check runs of dataset versions: the suite as run and its results (JSON documents), the
 * overall status, who ran it and when. Listed per version, newest first.
 */
export const dataChecks: Migration = {
  version: 7,
  name: 'data-checks',
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('data_check_runs')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('version', 'integer', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('reference', 'text')
      .addColumn('suite', 'text', (c) => c.notNull())
      .addColumn('results', 'text', (c) => c.notNull())
      .addColumn('summary', 'text', (c) => c.notNull())
      .addColumn('rows', 'bigint', (c) => c.notNull())
      .addColumn('duration_ms', 'integer', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('created_by', 'text', (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('data_check_runs_version')
      .on('data_check_runs')
      .columns(['name', 'version', 'created_at'])
      .execute();
  },
};
