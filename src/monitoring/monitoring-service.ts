import { availableParallelism } from 'node:os';
import { checkDiffOptions } from '../data/index.js';
import { LatheError } from '../core/index.js';
import { sharedWorkerPool } from '../ml/index.js';
import type { ModelService } from '../models/index.js';
import type { InferenceRecord } from '../serving/index.js';
import type { BlobStore } from '../storage/blobs/index.js';
import type { MetaStore } from '../storage/meta/index.js';
import { BackgroundEngine, TableEngine } from '../storage/tables/index.js';
import { type BaselineData, type BaselineInput, ensureTrainingBaseline, logBaseline } from './baselines.js';
import { Ingest } from './ingest.js';
import { findPrediction, modelStatus, type PredictionLookup } from './lookups.js';
import { checkWindow } from './windows.js';
import { comparedColumns, driftColumns } from './drift-query.js';
import {
  type ExplanationSample,
  Explanations,
  type ImportanceDrift,
  type PredictionExplanation,
} from './explanations.js';
import { InferenceStore } from './inference-store.js';
import type { PackedServed } from './served-records.js';
import { type CatalogModel, ModelCatalog } from './model-catalog.js';
import {
  type PerformanceOptions,
  type PerformanceReport,
  performanceReport,
  type TrafficBucket,
  trafficSeries,
} from './performance-query.js';
import { type QualityReport, qualityOf } from './quality-query.js';
import { applyRetention, setRetention } from './retention.js';
import type {
  ActualsResult,
  Downsample,
  DriftQueryOptions,
  DriftReport,
  IngestResult,
  RecordWindow,
} from './types.js';

/** Rows per side that feed KS and Wasserstein unless a query says otherwise. */
export const defaultDriftSample = 1_000_000;

/** How the service keeps its store. */
export interface MonitoringOptions {
  /** The store's folder (from configuration). */
  dir: string;
  /** This process's WAL prefix, when several processes share `dir`. */
  part?: string;
  /**
   * Milliseconds between compactions of the write-ahead buffer (default 5,000; 0: none until close,
   * as the workers of `lathe serve` do, leaving it to the server).
   */
  compactMs?: number;
  /** Whether compaction also takes other processes' idle files (the server: true). Default false. */
  compactOthers?: boolean;
  /**
   * Whether this process applies retention and downsampling (hourly). Default true; processes
   * sharing a store with a server (the workers of `lathe serve`) leave it to the server, so no two
   * processes rewrite one segment.
   */
  maintenance?: boolean;
  segmentRows?: number;
  segmentMs?: number;
  /** False skips fsync of the write-ahead buffer (benchmarks only). */
  sync?: boolean;
  /**
   * Lathe's models: TreeSHAP of logged predictions of registered tree models, and the training
   * data of native models (logged as the `training` environment when a query needs it).
   */
  models?: ModelService;
  /** Dataset versions, for baselines. */
  data?: BaselineData;
  /** DuckDB threads (default: every core). */
  threads?: number;
  now?: () => number;
}

/** The inference store and its queries. */
export class MonitoringService {
  readonly catalog: ModelCatalog;
  readonly store: InferenceStore;
  readonly #engine: TableEngine;
  readonly #meta: MetaStore;
  readonly #now: () => number;
  readonly #explanations: Explanations;
  readonly #ingest: Ingest;
  readonly #compactor: BackgroundEngine | null;
  readonly #options: MonitoringOptions;
  /** Models whose training baseline was looked for already. */
  readonly #trainingLooked = new Set<string>();
  #timer: NodeJS.Timeout | undefined;

  private constructor(
    meta: MetaStore,
    blobs: BlobStore,
    engine: TableEngine,
    compactor: BackgroundEngine | null,
    options: MonitoringOptions,
  ) {
    this.#meta = meta;
    this.#engine = engine;
    this.#compactor = compactor;
    this.#now = options.now ?? Date.now;
    this.catalog = new ModelCatalog(meta);
    this.store = new InferenceStore({
      dir: options.dir,
      meta,
      blobs,
      engine,
      ...(compactor ? { compactor } : {}),
      // Worker threads format big ingest batches beside the thread that checks them.
      ...(availableParallelism() > 1 ? { pool: sharedWorkerPool(availableParallelism()) } : {}),
      ...(options.part ? { part: options.part } : {}),
      ...(options.segmentRows ? { segmentRows: options.segmentRows } : {}),
      ...(options.segmentMs ? { segmentMs: options.segmentMs } : {}),
      ...(options.sync === false ? { sync: false } : {}),
      ...(options.compactOthers ? { compactOthers: true } : {}),
    });
    this.#options = options;
    this.#ingest = new Ingest(meta, this.store, this.catalog, engine, this.#now);
    this.#explanations = new Explanations(engine, this.store, this.catalog, options.models ?? null);
    const every = options.compactMs ?? 5000;
    if (every > 0) {
      void this.compact().catch(() => {});
      let ticks = 0;
      this.#timer = setInterval(() => {
        void this.compact().catch(() => {});
        if (options.maintenance !== false && ++ticks % Math.max(1, Math.round(3_600_000 / every)) === 0)
          void this.applyRetention().catch(() => {});
      }, every);
      this.#timer.unref();
    }
  }

  /**
   * Opens the store (a DuckDB engine of its own). With a schedule, the first compaction (of what an
   * earlier process left) starts at once, in the background: queries read the buffer meanwhile.
   */
  static async open(
    meta: MetaStore,
    blobs: BlobStore,
    options: MonitoringOptions,
  ): Promise<MonitoringService> {
    const engine = await TableEngine.create(options.threads ? { threads: options.threads } : {});
    // Scheduled compaction runs in a low-priority process of its own, started at its first file.
    const compactor = (options.compactMs ?? 5000) > 0 ? new BackgroundEngine() : null;
    return new MonitoringService(meta, blobs, engine, compactor, options);
  }

  /** Moves buffered records into Parquet segments (all of them with `force`). */
  async compact(force = false): Promise<void> {
    await this.store.compact(await this.catalog.list(), force);
  }

  /** Compacts everything and stops. */
  async close(): Promise<void> {
    clearInterval(this.#timer);
    await this.store.close(await this.catalog.list());
    await this.#compactor?.close();
    await this.#engine.close();
  }

  /**
   * Keeps a model's records `days` days (null: forever), thinning those older than
   * `downsample.afterDays` (see retention.ts); applied at once and then hourly.
   */
  setRetention(name: string, days: number | null, downsample: Downsample | null = null) {
    return setRetention(this.catalog, this.store, this.#now, name, days, downsample);
  }

  /** Applies every model's retention and downsampling now (see retention.ts). */
  applyRetention() {
    return applyRetention(this.catalog, this.store, this.#now());
  }

  /** Checks and stores prediction records (see Ingest.logPredictions). */
  logPredictions(records: unknown): Promise<IngestResult> {
    return this.#ingest.logPredictions(records);
  }

  /** Stores the serving log of Lathe's endpoints (see Ingest.logServed). */
  logServed(records: readonly InferenceRecord[]): Promise<IngestResult> {
    return this.#ingest.logServed(records);
  }

  /** Stores a packed batch of the serving log (see Ingest.logServedPacked). */
  logServedPacked(records: PackedServed): Promise<IngestResult> {
    return this.#ingest.logServedPacked(records);
  }

  /** Stores actuals by prediction ID (see Ingest.logActuals). */
  logActuals(records: unknown): Promise<ActualsResult> {
    return this.#ingest.logActuals(records);
  }

  /** Logs a dataset version as a reference environment of the model (see logBaseline). */
  logBaseline(name: string, input: BaselineInput, data: BaselineData): ReturnType<typeof logBaseline> {
    return logBaseline({ catalog: this.catalog, store: this.store, now: this.#now }, name, input, data);
  }

  /** A model's records at a glance: per environment and version, coverage, counters. */
  status(name: string): ReturnType<typeof modelStatus> {
    return modelStatus(this.#lookupDeps(), name);
  }

  /** A logged prediction by ID with its latest actual. @throws LatheError NOT_FOUND. */
  prediction(id: string): Promise<PredictionLookup> {
    return findPrediction(this.#lookupDeps(), id);
  }

  #lookupDeps() {
    return {
      meta: this.#meta,
      engine: this.#engine,
      store: this.store,
      catalog: this.catalog,
      now: this.#now,
    };
  }

  /**
   * Logs a Lathe model's training data as its `training` environment the first time a query needs
   * it (once per model and process: later queries skip the lookup).
   */
  async #trainingBaseline(model: CatalogModel, baseline: RecordWindow): Promise<boolean> {
    const { models, data } = this.#options;
    if (baseline.environment !== 'training' || !models || !data || this.#trainingLooked.has(model.name))
      return false;
    this.#trainingLooked.add(model.name);
    return ensureTrainingBaseline(
      { catalog: this.catalog, store: this.store, now: this.#now },
      model,
      models,
      data,
    );
  }

  /**
   * Drift of every feature and of the prediction from `baseline` to `current` (see the data
   * diff's statistics and drift rule), with the share of drifted features.
   * @throws LatheError NOT_FOUND for an unknown model; INVALID_ARGUMENT for bad options.
   */
  async drift(
    name: string,
    windows: { baseline: RecordWindow; current: RecordWindow },
    options: DriftQueryOptions = {},
  ): Promise<DriftReport> {
    let model = await this.catalog.get(name);
    checkWindow(model, windows.baseline);
    checkWindow(model, windows.current);
    if (await this.#trainingBaseline(model, windows.baseline)) model = await this.catalog.get(name);
    const { thresholds, sampleSize } = checkDiffOptions({
      ...(options.thresholds ? { thresholds: options.thresholds } : {}),
      // Every row of windows up to a million rows a side feeds KS and Wasserstein.
      sampleSize: options.sampleSize ?? defaultDriftSample,
    });
    const unknown = (options.features ?? []).filter((f) => !model.features.some((x) => x.name === f));
    if (unknown.length)
      throw new LatheError(
        'INVALID_ARGUMENT',
        `unknown features ${unknown.join(', ')}; model ${name} has ${model.features.map((f) => f.name).join(', ')}`,
      );
    const { features, prediction } = comparedColumns(model, options.features);
    const result = await this.store.reading(async () =>
      driftColumns(
        this.#engine,
        await this.store.predictions(model, windows.baseline),
        await this.store.predictions(model, windows.current),
        [...features, prediction],
        { thresholds, sampleSize },
      ),
    );
    const featureDrift = result.drift.slice(0, features.length);
    const compared = featureDrift.filter((f) => f.statistics);
    const drifted = compared.filter((f) => f.drifted).map((f) => f.feature);
    return {
      model: name,
      baseline: { ...windows.baseline, rows: result.rows.baseline },
      current: { ...windows.current, rows: result.rows.current },
      features: featureDrift,
      prediction: result.drift[features.length] ?? null,
      driftShare: compared.length ? drifted.length / compared.length : 0,
      drifted,
      thresholds,
      sampleSize,
    };
  }

  /** SHAP values of a sample of `window`'s predictions and their global importance (see Explanations). */
  explainSample(
    name: string,
    window: RecordWindow = {},
    options: { sampleSize?: number } = {},
  ): Promise<ExplanationSample> {
    return this.#explanations.explainSample(name, window, options);
  }

  /** One logged prediction's SHAP values. @throws LatheError NOT_FOUND for an unknown ID. */
  explainPrediction(id: string): Promise<PredictionExplanation> {
    return this.#explanations.explainPrediction(id);
  }

  /** Global importance in two windows, each feature's share and change of share, ranked by |change|. */
  importanceDrift(
    name: string,
    windows: { baseline: RecordWindow; current: RecordWindow },
    options: { sampleSize?: number } = {},
  ): Promise<ImportanceDrift> {
    return this.#explanations.importanceDrift(name, windows, options);
  }

  /**
   * Drift of every feature per time bucket of `current` (which needs `from` and `to`) against
   * `baseline`: a heatmap of PSI and the drifted share per bucket. Buckets without rows are empty.
   */
  async driftSeries(
    name: string,
    baseline: RecordWindow,
    current: RecordWindow & { from: number; to: number },
    bucketMs: number,
  ) {
    const model = await this.catalog.get(name);
    if ((current.to - current.from) / bucketMs > 200)
      throw new LatheError(
        'INVALID_ARGUMENT',
        `at most 200 buckets per series; ${Math.ceil((current.to - current.from) / bucketMs)} buckets of ${bucketMs / 60_000} minutes asked (use a larger bucket)`,
      );
    const buckets = [];
    for (let from = current.from; from < current.to; from += bucketMs) {
      const to = Math.min(from + bucketMs, current.to);
      const r = await this.drift(
        name,
        { baseline, current: { ...current, from, to } },
        { sampleSize: 10_000 },
      );
      buckets.push({
        from,
        to,
        rows: r.current.rows,
        driftShare: r.current.rows ? r.driftShare : null,
        features: r.features.map((f) => ({
          feature: f.feature,
          psi: f.statistics?.psi ?? null,
          drifted: f.drifted,
        })),
        prediction: r.prediction
          ? { psi: r.prediction.statistics?.psi ?? null, drifted: r.prediction.drifted }
          : null,
      });
    }
    return { model: name, baseline, features: model.features.map((f) => f.name), bucketMs, buckets };
  }

  /**
   * Data quality of `current` against `baseline` (by default the training environment): per
   * feature missing rate, out-of-range values and new categories; records refused in the window's
   * days (type violations and other errors); the window's volume against the days before it.
   */
  async quality(name: string, baseline: RecordWindow, current: RecordWindow): Promise<QualityReport> {
    let model = await this.catalog.get(name);
    checkWindow(model, baseline);
    checkWindow(model, current);
    if (await this.#trainingBaseline(model, baseline)) model = await this.catalog.get(name);
    const now = this.#now();
    const result = await this.store.reading(async () =>
      qualityOf(
        this.#engine,
        model,
        await this.store.predictions(model, baseline),
        await this.store.predictions(model, current),
      ),
    );
    const from = current.from ?? now - 7 * 86_400_000;
    const to = current.to ?? now;
    const rejected = await this.#ingest.counted(name, 'rejected', from, to);
    // Volume: the window's rows against the mean of the 7 windows of its length before it.
    const span = to - from;
    const history = (await this.store.count(model, { ...current, from: from - 7 * span, to: from })) / 7;
    return {
      model: name,
      baseline: { ...baseline, rows: result.rows.baseline },
      current: { ...current, rows: result.rows.current },
      features: result.features,
      rejected,
      typeViolationRate: rejected + result.rows.current ? rejected / (rejected + result.rows.current) : 0,
      volume: {
        rows: result.rows.current,
        previousMean: history,
        change: history ? (result.rows.current - history) / history : null,
        anomaly: history > 0 && (result.rows.current < history / 2 || result.rows.current > history * 2),
      },
    };
  }

  /**
   * Performance with ground truth in `window`: overall, per `by` group, per time bucket.
   * @throws LatheError NOT_FOUND for an unknown model; INVALID_ARGUMENT for an unknown `by`.
   */
  async performance(
    name: string,
    window: RecordWindow,
    options: PerformanceOptions = {},
  ): Promise<PerformanceReport> {
    const model = await this.catalog.get(name);
    checkWindow(model, window);
    return this.store.reading(async () =>
      performanceReport(this.#engine, model, await this.store.joined(model, window), window, options),
    );
  }

  /** Volume and latency per bucket of `window` (which needs `from` and `to`). */
  async traffic(
    name: string,
    window: RecordWindow & { from: number; to: number },
    bucketMs: number,
  ): Promise<TrafficBucket[]> {
    const model = await this.catalog.get(name);
    checkWindow(model, window);
    return this.store.reading(async () =>
      trafficSeries(
        this.#engine,
        await this.store.predictions(model, window),
        window.from,
        window.to,
        bucketMs,
      ),
    );
  }

  /** Every monitored model with its record count. */
  async models() {
    return (await this.catalog.list()).map((m) => ({
      name: m.name,
      task: m.task,
      features: m.features.length,
      versions: m.versions,
      tags: m.tags,
      createdAt: new Date(m.createdAt).toISOString(),
    }));
  }
}
