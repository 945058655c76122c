/**
 * The monitor store: each monitor's spec and current state, every evaluation, and the alerts
 * monitors open and resolve. Spec changes and acknowledgements land in the audit log in the same
 * transaction.
 */
import type { Kysely } from 'kysely';
import type { AuditLog, Principal } from '../../auth/index.js';
import { LatheError, newId } from '../../core/index.js';
import type { AlertsTable, MetaSchema, MetaStore, MonitorsTable } from '../../storage/meta/index.js';
import { type MonitorSpec, parseMonitorSpec } from './monitor-spec.js';

/** A monitor's state: `no_data` when there were too few rows or no value. */
export type MonitorState = 'ok' | 'warning' | 'firing' | 'no_data';

/** A stored monitor: spec and the outcome of its last evaluation. Times are ISO 8601 UTC. */
export interface Monitor {
  name: string;
  spec: MonitorSpec;
  state: MonitorState;
  value: number | null;
  samples: number;
  message: string;
  /** Null until first evaluated. */
  evaluatedAt: string | null;
  /** When the state last changed. */
  changedAt: string;
  createdAt: string;
  updatedAt: string;
  updatedBy: string;
}

/** One evaluation of a monitor. */
export interface MonitorEvaluation {
  id: string;
  monitor: string;
  /** ISO 8601 UTC. */
  at: string;
  state: MonitorState;
  value: number | null;
  samples: number;
  message: string;
}

/** An alert: opened when a monitor leaves `ok`, escalated or lowered in place, resolved when it is back. */
export interface Alert {
  id: string;
  monitor: string;
  model: string;
  /** `warning` or `firing` (the worst state of the episode so far, or its current one). */
  severity: 'warning' | 'firing';
  state: 'open' | 'resolved';
  message: string;
  value: number | null;
  /** Evaluations that found the monitor in this episode. */
  evaluations: number;
  /** ISO 8601 UTC. */
  openedAt: string;
  updatedAt: string;
  resolvedAt: string | null;
  acknowledgedAt: string | null;
  acknowledgedBy: string | null;
}

/** What applying one spec did. */
export interface AppliedMonitor {
  name: string;
  action: 'created' | 'updated' | 'unchanged';
}

type Db = Kysely<MetaSchema>;
const iso = (ms: number | string) => new Date(Number(ms)).toISOString();
const isoOrNull = (ms: number | string | null) => (ms === null ? null : iso(ms));
const num = (v: number | string | null) => (v === null ? null : Number(v));
const actorName = (actor: Principal | null) => actor?.userName ?? 'local';

function toMonitor(r: MonitorsTable): Monitor {
  return {
    name: r.name,
    spec: parseMonitorSpec(JSON.parse(r.spec)),
    state: r.state as MonitorState,
    value: num(r.value),
    samples: Number(r.samples),
    message: r.message,
    evaluatedAt: isoOrNull(r.evaluated_at),
    changedAt: iso(r.changed_at),
    createdAt: iso(r.created_at),
    updatedAt: iso(r.updated_at),
    updatedBy: r.updated_by,
  };
}

function toAlert(r: AlertsTable): Alert {
  return {
    id: r.id,
    monitor: r.monitor,
    model: r.model,
    severity: r.severity as Alert['severity'],
    state: r.state as Alert['state'],
    message: r.message,
    value: num(r.value),
    evaluations: Number(r.evaluations),
    openedAt: iso(r.opened_at),
    updatedAt: iso(r.updated_at),
    resolvedAt: isoOrNull(r.resolved_at),
    acknowledgedAt: isoOrNull(r.acknowledged_at),
    acknowledgedBy: r.acknowledged_by,
  };
}

/** Monitors, evaluations and alerts in the metadata store. */
export class MonitorStore {
  constructor(
    private readonly store: MetaStore,
    private readonly audit: AuditLog,
  ) {}

  /** Runs `fn` in one transaction of the metadata store. */
  transaction<T>(fn: (db: Db) => Promise<T>): Promise<T> {
    return this.store.transaction(fn);
  }

  /**
   * Stores every spec in one transaction (all or none), each audited as `monitor.create` or
   * `monitor.update`. A spec equal to the stored one is left alone (`unchanged`). A changed spec
   * keeps the monitor's state and is due for evaluation at once.
   */
  async put(specs: readonly MonitorSpec[], actor: Principal | null, now: number): Promise<AppliedMonitor[]> {
    return this.store.transaction(async (trx) => {
      const out: AppliedMonitor[] = [];
      for (const spec of specs) {
        const text = JSON.stringify(spec);
        const current = await trx
          .selectFrom('monitors')
          .select(['spec'])
          .where('name', '=', spec.name)
          .executeTakeFirst();
        if (current?.spec === text) {
          out.push({ name: spec.name, action: 'unchanged' });
          continue;
        }
        if (current)
          await trx
            .updateTable('monitors')
            .set({ spec: text, evaluated_at: null, updated_at: now, updated_by: actorName(actor) })
            .where('name', '=', spec.name)
            .execute();
        else
          await trx
            .insertInto('monitors')
            .values({
              name: spec.name,
              spec: text,
              state: 'no_data',
              value: null,
              samples: 0,
              message: 'not evaluated yet',
              evaluated_at: null,
              changed_at: now,
              created_at: now,
              updated_at: now,
              updated_by: actorName(actor),
            })
            .execute();
        await this.audit.record(
          {
            actor,
            action: current ? 'monitor.update' : 'monitor.create',
            objectType: 'monitor',
            objectId: spec.name,
            details: { model: spec.model, metric: spec.metric, critical: spec.critical },
          },
          trx,
        );
        out.push({ name: spec.name, action: current ? 'updated' : 'created' });
      }
      return out;
    });
  }

  /** Every monitor, by name. */
  async list(): Promise<Monitor[]> {
    const rows = await this.store.db.selectFrom('monitors').selectAll().orderBy('name').execute();
    return rows.map(toMonitor);
  }

  /** @throws LatheError NOT_FOUND naming the monitors that exist. */
  async get(name: string, db: Db = this.store.db): Promise<Monitor> {
    const row = await db.selectFrom('monitors').selectAll().where('name', '=', name).executeTakeFirst();
    if (!row) {
      const names = (await db.selectFrom('monitors').select('name').orderBy('name').limit(50).execute()).map(
        (r) => r.name,
      );
      throw new LatheError(
        'NOT_FOUND',
        `no monitor named ${JSON.stringify(name)}; ${names.length ? `monitors: ${names.join(', ')}` : 'none exists yet (lathe monitors apply monitors.yaml)'}`,
        { name },
      );
    }
    return toMonitor(row);
  }

  /** Deletes a monitor and its evaluations; its open alert is resolved (alerts stay as history). */
  async delete(name: string, actor: Principal | null, now: number): Promise<void> {
    await this.store.transaction(async (trx) => {
      const r = await trx.deleteFrom('monitors').where('name', '=', name).executeTakeFirst();
      if (!r.numDeletedRows) await this.get(name, trx);
      await trx.deleteFrom('monitor_evaluations').where('monitor', '=', name).execute();
      await trx
        .updateTable('alerts')
        .set({ state: 'resolved', resolved_at: now, updated_at: now })
        .where('monitor', '=', name)
        .where('state', '=', 'open')
        .execute();
      await this.audit.record(
        { actor, action: 'monitor.delete', objectType: 'monitor', objectId: name },
        trx,
      );
    });
  }

  /** Stores an evaluation and the monitor's new state (`changed_at` moves when the state changed). */
  async recordEvaluation(
    e: Omit<MonitorEvaluation, 'id' | 'at'> & { at: number },
    db: Db = this.store.db,
  ): Promise<MonitorEvaluation> {
    const id = newId('mev_');
    await db
      .insertInto('monitor_evaluations')
      .values({
        id,
        monitor: e.monitor,
        at: e.at,
        state: e.state,
        value: e.value,
        samples: e.samples,
        message: e.message,
      })
      .execute();
    const current = await db
      .selectFrom('monitors')
      .select('state')
      .where('name', '=', e.monitor)
      .executeTakeFirst();
    await db
      .updateTable('monitors')
      .set({
        state: e.state,
        value: e.value,
        samples: e.samples,
        message: e.message,
        evaluated_at: e.at,
        ...(current?.state !== e.state ? { changed_at: e.at } : {}),
      })
      .where('name', '=', e.monitor)
      .execute();
    return { ...e, id, at: iso(e.at) };
  }

  /** Evaluations of a monitor, newest first (at most `limit`, default 50). */
  async history(name: string, limit = 50): Promise<MonitorEvaluation[]> {
    const rows = await this.store.db
      .selectFrom('monitor_evaluations')
      .selectAll()
      .where('monitor', '=', name)
      .orderBy('at', 'desc')
      .orderBy('id', 'desc')
      .limit(limit)
      .execute();
    return rows.map((r) => ({
      id: r.id,
      monitor: r.monitor,
      at: iso(r.at),
      state: r.state as MonitorState,
      value: num(r.value),
      samples: Number(r.samples),
      message: r.message,
    }));
  }

  /** The open alert of a monitor, or null. */
  async openAlert(monitor: string, db: Db = this.store.db): Promise<Alert | null> {
    const row = await db
      .selectFrom('alerts')
      .selectAll()
      .where('monitor', '=', monitor)
      .where('state', '=', 'open')
      .orderBy('opened_at', 'desc')
      .executeTakeFirst();
    return row ? toAlert(row) : null;
  }

  /** Opens an alert with one evaluation. */
  async openNewAlert(
    a: { monitor: string; model: string; severity: Alert['severity']; message: string; value: number | null },
    now: number,
    db: Db = this.store.db,
  ): Promise<Alert> {
    const row: AlertsTable = {
      id: newId('alr_'),
      ...a,
      state: 'open',
      evaluations: 1,
      opened_at: now,
      updated_at: now,
      resolved_at: null,
      acknowledged_at: null,
      acknowledged_by: null,
    };
    await db.insertInto('alerts').values(row).execute();
    return toAlert(row);
  }

  /** Counts one more evaluation on an open alert, with its severity, message and value now. */
  async continueAlert(
    id: string,
    a: { severity: Alert['severity']; message: string; value: number | null },
    now: number,
    db: Db = this.store.db,
  ): Promise<Alert> {
    await db
      .updateTable('alerts')
      .set((eb) => ({ ...a, evaluations: eb('evaluations', '+', 1), updated_at: now }))
      .where('id', '=', id)
      .execute();
    return this.alert(id, db);
  }

  /** Resolves an open alert; its message and value stay those of the last evaluation that found a problem. */
  async resolveAlert(id: string, now: number, db: Db = this.store.db): Promise<Alert> {
    await db
      .updateTable('alerts')
      .set({ state: 'resolved', resolved_at: now, updated_at: now })
      .where('id', '=', id)
      .execute();
    return this.alert(id, db);
  }

  /** @throws LatheError NOT_FOUND for an unknown alert ID. */
  async alert(id: string, db: Db = this.store.db): Promise<Alert> {
    const row = await db.selectFrom('alerts').selectAll().where('id', '=', id).executeTakeFirst();
    if (!row) throw new LatheError('NOT_FOUND', `no alert with id ${JSON.stringify(id)}`, { id });
    return toAlert(row);
  }

  /** Alerts newest first (by opening time), optionally only `open` or `resolved` ones, or one monitor's. */
  async alerts(options: { state?: Alert['state']; monitor?: string; limit?: number } = {}): Promise<Alert[]> {
    let q = this.store.db.selectFrom('alerts').selectAll();
    if (options.state) q = q.where('state', '=', options.state);
    if (options.monitor) q = q.where('monitor', '=', options.monitor);
    const rows = await q
      .orderBy('opened_at', 'desc')
      .orderBy('id', 'desc')
      .limit(options.limit ?? 100)
      .execute();
    return rows.map(toAlert);
  }

  /** Marks an alert seen (audited as `alert.acknowledge`); acknowledging again keeps the first. */
  async acknowledge(id: string, actor: Principal | null, now: number): Promise<Alert> {
    return this.store.transaction(async (trx) => {
      const a = await this.alert(id, trx);
      if (a.acknowledgedAt) return a;
      await trx
        .updateTable('alerts')
        .set({ acknowledged_at: now, acknowledged_by: actorName(actor), updated_at: now })
        .where('id', '=', id)
        .execute();
      await this.audit.record(
        {
          actor,
          action: 'alert.acknowledge',
          objectType: 'alert',
          objectId: id,
          details: { monitor: a.monitor },
        },
        trx,
      );
      return this.alert(id, trx);
    });
  }
}
