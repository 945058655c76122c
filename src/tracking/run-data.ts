import type { Kysely } from 'kysely';
import { LatheError } from '../core/index.js';
import type { MetaSchema, MetricsTable, RunsTable } from '../storage/meta/index.js';
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

/** True when point `a` supersedes `b` as the latest value of a metric: higher step, then time, then value. */
export function isNewer(a: Metric, b: Pick<Metric, 'step' | 'timestamp' | 'value'>): boolean {
  if (a.step !== b.step) return a.step > b.step;
  if (a.timestamp !== b.timestamp) return a.timestamp > b.timestamp;
  return a.value > b.value || (Number.isNaN(b.value) && !Number.isNaN(a.value));
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
    db.selectFrom('latest_metrics').selectAll().where('run_uuid', 'in', ids).execute(),
    db.selectFrom('params').selectAll().where('run_uuid', 'in', ids).orderBy('key').execute(),
    db.selectFrom('tags').selectAll().where('run_uuid', 'in', ids).orderBy('key').execute(),
    db
      .selectFrom('inputs')
      .innerJoin('datasets', 'datasets.dataset_uuid', 'inputs.source_id')
      .select(['inputs.input_uuid', 'inputs.destination_id', 'datasets.name', 'datasets.digest'])
      .select(['datasets.source_type', 'datasets.source', 'datasets.schema', 'datasets.profile'])
      .where('inputs.destination_type', '=', 'RUN')
      .where('inputs.destination_id', 'in', ids)
      .execute(),
  ]);
  const inputTags = inputs.length
    ? await db
        .selectFrom('input_tags')
        .selectAll()
        .where(
          'input_uuid',
          'in',
          inputs.map((i) => i.input_uuid),
        )
        .execute()
    : [];
  const group = <T extends { run_uuid: string }>(list: T[]) => {
    const m = new Map<string, T[]>();
    for (const x of list) m.set(x.run_uuid, [...(m.get(x.run_uuid) ?? []), x]);
    return m;
  };
  const byRunMetrics = group(metrics);
  const byRunParams = group(params);
  const byRunTags = group(tags);
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
      datasetInputs: inputs
        .filter((i) => i.destination_id === r.run_uuid)
        .map(
          (i): DatasetInput => ({
            tags: inputTags
              .filter((t) => t.input_uuid === i.input_uuid)
              .map((t) => ({ key: t.name, value: t.value })),
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
