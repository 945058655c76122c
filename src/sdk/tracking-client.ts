import type { Experiment, KeyValue, Metric, Run, RunInfo, RunStatus, ViewType } from '../tracking/index.js';

import { enc, kv, type Transport } from './transport.js';

/** A metric value on the wire: numbers, or strings for NaN and the infinities. */
type WireMetric = Omit<Metric, 'value'> & { value: number | string };
type WireRun = Omit<Run, 'data'> & { data: Omit<Run['data'], 'metrics'> & { metrics: WireMetric[] } };

const fromWire = (m: WireMetric): Metric => ({
  ...m,
  value: typeof m.value === 'number' ? m.value : Number(m.value),
});
const toWire = (v: number): number | string => (Number.isFinite(v) ? v : String(v));
const runFromWire = (r: WireRun): Run => ({
  ...r,
  data: { ...r.data, metrics: r.data.metrics.map(fromWire) },
});

/** A page of a run search. */
export interface RunSearch {
  experimentIds: string[];
  filter?: string;
  orderBy?: string[];
  viewType?: ViewType;
  /** 1 to 1,000; default 100. */
  maxResults?: number;
  pageToken?: string;
  /** Also count every matching run (`total`). */
  withTotal?: boolean;
}

export interface StartRunOptions {
  /** Experiment ID; or give `experimentName` (created when missing). Defaults to the Default experiment. */
  experimentId?: string;
  experimentName?: string;
  runName?: string;
  tags?: Record<string, string>;
}

/** The run passed to `withRun`: logging bound to one run ID. */
export interface ActiveRun {
  readonly id: string;
  logParams(params: Record<string, string | number | boolean>): Promise<void>;
  logMetrics(metrics: Record<string, number>, options?: { step?: number; timestamp?: number }): Promise<void>;
  setTags(tags: Record<string, string>): Promise<void>;
}

/** Experiment tracking through Lathe's /api/v1 routes. */
export class TrackingClient {
  readonly #transport: Transport;
  constructor(transport: Transport) {
    this.#transport = transport;
  }

  private request<T>(...args: Parameters<Transport['request']>): Promise<T> {
    return this.#transport.request<T>(...args);
  }

  async createExperiment(name: string, tags: Record<string, string> = {}): Promise<Experiment> {
    return (
      await this.request<{ experiment: Experiment }>('POST', '/api/v1/experiments', { name, tags: kv(tags) })
    ).experiment;
  }

  async getExperiment(idOrName: string, by: 'id' | 'name' = 'id'): Promise<Experiment> {
    return (
      await this.request<{ experiment: Experiment }>(
        'GET',
        `/api/v1/experiments/${enc(idOrName)}`,
        undefined,
        { by },
      )
    ).experiment;
  }

  /** Starts a run; with `experimentName`, the experiment is created when it does not exist. */
  async startRun(options: StartRunOptions = {}): Promise<Run> {
    let experimentId = options.experimentId;
    if (!experimentId && options.experimentName)
      experimentId = (await this.ensureExperiment(options.experimentName)).experimentId;
    const { run } = await this.request<{ run: WireRun }>('POST', '/api/v1/runs', {
      experimentId,
      runName: options.runName,
      tags: kv(options.tags ?? {}),
    });
    return runFromWire(run);
  }

  async getRun(runId: string): Promise<Run> {
    return runFromWire((await this.request<{ run: WireRun }>('GET', `/api/v1/runs/${enc(runId)}`)).run);
  }

  logParams(runId: string, params: Record<string, string | number | boolean>): Promise<void> {
    return this.log(runId, { params: kv(params) });
  }

  /** Logs several metrics at one step (default 0) and time (default now). */
  logMetrics(
    runId: string,
    metrics: Record<string, number>,
    options: { step?: number; timestamp?: number } = {},
  ): Promise<void> {
    const timestamp = options.timestamp ?? Date.now();
    return this.log(runId, {
      metrics: Object.entries(metrics).map(([key, v]) => ({
        key,
        value: toWire(v),
        step: options.step ?? 0,
        timestamp,
      })),
    });
  }

  setTags(runId: string, tags: Record<string, string>): Promise<void> {
    return this.log(runId, { tags: kv(tags) });
  }

  async endRun(runId: string, status: RunStatus = 'FINISHED'): Promise<RunInfo> {
    return (
      await this.request<{ runInfo: RunInfo }>('PATCH', `/api/v1/runs/${enc(runId)}`, {
        status,
        endTime: Date.now(),
      })
    ).runInfo;
  }

  /** Every point of a metric, ordered by step then time (the server sends the whole history at once). */
  async metricHistory(runId: string, key: string): Promise<Metric[]> {
    const { metrics } = await this.request<{ metrics: WireMetric[] }>(
      'GET',
      `/api/v1/runs/${enc(runId)}/metrics/${enc(key)}`,
    );
    return metrics.map(fromWire);
  }

  /** Experiments, newest first by default; `filter` and `orderBy` use MLflow's search syntax. */
  async listExperiments(
    query: {
      filter?: string;
      orderBy?: string[];
      viewType?: ViewType;
      maxResults?: number;
      pageToken?: string;
    } = {},
  ): Promise<{ experiments: Experiment[]; nextPageToken: string | null }> {
    return this.request('GET', '/api/v1/experiments', undefined, {
      filter: query.filter,
      orderBy: query.orderBy?.join(','),
      viewType: query.viewType,
      maxResults: query.maxResults,
      pageToken: query.pageToken,
    });
  }

  /**
   * Runs of some experiments matching an MLflow filter (`metrics.acc > 0.9 and params.lr = '0.1'`),
   * ordered by `orderBy` (`['metrics.acc DESC']`; default newest first), one page at a time.
   * A bad filter throws INVALID_ARGUMENT whose `details.position` is the 1-based character position.
   */
  async searchRuns(query: RunSearch): Promise<{ runs: Run[]; nextPageToken: string | null; total?: number }> {
    const page = await this.request<{ runs: WireRun[]; nextPageToken: string | null; total?: number }>(
      'POST',
      '/api/v1/runs/search',
      query,
    );
    return { ...page, runs: page.runs.map(runFromWire) };
  }

  /** The param, metric and tag keys used by an experiment's most recent 1,000 runs, sorted (for column pickers). */
  experimentKeys(experimentId: string): Promise<{ params: string[]; metrics: string[]; tags: string[] }> {
    return this.request('GET', `/api/v1/experiments/${enc(experimentId)}/keys`);
  }

  /** One level of a run's artifacts (`path` relative to the run's artifact root). */
  listArtifacts(
    runId: string,
    path = '',
  ): Promise<{ rootUri: string; files: { path: string; isDir: boolean; fileSize?: number }[] }> {
    return this.request('GET', `/api/v1/runs/${enc(runId)}/artifacts`, undefined, {
      path: path || undefined,
    });
  }

  /** An artifact file's bytes (for previews and downloads), fetched with the client's token. */
  fetchArtifact(runId: string, path: string, options: { signal?: AbortSignal } = {}): Promise<Blob> {
    return this.#transport.blob(`/api/v1/runs/${enc(runId)}/artifacts/content`, { path }, options.signal);
  }

  /**
   * Runs `fn` inside a new run: the run ends FINISHED when `fn` resolves, FAILED when it throws
   * (and the error is rethrown). Resolves to what `fn` returned.
   */
  async withRun<T>(options: StartRunOptions, fn: (run: ActiveRun) => Promise<T>): Promise<T> {
    const run = await this.startRun(options);
    const id = run.info.runId;
    const active: ActiveRun = {
      id,
      logParams: (p) => this.logParams(id, p),
      logMetrics: (m, o) => this.logMetrics(id, m, o),
      setTags: (t) => this.setTags(id, t),
    };
    let result: T;
    try {
      result = await fn(active);
    } catch (err) {
      await this.endRun(id, 'FAILED').catch(() => undefined);
      throw err;
    }
    await this.endRun(id, 'FINISHED');
    return result;
  }

  private async ensureExperiment(name: string): Promise<Experiment> {
    try {
      return await this.getExperiment(name, 'name');
    } catch (err) {
      if ((err as { code?: string }).code !== 'NOT_FOUND') throw err;
      try {
        return await this.createExperiment(name);
      } catch (e) {
        if ((e as { code?: string }).code === 'ALREADY_EXISTS') return this.getExperiment(name, 'name');
        throw e;
      }
    }
  }

  private log(
    runId: string,
    body: { metrics?: unknown[]; params?: KeyValue[]; tags?: KeyValue[] },
  ): Promise<void> {
    return this.request('POST', `/api/v1/runs/${enc(runId)}/log`, body);
  }
}
