/**
 * The deployment store: each deployment's current spec and revision, every earlier revision (for
 * rollback), and its runtime state (model references marked degraded). Every write lands in the
 * audit log in the same transaction.
 */
import type { AuditLog, Principal } from '../auth/index.js';
import { LatheError } from '../core/index.js';
import type { MetaStore } from '../storage/meta/index.js';
import { type DeploymentSpec, parseDeploymentSpec } from './deployment-spec.js';

/** A stored deployment. */
export interface Deployment {
  name: string;
  spec: DeploymentSpec;
  /** 1 for the first apply, +1 for every change. */
  revision: number;
  /** Model references marked degraded: the fallback answers in their place. */
  degraded: string[];
  /** ISO 8601 UTC. */
  createdAt: string;
  updatedAt: string;
  updatedBy: string;
}

/** One revision of a deployment's spec. */
export interface DeploymentRevision {
  revision: number;
  spec: DeploymentSpec;
  /** What made it: `apply`, `traffic`, `promote`, `rollback`. */
  reason: string;
  createdAt: string;
  createdBy: string;
}

type Row = {
  name: string;
  spec: string;
  revision: number;
  state: string;
  created_at: number | string;
  updated_at: number | string;
  updated_by: string;
};

const iso = (ms: number | string) => new Date(Number(ms)).toISOString();

function toDeployment(r: Row): Deployment {
  const state = JSON.parse(r.state) as { degraded?: string[] };
  return {
    name: r.name,
    spec: parseDeploymentSpec(JSON.parse(r.spec)),
    revision: Number(r.revision),
    degraded: state.degraded ?? [],
    createdAt: iso(r.created_at),
    updatedAt: iso(r.updated_at),
    updatedBy: r.updated_by,
  };
}

const actorName = (actor: Principal | null) => actor?.userName ?? 'local';

/** Deployments in the metadata store. */
export class DeploymentStore {
  constructor(
    private readonly store: MetaStore,
    private readonly audit: AuditLog,
  ) {}

  /** Every deployment, by name. */
  async list(): Promise<Deployment[]> {
    const rows = await this.store.db.selectFrom('deployments').selectAll().orderBy('name').execute();
    return rows.map((r) => toDeployment(r as Row));
  }

  /** @throws LatheError NOT_FOUND naming the deployments that exist. */
  async get(name: string): Promise<Deployment> {
    const row = await this.store.db
      .selectFrom('deployments')
      .selectAll()
      .where('name', '=', name)
      .executeTakeFirst();
    if (!row) {
      const names = (
        await this.store.db.selectFrom('deployments').select('name').orderBy('name').execute()
      ).map((r) => r.name);
      throw new LatheError(
        'NOT_FOUND',
        `no deployment named ${JSON.stringify(name)}; ${names.length ? `deployments: ${names.join(', ')}` : 'none exists yet (lathe deploy apply spec.yaml)'}`,
        { name },
      );
    }
    return toDeployment(row as Row);
  }

  /**
   * Stores `spec` as the deployment's next revision (creating it at revision 1). A spec equal to
   * the current one stores nothing and answers the deployment unchanged.
   */
  async put(
    spec: DeploymentSpec,
    reason: string,
    actor: Principal | null,
  ): Promise<{ deployment: Deployment; changed: boolean }> {
    const now = Date.now();
    const text = JSON.stringify(spec);
    let changed = true;
    await this.store.transaction(async (trx) => {
      const current = await trx
        .selectFrom('deployments')
        .selectAll()
        .where('name', '=', spec.name)
        .executeTakeFirst();
      if (current && current.spec === text) {
        changed = false;
        return;
      }
      const revision = current ? Number(current.revision) + 1 : 1;
      if (current)
        await trx
          .updateTable('deployments')
          .set({ spec: text, revision, updated_at: now, updated_by: actorName(actor) })
          .where('name', '=', spec.name)
          .execute();
      else
        await trx
          .insertInto('deployments')
          .values({
            name: spec.name,
            spec: text,
            revision,
            state: JSON.stringify({ degraded: [] }),
            created_at: now,
            updated_at: now,
            updated_by: actorName(actor),
          })
          .execute();
      await trx
        .insertInto('deployment_revisions')
        .values({
          name: spec.name,
          revision,
          spec: text,
          reason,
          created_at: now,
          created_by: actorName(actor),
        })
        .execute();
      await this.audit.record(
        {
          actor,
          action: current ? `deployment.${reason}` : 'deployment.create',
          objectType: 'deployment',
          objectId: spec.name,
          details: { revision, models: spec.models.map((m) => `${m.model}=${m.traffic}`) },
        },
        trx,
      );
    });
    return { deployment: await this.get(spec.name), changed };
  }

  /** Every revision of a deployment, newest first. */
  async revisions(name: string): Promise<DeploymentRevision[]> {
    await this.get(name);
    const rows = await this.store.db
      .selectFrom('deployment_revisions')
      .selectAll()
      .where('name', '=', name)
      .orderBy('revision', 'desc')
      .execute();
    return rows.map((r) => ({
      revision: Number(r.revision),
      spec: parseDeploymentSpec(JSON.parse(r.spec)),
      reason: r.reason,
      createdAt: iso(r.created_at),
      createdBy: r.created_by,
    }));
  }

  /** Marks model references degraded (the fallback answers for them), or clears them. */
  async setDegraded(name: string, degraded: string[], actor: Principal | null): Promise<Deployment> {
    await this.store.transaction(async (trx) => {
      const r = await trx
        .updateTable('deployments')
        .set({ state: JSON.stringify({ degraded }), updated_at: Date.now(), updated_by: actorName(actor) })
        .where('name', '=', name)
        .executeTakeFirst();
      if (!r.numUpdatedRows)
        throw new LatheError('NOT_FOUND', `no deployment named ${JSON.stringify(name)}`, { name });
      await this.audit.record(
        {
          actor,
          action: 'deployment.degraded',
          objectType: 'deployment',
          objectId: name,
          details: { degraded },
        },
        trx,
      );
    });
    return this.get(name);
  }

  /** Deletes a deployment and its revisions. */
  async delete(name: string, actor: Principal | null): Promise<void> {
    await this.store.transaction(async (trx) => {
      const r = await trx.deleteFrom('deployments').where('name', '=', name).executeTakeFirst();
      if (!r.numDeletedRows)
        throw new LatheError('NOT_FOUND', `no deployment named ${JSON.stringify(name)}`, { name });
      await trx.deleteFrom('deployment_revisions').where('name', '=', name).execute();
      await this.audit.record(
        { actor, action: 'deployment.delete', objectType: 'deployment', objectId: name },
        trx,
      );
    });
  }
}
