import type { Kysely } from 'kysely';
import { groupBy, LatheError } from '../core/index.js';
import { type MetaSchema, type MetricsTable, type RunsTable, selectInChunks } from '../storage/meta/index.js';
import type { DatasetInput, KeyValue, Metric, Run, RunInfo, RunStatus } from './types.js';

/** A metric value as stored: NaN as 0 with is_nan = 1; ±Infinity as ±Number.MAX_VALUE (as MLflow). */
export function encodeMetricValue(value: number): { value: number; is_nan: number } {
  if (Number.isNaN(value)) return { value: 0, is_nan: 1 };
  if (value === Number.POSITIVE_INFINITY) return { value: Number.MAX_VALUE, is_nan: 0 };
  if (value === Number.NEGATIVE_INFINITY) return { value: -Number.MAX_VALUE, is_nan: 0 };
  return { value, is_nan: 0 };
}

export function decodeMetric(
  r: Pick<MetricsTable, 'key' | 'value' | 'timestamp' | 'step' | 'is_nan'>,
): Metric {
  return { key: r.key, value: r.is_nan ? Number.NaN : r.value, timestamp: r.timestamp, step: r.step };
}

/**
 * True when point `a` supersedes `b` as the latest value of a metric: higher step, then time, then
 * stored value (NaN compares as its stored 0), exactly as the store's upsert decides, so the
 * latest point does not depend on how points were batched.
 */
export function isNewer(a: Metric, b: Pick<Metric, 'step' | 'timestamp' | 'value'>): boolean {
  if (a.step !== b.step) return a.step > b.step;
  if (a.timestamp !== b.timestamp) return a.timestamp > b.timestamp;
  return encodeMetricValue(a.value).value > encodeMetricValue(b.value).value;
}

export function toRunInfo(r: RunsTable): RunInfo {
  return {
    runId: r.run_uuid,
    runName: r.name,
    experimentId: String(r.experiment_id),
    userId: r.user_id,
    status: r.status as RunStatus,
    startTime: r.start_time,
    endTime: r.end_time,
    artifactUri: r.artifact_uri,
    lifecycleStage: r.lifecycle_stage as RunInfo['lifecycleStage'],
  };
}

/** Loads whole runs (latest metrics, params, tags, dataset inputs) for `rows`, in their order. */
export async function hydrateRuns(db: Kysely<MetaSchema>, rows: RunsTable[]): Promise<Run[]> {
  if (rows.length === 0) return [];
  const ids = rows.map((r) => r.run_uuid);
  const [metrics, params, tags, inputs] = await Promise.all([
    selectInChunks(ids, (part) =>
      db.selectFrom('latest_metrics').selectAll().where('run_uuid', 'in', part).execute(),
    ),
    selectInChunks(ids, (part) =>
      db.selectFrom('params').selectAll().where('run_uuid', 'in', part).orderBy('key').execute(),
    ),
    selectInChunks(ids, (part) =>
      db.selectFrom('tags').selectAll().where('run_uuid', 'in', part).orderBy('key').execute(),
    ),
    selectInChunks(ids, (part) =>
      db
        .selectFrom('inputs')
        .innerJoin('datasets', 'datasets.dataset_uuid', 'inputs.source_id')
        .select(['inputs.input_uuid', 'inputs.destination_id', 'datasets.name', 'datasets.digest'])
        .select(['datasets.source_type', 'datasets.source', 'datasets.schema', 'datasets.profile'])
        .where('inputs.destination_type', '=', 'RUN')
        .where('inputs.destination_id', 'in', part)
        .execute(),
    ),
  ]);
  const inputTags = await selectInChunks(
    inputs.map((i) => i.input_uuid),
    (part) => db.selectFrom('input_tags').selectAll().where('input_uuid', 'in', part).execute(),
  );
  const byRunMetrics = groupBy(metrics, (m) => m.run_uuid);
  const byRunParams = groupBy(params, (p) => p.run_uuid);
  const byRunTags = groupBy(tags, (t) => t.run_uuid);
  const byRunInputs = groupBy(inputs, (i) => i.destination_id);
  const byInputTags = groupBy(inputTags, (t) => t.input_uuid);
  const kv = (x: { key: string; value: string }): KeyValue => ({ key: x.key, value: x.value });
  return rows.map((r) => ({
    info: toRunInfo(r),
    data: {
      metrics: (byRunMetrics.get(r.run_uuid) ?? [])
        .map(decodeMetric)
        .sort((a, b) => a.key.localeCompare(b.key)),
      params: (byRunParams.get(r.run_uuid) ?? []).map(kv),
      tags: (byRunTags.get(r.run_uuid) ?? []).map(kv),
    },
    inputs: {
      datasetInputs: (byRunInputs.get(r.run_uuid) ?? []).map(
        (i): DatasetInput => ({
          tags: (byInputTags.get(i.input_uuid) ?? []).map((t) => ({ key: t.name, value: t.value })),
          dataset: {
            name: i.name,
            digest: i.digest,
            sourceType: i.source_type,
            source: i.source,
            ...(i.schema !== null ? { schema: i.schema } : {}),
            ...(i.profile !== null ? { profile: i.profile } : {}),
          },
        }),
      ),
    },
  }));
}

/** MLflow's page tokens: base64 of `{"offset": N}`. */
export function encodeOffsetToken(offset: number): string {
  return Buffer.from(JSON.stringify({ offset })).toString('base64');
}

export function decodeOffsetToken(token: string | undefined | null): number {
  if (!token) return 0;
  let offset: unknown;
  try {
    offset = (JSON.parse(Buffer.from(token, 'base64').toString('utf8')) as { offset?: unknown }).offset;
  } catch {
    offset = undefined;
  }
  if (typeof offset !== 'number' || !Number.isSafeInteger(offset) || offset < 0) {
    throw new LatheError(
      'INVALID_ARGUMENT',
      `Invalid page token, could not base64-decode: ${JSON.stringify(token.slice(0, 40))}`,
    );
  }
  return offset;
}
