/**
 * The model versions a server routes to: each loaded once (outside the model service's cache, so
 * no eviction closes a predictor under traffic) and warmed on its input example, with one
 * micro-batcher per version and batching setting, shared by every endpoint that serves it with
 * that setting. Versions are reference counted: an endpoint that swaps versions releases the old
 * ones once its in-flight requests end.
 */
import { LatheError } from '../core/index.js';
import {
  type BatchPrediction,
  type InputBatch,
  type ModelService,
  type Predictor,
  trialRows,
} from '../models/index.js';
import type { ModelVersion } from '../registry/index.js';
import { concatBatches, MicroBatcher, splitPrediction } from './micro-batcher.js';

/** One request's rows for a model, with how strictly to read them. */
export interface ModelCall {
  batch: InputBatch;
  numericStrings: boolean;
}

/** A version ready to serve, seen through one batching setting. */
export interface PooledModel {
  /** `name@version`. */
  key: string;
  name: string;
  version: number;
  predictor: Predictor;
  /** Predicts through the version's micro-batcher for this setting (concurrent calls evaluated together). */
  predict(call: ModelCall): Promise<BatchPrediction>;
}

/** How a deployment batches calls to a version: at most this many rows, waiting at most this long. */
export interface Batching {
  maxBatchSize: number;
  maxWaitMs: number;
}

/** What the pool reports. */
export interface PoolOptions {
  /** Told after each batch: rows, per-call queue seconds, compute seconds. */
  onBatch?: (key: string, rows: number, queueSeconds: number[], computeSeconds: number) => void;
}

interface Entry {
  predictor: Promise<Predictor>;
  users: number;
  /** One batcher per batching setting, shared by the deployments that use it. */
  batchers: Map<string, MicroBatcher<ModelCall, BatchPrediction>>;
}

/** Calls with the same columns and options can share one model call (their warnings then agree). */
function shapeOf(call: ModelCall): string {
  return `${call.numericStrings ? 1 : 0}|${Object.keys(call.batch.columns).join('\u0000')}`;
}

/** Evaluates calls as few batches as their shapes allow; a refused merged batch is retried call by call. */
async function runCalls(predictor: Predictor, calls: ModelCall[]): Promise<BatchPrediction[]> {
  if (calls.length === 1) {
    const c = calls[0]!;
    return [await predictor.predictBatch(c.batch, { numericStrings: c.numericStrings })];
  }
  const groups = new Map<string, number[]>();
  calls.forEach((c, i) => {
    const k = shapeOf(c);
    const g = groups.get(k);
    if (g) g.push(i);
    else groups.set(k, [i]);
  });
  const out: (BatchPrediction | Error)[] = new Array(calls.length);
  for (const idx of groups.values()) {
    const group = idx.map((i) => calls[i]!);
    try {
      const merged = concatBatches(group.map((c) => c.batch));
      const p = await predictor.predictBatch(merged, { numericStrings: group[0]!.numericStrings });
      const parts = splitPrediction(
        p,
        group.map((c) => c.batch.rows),
      );
      idx.forEach((i, j) => {
        out[i] = parts[j]!;
      });
    } catch (err) {
      // One caller's bad rows must not fail the others: evaluate each alone.
      if (group.length === 1) out[idx[0]!] = err as Error;
      else
        for (const i of idx) {
          const c = calls[i]!;
          try {
            out[i] = await predictor.predictBatch(c.batch, { numericStrings: c.numericStrings });
          } catch (e) {
            out[i] = e as Error;
          }
        }
    }
  }
  return out as BatchPrediction[];
}

/** Loaded versions by `name@version`. */
export class ModelPool {
  readonly #entries = new Map<string, Entry>();

  constructor(
    private readonly models: ModelService,
    private readonly options: PoolOptions,
  ) {}

  /**
   * A version loaded and warmed on its input example (once, however many deployments serve it),
   * seen through `batching`; a reference held until `release`.
   * @throws LatheError MODEL_PACKAGE_INVALID when it cannot load.
   */
  async acquire(version: ModelVersion, batching: Batching): Promise<PooledModel> {
    const key = `${version.name}@${version.version}`;
    let entry = this.#entries.get(key);
    if (!entry) {
      const predictor = this.models.open(version).then(async ({ predictor: p }) => {
        const { rows } = trialRows(
          p.signature,
          (p.metadata as { inputExample?: Record<string, unknown>[] }).inputExample,
          8,
        );
        await p.predict(rows).catch(() => {}); // a model refusing the trial row still serves real ones
        return p;
      });
      const created: Entry = { predictor, users: 0, batchers: new Map() };
      entry = created;
      this.#entries.set(key, created);
      predictor.catch(() => {
        if (this.#entries.get(key) === created) this.#entries.delete(key);
      });
    }
    entry.users++;
    let predictor: Predictor;
    try {
      predictor = await entry.predictor;
    } catch (err) {
      entry.users--;
      throw err;
    }
    const batcher = this.#batcher(entry, key, predictor, batching);
    return {
      key,
      name: version.name,
      version: version.version,
      predictor,
      predict: async (call) => {
        const r = (await batcher.submit(call)) as BatchPrediction | Error;
        if (r instanceof Error) throw r;
        return r;
      },
    };
  }

  #batcher(entry: Entry, key: string, predictor: Predictor, batching: Batching) {
    const setting = `${batching.maxBatchSize}/${batching.maxWaitMs}`;
    let batcher = entry.batchers.get(setting);
    if (!batcher) {
      const onBatch = this.options.onBatch;
      batcher = new MicroBatcher<ModelCall, BatchPrediction>({
        ...batching,
        size: (c) => c.batch.rows,
        run: async (calls) => runCalls(predictor, calls),
        schedule: setImmediate,
        ...(onBatch ? { onBatch: (rows, q, c) => onBatch(key, rows, q, c) } : {}),
      });
      entry.batchers.set(setting, batcher);
    }
    return batcher;
  }

  /** Gives back a reference; the last one closes the version (after its queued calls ran). */
  async release(key: string): Promise<void> {
    const entry = this.#entries.get(key);
    if (!entry) return;
    entry.users--;
    if (entry.users > 0) return;
    this.#entries.delete(key);
    await close(entry);
  }

  /** Closes every version. */
  async close(): Promise<void> {
    const all = [...this.#entries.values()];
    this.#entries.clear();
    for (const e of all) await close(e);
  }
}

async function close(entry: Entry): Promise<void> {
  for (const b of entry.batchers.values()) {
    await b.drain().catch(() => {});
    await b.close().catch(() => {});
  }
  await (await entry.predictor.catch(() => null))?.close?.();
}

/** The error a predictor throws when its model cannot take the rows (the fallback may). */
export function refusesInput(err: unknown): boolean {
  return err instanceof LatheError && err.code === 'MODEL_INPUT_INVALID';
}
