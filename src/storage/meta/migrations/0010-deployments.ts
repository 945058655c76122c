import type { Kysely } from 'kysely';
import type { Migration } from '../migrator.js';

/**
 * Serving: deployments (a named endpoint and its current spec) and every revision of a spec, so a
 * rollout can be rolled back to the one before. Written by the serving module only.
 */
export const deployments: Migration = {
  version: 10,
  name: 'deployments',
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('deployments')
      .addColumn('name', 'text', (c) => c.primaryKey())
      .addColumn('spec', 'text', (c) => c.notNull())
      .addColumn('revision', 'integer', (c) => c.notNull())
      .addColumn('state', 'text', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .addColumn('updated_by', 'text', (c) => c.notNull())
      .execute();
    await db.schema
      .createTable('deployment_revisions')
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('revision', 'integer', (c) => c.notNull())
      .addColumn('spec', 'text', (c) => c.notNull())
      .addColumn('reason', 'text', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('created_by', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('deployment_revisions_pk', ['name', 'revision'])
      .execute();
  },
};
