/**
 * The models the inference store holds records of, with the schema their records are held to:
 * features and their kinds, tag keys, class labels, versions seen. A schema only grows: the first
 * records of a model (or of a new version of it) add features; later ones are checked against it.
 */
import { createHash } from 'node:crypto';
import { LatheError } from '../core/index.js';
import type { MetaStore, MonitoredModelsTable } from '../storage/meta/index.js';
import type { Downsample, FeatureKind, MonitoredFeature, MonitoredModel } from './types.js';

/** A reference environment logged from a dataset version. */
export interface Baseline {
  environment: string;
  dataset: string;
  rows: number;
  target: string | null;
  /** Epoch ms (UTC). */
  loggedAt: number;
}

/** A monitored model with what the store needs internally: its folder key, tags, versions. */
export interface CatalogModel extends MonitoredModel {
  /** Names the model's folders and segments: 16 hex digits of the name's SHA-256. */
  key: string;
  tags: string[];
  versions: string[];
  baselines: Baseline[];
}

/** What a batch of records adds to a model's schema. */
export interface SchemaGrowth {
  task?: 'classification' | 'regression';
  features?: MonitoredFeature[];
  tags?: string[];
  classes?: string[];
  versions?: string[];
}

/** A row as the database hands it back (PostgreSQL answers BIGINT as text). */
type Row = Omit<MonitoredModelsTable, 'created_at'> & { created_at: number | string };

const keyOf = (name: string) => createHash('sha256').update(name).digest('hex').slice(0, 16);

function fromRow(r: Row): CatalogModel {
  return {
    name: r.name,
    key: r.key,
    task: (r.task as MonitoredModel['task']) ?? null,
    features: JSON.parse(r.features) as MonitoredFeature[],
    classes: JSON.parse(r.classes) as string[],
    tags: JSON.parse(r.tags) as string[],
    versions: JSON.parse(r.versions) as string[],
    retentionDays: r.retention_days === null ? null : Number(r.retention_days),
    downsample: r.downsample ? (JSON.parse(r.downsample) as Downsample) : null,
    baselines: JSON.parse(r.baselines) as Baseline[],
    createdAt: Number(r.created_at),
  };
}

/** Union keeping `a`'s order, then `b`'s new entries. */
const union = (a: readonly string[], b: readonly string[] = []) => [...new Set([...a, ...b])];

/** The monitored models in the metadata store, cached in memory (the schema is read on every batch). */
export class ModelCatalog {
  readonly #cache = new Map<string, CatalogModel>();

  constructor(private readonly meta: MetaStore) {}

  /** Every monitored model, by name. */
  async list(): Promise<CatalogModel[]> {
    const rows = await this.meta.db.selectFrom('monitored_models').selectAll().orderBy('name').execute();
    const models = rows.map((r) => fromRow(r as Row));
    for (const m of models) this.#cache.set(m.name, m);
    return models;
  }

  /** The model named `name`, or null when no record of it was logged. */
  async find(name: string): Promise<CatalogModel | null> {
    const cached = this.#cache.get(name);
    if (cached) return cached;
    const row = await this.meta.db
      .selectFrom('monitored_models')
      .selectAll()
      .where('name', '=', name)
      .executeTakeFirst();
    if (!row) return null;
    const model = fromRow(row as Row);
    this.#cache.set(name, model);
    return model;
  }

  /**
   * The model named `name`.
   * @throws LatheError NOT_FOUND naming the monitored models.
   */
  async get(name: string): Promise<CatalogModel> {
    const found = await this.find(name);
    if (found) return found;
    const names = (await this.list()).map((m) => m.name);
    throw new LatheError(
      'NOT_FOUND',
      `no monitored model named ${JSON.stringify(name)}; ${
        names.length
          ? `monitored models: ${names.slice(0, 20).join(', ')}`
          : 'no predictions were logged yet (POST /api/v1/monitoring/predictions or a deployment with logging)'
      }`,
      { model: name },
    );
  }

  /**
   * Adds what a batch brings to the model's schema (creating the model), in a transaction that
   * merges with concurrent writers: features and tags only grow, a feature keeps its first kind.
   */
  async grow(name: string, growth: SchemaGrowth): Promise<CatalogModel> {
    const now = Date.now();
    let out: CatalogModel | undefined;
    await this.meta.transaction(async (trx) => {
      const row = await trx
        .selectFrom('monitored_models')
        .selectAll()
        .where('name', '=', name)
        .executeTakeFirst();
      const base: CatalogModel = row
        ? fromRow(row as Row)
        : {
            name,
            key: keyOf(name),
            task: null,
            features: [],
            classes: [],
            tags: [],
            versions: [],
            retentionDays: null,
            downsample: null,
            baselines: [],
            createdAt: now,
          };
      const known = new Set(base.features.map((f) => f.name));
      const next: CatalogModel = {
        ...base,
        task: base.task ?? growth.task ?? null,
        features: [...base.features, ...(growth.features ?? []).filter((f) => !known.has(f.name))],
        classes: union(base.classes, growth.classes),
        tags: union(base.tags, growth.tags),
        versions: union(base.versions, growth.versions),
      };
      const values = {
        task: next.task,
        features: JSON.stringify(next.features),
        classes: JSON.stringify(next.classes),
        tags: JSON.stringify(next.tags),
        versions: JSON.stringify(next.versions),
        updated_at: now,
      };
      if (row) await trx.updateTable('monitored_models').set(values).where('name', '=', name).execute();
      else
        await trx
          .insertInto('monitored_models')
          .values({
            ...values,
            name,
            key: next.key,
            retention_days: null,
            downsample: null,
            baselines: '[]',
            created_at: now,
          })
          .execute();
      out = next;
    });
    this.#cache.set(name, out!);
    return out!;
  }

  /** Sets the days a model's records are kept (null: forever) and how old ones are thinned. */
  async setRetention(
    name: string,
    days: number | null,
    downsample: Downsample | null,
  ): Promise<CatalogModel> {
    const model = await this.get(name);
    await this.meta.db
      .updateTable('monitored_models')
      .set({
        retention_days: days,
        downsample: downsample ? JSON.stringify(downsample) : null,
        updated_at: Date.now(),
      })
      .where('name', '=', name)
      .execute();
    const next = { ...model, retentionDays: days, downsample };
    this.#cache.set(name, next);
    return next;
  }

  /** Records (or replaces) a reference environment logged from a dataset version. */
  async addBaseline(name: string, baseline: Baseline): Promise<CatalogModel> {
    const model = await this.get(name);
    const baselines = [...model.baselines.filter((b) => b.environment !== baseline.environment), baseline];
    await this.meta.db
      .updateTable('monitored_models')
      .set({ baselines: JSON.stringify(baselines), updated_at: Date.now() })
      .where('name', '=', name)
      .execute();
    const next = { ...model, baselines };
    this.#cache.set(name, next);
    return next;
  }

  /** Forgets cached schemas (another process may have grown them). */
  refresh(): void {
    this.#cache.clear();
  }
}

/** The kind of a logged value: numbers are numeric, strings categorical, booleans boolean. */
export function kindOf(value: unknown): FeatureKind | null {
  if (typeof value === 'number') return 'numeric';
  if (typeof value === 'string') return 'categorical';
  if (typeof value === 'boolean') return 'boolean';
  return null;
}
