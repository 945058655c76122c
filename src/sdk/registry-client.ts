import type { AuditEvent } from '../auth/index.js';
import type {
  Approval,
  GatePolicy,
  GateStatus,
  ModelVersion,
  RegisteredModel,
  VersionLineage,
  Stage,
  WebhookEvent,
  WebhookSubscription,
} from '../registry/index.js';

export type {
  Approval,
  GatePolicy,
  GateStatus,
  LineageNode,
  ModelAlias,
  ModelVersion,
  VersionLineage,
  RegisteredModel,
  Stage,
  WebhookEvent,
  WebhookSubscription,
} from '../registry/index.js';

import { enc, kv, type Transport } from './transport.js';

const modelPath = (name: string) => `/api/v1/models/${enc(name)}`;
const versionPath = (name: string, version: number) => `${modelPath(name)}/versions/${version}`;

/** `NAME@VERSION|ALIAS|latest` split at its last `@`. */
export function splitRef(ref: string): [string, string] {
  const at = ref.lastIndexOf('@');
  if (at <= 0 || at === ref.length - 1)
    throw new TypeError(`expected a model reference NAME@VERSION or NAME@ALIAS; got ${JSON.stringify(ref)}`);
  return [ref.slice(0, at), ref.slice(at + 1)];
}

/** One line of a model's version summary. */
export interface VersionSummary {
  version: number;
  currentStage: Stage;
  aliases: string[];
  source: string;
  runId: string | null;
  status: string;
  creationTimestamp: number;
}

/** A registered model with every live version summarised, newest first. */
export interface ModelDetails extends RegisteredModel {
  versions: VersionSummary[];
}

/** A registry search: MLflow filter and order_by strings, paged with `nextPageToken`. */
export interface RegistrySearch {
  filter?: string;
  orderBy?: string[];
  maxResults?: number;
  pageToken?: string;
}

export interface RegisterModelOptions {
  /** Where the model's files are (`runs:/…`, `s3://…`, `file:/…`). */
  source: string;
  runId?: string;
  description?: string;
  tags?: Record<string, string>;
}

/** The model registry through Lathe's /api/v1 routes. Version numbers are integers. */
export class RegistryClient {
  readonly #transport: Transport;
  constructor(transport: Transport) {
    this.#transport = transport;
  }

  private request<T>(...args: Parameters<Transport['request']>): Promise<T> {
    return this.#transport.request<T>(...args);
  }

  /**
   * Registers a new version of `name` from `source`, creating the model first when it does not
   * exist. Resolves to the new version.
   */
  async registerModel(name: string, options: RegisterModelOptions): Promise<ModelVersion> {
    try {
      await this.createModel(name);
    } catch (err) {
      if ((err as { code?: string }).code !== 'ALREADY_EXISTS') throw err;
    }
    return (
      await this.request<{ modelVersion: ModelVersion }>('POST', `${modelPath(name)}/versions`, {
        source: options.source,
        runId: options.runId,
        description: options.description,
        tags: kv(options.tags),
      })
    ).modelVersion;
  }

  async createModel(
    name: string,
    options: { description?: string; tags?: Record<string, string> } = {},
  ): Promise<ModelDetails> {
    return (
      await this.request<{ model: ModelDetails }>('POST', '/api/v1/models', {
        name,
        description: options.description,
        tags: kv(options.tags),
      })
    ).model;
  }

  /** The model with its tags, aliases and versions (newest first). */
  async getModel(name: string): Promise<ModelDetails> {
    return (await this.request<{ model: ModelDetails }>('GET', modelPath(name))).model;
  }

  /** One page of models (default order: name); pass `nextPageToken` back as `pageToken`. */
  listModels(
    search: RegistrySearch = {},
  ): Promise<{ models: RegisteredModel[]; nextPageToken: string | null }> {
    return this.request('GET', '/api/v1/models', undefined, toQuery(search));
  }

  /** Renames a model and/or sets its description. */
  async updateModel(name: string, changes: { name?: string; description?: string }): Promise<ModelDetails> {
    return (await this.request<{ model: ModelDetails }>('PATCH', modelPath(name), changes)).model;
  }

  /** Deletes a model with all its versions. */
  async deleteModel(name: string): Promise<void> {
    await this.request('DELETE', modelPath(name));
  }

  /** One page of a model's live versions (default newest first). */
  listVersions(
    name: string,
    search: RegistrySearch = {},
  ): Promise<{ versions: ModelVersion[]; nextPageToken: string | null }> {
    return this.request('GET', `${modelPath(name)}/versions`, undefined, toQuery(search));
  }

  async getVersion(name: string, version: number): Promise<ModelVersion> {
    return (await this.request<{ modelVersion: ModelVersion }>('GET', versionPath(name, version)))
      .modelVersion;
  }

  async updateVersion(name: string, version: number, description: string): Promise<ModelVersion> {
    return (
      await this.request<{ modelVersion: ModelVersion }>('PATCH', versionPath(name, version), { description })
    ).modelVersion;
  }

  /** Soft-deletes a version; its number is never reused and aliases pointing at it go. */
  async deleteVersion(name: string, version: number): Promise<void> {
    await this.request('DELETE', versionPath(name, version));
  }

  /**
   * Moves a version to a legacy stage (None, Staging, Production, Archived). With
   * `archiveExisting`, the versions already in that stage move to Archived. Prefer aliases.
   */
  async transitionStage(
    name: string,
    version: number,
    stage: Stage,
    options: { archiveExisting?: boolean } = {},
  ): Promise<ModelVersion> {
    return (
      await this.request<{ modelVersion: ModelVersion }>('PATCH', versionPath(name, version), {
        stage,
        archiveExisting: options.archiveExisting,
      })
    ).modelVersion;
  }

  /** Points `alias` (e.g. `champion`) at `version`; resolves to that version. */
  async setAlias(name: string, alias: string, version: number): Promise<ModelVersion> {
    return (
      await this.request<{ modelVersion: ModelVersion }>('PUT', `${modelPath(name)}/aliases/${enc(alias)}`, {
        version,
      })
    ).modelVersion;
  }

  /** Removes an alias; one that is not there is no error. */
  async deleteAlias(name: string, alias: string): Promise<void> {
    await this.request('DELETE', `${modelPath(name)}/aliases/${enc(alias)}`);
  }

  /** The version a reference names: `NAME@3`, `NAME@v3`, `NAME@champion`, `NAME@latest`. */
  async resolve(ref: string): Promise<ModelVersion> {
    return (await this.request<{ modelVersion: ModelVersion }>('GET', `/api/v1/model-refs/${enc(ref)}`))
      .modelVersion;
  }

  /** The version's run and datasets (upstream) and what was made from it (downstream). */
  async lineage(name: string, version: number): Promise<VersionLineage> {
    return (await this.request<{ lineage: VersionLineage }>('GET', `${versionPath(name, version)}/lineage`))
      .lineage;
  }

  /** A model's gate policy, or null when it has none. */
  async getPolicy(name: string): Promise<GatePolicy | null> {
    return (await this.request<{ policy: GatePolicy | null }>('GET', `${modelPath(name)}/policy`)).policy;
  }

  /**
   * Sets a model's gate policy: the aliases and stages it guards, the validation suite and the
   * approvals a version needs before they may point at it (GATE_REFUSED otherwise).
   */
  async setPolicy(name: string, policy: Partial<GatePolicy>): Promise<GatePolicy> {
    return (await this.request<{ policy: GatePolicy }>('PUT', `${modelPath(name)}/policy`, policy)).policy;
  }

  /** Removes a model's gate policy. */
  async deletePolicy(name: string): Promise<void> {
    await this.request('DELETE', `${modelPath(name)}/policy`);
  }

  /** Where a version (`NAME@3`, `NAME@challenger`) stands against its model's policy, with the reasons. */
  async gate(ref: string): Promise<GateStatus> {
    const [name, version] = splitRef(ref);
    return this.request('GET', `${modelPath(name)}/versions/${enc(version)}/gate`);
  }

  /** Approves or rejects a version (a rejection needs a comment). */
  async review(ref: string, decision: 'approve' | 'reject', comment?: string): Promise<Approval> {
    const [name, version] = splitRef(ref);
    return this.request('POST', `${modelPath(name)}/versions/${enc(version)}/reviews`, {
      decision,
      ...(comment !== undefined ? { comment } : {}),
    });
  }

  /** A version's validation runs, newest first (job, suite, status, where the report is). */
  async validations(ref: string): Promise<NonNullable<GateStatus['validation']>[]> {
    const [name, version] = splitRef(ref);
    return (
      await this.request<{ validations: NonNullable<GateStatus['validation']>[] }>(
        'GET',
        `${modelPath(name)}/versions/${enc(version)}/validations`,
      )
    ).validations;
  }

  /** A version's approvals and rejections, oldest first. */
  async reviews(ref: string): Promise<Approval[]> {
    const [name, version] = splitRef(ref);
    return (
      await this.request<{ reviews: Approval[] }>(
        'GET',
        `${modelPath(name)}/versions/${enc(version)}/reviews`,
      )
    ).reviews;
  }

  /** Audit entries of the model and its versions, newest first. */
  audit(
    name: string,
    options: { limit?: number; pageToken?: string } = {},
  ): Promise<{ events: AuditEvent[]; nextPageToken: string | null }> {
    return this.request('GET', `${modelPath(name)}/audit`, undefined, options);
  }

  /** Webhook subscriptions to registry events (admin tokens only). */
  readonly webhooks = {
    /** Subscribes `url`; the signing secret is in this answer only. */
    create: (input: {
      url: string;
      events: WebhookEvent[];
      name?: string;
      secret?: string;
    }): Promise<{ webhook: WebhookSubscription; secret: string }> =>
      this.request('POST', '/api/v1/webhooks', input),
    list: async (): Promise<WebhookSubscription[]> =>
      (await this.request<{ webhooks: WebhookSubscription[] }>('GET', '/api/v1/webhooks')).webhooks,
    setActive: async (id: string, active: boolean): Promise<WebhookSubscription> =>
      (
        await this.request<{ webhook: WebhookSubscription }>('PATCH', `/api/v1/webhooks/${enc(id)}`, {
          active,
        })
      ).webhook,
    delete: async (id: string): Promise<void> => {
      await this.request('DELETE', `/api/v1/webhooks/${enc(id)}`);
    },
  };
}

function toQuery(s: RegistrySearch): Record<string, string | number | undefined> {
  return {
    filter: s.filter,
    orderBy: s.orderBy?.length ? s.orderBy.join(',') : undefined,
    maxResults: s.maxResults,
    pageToken: s.pageToken,
  };
}
