import type { AuditLog, Principal } from '../auth/index.js';
import { LatheError } from '../core/index.js';
import { type MetaStore, selectInChunks } from '../storage/meta/index.js';
import {
  decodeOffsetToken,
  encodeOffsetToken,
  type KeyValue,
  type Page,
  searchRegisteredModels,
} from '../tracking/index.js';
import {
  aliasVersion,
  loadModels,
  loadVersions,
  modelRow,
  versionLineageId,
  versionRow,
} from './registry-rows.js';
import {
  checkMaxResults,
  registryLimits,
  validateAlias,
  validateModelName,
  validateTag,
  validateTagKey,
  validateVersion,
} from './registry-validation.js';
import type {
  CreateRegisteredModelInput,
  ModelVersion,
  RegisteredModel,
  RegistrySearchInput,
} from './types.js';
import type { Gates } from './gates.js';
import type { Webhooks } from './webhooks.js';

/** Registered models: create, read, rename, describe, delete, tags, aliases, search. */
export class RegisteredModels {
  constructor(
    private readonly store: MetaStore,
    private readonly audit: AuditLog,
    private readonly webhooks: Webhooks,
    private readonly gates?: Gates,
  ) {}

  /** Creates a model; ALREADY_EXISTS when the name is taken. */
  async create(input: CreateRegisteredModelInput, actor: Principal | null): Promise<RegisteredModel> {
    const name = validateModelName(input.name);
    const tags = dedupe((input.tags ?? []).map(validateTag));
    const now = Date.now();
    try {
      await this.store.transaction(async (trx) => {
        await trx
          .insertInto('registered_models')
          .values({
            name,
            creation_time: now,
            last_updated_time: now,
            description: input.description ?? '',
            user_id: actor?.userName ?? '',
          })
          .execute();
        for (const t of tags)
          await trx
            .insertInto('registered_model_tags')
            .values({ name, ...t })
            .execute();
        await this.audit.record(
          {
            actor,
            action: 'registered_model.create',
            objectType: 'registered_model',
            objectId: name,
            details: { tags: tags.length },
          },
          trx,
        );
      });
    } catch (err) {
      if (this.store.isUniqueViolation(err)) {
        throw new LatheError('ALREADY_EXISTS', `Registered Model (name=${name}) already exists.`);
      }
      throw err;
    }
    this.webhooks.emit('registered_model.created', { name, description: input.description ?? '', tags });
    return this.get(name);
  }

  /** The model with its tags, aliases and latest version per stage; NOT_FOUND when unknown. */
  async get(name: unknown): Promise<RegisteredModel> {
    const row = await modelRow(this.store.db, validateModelName(name));
    return (await loadModels(this.store.db, [row]))[0]!;
  }

  /** Renames a model and, in the same transaction, its versions, tags, aliases and lineage edges. */
  async rename(name: unknown, newName: unknown, actor: Principal | null): Promise<RegisteredModel> {
    const from = validateModelName(name);
    const to = validateModelName(newName, 'new_name');
    try {
      await this.store.transaction(async (trx) => {
        await modelRow(trx, from);
        if (from === to) return;
        const now = Date.now();
        const taken = await trx
          .selectFrom('registered_models')
          .select('name')
          .where('name', '=', to)
          .executeTakeFirst();
        if (taken) throw new LatheError('ALREADY_EXISTS', `Registered Model (name=${to}) already exists.`);
        const versions = await trx
          .selectFrom('model_versions')
          .select('version')
          .where('name', '=', from)
          .execute();
        await trx
          .updateTable('registered_models')
          .set({ name: to, last_updated_time: now })
          .where('name', '=', from)
          .execute();
        await trx
          .updateTable('model_versions')
          .set({ name: to, last_updated_time: now })
          .where('name', '=', from)
          .execute();
        for (const table of [
          'registered_model_tags',
          'model_version_tags',
          'registered_model_aliases',
        ] as const) {
          await trx.updateTable(table).set({ name: to }).where('name', '=', from).execute();
        }
        for (const { version } of versions) {
          const [oldId, newId] = [versionLineageId(from, version), versionLineageId(to, version)];
          await trx
            .updateTable('lineage_edges')
            .set({ dst_id: newId })
            .where('dst_type', '=', 'model_version')
            .where('dst_id', '=', oldId)
            .execute();
          await trx
            .updateTable('lineage_edges')
            .set({ src_id: newId })
            .where('src_type', '=', 'model_version')
            .where('src_id', '=', oldId)
            .execute();
        }
        await this.audit.record(
          {
            actor,
            action: 'registered_model.rename',
            objectType: 'registered_model',
            objectId: to,
            details: { from, to },
          },
          trx,
        );
      });
    } catch (err) {
      if (this.store.isUniqueViolation(err)) {
        throw new LatheError('ALREADY_EXISTS', `Registered Model (name=${to}) already exists.`);
      }
      throw err;
    }
    return this.get(to);
  }

  /** Sets the description (absent → empty). */
  async update(
    name: unknown,
    description: string | undefined,
    actor: Principal | null,
  ): Promise<RegisteredModel> {
    const n = validateModelName(name);
    await this.store.transaction(async (trx) => {
      await modelRow(trx, n);
      await trx
        .updateTable('registered_models')
        .set({ description: description ?? '', last_updated_time: Date.now() })
        .where('name', '=', n)
        .execute();
      await this.audit.record(
        { actor, action: 'registered_model.update', objectType: 'registered_model', objectId: n },
        trx,
      );
    });
    return this.get(n);
  }

  /** Deletes the model with all its versions, tags and aliases. */
  async delete(name: unknown, actor: Principal | null): Promise<void> {
    const n = validateModelName(name);
    await this.store.transaction(async (trx) => {
      await modelRow(trx, n);
      // Its versions' lineage goes too: a model created again under this name numbers its versions
      // from 1 and must not inherit these edges.
      const ids = (
        await trx.selectFrom('model_versions').select('version').where('name', '=', n).execute()
      ).map((v) => versionLineageId(n, v.version));
      await selectInChunks(ids, async (part) => {
        await trx
          .deleteFrom('lineage_edges')
          .where((eb) =>
            eb.or([
              eb.and([eb('dst_type', '=', 'model_version'), eb('dst_id', 'in', part)]),
              eb.and([eb('src_type', '=', 'model_version'), eb('src_id', 'in', part)]),
            ]),
          )
          .execute();
        return [];
      });
      for (const table of [
        'model_version_tags',
        'registered_model_aliases',
        'model_versions',
        'registered_model_tags',
        'registered_models',
      ] as const) {
        await trx.deleteFrom(table).where('name', '=', n).execute();
      }
      await this.audit.record(
        { actor, action: 'registered_model.delete', objectType: 'registered_model', objectId: n },
        trx,
      );
    });
  }

  async setTag(name: unknown, tag: { key: unknown; value: unknown }, actor: Principal | null): Promise<void> {
    const n = validateModelName(name);
    const t = validateTag(tag);
    await this.store.transaction(async (trx) => {
      await modelRow(trx, n);
      await trx
        .insertInto('registered_model_tags')
        .values({ name: n, ...t })
        .onConflict((oc) => oc.columns(['name', 'key']).doUpdateSet({ value: t.value }))
        .execute();
      await this.audit.record(
        {
          actor,
          action: 'registered_model.tag_set',
          objectType: 'registered_model',
          objectId: n,
          details: { key: t.key },
        },
        trx,
      );
    });
  }

  /** Deletes a tag; a tag that is not there is no error (as MLflow). */
  async deleteTag(name: unknown, key: unknown, actor: Principal | null): Promise<void> {
    const n = validateModelName(name);
    const k = validateTagKey(key);
    await this.store.transaction(async (trx) => {
      await modelRow(trx, n);
      await trx.deleteFrom('registered_model_tags').where('name', '=', n).where('key', '=', k).execute();
      await this.audit.record(
        {
          actor,
          action: 'registered_model.tag_delete',
          objectType: 'registered_model',
          objectId: n,
          details: { key: k },
        },
        trx,
      );
    });
  }

  /** Points `alias` at a live version, replacing where it pointed before. */
  async setAlias(name: unknown, alias: unknown, version: unknown, actor: Principal | null): Promise<void> {
    const n = validateModelName(name);
    const a = validateAlias(alias);
    const v = validateVersion(version);
    let previous: number | null = null;
    await this.store.transaction(async (trx) => {
      await versionRow(trx, n, v);
      await this.gates?.assertAllowed(trx, n, v, { alias: a });
      previous = await aliasVersion(trx, n, a);
      await trx
        .insertInto('registered_model_aliases')
        .values({ name: n, alias: a, version: v })
        .onConflict((oc) => oc.columns(['name', 'alias']).doUpdateSet({ version: v }))
        .execute();
      await this.audit.record(
        {
          actor,
          action: 'model_version.alias_set',
          objectType: 'model_version',
          objectId: versionLineageId(n, v),
          details: { alias: a, previousVersion: previous },
        },
        trx,
      );
    });
    this.webhooks.emit('model_version.alias_set', {
      name: n,
      alias: a,
      version: String(v),
      previous_version: previous === null ? null : String(previous),
    });
  }

  /** Removes an alias; an alias that is not there is no error (as MLflow). */
  async deleteAlias(name: unknown, alias: unknown, actor: Principal | null): Promise<void> {
    const n = validateModelName(name);
    const a = validateAlias(alias);
    let version: number | null = null;
    await this.store.transaction(async (trx) => {
      await modelRow(trx, n);
      const old = await aliasVersion(trx, n, a);
      if (old === null) return;
      version = old;
      await trx.deleteFrom('registered_model_aliases').where('name', '=', n).where('alias', '=', a).execute();
      await this.audit.record(
        {
          actor,
          action: 'model_version.alias_delete',
          objectType: 'model_version',
          objectId: versionLineageId(n, old),
          details: { alias: a },
        },
        trx,
      );
    });
    if (version !== null)
      this.webhooks.emit('model_version.alias_deleted', { name: n, alias: a, version: String(version) });
  }

  /** The version an alias points at; INVALID_ARGUMENT when the alias is unknown (as MLflow). */
  async getByAlias(name: unknown, alias: unknown): Promise<ModelVersion> {
    const n = validateModelName(name);
    const a = validateAlias(alias);
    const version = await aliasVersion(this.store.db, n, a);
    if (version === null) throw new LatheError('INVALID_ARGUMENT', `Registered model alias ${a} not found.`);
    return (await loadVersions(this.store.db, [await versionRow(this.store.db, n, version)]))[0]!;
  }

  /**
   * Models matching an MLflow filter, ordered by `orderBy` then name; `maxResults` 1..1000
   * (default 100), `nextPageToken` set while more remain.
   */
  async search(input: RegistrySearchInput = {}): Promise<Page<RegisteredModel>> {
    const max = checkMaxResults(
      input.maxResults,
      registryLimits.searchModelsDefault,
      registryLimits.searchModelsMax,
    );
    const offset = decodeOffsetToken(input.pageToken);
    const rows = await searchRegisteredModels(this.store.db, {
      dialect: this.store.dialect,
      filter: input.filter,
      orderBy: input.orderBy,
      limit: max + 1,
      offset,
    });
    return {
      items: await loadModels(this.store.db, rows.slice(0, max)),
      nextPageToken: rows.length > max ? encodeOffsetToken(offset + max) : null,
    };
  }
}

function dedupe(tags: KeyValue[]): KeyValue[] {
  return [...new Map(tags.map((t) => [t.key, t])).values()];
}
