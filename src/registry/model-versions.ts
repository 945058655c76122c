import type { AuditLog, Principal } from '../auth/index.js';
import { LatheError } from '../core/index.js';
import type { MetaStore } from '../storage/meta/index.js';
import type { Transaction } from 'kysely';
import type { MetaSchema } from '../storage/meta/index.js';
import {
  decodeOffsetToken,
  encodeOffsetToken,
  type Page,
  searchModelVersions,
  type TrackingService,
} from '../tracking/index.js';
import { latestPerStage, loadVersions, modelRow, versionLineageId, versionRow } from './registry-rows.js';
import {
  canonicalStage,
  checkMaxResults,
  registryLimits,
  validateModelName,
  validateTag,
  validateTagKey,
  validateVersion,
} from './registry-validation.js';
import {
  activeStages,
  type CreateModelVersionInput,
  type ModelVersion,
  type ModelVersionSearchInput,
} from './types.js';
import type { Gates } from './gates.js';
import type { Webhooks } from './webhooks.js';

const createAttempts = 3;

/** Sets a model's `last_updated_time` to `now`: a change to one of its versions changes it too. */
async function touchModel(trx: Transaction<MetaSchema>, name: string, now: number): Promise<void> {
  await trx
    .updateTable('registered_models')
    .set({ last_updated_time: now })
    .where('name', '=', name)
    .execute();
}

/** Model versions: create, read, describe, soft-delete, tags, stages, search. */
export class ModelVersions {
  constructor(
    private readonly store: MetaStore,
    private readonly audit: AuditLog,
    private readonly tracking: TrackingService,
    private readonly webhooks: Webhooks,
    private readonly gates?: Gates,
  ) {}

  /**
   * Creates the next version of a model (numbers start at 1 and are never reused), status READY.
   * A given `runId` must name an existing run: the version gets a lineage edge run → version and
   * the run's dataset edges are copied as dataset → version.
   */
  async create(input: CreateModelVersionInput, actor: Principal | null): Promise<ModelVersion> {
    const name = validateModelName(input.name);
    if (input.source === undefined || input.source === null || input.source === '') {
      throw new LatheError('INVALID_ARGUMENT', "Missing value for required parameter 'source'.");
    }
    if (typeof input.source !== 'string') {
      throw new LatheError(
        'INVALID_ARGUMENT',
        `Invalid value ${JSON.stringify(input.source)} for parameter 'source' supplied.`,
      );
    }
    const source = input.source;
    const tags = [...new Map((input.tags ?? []).map(validateTag).map((t) => [t.key, t])).values()];
    const runId = input.runId || null;
    if (runId) await this.tracking.runs.row(runId);
    for (let attempt = 1; ; attempt++) {
      try {
        const version = await this.store.transaction(async (trx) => {
          await modelRow(trx, name);
          const now = Date.now();
          const max = await trx
            .selectFrom('model_versions')
            .select((eb) => eb.fn.max('version').as('v'))
            .where('name', '=', name)
            .executeTakeFirst();
          const version = Number(max?.v ?? 0) + 1;
          await trx
            .insertInto('model_versions')
            .values({
              name,
              version,
              creation_time: now,
              last_updated_time: now,
              description: input.description ?? '',
              user_id: actor?.userName ?? '',
              current_stage: 'None',
              source,
              run_id: runId,
              run_link: input.runLink || null,
              status: 'READY',
              status_message: null,
              deleted: 0,
            })
            .execute();
          for (const t of tags)
            await trx
              .insertInto('model_version_tags')
              .values({ name, version, ...t })
              .execute();
          await touchModel(trx, name, now);
          if (runId) await this.#linkRun(trx, runId, versionLineageId(name, version), now);
          await this.audit.record(
            {
              actor,
              action: 'model_version.create',
              objectType: 'model_version',
              objectId: versionLineageId(name, version),
              details: { source, runId },
            },
            trx,
          );
          return version;
        });
        this.webhooks.emit('model_version.created', {
          name,
          version: String(version),
          source,
          run_id: runId,
          description: input.description ?? '',
          tags,
        });
        return this.get(name, version);
      } catch (err) {
        if (!this.store.isUniqueViolation(err)) throw err;
        if (attempt >= createAttempts) {
          throw new LatheError(
            'CONFLICT',
            `Model Version creation error (name=${name}). Giving up after ${createAttempts} attempts.`,
          );
        }
      }
    }
  }

  async #linkRun(trx: Transaction<MetaSchema>, runId: string, dst: string, now: number) {
    const datasets = await trx
      .selectFrom('lineage_edges')
      .select(['src_type', 'src_id'])
      .where('dst_type', '=', 'run')
      .where('dst_id', '=', runId)
      .where('src_type', 'in', ['dataset', 'dataset_version'])
      .execute();
    for (const src of [{ src_type: 'run', src_id: runId }, ...datasets]) {
      await trx
        .insertInto('lineage_edges')
        .values({ ...src, dst_type: 'model_version', dst_id: dst, created_at: now })
        .onConflict((oc) => oc.columns(['src_type', 'src_id', 'dst_type', 'dst_id']).doNothing())
        .execute();
    }
  }

  /** A live version with its tags and aliases; NOT_FOUND when unknown or deleted. */
  async get(name: unknown, version: unknown): Promise<ModelVersion> {
    const row = await versionRow(this.store.db, validateModelName(name), validateVersion(version));
    return (await loadVersions(this.store.db, [row]))[0]!;
  }

  /** Sets the description (absent → empty). */
  async update(name: unknown, version: unknown, description: string | undefined, actor: Principal | null) {
    const [n, v] = [validateModelName(name), validateVersion(version)];
    await this.#write(n, v, actor, 'model_version.update', {}, async (trx) => {
      await trx
        .updateTable('model_versions')
        .set({ description: description ?? '', last_updated_time: Date.now() })
        .where('name', '=', n)
        .where('version', '=', v)
        .execute();
    });
    return this.get(n, v);
  }

  /** Soft-deletes a version (`deleted = 1`) and removes the aliases pointing at it. */
  async delete(name: unknown, version: unknown, actor: Principal | null): Promise<void> {
    const [n, v] = [validateModelName(name), validateVersion(version)];
    await this.#write(n, v, actor, 'model_version.delete', {}, async (trx) => {
      const now = Date.now();
      await trx
        .updateTable('model_versions')
        .set({ deleted: 1, last_updated_time: now })
        .where('name', '=', n)
        .where('version', '=', v)
        .execute();
      await trx
        .deleteFrom('registered_model_aliases')
        .where('name', '=', n)
        .where('version', '=', v)
        .execute();
      await touchModel(trx, n, now);
    });
  }

  async setTag(
    name: unknown,
    version: unknown,
    tag: { key: unknown; value: unknown },
    actor: Principal | null,
  ) {
    const [n, v] = [validateModelName(name), validateVersion(version)];
    const t = validateTag(tag);
    await this.#write(n, v, actor, 'model_version.tag_set', { key: t.key }, async (trx) => {
      await trx
        .insertInto('model_version_tags')
        .values({ name: n, version: v, ...t })
        .onConflict((oc) => oc.columns(['name', 'version', 'key']).doUpdateSet({ value: t.value }))
        .execute();
    });
  }

  /** Deletes a tag; a tag that is not there is no error (as MLflow). */
  async deleteTag(name: unknown, version: unknown, key: unknown, actor: Principal | null) {
    const [n, v] = [validateModelName(name), validateVersion(version)];
    const k = validateTagKey(key);
    await this.#write(n, v, actor, 'model_version.tag_delete', { key: k }, async (trx) => {
      await trx
        .deleteFrom('model_version_tags')
        .where('name', '=', n)
        .where('version', '=', v)
        .where('key', '=', k)
        .execute();
    });
  }

  /**
   * Moves a version to `stage` (None, Staging, Production, Archived; any case). With
   * `archiveExisting`, other versions in that stage move to Archived in the same transaction.
   */
  async transitionStage(
    name: unknown,
    version: unknown,
    stage: unknown,
    archiveExisting: boolean,
    actor: Principal | null,
  ): Promise<ModelVersion> {
    const [n, v] = [validateModelName(name), validateVersion(version)];
    const to = canonicalStage(stage);
    if (archiveExisting && !activeStages.includes(to)) {
      throw new LatheError(
        'INVALID_ARGUMENT',
        `Model version transition cannot archive existing model versions because '${String(stage)}' is not an Active stage. Valid stages are ['Staging', 'Production']`,
      );
    }
    let from = '';
    let archived: number[] = [];
    await this.store.transaction(async (trx) => {
      const row = await versionRow(trx, n, v);
      await this.gates?.assertAllowed(trx, n, v, { stage: to });
      from = row.current_stage;
      const now = Date.now();
      if (archiveExisting) {
        const others = await trx
          .selectFrom('model_versions')
          .select('version')
          .where('name', '=', n)
          .where('version', '!=', v)
          .where('current_stage', '=', to)
          .where('deleted', '=', 0)
          .execute();
        archived = others.map((o) => o.version);
        if (archived.length) {
          await trx
            .updateTable('model_versions')
            .set({ current_stage: 'Archived', last_updated_time: now })
            .where('name', '=', n)
            .where('version', 'in', archived)
            .execute();
        }
      }
      await trx
        .updateTable('model_versions')
        .set({ current_stage: to, last_updated_time: now })
        .where('name', '=', n)
        .where('version', '=', v)
        .execute();
      await touchModel(trx, n, now);
      await this.audit.record(
        {
          actor,
          action: 'model_version.stage_transition',
          objectType: 'model_version',
          objectId: versionLineageId(n, v),
          details: { from, to, archived },
        },
        trx,
      );
    });
    this.webhooks.emit('model_version.stage_transitioned', {
      name: n,
      version: String(v),
      from_stage: from,
      to_stage: to,
      archived_versions: archived.map(String),
    });
    return this.get(n, v);
  }

  /** Where the version's artifacts are: its `source`. */
  async downloadUri(name: unknown, version: unknown): Promise<string> {
    return (await versionRow(this.store.db, validateModelName(name), validateVersion(version))).source;
  }

  /** The highest live version in each of `stages` (all stages when empty) that has one; NOT_FOUND for an unknown model. */
  async latest(name: unknown, stages: unknown[] = []): Promise<ModelVersion[]> {
    const n = validateModelName(name);
    await modelRow(this.store.db, n);
    const wanted = new Set(stages.map(canonicalStage));
    const rows = await this.store.db
      .selectFrom('model_versions')
      .selectAll()
      .where('name', '=', n)
      .where('deleted', '=', 0)
      .execute();
    const latest = latestPerStage(rows).filter(
      (r) => wanted.size === 0 || wanted.has(r.current_stage as never),
    );
    return loadVersions(this.store.db, latest);
  }

  /**
   * Live versions matching an MLflow filter (and, with `name`, of that model only); default order
   * `last_updated_timestamp DESC, name ASC, version_number DESC`; `maxResults` 1..200000
   * (default 10000); `nextPageToken` while more remain.
   */
  async search(input: ModelVersionSearchInput = {}): Promise<Page<ModelVersion>> {
    const max = checkMaxResults(
      input.maxResults,
      registryLimits.searchVersionsDefault,
      registryLimits.searchVersionsMax,
    );
    const offset = decodeOffsetToken(input.pageToken);
    const rows = await searchModelVersions(this.store.db, {
      dialect: this.store.dialect,
      filter: input.filter,
      orderBy: input.orderBy,
      name: input.name,
      limit: max + 1,
      offset,
    });
    return {
      items: await loadVersions(this.store.db, rows.slice(0, max)),
      nextPageToken: rows.length > max ? encodeOffsetToken(offset + max) : null,
    };
  }

  /** Runs `fn` in a transaction after checking the version is live, then records the audit entry. */
  async #write(
    n: string,
    v: number,
    actor: Principal | null,
    action: string,
    details: Record<string, unknown>,
    fn: (trx: Transaction<MetaSchema>) => Promise<void>,
  ): Promise<void> {
    await this.store.transaction(async (trx) => {
      await versionRow(trx, n, v);
      await fn(trx);
      await this.audit.record(
        { actor, action, objectType: 'model_version', objectId: versionLineageId(n, v), details },
        trx,
      );
    });
  }
}
