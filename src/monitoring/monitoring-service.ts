/**
 * Observability over the inference store: ingest of predictions and actuals from any server
 * (record by record: bad records are reported, the rest land), and the queries that read it —
 * drift between windows, performance by window, version and slice, traffic, status, lookup by ID.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { checkDiffOptions, isNumericFamily, typeFamily } from '../data/index.js';
import { describeValue, LatheError } from '../core/index.js';
import type { ModelService } from '../models/index.js';
import type { InferenceRecord } from '../serving/index.js';
import type { BlobStore } from '../storage/blobs/index.js';
import type { MetaStore } from '../storage/meta/index.js';
import { quoteIdentifier, quoteLiteral, TableEngine } from '../storage/tables/index.js';
import { comparedColumns, driftColumns } from './drift-query.js';
import {
  type ExplanationSample,
  Explanations,
  type ImportanceDrift,
  type PredictionExplanation,
} from './explanations.js';
import {
  featureColumn,
  InferenceStore,
  predictionColumns,
  shapColumn,
  type StoredActual,
  tagColumn,
} from './inference-store.js';
import { type CatalogModel, ModelCatalog } from './model-catalog.js';
import {
  groupExpr,
  type PerformanceGroup,
  performanceBy,
  type TrafficBucket,
  trafficSeries,
} from './performance-query.js';
import { qualityOf } from './quality-query.js';
import { parseActual, parsePrediction, SchemaCheck } from './records.js';
import {
  type ActualsResult,
  environmentPattern,
  type FeatureKind,
  type DriftQueryOptions,
  type DriftReport,
  type IngestResult,
  type PredictionRecord,
  type RecordError,
  type RecordWindow,
} from './types.js';

/** How the service keeps its store. */
export interface MonitoringOptions {
  /** The store's folder (from configuration). */
  dir: string;
  /** This process's WAL prefix, when several processes share `dir`. */
  part?: string;
  /** Milliseconds between compactions of the write-ahead buffer (default 5,000; 0: none). */
  compactMs?: number;
  segmentRows?: number;
  segmentMs?: number;
  /** False skips fsync of the write-ahead buffer (benchmarks only). */
  sync?: boolean;
  /** Lathe's models, for TreeSHAP of logged predictions of registered tree models. */
  models?: ModelService;
  /** DuckDB threads (default: every core). */
  threads?: number;
  now?: () => number;
}

/** Most records per ingest call. */
export const maxBatchRecords = 100_000;
const MAX_ERRORS = 100;

/** A model's performance answer. */
export interface PerformanceReport {
  model: string;
  task: CatalogModel['task'];
  window: RecordWindow;
  overall: PerformanceGroup;
  /** Per `by` group (a tag, a feature, version or environment), when asked. */
  by: string | null;
  /** The cut points of a numeric `by` feature (its quartiles in the window, unless given). */
  cuts?: number[];
  groups: PerformanceGroup[];
  /** Per time bucket, when a bucket size was given. */
  series: PerformanceGroup[];
}

/** A logged prediction found by ID, with its actual. */
export interface PredictionLookup extends PredictionRecord {
  actual: string | null;
  actualTimestamp: number | null;
}

const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const isoOrNull = (ms: unknown) =>
  ms === null || ms === undefined ? null : new Date(Number(ms)).toISOString();

function checkBatch(records: unknown, what: string): unknown[] {
  if (!Array.isArray(records))
    throw new LatheError(
      'INVALID_ARGUMENT',
      `${what} must be a list of records; got ${describeValue(records)}`,
    );
  if (records.length > maxBatchRecords)
    throw new LatheError(
      'PAYLOAD_TOO_LARGE',
      `at most ${maxBatchRecords.toLocaleString('en-US')} records per call; got ${records.length.toLocaleString('en-US')} (split the batch)`,
    );
  return records;
}

/** The inference store and its queries. */
export class MonitoringService {
  readonly catalog: ModelCatalog;
  readonly store: InferenceStore;
  readonly #engine: TableEngine;
  readonly #meta: MetaStore;
  readonly #now: () => number;
  readonly #explanations: Explanations;
  #timer: NodeJS.Timeout | undefined;

  private constructor(meta: MetaStore, blobs: BlobStore, engine: TableEngine, options: MonitoringOptions) {
    this.#meta = meta;
    this.#engine = engine;
    this.#now = options.now ?? Date.now;
    this.catalog = new ModelCatalog(meta);
    this.store = new InferenceStore({
      dir: options.dir,
      meta,
      blobs,
      engine,
      ...(options.part ? { part: options.part } : {}),
      ...(options.segmentRows ? { segmentRows: options.segmentRows } : {}),
      ...(options.segmentMs ? { segmentMs: options.segmentMs } : {}),
      ...(options.sync === false ? { sync: false } : {}),
    });
    this.#explanations = new Explanations(engine, this.store, this.catalog, options.models ?? null);
    const every = options.compactMs ?? 5000;
    if (every > 0) {
      let ticks = 0;
      this.#timer = setInterval(() => {
        void this.compact().catch(() => {});
        if (++ticks % Math.max(1, Math.round(3_600_000 / every)) === 0)
          void this.applyRetention().catch(() => {});
      }, every);
      this.#timer.unref();
    }
  }

  /** Opens the store (a DuckDB engine of its own) and compacts what an earlier process left. */
  static async open(
    meta: MetaStore,
    blobs: BlobStore,
    options: MonitoringOptions,
  ): Promise<MonitoringService> {
    const engine = await TableEngine.create(options.threads ? { threads: options.threads } : {});
    const service = new MonitoringService(meta, blobs, engine, options);
    await service.compact();
    return service;
  }

  /** Moves buffered records into Parquet segments (all of them with `force`). */
  async compact(force = false): Promise<void> {
    await this.store.compact(await this.catalog.list(), force);
  }

  /** Compacts everything and stops. */
  async close(): Promise<void> {
    clearInterval(this.#timer);
    await this.store.close(await this.catalog.list());
    await this.#engine.close();
  }

  async #count(model: string, counter: string, n: number): Promise<void> {
    if (n <= 0) return;
    await this.#meta.db
      .insertInto('monitoring_counters')
      .values({ model, day: day(this.#now()), counter, n })
      .onConflict((oc) =>
        oc.columns(['model', 'day', 'counter']).doUpdateSet({ n: sql<number>`monitoring_counters.n + ${n}` }),
      )
      .execute();
  }

  /** Keeps a model's records `days` days (null: forever); applied at once and then hourly. */
  async setRetention(name: string, days: number | null) {
    if (days !== null && !(Number.isInteger(days) && days >= 1))
      throw new LatheError(
        'INVALID_ARGUMENT',
        `days must be a whole number >= 1, or null to keep everything; got ${describeValue(days)}`,
      );
    const model = await this.catalog.setRetention(name, days);
    const dropped = await this.applyRetention();
    return { model: model.name, retentionDays: model.retentionDays, dropped: dropped[name] ?? 0 };
  }

  /**
   * Drops the segments of each model with a retention that lie wholly before its horizon; answers
   * the rows dropped per model. (Records still in the write-ahead buffer wait for compaction.)
   */
  async applyRetention(): Promise<Record<string, number>> {
    const out: Record<string, number> = {};
    const now = this.#now();
    for (const m of await this.catalog.list())
      if (m.retentionDays !== null)
        out[m.name] = await this.store.dropBefore(m, now - m.retentionDays * 86_400_000);
    return out;
  }

  /**
   * Checks and stores prediction records: each is checked on its own, then against its model's
   * schema (see SchemaCheck); the valid ones are durable when this resolves. A model need not be
   * registered: its first records define it.
   * @throws LatheError INVALID_ARGUMENT when `records` is not a list; PAYLOAD_TOO_LARGE past 100,000.
   */
  async logPredictions(records: unknown): Promise<IngestResult> {
    const list = checkBatch(records, 'records');
    const now = this.#now();
    const errors: RecordError[] = [];
    const byModel = new Map<string, { record: PredictionRecord; index: number }[]>();
    /** Refused records per model named (`''` when the record names none). */
    const refused = new Map<string, number>();
    const refuse = (model: unknown) => {
      const key = typeof model === 'string' ? model : '';
      refused.set(key, (refused.get(key) ?? 0) + 1);
    };
    list.forEach((raw, index) => {
      const r = parsePrediction(raw, now);
      if (typeof r === 'string') {
        const { predictionId: id, model } = (raw ?? {}) as { predictionId?: unknown; model?: unknown };
        errors.push({ index, predictionId: typeof id === 'string' ? id : null, error: r });
        refuse(model);
        return;
      }
      const group = byModel.get(r.model);
      if (group) group.push({ record: r, index });
      else byModel.set(r.model, [{ record: r, index }]);
    });
    let accepted = 0;
    for (const [name, group] of byModel) {
      let model = await this.catalog.find(name);
      const check = new SchemaCheck(model);
      const ok: PredictionRecord[] = [];
      for (const { record, index } of group) {
        const problem = check.check(record);
        if (problem) {
          errors.push({ index, predictionId: record.predictionId, error: problem });
          refuse(name);
        } else ok.push(record);
      }
      if (!ok.length) continue;
      if (check.grew || !model) model = await this.catalog.grow(name, check.growth);
      await this.store.appendPredictions(model, ok);
      accepted += ok.length;
    }
    const rejected = errors.length;
    for (const [name, n] of refused) await this.#count(name, 'rejected', n);
    errors.sort((a, b) => a.index - b.index);
    return { accepted, rejected, errors: errors.slice(0, MAX_ERRORS) };
  }

  /**
   * Stores the prediction records of Lathe's own endpoints (the serving log): the version that
   * answered, its inputs as features, shadow predictions as the `shadow` environment, a fallback's
   * reason as the tag `fallback`. Records the store refuses are counted, not thrown.
   */
  async logServed(records: readonly InferenceRecord[]): Promise<IngestResult> {
    return this.logPredictions(
      records.map((r) => {
        const at = r.model.lastIndexOf('@');
        const features: Record<string, unknown> = {};
        for (const [k, v] of Object.entries(r.inputs))
          if (v === null || ['number', 'string', 'boolean'].includes(typeof v)) features[k] = v;
        return {
          predictionId: r.id,
          model: at > 0 ? r.model.slice(0, at) : r.model,
          modelVersion: at > 0 ? r.model.slice(at + 1) : 'unversioned',
          environment: r.shadow ? 'shadow' : 'production',
          endpoint: r.endpoint,
          timestamp: r.timestamp,
          features,
          prediction: r.prediction,
          ...(r.probabilities && r.classes
            ? { probabilities: Object.fromEntries(r.classes.map((c, i) => [c, r.probabilities![i]])) }
            : {}),
          latencyMs: r.latencyMs,
          ...(r.fallback ? { tags: { fallback: r.fallback } } : {}),
        };
      }),
    );
  }

  /**
   * Stores actuals (ground truth) by prediction ID, joined to predictions at query time: every
   * valid actual is kept, also those whose prediction is not (yet) logged (counted as unknown);
   * an actual for an ID that already has one replaces it (counted as a duplicate; the last one
   * written wins).
   */
  async logActuals(records: unknown): Promise<ActualsResult> {
    const list = checkBatch(records, 'records');
    const now = this.#now();
    const errors: RecordError[] = [];
    const valid: { predictionId: string; actual: number | string | boolean; timestamp: number }[] = [];
    list.forEach((raw, index) => {
      const r = parseActual(raw, now);
      if (typeof r === 'string') {
        const id = (raw as { predictionId?: unknown })?.predictionId;
        errors.push({ index, predictionId: typeof id === 'string' ? id : null, error: r });
      } else valid.push(r);
    });
    const ids = [...new Set(valid.map((r) => r.predictionId))];
    const { models, existing } = await this.#lookupIds(ids);
    const stored: StoredActual[] = valid.map((r) => ({ ...r, model: models.get(r.predictionId) ?? null }));
    await this.store.appendActuals(stored);
    const unknownIds = ids.filter((id) => !models.has(id));
    const duplicates = valid.length - ids.length + ids.filter((id) => existing.has(id)).length;
    const perModel = new Map<string, number>();
    for (const r of stored) if (r.model) perModel.set(r.model, (perModel.get(r.model) ?? 0) + 1);
    await this.#count('', 'unknown_actuals', unknownIds.length);
    await this.#count('', 'duplicate_actuals', duplicates);
    for (const [m, n] of perModel) await this.#count(m, 'actuals', n);
    return {
      accepted: valid.length,
      rejected: errors.length,
      errors: errors.slice(0, MAX_ERRORS),
      matched: valid.length - stored.filter((r) => !r.model).length,
      unknown: unknownIds.length,
      unknownIds: unknownIds.slice(0, MAX_ERRORS),
      duplicates,
    };
  }

  /** Which IDs name a logged prediction (and of which model), and which already have an actual. */
  async #lookupIds(ids: readonly string[]): Promise<{ models: Map<string, string>; existing: Set<string> }> {
    const models = new Map<string, string>();
    const existing = new Set<string>();
    if (!ids.length) return { models, existing };
    const dir = await mkdtemp(path.join(tmpdir(), 'lathe-actuals-'));
    try {
      const file = path.join(dir, 'ids.csv');
      await writeFile(file, `id\n${ids.map((id) => JSON.stringify(id)).join('\n')}\n`);
      const batch = `read_csv(${quoteLiteral(file)}, header = true, columns = {'id': 'VARCHAR'}, quote = '"', escape = '"')`;
      await this.store.reading(async () => {
        for (const model of await this.catalog.list()) {
          const rel = await this.store.predictions(model);
          const rows = await this.#engine.query<{ id: string }>(
            `select distinct id from ${rel} where id in (select id from ${batch})`,
          );
          for (const r of rows) models.set(r.id, model.name);
        }
        const actuals = await this.store.actuals();
        for (const r of await this.#engine.query<{ id: string }>(
          `select distinct id from ${actuals} where id in (select id from ${batch})`,
        ))
          existing.add(r.id);
      });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
    return { models, existing };
  }

  /** Checks a window's filters against the model's tags and features. */
  #checkWindow(model: CatalogModel, w: RecordWindow): void {
    for (const [key, value] of Object.entries(w.where ?? {})) {
      const f = model.features.find((x) => x.name === key);
      if (!model.tags.includes(key) && !f)
        throw new LatheError(
          'INVALID_ARGUMENT',
          `cannot filter on ${JSON.stringify(key)}: model ${model.name} has no such tag or feature; tags: ${model.tags.join(', ') || 'none'}; features: ${model.features.map((x) => x.name).join(', ')}`,
        );
      if (f?.kind === 'numeric' && !model.tags.includes(key) && !Number.isFinite(Number(value)))
        throw new LatheError(
          'INVALID_ARGUMENT',
          `feature ${key} is numeric; the filter ${key}=${String(value)} needs a number`,
        );
    }
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
    const model = await this.catalog.get(name);
    this.#checkWindow(model, windows.baseline);
    this.#checkWindow(model, windows.current);
    const { thresholds, sampleSize } = checkDiffOptions({
      ...(options.thresholds ? { thresholds: options.thresholds } : {}),
      ...(options.sampleSize !== undefined ? { sampleSize: options.sampleSize } : {}),
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

  /**
   * Logs a dataset version as a reference environment of the model (`training`, `validation` or a
   * name of its own), replacing an earlier one of that environment: one record per row, its
   * features the model's (a new model takes every column but the target and prediction), its
   * actual the `target` column, its prediction the `prediction` column when given. Production is
   * then compared with what the model learned from.
   * @throws LatheError INVALID_ARGUMENT for a column the version lacks, or a version sharing none
   *   of the model's features; the data module's errors for a bad reference.
   */
  async logBaseline(
    name: string,
    input: { environment: string; dataset: string; target?: string; prediction?: string; version?: string },
    data: {
      versionFile(
        ref: unknown,
      ): Promise<{ version: { ref: string; columns: { name: string; type: string }[] }; file: string }>;
    },
  ): Promise<{
    model: string;
    environment: string;
    dataset: string;
    rows: number;
    actuals: number;
    features: string[];
  }> {
    if (!environmentPattern.test(input.environment))
      throw new LatheError(
        'INVALID_ARGUMENT',
        `environment must match ${environmentPattern}; got ${describeValue(input.environment)}`,
      );
    const { version, file } = await data.versionFile(input.dataset);
    const columns = new Map(version.columns.map((c) => [c.name, c.type]));
    for (const [what, col] of [
      ['target', input.target],
      ['prediction', input.prediction],
    ] as const)
      if (col !== undefined && !columns.has(col))
        throw new LatheError(
          'INVALID_ARGUMENT',
          `${what} column ${JSON.stringify(col)} is not in ${version.ref}; its columns: ${[...columns.keys()].join(', ')}`,
        );
    const existing = await this.catalog.find(name);
    const kindOfType = (t: string) => {
      const f = typeFamily(t);
      return isNumericFamily(f) ? 'numeric' : f === 'boolean' ? 'boolean' : 'categorical';
    };
    const skip = new Set([input.target, input.prediction].filter(Boolean));
    const features = existing?.features.length
      ? existing.features.filter((f) => columns.has(f.name))
      : [...columns]
          .filter(([c]) => !skip.has(c))
          .map(([c, t]) => ({ name: c, kind: kindOfType(t) as FeatureKind }));
    if (!features.length)
      throw new LatheError(
        'INVALID_ARGUMENT',
        `${version.ref} has none of model ${name}'s features (${existing?.features.map((f) => f.name).join(', ')})`,
      );
    const labelType = input.prediction
      ? columns.get(input.prediction)!
      : input.target
        ? columns.get(input.target)!
        : null;
    const task =
      existing?.task ??
      (labelType && kindOfType(labelType) === 'numeric' && !input.target?.length ? 'regression' : null);
    const model = await this.catalog.grow(name, {
      features,
      versions: [input.version ?? 'baseline'],
      ...(task ? { task } : {}),
    });
    const now = this.#now();
    const src = `read_parquet(${quoteLiteral(file)}, file_row_number = true)`;
    const idExpr = `${quoteLiteral(`${input.environment}:${version.ref}:`)} || file_row_number::varchar`;
    const select = predictionColumns(model)
      .map(([n, t]) => {
        const feature = model.features.find((f) => featureColumn(f.name) === n);
        const value =
          n === 'id'
            ? idExpr
            : n === 'ts'
              ? String(now)
              : n === 'v'
                ? quoteLiteral(input.version ?? 'baseline')
                : n === 'env'
                  ? quoteLiteral(input.environment)
                  : n === 'p' && input.prediction
                    ? `${quoteIdentifier(input.prediction)}::varchar`
                    : n === 'pn' &&
                        input.prediction &&
                        kindOfType(columns.get(input.prediction)!) === 'numeric'
                      ? `${quoteIdentifier(input.prediction)}::double`
                      : feature && columns.has(feature.name)
                        ? `${quoteIdentifier(feature.name)}::${t}`
                        : 'null';
        return `${value}::${t} as ${quoteIdentifier(n)}`;
      })
      .join(', ');
    const replaces = `baseline-${input.environment}-`;
    const rows = await this.store.importSegment(
      model.key,
      `${replaces}${now}`,
      `select ${select} from ${src}`,
      replaces,
    );
    let actuals = 0;
    if (input.target) {
      const t = quoteIdentifier(input.target);
      actuals = await this.store.importSegment(
        'actuals',
        `${model.key}-${replaces}${now}`,
        `select ${idExpr} as id, ${t}::varchar as a, try_cast(${t} as double) as an, ${now}::bigint as ts, ${now * 4096}::bigint as seq, ${quoteLiteral(name)} as m from ${src} where ${t} is not null`,
        `${model.key}-${replaces}`,
      );
      if (!model.task)
        await this.catalog.grow(name, {
          task: kindOfType(columns.get(input.target)!) === 'numeric' ? 'regression' : 'classification',
        });
    }
    await this.catalog.addBaseline(name, {
      environment: input.environment,
      dataset: version.ref,
      rows,
      target: input.target ?? null,
      loggedAt: now,
    });
    return {
      model: name,
      environment: input.environment,
      dataset: version.ref,
      rows,
      actuals,
      features: features.map((f) => f.name),
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
  async quality(name: string, baseline: RecordWindow, current: RecordWindow) {
    const model = await this.catalog.get(name);
    this.#checkWindow(model, baseline);
    this.#checkWindow(model, current);
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
    const refused = await this.#meta.db
      .selectFrom('monitoring_counters')
      .select(sql<number>`sum(n)`.as('n'))
      .where('model', '=', name)
      .where('counter', '=', 'rejected')
      .where('day', '>=', day(from))
      .where('day', '<=', day(to))
      .executeTakeFirst();
    const rejected = Number(refused?.n ?? 0);
    // Volume: the window's rows per day against the same environment's days before it.
    const span = to - from;
    const history = await this.store.reading(async () => {
      const rel = await this.store.predictions(model, { ...current, from: from - 7 * span, to: from });
      const [row] = await this.#engine.query<{ n: number }>(`select count(*)::bigint as n from ${rel}`);
      return Number(row?.n ?? 0) / 7;
    });
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
    options: { by?: string; bucketMs?: number; cuts?: number[] } = {},
  ): Promise<PerformanceReport> {
    const model = await this.catalog.get(name);
    this.#checkWindow(model, window);
    return this.store.reading(async () => {
      const joined = await this.store.joined(model, window);
      let cuts = options.cuts;
      const byFeature = options.by
        ? model.features.find((f) => f.name === options.by && f.kind === 'numeric')
        : undefined;
      if (byFeature && !model.tags.includes(byFeature.name) && !cuts) {
        const [q] = await this.#engine.query<{ q: number[] | null }>(
          `select quantile_cont(${quoteIdentifier(featureColumn(byFeature.name))}, [0.25, 0.5, 0.75]) as q from ${joined}`,
        );
        cuts = (q?.q ?? []).map(Number);
      }
      const [overall] = await performanceBy(this.#engine, model, joined, groupExpr(model, null));
      const groups = options.by
        ? await performanceBy(
            this.#engine,
            model,
            joined,
            groupExpr(model, options.by, { ...(cuts ? { cuts } : {}) }),
          )
        : [];
      const series = options.bucketMs
        ? (
            await performanceBy(
              this.#engine,
              model,
              joined,
              groupExpr(model, null, { bucketMs: options.bucketMs }),
            )
          ).map((g) => ({
            ...g,
            from: Number(g.key),
            to: Number(g.key) + options.bucketMs!,
            key: new Date(Number(g.key)).toISOString(),
          }))
        : [];
      return {
        model: name,
        task: model.task,
        window,
        overall: overall ?? { key: 'all', rows: 0, labeled: 0, coverage: 0, metrics: {} },
        by: options.by ?? null,
        ...(cuts ? { cuts } : {}),
        groups,
        series,
      };
    });
  }

  /** Volume and latency per bucket of `window` (which needs `from` and `to`). */
  async traffic(
    name: string,
    window: RecordWindow & { from: number; to: number },
    bucketMs: number,
  ): Promise<TrafficBucket[]> {
    const model = await this.catalog.get(name);
    this.#checkWindow(model, window);
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

  /** A model's records at a glance: per environment and version, ground-truth coverage, counters. */
  async status(name: string) {
    const model = await this.catalog.get(name);
    const now = this.#now();
    return this.store.reading(async () => {
      const joined = await this.store.joined(model);
      const rows = await this.#engine.query<{
        env: string;
        v: string;
        n: number;
        l: number;
        lo: number;
        hi: number;
        d: number;
      }>(
        `select env, v, count(*)::bigint as n, count(actual)::bigint as l, min(ts) as lo, max(ts) as hi,
           count(*) filter (where ts >= ${now - 86_400_000})::bigint as d
         from ${joined} group by env, v order by env, v`,
      );
      const counters = await this.#meta.db
        .selectFrom('monitoring_counters')
        .select(['counter', sql<number>`sum(n)`.as('n')])
        .where('model', '=', name)
        .groupBy('counter')
        .execute();
      const envs = [...new Set(rows.map((r) => r.env))].map((env) => {
        const of = rows.filter((r) => r.env === env);
        const n = of.reduce((s, r) => s + Number(r.n), 0);
        const l = of.reduce((s, r) => s + Number(r.l), 0);
        return {
          environment: env,
          rows: n,
          labeled: l,
          coverage: n ? l / n : 0,
          last24h: of.reduce((s, r) => s + Number(r.d), 0),
          first: isoOrNull(Math.min(...of.map((r) => Number(r.lo)))),
          last: isoOrNull(Math.max(...of.map((r) => Number(r.hi)))),
          versions: of.map((r) => ({ version: r.v, rows: Number(r.n), labeled: Number(r.l) })),
        };
      });
      return {
        model: { ...model, createdAt: new Date(model.createdAt).toISOString() },
        environments: envs,
        counters: Object.fromEntries(counters.map((c) => [c.counter, Number(c.n)])),
      };
    });
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

  /**
   * A logged prediction by ID with its latest actual, or null.
   * @throws LatheError NOT_FOUND when no model logged it.
   */
  async prediction(id: string): Promise<PredictionLookup> {
    for (const model of await this.catalog.list()) {
      const found = await this.store.reading(async () => {
        const rel = await this.store.joined(model);
        const [row] = await this.#engine.query<Record<string, unknown>>(
          `select * from ${rel} where id = ${quoteLiteral(id)} limit 1`,
        );
        return row;
      });
      if (!found) continue;
      const pick = (col: string) => found[col];
      const features = Object.fromEntries(
        model.features.map((f) => [f.name, pick(featureColumn(f.name)) ?? null]),
      );
      const tags = Object.fromEntries(
        model.tags
          .filter((t) => pick(tagColumn(t)) !== null && pick(tagColumn(t)) !== undefined)
          .map((t) => [t, String(pick(tagColumn(t)))]),
      );
      const shapEntries = model.features
        .map((f) => [f.name, pick(shapColumn(f.name))] as const)
        .filter((e): e is readonly [string, number] => typeof e[1] === 'number');
      const proba = pick('pr') as (number | null)[] | null;
      return {
        predictionId: id,
        timestamp: Number(pick('ts')),
        model: model.name,
        modelVersion: String(pick('v')),
        environment: String(pick('env')),
        endpoint: (pick('ep') as string | null) ?? null,
        features: features as PredictionRecord['features'],
        prediction: model.task === 'regression' ? Number(pick('pn')) : String(pick('p')),
        probabilities: proba
          ? Object.fromEntries(
              model.classes
                .map((c, i): [string, number] => [c, Number(proba[i] ?? Number.NaN)])
                .filter(([, p]) => Number.isFinite(p)),
            )
          : null,
        latencyMs: (pick('lat') as number | null) ?? null,
        tags,
        shap: shapEntries.length ? Object.fromEntries(shapEntries) : null,
        actual: (pick('actual') as string | null) ?? null,
        actualTimestamp:
          pick('actual_ts') === null || pick('actual_ts') === undefined ? null : Number(pick('actual_ts')),
      };
    }
    throw new LatheError('NOT_FOUND', `no logged prediction has the ID ${JSON.stringify(id)}`, {
      predictionId: id,
    });
  }
}
