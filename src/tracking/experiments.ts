import type { AuditLog, Principal } from '../auth/index.js';
import { groupBy, LatheError } from '../core/index.js';
import { type ExperimentsTable, type MetaStore, selectInChunks } from '../storage/meta/index.js';
import type { Experiment, KeyValue } from './types.js';
import { checkExperimentName, checkTag, limits } from './validation.js';

type Row = Omit<ExperimentsTable, 'experiment_id'> & { experiment_id: number };
const experimentTag = { maxValueLength: limits.experimentTagValueLength };

/** Experiments: create, read, rename, soft delete and restore, tags. */
export class Experiments {
  constructor(
    private readonly store: MetaStore,
    private readonly audit: AuditLog,
  ) {}

  /** Creates an experiment; its artifacts live under `mlflow-artifacts:/<id>` unless a location is given. */
  async create(
    input: { name: unknown; artifactLocation?: string; tags?: KeyValue[] },
    actor: Principal | null,
  ): Promise<string> {
    const name = checkExperimentName(input.name);
    // A key sent twice keeps its last value, as setTag would leave it.
    const tags = [...new Map((input.tags ?? []).map((t) => [t.key, checkTag(t, experimentTag)])).values()];
    if (input.artifactLocation?.startsWith('runs:')) {
      throw new LatheError(
        'INVALID_ARGUMENT',
        `Artifact location cannot be a runs:/ URI. Given: '${input.artifactLocation}'`,
      );
    }
    const now = Date.now();
    try {
      return await this.store.transaction(async (trx) => {
        const { experiment_id } = await trx
          .insertInto('experiments')
          .values({
            name,
            artifact_location: input.artifactLocation ?? '',
            lifecycle_stage: 'active',
            creation_time: now,
            last_update_time: now,
          })
          .returning('experiment_id')
          .executeTakeFirstOrThrow();
        const id = Number(experiment_id);
        if (!input.artifactLocation) {
          await trx
            .updateTable('experiments')
            .set({ artifact_location: `mlflow-artifacts:/${id}` })
            .where('experiment_id', '=', id)
            .execute();
        }
        if (tags.length) {
          await trx
            .insertInto('experiment_tags')
            .values(tags.map((t) => ({ experiment_id: id, key: t.key, value: t.value })))
            .execute();
        }
        await this.audit.record(
          {
            actor,
            action: 'experiment.create',
            objectType: 'experiment',
            objectId: String(id),
            details: { name },
          },
          trx,
        );
        return String(id);
      });
    } catch (err) {
      if (this.store.isUniqueViolation(err)) {
        throw new LatheError('ALREADY_EXISTS', `Experiment(name=${name}) already exists.`);
      }
      throw err;
    }
  }

  async get(experimentId: unknown): Promise<Experiment> {
    const id = parseExperimentId(experimentId);
    const row = await this.store.db
      .selectFrom('experiments')
      .selectAll()
      .where('experiment_id', '=', id)
      .executeTakeFirst();
    if (!row) throw new LatheError('NOT_FOUND', `No Experiment with id=${String(experimentId)} exists`);
    return (await this.hydrate([row as Row]))[0]!;
  }

  async getByName(name: string): Promise<Experiment> {
    const row = await this.store.db
      .selectFrom('experiments')
      .selectAll()
      .where('name', '=', name)
      .executeTakeFirst();
    if (!row) throw new LatheError('NOT_FOUND', `Could not find experiment with name '${name}'`);
    return (await this.hydrate([row as Row]))[0]!;
  }

  /** Experiments with these IDs, in the given order (unknown IDs skipped). */
  async getMany(ids: number[]): Promise<Experiment[]> {
    if (ids.length === 0) return [];
    const rows = await selectInChunks(ids, (part) =>
      this.store.db.selectFrom('experiments').selectAll().where('experiment_id', 'in', part).execute(),
    );
    const byId = new Map(rows.map((r) => [Number(r.experiment_id), r as Row]));
    return this.hydrate(ids.map((id) => byId.get(id)).filter((r): r is Row => r !== undefined));
  }

  async rename(experimentId: unknown, newName: unknown, actor: Principal | null): Promise<void> {
    const exp = await this.get(experimentId);
    const name = checkExperimentName(newName);
    if (exp.lifecycleStage !== 'active') {
      throw new LatheError(
        'INVALID_ARGUMENT',
        `Cannot rename a non-active experiment. Experiment ${exp.experimentId} is deleted.`,
      );
    }
    try {
      await this.store.transaction(async (trx) => {
        await trx
          .updateTable('experiments')
          .set({ name, last_update_time: Date.now() })
          .where('experiment_id', '=', Number(exp.experimentId))
          .execute();
        await this.audit.record(
          {
            actor,
            action: 'experiment.rename',
            objectType: 'experiment',
            objectId: exp.experimentId,
            details: { from: exp.name, to: name },
          },
          trx,
        );
      });
    } catch (err) {
      if (this.store.isUniqueViolation(err))
        throw new LatheError('ALREADY_EXISTS', `Experiment(name=${name}) already exists.`);
      throw err;
    }
  }

  /** Soft-deletes (or restores) an experiment and its runs. */
  async setLifecycle(
    experimentId: unknown,
    stage: 'active' | 'deleted',
    actor: Principal | null,
  ): Promise<void> {
    const exp = await this.get(experimentId);
    const id = Number(exp.experimentId);
    const now = Date.now();
    await this.store.transaction(async (trx) => {
      await trx
        .updateTable('experiments')
        .set({ lifecycle_stage: stage, last_update_time: now })
        .where('experiment_id', '=', id)
        .execute();
      await trx
        .updateTable('runs')
        .set({ lifecycle_stage: stage, deleted_time: stage === 'deleted' ? now : null })
        .where('experiment_id', '=', id)
        .where('lifecycle_stage', '!=', stage)
        .execute();
      await this.audit.record(
        {
          actor,
          action: stage === 'deleted' ? 'experiment.delete' : 'experiment.restore',
          objectType: 'experiment',
          objectId: exp.experimentId,
        },
        trx,
      );
    });
  }

  async setTag(
    experimentId: unknown,
    tag: { key: unknown; value: unknown },
    actor: Principal | null,
  ): Promise<void> {
    const t = checkTag(tag, experimentTag);
    const exp = await this.get(experimentId);
    if (exp.lifecycleStage !== 'active') {
      throw new LatheError(
        'INVALID_ARGUMENT',
        `The experiment ${exp.experimentId} must be in the 'active' state. Current state is deleted.`,
      );
    }
    const id = Number(exp.experimentId);
    await this.store.transaction(async (trx) => {
      await trx
        .insertInto('experiment_tags')
        .values({ experiment_id: id, key: t.key, value: t.value })
        .onConflict((oc) => oc.columns(['experiment_id', 'key']).doUpdateSet({ value: t.value }))
        .execute();
      await this.audit.record(
        {
          actor,
          action: 'experiment.set_tag',
          objectType: 'experiment',
          objectId: exp.experimentId,
          details: { key: t.key },
        },
        trx,
      );
    });
  }

  private async hydrate(rows: Row[]): Promise<Experiment[]> {
    if (rows.length === 0) return [];
    const ids = rows.map((r) => Number(r.experiment_id));
    const tags = await selectInChunks(ids, (part) =>
      this.store.db
        .selectFrom('experiment_tags')
        .selectAll()
        .where('experiment_id', 'in', part)
        .orderBy('key')
        .execute(),
    );
    const byExperiment = groupBy(tags, (t) => Number(t.experiment_id));
    return rows.map((r) => ({
      experimentId: String(r.experiment_id),
      name: r.name,
      artifactLocation: r.artifact_location,
      lifecycleStage: r.lifecycle_stage as Experiment['lifecycleStage'],
      creationTime: r.creation_time,
      lastUpdateTime: r.last_update_time,
      tags: (byExperiment.get(Number(r.experiment_id)) ?? []).map((t) => ({ key: t.key, value: t.value })),
    }));
  }
}

/** Experiment IDs are decimal integers (sent as strings by MLflow clients). */
export function parseExperimentId(value: unknown): number {
  const s = typeof value === 'number' ? String(value) : value;
  if (typeof s !== 'string' || !/^\d{1,15}$/.test(s)) {
    throw new LatheError('NOT_FOUND', `No Experiment with id=${String(value)} exists`);
  }
  return Number(s);
}
