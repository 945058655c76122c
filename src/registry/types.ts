import type { KeyValue } from '../tracking/index.js';

/** MLflow's legacy model-version stages, in MLflow's order. */
export const stages = ['None', 'Staging', 'Production', 'Archived'] as const;
export type Stage = (typeof stages)[number];
/** The stages `archive_existing_versions` may be used with. */
export const activeStages: readonly Stage[] = ['Staging', 'Production'];

/** A registered model alias: a name pointing at one version. */
export interface ModelAlias {
  alias: string;
  version: number;
}

/** A registered model. Times are epoch milliseconds (UTC). */
export interface RegisteredModel {
  name: string;
  creationTimestamp: number;
  lastUpdatedTimestamp: number;
  description: string;
  userId: string;
  /** The highest non-deleted version of each stage that has one, ordered by version. */
  latestVersions: ModelVersion[];
  tags: KeyValue[];
  /** Ordered by alias name. */
  aliases: ModelAlias[];
}

/** One version of a registered model. Times are epoch milliseconds (UTC). */
export interface ModelVersion {
  name: string;
  version: number;
  creationTimestamp: number;
  lastUpdatedTimestamp: number;
  userId: string;
  currentStage: Stage;
  description: string;
  source: string;
  runId: string | null;
  runLink: string | null;
  /** `READY` for every version this registry creates. */
  status: string;
  statusMessage: string | null;
  tags: KeyValue[];
  /** The aliases pointing at this version, ordered by name. */
  aliases: string[];
}

export interface CreateRegisteredModelInput {
  name: unknown;
  tags?: KeyValue[];
  description?: string;
}

export interface CreateModelVersionInput {
  name: unknown;
  source: unknown;
  runId?: string;
  runLink?: string;
  description?: string;
  tags?: KeyValue[];
}

/** A search over registered models or versions: MLflow filter and order_by strings, offset paging. */
export interface RegistrySearchInput {
  filter?: string;
  orderBy?: string[];
  maxResults?: number;
  pageToken?: string;
}

/** A model-version search: as `RegistrySearchInput`, optionally within one model. */
export interface ModelVersionSearchInput extends RegistrySearchInput {
  /**
   * Only this model's versions, matched exactly (as the filter `name = '…'`). Kept apart from
   * `filter`, so the positions in the filter's errors are the caller's own.
   */
  name?: string;
}

/** A parsed model reference: `NAME@3`, `NAME@v3`, `NAME@champion`, `NAME@latest`. */
export type ModelRef =
  | { name: string; kind: 'version'; version: number }
  | { name: string; kind: 'alias'; alias: string }
  | { name: string; kind: 'latest' };

/** The registry events webhooks can subscribe to. */
export const webhookEvents = [
  'registered_model.created',
  'model_version.created',
  'model_version.alias_set',
  'model_version.alias_deleted',
  'model_version.stage_transitioned',
  'monitor.warning',
  'monitor.firing',
  'monitor.resolved',
] as const;
export type WebhookEvent = (typeof webhookEvents)[number];
