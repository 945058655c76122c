import type { MetaStore, WriteTx } from '../storage/meta/index.js';
import { decodeOffsetToken, encodeMetricValue, encodeOffsetToken, isNewer } from './run-data.js';
import type { Metric, Page } from './types.js';

const pointColumns = ['series_id', 'step', 'timestamp', 'value', 'is_nan'] as const;
const latestColumns = ['run_uuid', 'key', 'step', 'timestamp', 'value', 'is_nan'] as const;
const seriesKey = (runId: string, key: string) => `${runId}\u0000${key}`;

/** Series IDs a write looked up, as (cache key, series ID), to remember once the write commits. */
export type LookedUpSeries = [string, number][];

/**
 * Metric points of runs: appends them (each key's points a series, each series a range of the
 * clustered `metrics` table) and reads histories back. Callers check the run and the points;
 * `Runs` delegates here.
 */
export class MetricLog {
  /** (run ID, metric key) → series ID, for series known to be committed. */
  readonly #series = new Map<string, number>();

  constructor(private readonly store: MetaStore) {}

  /**
   * Appends points to their series (identical points once) and moves each key's latest point
   * forward, inside the caller's write. Answers the series this call looked up: pass them to
   * `committed` once the write has committed.
   */
  async insert(tx: WriteTx, runId: string, metrics: Metric[]): Promise<LookedUpSeries> {
    const ids = new Map<string, number>();
    const missing: string[] = [];
    for (const m of metrics) {
      if (ids.has(m.key)) continue;
      const known = this.#series.get(seriesKey(runId, m.key));
      if (known === undefined) {
        if (!missing.includes(m.key)) missing.push(m.key);
      } else ids.set(m.key, known);
    }
    const looked: LookedUpSeries = [];
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
        looked.push([seriesKey(runId, r.key), Number(r.series_id)]);
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

  /**
   * Caches the series IDs an `insert` looked up, once its write has committed: a run's series is
   * never deleted, so its ID never changes.
   */
  committed(looked: LookedUpSeries): void {
    for (const [key, seriesId] of looked) this.#series.set(key, seriesId);
    if (this.#series.size > 100_000) this.#series.clear();
  }

  /** Every point of one metric of a run, ordered by step then timestamp; paginated when `maxResults` is given. */
  async history(
    runId: string,
    key: string,
    options: { maxResults?: number; pageToken?: string } = {},
  ): Promise<Page<Metric>> {
    const offset = decodeOffsetToken(options.pageToken);
    const series = await this.#seriesId(runId, key);
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
   * Every point of one metric of a run as the JSON array of MLflow's `Metric` objects, written by
   * the database in one pass (see `Runs.metricHistoryJson`).
   */
  async historyJson(runId: string, key: string): Promise<string> {
    const series = await this.#seriesId(runId, key);
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
    const known = this.#series.get(seriesKey(runId, key));
    if (known !== undefined) return known;
    const [series] = await this.store.query<{ series_id: number }>(
      this.store.db,
      'select series_id from metric_series where run_uuid = ? and key = ?',
      [runId, key],
    );
    return series === undefined ? undefined : Number(series.series_id);
  }
}
