import type { Kysely } from 'kysely';
import type { Migration } from '../migrator.js';

/**
 * Background jobs (training, tuning, AutoML…): kind, spec and status, live progress, the result or
 * the error, who started it and when. Listed newest first, optionally by kind.
 */
export const jobs: Migration = {
  version: 8,
  name: 'jobs',
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('jobs')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('spec', 'text', (c) => c.notNull())
      .addColumn('progress', 'text')
      .addColumn('result', 'text')
      .addColumn('error', 'text')
      .addColumn('created_by', 'text', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('started_at', 'bigint')
      .addColumn('ended_at', 'bigint')
      .execute();
    await db.schema.createIndex('jobs_created').on('jobs').columns(['created_at']).execute();
    await db.schema.createIndex('jobs_kind_created').on('jobs').columns(['kind', 'created_at']).execute();
  },
};
