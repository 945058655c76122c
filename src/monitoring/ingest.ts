/**
 * Ingest into the inference store: prediction records checked one by one (bad records are
 * reported, the rest land durably), Lathe's own serving log, and actuals matched to predictions by
 * ID. Counters of refused records, unknown and duplicate actuals are kept per model and day.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { setImmediate as nextTurn } from 'node:timers/promises';
import path from 'node:path';
import { sql } from 'kysely';
import { describeValue, LatheError } from '../core/index.js';
import type { InferenceRecord } from '../serving/index.js';
import type { MetaStore } from '../storage/meta/index.js';
import { quoteLiteral, type TableEngine } from '../storage/tables/index.js';
import type { InferenceStore, StoredActual } from './inference-store.js';
import type { ModelCatalog } from './model-catalog.js';
import { parseActual, parsePrediction, SchemaCheck } from './records.js';
import { type PackedServed, servedLines, servedModelOf, splitModel, unpackServed } from './served-records.js';
import type { ActualsResult, FeatureValue, IngestResult, PredictionRecord, RecordError } from './types.js';

/** Most records per ingest call. */
export const maxBatchRecords = 100_000;
const MAX_ERRORS = 100;

/**
 * Records handled between yields to the event loop: a big batch never holds up the requests a
 * process serves (a serving worker's log flush, a large ingest call) for more than a slice.
 */
const SLICE = 256;

const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);

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

/**
 * A record of Lathe's serving log as the store keeps it: the version that answered, its inputs as
 * features (scalars only, non-finite numbers as null), shadow predictions as the `shadow`
 * environment, a fallback's reason as the tag `fallback`; or why it cannot be monitored.
 */
export function servedRecord(r: InferenceRecord): PredictionRecord | string {
  const p = r.prediction;
  const prediction =
    (typeof p === 'number' && Number.isFinite(p)) || typeof p === 'string' || typeof p === 'boolean'
      ? p
      : undefined;
  if (prediction === undefined)
    return `prediction must be a finite number, a string or a boolean to be monitored; got ${describeValue(p)}`;
  const features: Record<string, FeatureValue> = {};
  for (const k in r.inputs) {
    const v = r.inputs[k];
    if (typeof v === 'number') features[k] = Number.isFinite(v) ? v : null;
    else if (v === null || typeof v === 'string' || typeof v === 'boolean') features[k] = v;
  }
  let probabilities: Record<string, number> | null = null;
  if (r.probabilities && r.classes) {
    probabilities = {};
    for (let i = 0; i < r.classes.length; i++) probabilities[r.classes[i]!] = r.probabilities[i]!;
  }
  const { model, version } = splitModel(r.model);
  return {
    predictionId: r.id,
    timestamp: r.timestamp,
    model,
    modelVersion: version,
    environment: r.shadow ? 'shadow' : 'production',
    endpoint: r.endpoint,
    features,
    prediction,
    probabilities,
    latencyMs: r.latencyMs,
    tags: r.fallback ? { fallback: r.fallback } : {},
    shap: null,
  };
}

/** Writes checked records into the store. */
export class Ingest {
  constructor(
    private readonly meta: MetaStore,
    private readonly store: InferenceStore,
    private readonly catalog: ModelCatalog,
    private readonly engine: TableEngine,
    private readonly now: () => number,
  ) {}

  /**
   * Checks and stores prediction records: each is checked on its own, then against its model's
   * schema (see SchemaCheck); the valid ones are durable when this resolves. A model need not be
   * registered: its first records define it.
   * @throws LatheError INVALID_ARGUMENT when `records` is not a list; PAYLOAD_TOO_LARGE past 100,000.
   */
  async logPredictions(records: unknown): Promise<IngestResult> {
    const list = checkBatch(records, 'records');
    const now = this.now();
    const errors: RecordError[] = [];
    const parsed: { record: PredictionRecord; index: number }[] = [];
    /** Refused records per model named (`''` when the record names none). */
    const refused = new Map<string, number>();
    for (let index = 0; index < list.length; index++) {
      if (index > 0 && index % SLICE === 0) await nextTurn();
      const raw = list[index];
      const r = parsePrediction(raw, now);
      if (typeof r !== 'string') {
        parsed.push({ record: r, index });
        continue;
      }
      const { predictionId: id, model } = (raw ?? {}) as { predictionId?: unknown; model?: unknown };
      errors.push({ index, predictionId: typeof id === 'string' ? id : null, error: r });
      const key = typeof model === 'string' ? model : '';
      refused.set(key, (refused.get(key) ?? 0) + 1);
    }
    return this.#store(parsed, errors, refused);
  }

  /**
   * Stores the prediction records of Lathe's own endpoints (the serving log): the version that
   * answered, its inputs as features (scalars only), shadow predictions as the `shadow`
   * environment, a fallback's reason as the tag `fallback`. The records are Lathe's own, so only
   * the schema check applies; records it refuses are counted, not thrown.
   */
  async logServed(records: readonly InferenceRecord[]): Promise<IngestResult> {
    const parsed: { record: PredictionRecord; index: number }[] = [];
    const errors: RecordError[] = [];
    const refused = new Map<string, number>();
    for (let index = 0; index < records.length; index++) {
      if (index > 0 && index % SLICE === 0) await nextTurn();
      const r = records[index]!;
      const record = servedRecord(r);
      if (typeof record !== 'string') {
        parsed.push({ index, record });
        continue;
      }
      errors.push({ index, predictionId: r.id, error: record });
      const model = splitModel(r.model).model;
      refused.set(model, (refused.get(model) ?? 0) + 1);
    }
    return this.#store(parsed, errors, refused);
  }

  /**
   * Stores a serving log batch as the log thread receives it (packed): when every record is of one
   * model whose schema already holds all they carry (the usual case once a deployment has served
   * a few requests), the lines are formatted straight from the packed arrays, with no record
   * objects; otherwise as {@link logServed}. Both write the same bytes.
   */
  async logServedPacked(p: PackedServed): Promise<IngestResult> {
    const name = p.rows > 0 ? servedModelOf(p) : null;
    const model = name === null ? null : await this.catalog.find(splitModel(name).model);
    const bytes = model ? servedLines(p, model) : null;
    if (!model || !bytes) return this.logServed(unpackServed(p));
    await this.store.appendLines(model, bytes, p.rows);
    return { accepted: p.rows, rejected: 0, errors: [] };
  }

  /** Checks parsed records against their models' schemas and appends the valid ones durably. */
  async #store(
    parsed: readonly { record: PredictionRecord; index: number }[],
    errors: RecordError[],
    refused: Map<string, number>,
  ): Promise<IngestResult> {
    const byModel = new Map<string, { record: PredictionRecord; index: number }[]>();
    for (const p of parsed) {
      const group = byModel.get(p.record.model);
      if (group) group.push(p);
      else byModel.set(p.record.model, [p]);
    }
    let accepted = 0;
    for (const [name, group] of byModel) {
      let model = await this.catalog.find(name);
      const check = new SchemaCheck(model);
      const ok: PredictionRecord[] = [];
      for (let i = 0; i < group.length; i++) {
        if (i > 0 && i % SLICE === 0) await nextTurn();
        const { record, index } = group[i]!;
        const problem = check.check(record);
        if (problem) {
          errors.push({ index, predictionId: record.predictionId, error: problem });
          refused.set(name, (refused.get(name) ?? 0) + 1);
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
   * Stores actuals (ground truth) by prediction ID, joined to predictions at query time: every
   * valid actual is kept, also those whose prediction is not (yet) logged (counted as unknown);
   * an actual for an ID that already has one replaces it (counted as a duplicate; the last one
   * written wins).
   */
  async logActuals(records: unknown): Promise<ActualsResult> {
    const list = checkBatch(records, 'records');
    const now = this.now();
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
          const rows = await this.engine.query<{ id: string }>(
            `select distinct id from ${rel} where id in (select id from ${batch})`,
          );
          for (const r of rows) models.set(r.id, model.name);
        }
        const actuals = await this.store.actuals();
        for (const r of await this.engine.query<{ id: string }>(
          `select distinct id from ${actuals} where id in (select id from ${batch})`,
        ))
          existing.add(r.id);
      });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
    return { models, existing };
  }

  /** The sum of a counter of `model` over the UTC days from `from` to `to` (epoch ms). */
  async counted(model: string, counter: string, from: number, to: number): Promise<number> {
    const row = await this.meta.db
      .selectFrom('monitoring_counters')
      .select(sql<number>`sum(n)`.as('n'))
      .where('model', '=', model)
      .where('counter', '=', counter)
      .where('day', '>=', day(from))
      .where('day', '<=', day(to))
      .executeTakeFirst();
    return Number(row?.n ?? 0);
  }

  async #count(model: string, counter: string, n: number): Promise<void> {
    if (n <= 0) return;
    await this.meta.db
      .insertInto('monitoring_counters')
      .values({ model, day: day(this.now()), counter, n })
      .onConflict((oc) =>
        oc.columns(['model', 'day', 'counter']).doUpdateSet({ n: sql<number>`monitoring_counters.n + ${n}` }),
      )
      .execute();
  }
}
