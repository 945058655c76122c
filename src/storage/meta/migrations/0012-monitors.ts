import type { Kysely } from 'kysely';
import type { Migration } from '../migrator.js';

/**
 * Monitors: declarative checks on a monitored model (their spec and current state), every
 * evaluation, and the alerts they open and resolve (the UI inbox). Written by the monitoring
 * module only.
 */
export const monitors: Migration = {
  version: 12,
  name: 'monitors',
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('monitors')
      .addColumn('name', 'text', (c) => c.primaryKey())
      .addColumn('spec', 'text', (c) => c.notNull())
      .addColumn('state', 'text', (c) => c.notNull())
      .addColumn('value', 'double precision')
      .addColumn('samples', 'integer', (c) => c.notNull())
      .addColumn('message', 'text', (c) => c.notNull())
      .addColumn('evaluated_at', 'bigint')
      .addColumn('changed_at', 'bigint', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .addColumn('updated_by', 'text', (c) => c.notNull())
      .execute();
    await db.schema
      .createTable('monitor_evaluations')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('monitor', 'text', (c) => c.notNull())
      .addColumn('at', 'bigint', (c) => c.notNull())
      .addColumn('state', 'text', (c) => c.notNull())
      .addColumn('value', 'double precision')
      .addColumn('samples', 'integer', (c) => c.notNull())
      .addColumn('message', 'text', (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('monitor_evaluations_monitor')
      .on('monitor_evaluations')
      .columns(['monitor', 'at'])
      .execute();
    await db.schema
      .createTable('alerts')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('monitor', 'text', (c) => c.notNull())
      .addColumn('model', 'text', (c) => c.notNull())
      .addColumn('severity', 'text', (c) => c.notNull())
      .addColumn('state', 'text', (c) => c.notNull())
      .addColumn('message', 'text', (c) => c.notNull())
      .addColumn('value', 'double precision')
      .addColumn('evaluations', 'integer', (c) => c.notNull())
      .addColumn('opened_at', 'bigint', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .addColumn('resolved_at', 'bigint')
      .addColumn('acknowledged_at', 'bigint')
      .addColumn('acknowledged_by', 'text')
      .execute();
    await db.schema.createIndex('alerts_state').on('alerts').columns(['state', 'opened_at']).execute();
  },
};
