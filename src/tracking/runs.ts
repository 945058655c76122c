import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { AuditLog, Principal } from '../auth/index.js';
import { LatheError, sha256Hex } from '../core/index.js';
import { type MetaSchema, type MetaStore, type RunsTable, selectInChunks } from '../storage/meta/index.js';
import type { Experiments } from './experiments.js';
import { MetricLog } from './metric-log.js';
import { hydrateRuns, toRunInfo } from './run-data.js';
import {
  type DatasetInput,
  type KeyValue,
  type Metric,
  type Page,
  type Run,
  type RunInfo,
  type RunStatus,
  runStatuses,
} from './types.js';
import {
  checkBatchLimits,
  checkKey,
  checkLength,
  checkMetric,
  checkParam,
  checkRunId,
  checkTag,
  limits,
} from './validation.js';

/** Words of generated run names (`<adjective>-<noun>-<n>`). */
const adjectives =
  'amber bold calm deft eager fair glad keen lucid merry neat quick sly tidy vast wise'.split(' ');
const nouns = 'ant bee crow doe elk fox gnu hare ibis jay koi lynx mole newt owl yak'.split(' ');

export interface LogBatchInput {
  metrics?: Metric[];
  params?: KeyValue[];
  tags?: KeyValue[];
}

/** Runs: lifecycle, logging (metrics, params, tags, inputs) and metric history. */
export class Runs {
  /** Metric points and histories. */
  readonly #metrics: MetricLog;

  constructor(
    private readonly store: MetaStore,
    private readonly experiments: Experiments,
    private readonly audit: AuditLog,
  ) {
    this.#metrics = new MetricLog(store);
  }

  async create(
    input: {
      experimentId?: unknown;
      userId?: string;
      runName?: string;
      startTime?: number;
      tags?: KeyValue[];
    },
    actor: Principal | null,
  ): Promise<Run> {
    const exp = await this.experiments.get(input.experimentId ?? '0');
    if (exp.lifecycleStage !== 'active') {
      throw new LatheError(
        'INVALID_ARGUMENT',
        `The experiment ${exp.experimentId} must be in the 'active' state. Current state is deleted.`,
      );
    }
    // A key sent twice keeps its last value, as logBatch keeps it.
    const tags = [...new Map((input.tags ?? []).map((t) => [t.key, checkTag(t)])).values()];
    const tagName = tags.find((t) => t.key === 'mlflow.runName')?.value;
    if (input.runName && tagName && input.runName !== tagName) {
      throw new LatheError(
        'INVALID_ARGUMENT',
        `Both 'run_name' argument and 'mlflow.runName' tag are specified, but with different values (run_name='${input.runName}', mlflow.runName='${tagName}').`,
      );
    }
    const name = input.runName || tagName || randomRunName();
    if (!tagName) tags.push({ key: 'mlflow.runName', value: name });
    const runId = randomUUID().replaceAll('-', '');
    const row: RunsTable = {
      run_uuid: runId,
      experiment_id: Number(exp.experimentId),
      name,
      user_id: input.userId ?? actor?.userName ?? '',
      status: 'RUNNING',
      start_time: input.startTime ?? Date.now(),
      end_time: null,
      lifecycle_stage: 'active',
      artifact_uri: `${exp.artifactLocation.replace(/\/+$/, '')}/${runId}/artifacts`,
      deleted_time: null,
    };
    await this.store.transaction(async (trx) => {
      await trx.insertInto('runs').values(row).execute();
      await upsertTags(trx, runId, tags);
    });
    return (await hydrateRuns(this.store.db, [row]))[0]!;
  }

  async get(runId: unknown): Promise<Run> {
    return (await hydrateRuns(this.store.db, [await this.row(runId)]))[0]!;
  }

  /** Runs with these IDs, in the given order. */
  async getMany(runIds: string[]): Promise<Run[]> {
    if (runIds.length === 0) return [];
    const rows = await selectInChunks(runIds, (ids) =>
      this.store.db.selectFrom('runs').selectAll().where('run_uuid', 'in', ids).execute(),
    );
    const byId = new Map(rows.map((r) => [r.run_uuid, r]));
    return hydrateRuns(
      this.store.db,
      runIds.map((id) => byId.get(id)).filter((r): r is RunsTable => r !== undefined),
    );
  }

  async update(
    runId: unknown,
    input: { status?: unknown; endTime?: number; runName?: string },
  ): Promise<RunInfo> {
    const row = await this.activeRow(runId);
    if (input.status !== undefined && !(runStatuses as readonly unknown[]).includes(input.status)) {
      throw new LatheError(
        'INVALID_ARGUMENT',
        `Invalid value ${JSON.stringify(input.status)} for parameter 'status' supplied. Valid values: ${runStatuses.join(', ')}`,
      );
    }
    const next: RunsTable = {
      ...row,
      status: (input.status as RunStatus | undefined) ?? row.status,
      end_time: input.endTime ?? row.end_time,
      name: input.runName || row.name,
    };
    await this.store.transaction(async (trx) => {
      await trx
        .updateTable('runs')
        .set({ status: next.status, end_time: next.end_time, name: next.name })
        .where('run_uuid', '=', row.run_uuid)
        .execute();
      if (input.runName)
        await upsertTags(trx, row.run_uuid, [{ key: 'mlflow.runName', value: input.runName }]);
    });
    return toRunInfo(next);
  }

  async setLifecycle(runId: unknown, stage: 'active' | 'deleted', actor: Principal | null): Promise<void> {
    const row = await this.row(runId);
    await this.store.transaction(async (trx) => {
      await trx
        .updateTable('runs')
        .set({ lifecycle_stage: stage, deleted_time: stage === 'deleted' ? Date.now() : null })
        .where('run_uuid', '=', row.run_uuid)
        .execute();
      await this.audit.record(
        {
          actor,
          action: stage === 'deleted' ? 'run.delete' : 'run.restore',
          objectType: 'run',
          objectId: row.run_uuid,
        },
        trx,
      );
    });
  }

  /**
   * Logs metrics, params and tags atomically: everything is validated first, and either all
   * items are stored or none. Re-logging a param with the same value is a no-op; a different
   * value is refused, as in MLflow.
   */
  async logBatch(runId: unknown, batch: LogBatchInput): Promise<void> {
    const metrics = batch.metrics ?? [];
    const params = batch.params ?? [];
    const tags = batch.tags ?? [];
    checkBatchLimits(metrics.length, params.length, tags.length);
    const checkedKeys = new Set<string>(); // a batch repeats few keys many times: check each once
    for (const m of metrics) {
      if (!checkedKeys.has(m.key)) {
        checkKey('metric', m.key);
        checkedKeys.add(m.key);
      }
      checkMetric(m);
    }
    params.forEach(checkParam);
    for (const t of tags) checkTag(t);
    const dupes = params.map((p) => p.key).filter((k, i, all) => all.indexOf(k) !== i);
    if (dupes.length) {
      throw new LatheError(
        'INVALID_ARGUMENT',
        `Duplicate parameter keys have been submitted: [${dupes.map((k) => `'${k}'`).join(', ')}]. Please ensure the request contains only one param value per param key.`,
      );
    }
    const id = checkRunId(runId);
    // The hot path of every logging client: one group-committed write, the run checked inside it.
    const looked = await this.store.write(async (tx) => {
      const [row] = await tx.query<Pick<RunsTable, 'lifecycle_stage'>>(
        'select lifecycle_stage from runs where run_uuid = ?',
        [id],
      );
      checkActive(id, row);
      if (params.length) await insertParams(tx.db, id, params);
      if (tags.length) await upsertTags(tx.db, id, tags);
      return metrics.length ? await this.#metrics.insert(tx, id, metrics) : [];
    });
    this.#metrics.committed(looked);
  }

  async deleteTag(runId: unknown, key: string): Promise<void> {
    const row = await this.activeRow(runId);
    const res = await this.store.db
      .deleteFrom('tags')
      .where('run_uuid', '=', row.run_uuid)
      .where('key', '=', key)
      .executeTakeFirst();
    if (Number(res.numDeletedRows) === 0) {
      throw new LatheError('NOT_FOUND', `No tag with name: ${key} in run with id ${row.run_uuid}`);
    }
  }

  /**
   * Records that a run used (or was made from) another object, e.g. a Lathe dataset version
   * (`{ type: 'dataset_version', id: 'churn@3' }`): a lineage edge into the run. Idempotent.
   */
  async linkSource(runId: unknown, src: { type: string; id: string }): Promise<void> {
    const row = await this.activeRow(runId);
    await this.store.db
      .insertInto('lineage_edges')
      .values({
        src_type: src.type,
        src_id: src.id,
        dst_type: 'run',
        dst_id: row.run_uuid,
        created_at: Date.now(),
      })
      .onConflict((oc) => oc.columns(['src_type', 'src_id', 'dst_type', 'dst_id']).doNothing())
      .execute();
  }

  /** Links datasets to a run (each dataset stored once per experiment by name and digest). */
  async logInputs(runId: unknown, datasets: DatasetInput[]): Promise<void> {
    const row = await this.activeRow(runId);
    if (datasets.length > 1000) {
      throw new LatheError(
        'INVALID_ARGUMENT',
        `A batch logging request can contain at most 1000 datasets. Got ${datasets.length} datasets.`,
      );
    }
    for (const d of datasets) {
      checkLength('Dataset name', limits.datasetNameLength, d.dataset.name);
      checkLength('Dataset digest', limits.datasetDigestLength, d.dataset.digest);
      checkLength('Dataset source', limits.datasetSourceLength, d.dataset.source);
      checkLength('Dataset schema', limits.datasetSchemaLength, d.dataset.schema ?? '');
      for (const t of d.tags) {
        checkLength('Input tag key', limits.inputTagKeyLength, t.key);
        checkLength('Input tag value', limits.inputTagValueLength, t.value);
      }
    }
    await this.store.transaction(async (trx) => {
      for (const d of datasets) {
        const identity = `${row.experiment_id}\u0000${d.dataset.name}\u0000${d.dataset.digest}`;
        const datasetUuid = sha256Hex(identity).slice(0, 32);
        await trx
          .insertInto('datasets')
          .values({
            dataset_uuid: datasetUuid,
            experiment_id: row.experiment_id,
            name: d.dataset.name,
            digest: d.dataset.digest,
            source_type: d.dataset.sourceType,
            source: d.dataset.source,
            schema: d.dataset.schema ?? null,
            profile: d.dataset.profile ?? null,
          })
          .onConflict((oc) => oc.column('dataset_uuid').doNothing())
          .execute();
        const inputUuid = sha256Hex(`${datasetUuid}\u0000${row.run_uuid}`).slice(0, 32);
        await trx
          .insertInto('inputs')
          .values({
            input_uuid: inputUuid,
            source_type: 'DATASET',
            source_id: datasetUuid,
            destination_type: 'RUN',
            destination_id: row.run_uuid,
          })
          .onConflict((oc) => oc.column('input_uuid').doNothing())
          .execute();
        for (const t of d.tags) {
          await trx
            .insertInto('input_tags')
            .values({ input_uuid: inputUuid, name: t.key, value: t.value })
            .onConflict((oc) => oc.columns(['input_uuid', 'name']).doUpdateSet({ value: t.value }))
            .execute();
        }
        await trx
          .insertInto('lineage_edges')
          .values({
            src_type: 'dataset',
            src_id: datasetUuid,
            dst_type: 'run',
            dst_id: row.run_uuid,
            created_at: Date.now(),
          })
          .onConflict((oc) => oc.columns(['src_type', 'src_id', 'dst_type', 'dst_id']).doNothing())
          .execute();
      }
    });
  }

  /** Every point of one metric, ordered by step then timestamp; paginated when `maxResults` is given. */
  async metricHistory(
    runId: unknown,
    key: string,
    options: { maxResults?: number; pageToken?: string } = {},
  ): Promise<Page<Metric>> {
    const row = await this.row(runId);
    return this.#metrics.history(row.run_uuid, key, options);
  }

  /**
   * Every point of one metric as the JSON array of MLflow's `Metric` objects
   * (`[{"key":…,"value":…,"timestamp":…,"step":…},…]`, NaN as the string "NaN"), ordered by step,
   * timestamp and value, and written by the database in one pass: a 100,000-point history never
   * becomes 100,000 objects. Values are printed with enough digits to read back the same double.
   */
  async metricHistoryJson(runId: unknown, key: string): Promise<string> {
    const row = await this.row(runId);
    return this.#metrics.historyJson(row.run_uuid, key);
  }

  /** The run's row; NOT_FOUND for an unknown or malformed ID. */
  async row(runId: unknown): Promise<RunsTable> {
    const id = checkRunId(runId);
    const row = await this.store.db
      .selectFrom('runs')
      .selectAll()
      .where('run_uuid', '=', id)
      .executeTakeFirst();
    if (!row) throw new LatheError('NOT_FOUND', `Run with id=${id} not found`);
    return row;
  }

  private async activeRow(runId: unknown): Promise<RunsTable> {
    const row = await this.row(runId);
    checkActive(row.run_uuid, row);
    return row;
  }
}

function checkActive(id: string, row: Pick<RunsTable, 'lifecycle_stage'> | undefined): void {
  if (!row) throw new LatheError('NOT_FOUND', `Run with id=${id} not found`);
  if (row.lifecycle_stage !== 'active') {
    throw new LatheError(
      'INVALID_ARGUMENT',
      `The run ${id} must be in the 'active' state. Current state is deleted.`,
    );
  }
}

async function insertParams(trx: Kysely<MetaSchema>, runId: string, params: KeyValue[]): Promise<void> {
  const existing = await trx
    .selectFrom('params')
    .select(['key', 'value'])
    .where('run_uuid', '=', runId)
    .where(
      'key',
      'in',
      params.map((p) => p.key),
    )
    .execute();
  const known = new Map(existing.map((p) => [p.key, p.value]));
  for (const p of params) {
    const old = known.get(p.key);
    if (old !== undefined && old !== p.value) {
      throw new LatheError(
        'INVALID_ARGUMENT',
        `Changing param values is not allowed. Param with key='${p.key}' was already logged with value='${old}' for run ID='${runId}'. Attempted logging new value '${p.value}'.`,
      );
    }
  }
  const fresh = params.filter((p) => !known.has(p.key));
  if (fresh.length)
    await trx
      .insertInto('params')
      .values(fresh.map((p) => ({ run_uuid: runId, key: p.key, value: p.value })))
      .execute();
}

async function upsertTags(trx: Kysely<MetaSchema>, runId: string, tags: KeyValue[]): Promise<void> {
  const last = new Map(tags.map((t) => [t.key, t.value])); // the last value of a key wins
  await trx
    .insertInto('tags')
    .values([...last].map(([key, value]) => ({ run_uuid: runId, key, value })))
    .onConflict((oc) =>
      oc.columns(['run_uuid', 'key']).doUpdateSet((eb) => ({ value: eb.ref('excluded.value') })),
    )
    .execute();
}

function randomRunName(): string {
  const pick = (list: string[]) => list[Math.floor(Math.random() * list.length)]!;
  return `${pick(adjectives)}-${pick(nouns)}-${Math.floor(Math.random() * 1000)}`;
}
