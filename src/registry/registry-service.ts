import type { AuditEvent, AuditLog } from '../auth/index.js';
import { LatheError } from '../core/index.js';
import type { MetaStore } from '../storage/meta/index.js';
import type { TrackingService } from '../tracking/index.js';
import { Gates } from './gates.js';
import { type VersionLineage, versionLineage } from './lineage.js';
import { ModelVersions } from './model-versions.js';
import { RegisteredModels } from './registered-models.js';
import { aliasVersion, modelRow } from './registry-rows.js';
import { parseModelRef, validateModelName } from './registry-validation.js';
import type { ModelRef, ModelVersion } from './types.js';
import { Webhooks, type WebhooksOptions } from './webhooks.js';

export interface RegistryServiceOptions {
  /** The webhook deliverer; one on the same store with `webhookOptions` is made when omitted. */
  webhooks?: Webhooks;
  webhookOptions?: WebhooksOptions;
}

/**
 * The model registry: registered models, versions, aliases, stages, and webhooks for their
 * events. HTTP-free; `api/` wraps it. Every write is recorded in the audit log in the same
 * transaction; webhooks fire after the commit and never fail the write.
 */
export class RegistryService {
  readonly models: RegisteredModels;
  readonly versions: ModelVersions;
  readonly webhooks: Webhooks;
  /** Policies that guard aliases and stages, validation outcomes, approvals. */
  readonly gates: Gates;

  constructor(
    readonly store: MetaStore,
    private readonly audit: AuditLog,
    tracking: TrackingService,
    options: RegistryServiceOptions = {},
  ) {
    this.webhooks = options.webhooks ?? new Webhooks(store, audit, options.webhookOptions);
    this.gates = new Gates(store, audit);
    this.models = new RegisteredModels(store, audit, this.webhooks, this.gates);
    this.versions = new ModelVersions(store, audit, tracking, this.webhooks, this.gates);
  }

  /** Where a live version came from (its run, the run's datasets) and what was made from it. */
  lineage(name: string, version: number): Promise<VersionLineage> {
    return versionLineage(this.store.db, name, version);
  }

  /**
   * The audit trail of a model and its versions, newest first (kept after the model is deleted);
   * `limit` 1..1000, `nextPageToken` while more remain.
   */
  auditTrail(
    name: string,
    options: { limit?: number; pageToken?: string } = {},
  ): Promise<{ events: AuditEvent[]; nextPageToken: string | null }> {
    return this.audit.list({
      ...options,
      objects: [
        { type: 'registered_model', id: name },
        { type: 'model_version', under: name }, // versions are NAME/N
      ],
    });
  }

  /**
   * The live version a reference names: `NAME@3`, `NAME@champion`, `NAME@latest` (the highest
   * live version). NOT_FOUND when the model, version or alias does not exist.
   */
  async resolveModelRef(ref: string | ModelRef): Promise<ModelVersion> {
    const r = typeof ref === 'string' ? parseModelRef(ref) : ref;
    if (r.kind === 'version') return this.versions.get(r.name, r.version);
    if (r.kind === 'alias') {
      const version = await aliasVersion(this.store.db, r.name, r.alias);
      if (version === null) {
        await modelRow(this.store.db, validateModelName(r.name));
        throw new LatheError('NOT_FOUND', `Registered model alias ${r.alias} not found for model ${r.name}.`);
      }
      return this.versions.get(r.name, version);
    }
    await modelRow(this.store.db, validateModelName(r.name));
    const max = await this.store.db
      .selectFrom('model_versions')
      .select((eb) => eb.fn.max('version').as('v'))
      .where('name', '=', r.name)
      .where('deleted', '=', 0)
      .executeTakeFirst();
    if (max?.v === null || max?.v === undefined) {
      throw new LatheError('NOT_FOUND', `Registered model ${r.name} has no versions.`);
    }
    return this.versions.get(r.name, Number(max.v));
  }
}
