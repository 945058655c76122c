import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { AuditLog, Principal } from '../auth/index.js';
import { LatheError, sha256Hex } from '../core/index.js';
import {
  type MetaSchema,
  type MetaStore,
  type RunsTable,
  selectInChunks,
  type WriteTx,
} from '../storage/meta/index.js';
import type { Experiments } from './experiments.js';
import {
  decodeOffsetToken,
  encodeMetricValue,
  encodeOffsetToken,
  hydrateRuns,
  isNewer,
  toRunInfo,
} from './run-data.js';
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
import { checkBatchLimits, checkKey, checkLength, limits } from './validation.js';

const runIdPattern = /^[a-zA-Z0-9][\w-]{0,255}$/;
const adjectives = [
  'amber',
  'bold',
  'calm',
  'deft',
  'eager',
  'fair',
  'glad',
  'keen',
  'lucid',
  'merry',
  'neat',
  'quick',
  'sly',
  'tidy',
  'vast',
  'wise',
];
const nouns = [
  'ant',
  'bee',
  'crow',
  'doe',
  'elk',
  'fox',
  'gnu',
  'hare',
  'ibis',
  'jay',
  'koi',
  'lynx',
  'mole',
  'newt',
  'owl',
  'yak',
];

export interface LogBatchInput {
  metrics?: Metric[];
  params?: KeyValue[];
  tags?: KeyValue[];
}

/** Runs: lifecycle, logging (metrics, params, tags, inputs) and metric history. */
export class Runs {
  constructor(
    private readonly store: MetaStore,
    private readonly experiments: Experiments,
    private readonly audit: AuditLog,
  ) {}

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
    const tags = (input.tags ?? []).map(checkTag);
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
      await trx
        .insertInto('tags')
        .values(tags.map((t) => ({ run_uuid: runId, ...t })))
        .execute();
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
    tags.forEach(checkTag);
    const dupes = params.map((p) => p.key).filter((k, i, all) => all.indexOf(k) !== i);
    if (dupes.length) {
      throw new LatheError(
        'INVALID_ARGUMENT',
        `Duplicate parameter keys have been submitted: [${dupes.map((k) => `'${k}'`).join(', ')}]. Please ensure the request contains only one param value per param key.`,
      );
    }
    const id = checkRunId(runId);
    // The hot path of every logging client: one group-committed write, the run checked inside it.
    const created = await this.store.write(async (tx) => {
      const [row] = await tx.query<Pick<RunsTable, 'lifecycle_stage'>>(
        'select lifecycle_stage from runs where run_uuid = ?',
        [id],
      );
      checkActive(id, row);
      if (params.length) await insertParams(tx.db, id, params);
      if (tags.length) await upsertTags(tx.db, id, tags);
      return metrics.length ? await this.#insertMetrics(tx, id, metrics) : [];
    });
    // Series IDs are cached once committed: a run's series is never deleted, so its ID never changes.
    for (const [key, seriesId] of created) this.#series.set(key, seriesId);
    if (this.#series.size > 100_000) this.#series.clear();
  }

  /** (run ID, metric key) → series ID, for series known to be committed. */
  readonly #series = new Map<string, number>();

  /**
   * Appends points to their series (identical points once) and moves each key's latest point
   * forward. Answers the series this call looked up, to cache after commit.
   */
  async #insertMetrics(tx: WriteTx, runId: string, metrics: Metric[]): Promise<[string, number][]> {
    const ids = new Map<string, number>();
    const missing: string[] = [];
    for (const m of metrics) {
      if (ids.has(m.key)) continue;
      const known = this.#series.get(`${runId}\u0000${m.key}`);
      if (known === undefined) {
        if (!missing.includes(m.key)) missing.push(m.key);
      } else ids.set(m.key, known);
    }
    const looked: [string, number][] = [];
    if (missing.length) {
      await tx.insertMany(
        'metric_series',
        ['run_uuid', 'key'],
        missing.map((k) => [runId, k]),
        'on conflict (run_uuid, key) do nothing',
      );
      const rows = await tx.query<{ series_id: number; key: string }>(
        `select series_id, key from metric_series where run_uuid = ? and key in (${missing.map(() => '?').join(', ')})`,
        [runId, ...missing],
      );
      for (const r of rows) {
        ids.set(r.key, Number(r.series_id));
        looked.push([`${runId}\u0000${r.key}`, Number(r.series_id)]);
      }
    }
    const points: unknown[][] = [];
    const newest = new Map<string, Metric>();
    for (const m of metrics) {
      const { value, is_nan } = encodeMetricValue(m.value);
      points.push([ids.get(m.key)!, m.step, m.timestamp, value, is_nan]);
      const cur = newest.get(m.key);
      if (!cur || isNewer(m, cur)) newest.set(m.key, m);
    }
    await tx.insertMany(
      'metrics',
      pointColumns,
      points,
      'on conflict (series_id, step, timestamp, value, is_nan) do nothing',
    );
    await tx.insertMany(
      'latest_metrics',
      latestColumns,
      [...newest.values()].map((m) => {
        const { value, is_nan } = encodeMetricValue(m.value);
        return [runId, m.key, m.step, m.timestamp, value, is_nan];
      }),
      `on conflict (run_uuid, key) do update set step = excluded.step, timestamp = excluded.timestamp,
        value = excluded.value, is_nan = excluded.is_nan
        where (excluded.step, excluded.timestamp, excluded.value) > (latest_metrics.step, latest_metrics.timestamp, latest_metrics.value)`,
    );
    return looked;
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
    const offset = decodeOffsetToken(options.pageToken);
    const series = await this.#seriesId(row.run_uuid, key);
    if (series === undefined) return { items: [], nextPageToken: null };
    // The points are clustered by (series, step, timestamp, value): one range scan, no sort.
    const paged = options.maxResults !== undefined;
    // A page token applies its offset with or without max_results (as in MLflow); SQLite needs a
    // LIMIT before OFFSET (-1: none).
    const rows = await this.store.query<{ step: number; timestamp: number; value: number; is_nan: number }>(
      this.store.db,
      `select step, timestamp, value, is_nan from metrics where series_id = ?
        order by series_id, step, timestamp, value, is_nan limit ? offset ?`,
      [series, paged ? options.maxResults! + 1 : this.store.dialect === 'postgres' ? null : -1, offset],
    );
    const more = paged && rows.length > options.maxResults!;
    const page = more ? rows.slice(0, options.maxResults) : rows;
    return {
      items: page.map((r) => ({
        key,
        value: r.is_nan ? Number.NaN : r.value,
        timestamp: Number(r.timestamp),
        step: Number(r.step),
      })),
      nextPageToken: more ? encodeOffsetToken(offset + page.length) : null,
    };
  }

  /**
   * Every point of one metric as the JSON array of MLflow's `Metric` objects
   * (`[{"key":…,"value":…,"timestamp":…,"step":…},…]`, NaN as the string "NaN"), ordered by step,
   * timestamp and value, and written by the database in one pass: a 100,000-point history never
   * becomes 100,000 objects. Values are printed with enough digits to read back the same double.
   */
  async metricHistoryJson(runId: unknown, key: string): Promise<string> {
    const row = await this.row(runId);
    const series = await this.#seriesId(row.run_uuid, key);
    if (series === undefined) return '[]';
    const pg = this.store.dialect === 'postgres';
    const point = `cast(? as text) || case when is_nan = 1 then '"NaN"' else ${pg ? 'value::text' : 'value'} end
      || ',"timestamp":' || timestamp || ',"step":' || step || '}'`;
    // SQLite aggregates a subquery's rows in its order (here the clustered key order, no sort);
    // PostgreSQL is told the order inside the aggregate.
    const text = pg
      ? `select string_agg(${point}, ',' order by step, timestamp, value, is_nan) as j from metrics where series_id = ?`
      : `select group_concat(j, ',') as j from (select ${point} as j from metrics where series_id = ?
          order by series_id, step, timestamp, value, is_nan)`;
    const [r] = await this.store.query<{ j: string | null }>(this.store.db, text, [
      `{"key":${JSON.stringify(key)},"value":`,
      series,
    ]);
    return `[${r?.j ?? ''}]`;
  }

  async #seriesId(runId: string, key: string): Promise<number | undefined> {
    const known = this.#series.get(`${runId}\u0000${key}`);
    if (known !== undefined) return known;
    const [series] = await this.store.query<{ series_id: number }>(
      this.store.db,
      'select series_id from metric_series where run_uuid = ? and key = ?',
      [runId, key],
    );
    return series === undefined ? undefined : Number(series.series_id);
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

/** A well-formed run ID; NOT_FOUND otherwise (a malformed ID names no run). */
function checkRunId(runId: unknown): string {
  if (typeof runId !== 'string' || !runIdPattern.test(runId)) {
    throw new LatheError('NOT_FOUND', `Run with id=${String(runId)} not found`);
  }
  return runId;
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

/** Checks a point's value, timestamp and step (its key is checked by the caller). */
function checkMetric(m: Metric): void {
  if (typeof m.value !== 'number') {
    throw new LatheError(
      'INVALID_ARGUMENT',
      `Got invalid value ${String(m.value)} for metric '${m.key}' (timestamp=${m.timestamp}). Please specify value as a valid double (64-bit floating point)`,
    );
  }
  if (!Number.isSafeInteger(m.timestamp) || m.timestamp < 0) {
    throw new LatheError(
      'INVALID_ARGUMENT',
      `Got invalid timestamp ${String(m.timestamp)} for metric '${m.key}' (value=${m.value}). Timestamp must be a nonnegative long (64-bit integer) `,
    );
  }
  if (!Number.isSafeInteger(m.step)) {
    throw new LatheError(
      'INVALID_ARGUMENT',
      `Got invalid step ${String(m.step)} for metric '${m.key}' (value=${m.value}). Step must be a valid long (64-bit integer).`,
    );
  }
}

function checkParam(p: KeyValue): KeyValue {
  checkKey('parameter', p.key);
  if (typeof p.value !== 'string')
    throw new LatheError('INVALID_ARGUMENT', `Param value for '${p.key}' must be a string`);
  checkLength('Param value', limits.paramValueLength, p.value);
  return p;
}

function checkTag(t: KeyValue): KeyValue {
  checkKey('tag', t.key);
  if (typeof t.value !== 'string')
    throw new LatheError('INVALID_ARGUMENT', `Tag value for '${t.key}' must be a string`);
  checkLength('Tag value', limits.tagValueLength, t.value);
  return { key: t.key, value: t.value };
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

const pointColumns = ['series_id', 'step', 'timestamp', 'value', 'is_nan'] as const;
const latestColumns = ['run_uuid', 'key', 'step', 'timestamp', 'value', 'is_nan'] as const;

function randomRunName(): string {
  const pick = (list: string[]) => list[Math.floor(Math.random() * list.length)]!;
  return `${pick(adjectives)}-${pick(nouns)}-${Math.floor(Math.random() * 1000)}`;
}
