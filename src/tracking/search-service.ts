import { LatheError } from '../core/index.js';
import type { MetaStore } from '../storage/meta/index.js';
import type { Experiments } from './experiments.js';
import { decodeOffsetToken, encodeOffsetToken } from './run-data.js';
import type { Runs } from './runs.js';
import { countRunIds, searchExperimentIds, searchRunIds } from './search/index.js';
import { type Experiment, type Page, type Run, type ViewType, viewTypes } from './types.js';
import { limits } from './validation.js';

export interface RunSearchInput {
  experimentIds: readonly string[];
  filter?: string;
  orderBy?: readonly string[];
  viewType?: ViewType;
  /** Page size, 1..50,000 (MLflow's limit); default 1,000 as MLflow. */
  maxResults?: number;
  pageToken?: string;
}

export interface ExperimentSearchInput {
  filter?: string;
  orderBy?: readonly string[];
  viewType?: ViewType;
  maxResults?: number;
  pageToken?: string;
}

/** Experiment IDs as sent (strings, or numbers from lenient clients), checked and parsed. */
function experimentIdsOf(ids: readonly unknown[]): number[] {
  return ids.map((id) => {
    if (typeof id !== 'string' && typeof id !== 'number') {
      throw new LatheError('INVALID_ARGUMENT', `experiment_ids must hold strings, got ${JSON.stringify(id)}`);
    }
    const s = String(id);
    if (!/^\d{1,15}$/.test(s)) throw new LatheError('INVALID_ARGUMENT', `Invalid experiment ID: '${s}'`);
    return Number(s);
  });
}

function checkViewType(v: unknown): ViewType | undefined {
  if (v === undefined || v === null || v === '') return undefined;
  if (!(viewTypes as readonly unknown[]).includes(v)) {
    throw new LatheError(
      'INVALID_ARGUMENT',
      `Invalid value ${JSON.stringify(v)} for parameter 'view_type'; valid values: ${viewTypes.join(', ')}`,
    );
  }
  return v as ViewType;
}

function checkMax(v: number | undefined, fallback: number, max: number): number {
  if (v === undefined) return fallback;
  if (!Number.isInteger(v) || v < 1 || v > max) {
    throw new LatheError(
      'INVALID_ARGUMENT',
      `Invalid value ${v} for parameter 'max_results' supplied. It must be an integer from 1 to ${max}.`,
    );
  }
  return v;
}

/** Run and experiment search (MLflow's filter language), one page at a time with MLflow page tokens. */
export class TrackingSearch {
  constructor(
    private readonly store: MetaStore,
    private readonly experiments: Experiments,
    private readonly runs: Runs,
  ) {}

  async searchRuns(q: RunSearchInput): Promise<Page<Run>> {
    const limit = checkMax(q.maxResults, 1000, limits.maxResultsRuns);
    const offset = decodeOffsetToken(q.pageToken);
    const experimentIds = experimentIdsOf(q.experimentIds);
    const ids = await searchRunIds(this.store.db, {
      dialect: this.store.dialect,
      experimentIds,
      filter: q.filter,
      orderBy: q.orderBy,
      viewType: checkViewType(q.viewType),
      limit: limit + 1,
      offset,
    });
    const more = ids.length > limit;
    const items = await this.runs.getMany(more ? ids.slice(0, limit) : ids);
    return { items, nextPageToken: more ? encodeOffsetToken(offset + limit) : null };
  }

  /** How many runs match the filter and view of a search (its order plays no part), up to `cap`. */
  countRuns(q: RunSearchInput, cap = 1_000_000): Promise<number> {
    return countRunIds(
      this.store.db,
      {
        dialect: this.store.dialect,
        experimentIds: experimentIdsOf(q.experimentIds),
        filter: q.filter,
        viewType: checkViewType(q.viewType),
      },
      cap,
    );
  }

  async searchExperiments(q: ExperimentSearchInput): Promise<Page<Experiment>> {
    const limit = checkMax(q.maxResults, 1000, limits.maxResultsExperiments);
    const offset = decodeOffsetToken(q.pageToken);
    const ids = await searchExperimentIds(this.store.db, {
      dialect: this.store.dialect,
      filter: q.filter,
      orderBy: q.orderBy,
      viewType: checkViewType(q.viewType),
      limit: limit + 1,
      offset,
    });
    const more = ids.length > limit;
    const items = await this.experiments.getMany(more ? ids.slice(0, limit) : ids);
    return { items, nextPageToken: more ? encodeOffsetToken(offset + limit) : null };
  }

  /** Param, metric and tag keys of an experiment's most recent 1,000 runs, sorted. */
  async experimentKeys(
    experimentId: string,
  ): Promise<{ params: string[]; metrics: string[]; tags: string[] }> {
    const exp = await this.experiments.get(experimentId);
    const recent = this.store.db
      .selectFrom('runs')
      .select('run_uuid')
      .where('experiment_id', '=', Number(exp.experimentId))
      .orderBy('start_time', 'desc')
      .limit(1000);
    const keys = async (table: 'params' | 'latest_metrics' | 'tags') =>
      (
        await this.store.db
          .selectFrom(table)
          .select('key')
          .distinct()
          .where('run_uuid', 'in', recent)
          .orderBy('key')
          .execute()
      ).map((r) => r.key);
    const [params, metrics, tags] = await Promise.all([keys('params'), keys('latest_metrics'), keys('tags')]);
    return { params, metrics, tags };
  }
}
