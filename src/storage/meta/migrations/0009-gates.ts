import type { Kysely } from 'kysely';
import type { Migration } from '../migrator.js';

/**
 * Registry gates: a policy per registered model (which aliases and stages are gated, the
 * validation suite and the approvals they need), the outcome of each validation of a version, and
 * reviewers' approvals and rejections. Written by the registry and the validation job only.
 */
export const gates: Migration = {
  version: 9,
  name: 'gates',
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('registry_policies')
      .addColumn('name', 'text', (c) => c.primaryKey())
      .addColumn('policy', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .addColumn('updated_by', 'text', (c) => c.notNull())
      .execute();
    await db.schema
      .createTable('model_version_validations')
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('version', 'integer', (c) => c.notNull())
      .addColumn('job_id', 'text', (c) => c.notNull())
      .addColumn('suite', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('report', 'text')
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('model_version_validations_pk', ['name', 'version', 'job_id'])
      .execute();
    await db.schema
      .createTable('model_version_approvals')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('version', 'integer', (c) => c.notNull())
      .addColumn('reviewer', 'text', (c) => c.notNull())
      .addColumn('decision', 'text', (c) => c.notNull())
      .addColumn('comment', 'text', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('model_version_approvals_version')
      .on('model_version_approvals')
      .columns(['name', 'version', 'created_at'])
      .execute();
  },
};
