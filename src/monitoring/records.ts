/**
 * Checking logged records one by one: a bad record gets a sentence naming the field, what was
 * expected and what arrived, and the others of its batch still land. Prediction records are checked
 * first on their own, then against their model's schema ({@link SchemaCheck}).
 */
import { describeValue } from '../core/index.js';
import { type CatalogModel, kindOf, type SchemaGrowth } from './model-catalog.js';
import {
  type ActualRecord,
  environmentPattern,
  type FeatureKind,
  type FeatureValue,
  type PredictionRecord,
} from './types.js';

/** Records may be stamped at most this far ahead of the server's clock (clock skew). */
export const futureToleranceMs = 24 * 3_600_000;
const MAX_ID = 256;
const MAX_NAME = 200;

/** A field's problem (a class, so telling it from a value is one `instanceof`). */
class Fail {
  constructor(readonly error: string) {}
}
const fail = (error: string): Fail => new Fail(error);

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

function text(field: string, v: unknown, max: number): string | Fail {
  if (typeof v === 'number' && Number.isFinite(v)) v = String(v);
  if (typeof v !== 'string' || v === '' || v.length > max)
    return fail(`${field} must be a non-empty string of at most ${max} characters; got ${describeValue(v)}`);
  return v;
}

/** Epoch ms from epoch ms or an ISO 8601 string; `now` when absent. */
function timestamp(v: unknown, now: number): number | Fail {
  if (v === undefined || v === null) return now;
  const ms = typeof v === 'number' ? v : typeof v === 'string' ? Date.parse(v) : Number.NaN;
  if (!Number.isFinite(ms) || Math.abs(ms) > 8.64e15)
    return fail(`timestamp must be epoch milliseconds or an ISO 8601 time; got ${describeValue(v)}`);
  if (ms > now + futureToleranceMs)
    return fail(
      `timestamp ${new Date(ms).toISOString()} is more than a day in the future (server time ${new Date(now).toISOString()})`,
    );
  return Math.trunc(ms);
}

function scalar(field: string, v: unknown): FeatureValue | Fail {
  if (v === null || v === undefined) return null;
  if (typeof v === 'number') return Number.isFinite(v) ? v : null;
  if (typeof v === 'string' || typeof v === 'boolean') return v;
  return fail(`${field} must be a number, string, boolean or null; got ${describeValue(v)}`);
}

function numberMap(field: string, v: unknown): Record<string, number> | Fail {
  if (!isObject(v)) return fail(`${field} must be an object of numbers; got ${describeValue(v)}`);
  const out: Record<string, number> = {};
  for (const [k, x] of Object.entries(v)) {
    if (typeof x !== 'number' || !Number.isFinite(x))
      return fail(`${field}.${k} must be a finite number; got ${describeValue(x)}`);
    out[k] = x;
  }
  return out;
}

const failed = (v: unknown): v is Fail => v instanceof Fail;

/**
 * Checks one prediction record on its own (not yet against its model): the fields of the ingest
 * API, `environment` defaulting to `production` and `timestamp` to `now`. Answers the stored
 * record or a sentence saying what is wrong.
 */
export function parsePrediction(raw: unknown, now: number): PredictionRecord | string {
  if (!isObject(raw)) return `a record must be an object; got ${describeValue(raw)}`;
  const id = text('predictionId', raw.predictionId, MAX_ID);
  if (failed(id)) return id.error;
  const model = text('model', raw.model, MAX_NAME);
  if (failed(model)) return model.error;
  const version =
    raw.modelVersion === undefined ? 'unversioned' : text('modelVersion', raw.modelVersion, MAX_NAME);
  if (failed(version)) return version.error;
  const environment = raw.environment ?? 'production';
  if (typeof environment !== 'string' || !environmentPattern.test(environment))
    return `environment must be lowercase letters, digits, '-' or '_' (training, validation, production or a name of your own); got ${describeValue(environment)}`;
  const ts = timestamp(raw.timestamp, now);
  if (failed(ts)) return ts.error;
  const given = raw.features;
  if (!isObject(given)) return `features must be an object of feature values; got ${describeValue(given)}`;
  // The record's own object is kept (a parsed request body): missing values become null in place.
  const features = given as Record<string, FeatureValue>;
  let count = 0;
  for (const k in given) {
    count++;
    const v = given[k];
    if (typeof v === 'number') {
      if (!Number.isFinite(v)) features[k] = null;
      continue;
    }
    if (k.length > MAX_NAME)
      return `feature names must be at most ${MAX_NAME} characters; got one of ${k.length}`;
    const x = scalar(`features.${k}`, v);
    if (failed(x)) return x.error;
    features[k] = x;
  }
  if (count === 0) return 'features must be an object of feature values; got an empty object';
  const prediction = scalar('prediction', raw.prediction);
  if (failed(prediction)) return prediction.error;
  if (prediction === null) return 'prediction is required: the label or number the model answered';
  let probabilities: Record<string, number> | null = null;
  if (raw.probabilities !== undefined && raw.probabilities !== null) {
    const p = Array.isArray(raw.probabilities)
      ? numberMap('probabilities', Object.fromEntries(raw.probabilities.map((x, i) => [String(i), x])))
      : numberMap('probabilities', raw.probabilities);
    if (failed(p)) return p.error;
    if (Object.values(p).some((x) => x < 0 || x > 1))
      return `probabilities must lie in [0, 1]; got ${JSON.stringify(raw.probabilities)}`;
    probabilities = p;
  }
  const tags: Record<string, string> = {};
  if (raw.tags !== undefined && raw.tags !== null) {
    if (!isObject(raw.tags)) return `tags must be an object of strings; got ${describeValue(raw.tags)}`;
    for (const [k, v] of Object.entries(raw.tags)) {
      if (typeof v !== 'string' && typeof v !== 'number' && typeof v !== 'boolean')
        return `tags.${k} must be a string; got ${describeValue(v)}`;
      tags[k] = String(v);
    }
  }
  const latency = raw.latencyMs ?? null;
  if (latency !== null && (typeof latency !== 'number' || !(latency >= 0) || !Number.isFinite(latency)))
    return `latencyMs must be a number >= 0; got ${describeValue(latency)}`;
  let shap: Record<string, number> | null = null;
  if (raw.shap !== undefined && raw.shap !== null) {
    const s = numberMap('shap', raw.shap);
    if (failed(s)) return s.error;
    shap = s;
  }
  const endpoint =
    raw.endpoint === undefined || raw.endpoint === null ? null : text('endpoint', raw.endpoint, MAX_NAME);
  if (failed(endpoint)) return endpoint.error;
  return {
    predictionId: id,
    timestamp: ts,
    model,
    modelVersion: version,
    environment,
    endpoint,
    features,
    prediction,
    probabilities,
    latencyMs: latency as number | null,
    tags,
    shap,
  };
}

/** Checks one actual record: `predictionId`, `actual` (label or number), optional `timestamp`. */
export function parseActual(raw: unknown, now: number): ActualRecord | string {
  if (!isObject(raw)) return `a record must be an object; got ${describeValue(raw)}`;
  const id = text('predictionId', raw.predictionId, MAX_ID);
  if (failed(id)) return id.error;
  const actual = raw.actual;
  if (
    typeof actual !== 'string' &&
    typeof actual !== 'boolean' &&
    !(typeof actual === 'number' && Number.isFinite(actual))
  )
    return `actual must be the observed label or a finite number; got ${describeValue(actual)}`;
  const ts = timestamp(raw.timestamp, now);
  if (failed(ts)) return ts.error;
  return { predictionId: id, actual, timestamp: ts };
}

const KIND_WORD: Record<FeatureKind, string> = {
  numeric: 'a number',
  categorical: 'a string',
  boolean: 'a boolean',
};

/**
 * Checks a model's records against its schema, in order, and gathers what they add: a model's
 * first records (or a new version's) define its features and kinds; later records may leave a
 * feature out (a missing value) but not add one or change its kind.
 */
export class SchemaCheck {
  /** What the records checked so far add (`task` only when the model had none). */
  readonly growth: Required<Omit<SchemaGrowth, 'task'>> & Pick<SchemaGrowth, 'task'>;
  readonly #kinds = new Map<string, FeatureKind | null>();
  readonly #versions: Set<string>;
  readonly #classes: Set<string>;
  readonly #tags: Set<string>;
  #task: 'classification' | 'regression' | null;

  constructor(readonly model: CatalogModel | null) {
    for (const f of model?.features ?? []) this.#kinds.set(f.name, f.kind);
    this.#versions = new Set(model?.versions ?? []);
    this.#classes = new Set(model?.classes ?? []);
    this.#tags = new Set(model?.tags ?? []);
    this.#task = model?.task ?? null;
    this.growth = { features: [], tags: [], classes: [], versions: [] };
  }

  /** The record's problem with the schema, or null (and the schema grows with it). */
  check(r: PredictionRecord): string | null {
    const newVersion = !this.#versions.has(r.modelVersion);
    const task = r.probabilities || typeof r.prediction !== 'number' ? 'classification' : 'regression';
    if (this.#task && this.#task !== task)
      return this.#task === 'regression'
        ? `prediction must be a number: model ${r.model} is a regression model; got ${describeValue(r.prediction)}${r.probabilities ? ' with probabilities' : ''}`
        : `prediction must be a class label: model ${r.model} is a classification model; got ${describeValue(r.prediction)}`;
    let unknown = false;
    for (const name in r.features) {
      const expected = this.#kinds.get(name);
      if (expected === undefined) {
        if (!newVersion) {
          const names = [...this.#kinds.keys()];
          return `unknown feature ${JSON.stringify(name)} for ${r.model}@${r.modelVersion}: its features are ${names.slice(0, 30).join(', ')}${names.length > 30 ? ', …' : ''} (a new model version may add features)`;
        }
        unknown = true;
        continue;
      }
      const value = r.features[name];
      if (value === null || expected === null) {
        if (expected === null && value !== null) unknown = true;
        continue;
      }
      const kind = kindOf(value);
      if (kind !== expected)
        return `features.${name} must be ${KIND_WORD[expected]} (model ${r.model} logs it as ${expected}); got ${describeValue(value)}`;
    }
    // Accepted: grow the schema.
    if (unknown) this.#addFeatures(r);
    if (!this.#task) {
      this.#task = task;
      this.growth.task = task;
    }
    if (newVersion) {
      this.#versions.add(r.modelVersion);
      this.growth.versions.push(r.modelVersion);
    }
    for (const k in r.tags)
      if (!this.#tags.has(k)) {
        this.#tags.add(k);
        this.growth.tags.push(k);
      }
    if (task === 'classification') {
      this.#addClass(String(r.prediction));
      for (const c in r.probabilities) this.#addClass(c);
    }
    return null;
  }

  #addClass(c: string): void {
    if (this.#classes.has(c)) return;
    this.#classes.add(c);
    this.growth.classes.push(c);
  }

  /** Adds the record's new features, and the kinds of features first seen as missing. */
  #addFeatures(r: PredictionRecord): void {
    for (const name in r.features) {
      const kind = kindOf(r.features[name]);
      if (!this.#kinds.has(name)) {
        this.#kinds.set(name, kind);
        this.growth.features.push({ name, kind: kind ?? 'numeric' });
      } else if (kind && this.#kinds.get(name) === null) {
        this.#kinds.set(name, kind);
        const f = this.growth.features.find((g) => g.name === name);
        if (f) f.kind = kind;
      }
    }
  }

  /** True when the records checked so far change the schema. */
  get grew(): boolean {
    const g = this.growth;
    return (
      !this.model ||
      g.task !== undefined ||
      g.features.length + g.tags.length + g.classes.length + g.versions.length > 0
    );
  }
}
