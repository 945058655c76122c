/**
 * The model versions a server routes to: each loaded once (outside the model service's cache, so
 * no eviction closes a predictor under traffic), warmed on its input example, with one
 * micro-batcher per version shared by every endpoint that serves it. Versions are reference
 * counted: an endpoint that swaps versions releases the old ones once its in-flight requests end.
 */
import { LatheError } from '../core/index.js';
import type { BatchPrediction, InputBatch, ModelService, Predictor } from '../models/index.js';
import type { ModelVersion } from '../registry/index.js';
import { concatBatches, MicroBatcher, splitPrediction } from './micro-batcher.js';

/** One request's rows for a model, with how strictly to read them. */
export interface ModelCall {
  batch: InputBatch;
  numericStrings: boolean;
}

/** A version ready to serve. */
export interface PooledModel {
  /** `name@version`. */
  key: string;
  name: string;
  version: number;
  registered: ModelVersion;
  predictor: Predictor;
  /** Predicts through the version's micro-batcher (rows of concurrent calls evaluated together). */
  predict(call: ModelCall): Promise<BatchPrediction>;
}

/** How versions batch. */
export interface PoolOptions {
  maxBatchSize: number;
  maxWaitMs: number;
  /** Told after each batch: rows, per-call queue seconds, compute seconds. */
  onBatch?: (key: string, rows: number, queueSeconds: number[], computeSeconds: number) => void;
}

interface Entry {
  model: Promise<PooledModel>;
  users: number;
  close: () => Promise<void>;
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

/** Rows of a version's input example, or one row built from its signature, to warm it. */
function warmRows(predictor: Predictor): Record<string, unknown>[] {
  const example = (predictor.metadata as { inputExample?: Record<string, unknown>[] }).inputExample;
  if (example?.length) return example.slice(0, 8);
  const row: Record<string, unknown> = {};
  for (const c of predictor.signature.inputs)
    row[c.name] = c.type === 'string' ? '' : c.type === 'boolean' ? false : c.type === 'datetime' ? null : 0;
  return [row];
}

/** Loaded versions by `name@version`. */
export class ModelPool {
  readonly #entries = new Map<string, Entry>();

  constructor(
    private readonly models: ModelService,
    private readonly options: PoolOptions,
  ) {}

  /**
   * The version `ref` resolves to now, loaded and warmed (a reference held until `release`).
   * @throws LatheError NOT_FOUND for unknown models; MODEL_PACKAGE_INVALID when it cannot load.
   */
  async acquire(version: ModelVersion): Promise<PooledModel> {
    const key = `${version.name}@${version.version}`;
    let entry = this.#entries.get(key);
    if (!entry) {
      let batcher: MicroBatcher<ModelCall, BatchPrediction> | undefined;
      let predictor: Predictor | undefined;
      const model = (async (): Promise<PooledModel> => {
        const opened = await this.models.open(key);
        predictor = opened.predictor;
        const p = predictor;
        try {
          await p.predict(warmRows(p));
        } catch {
          // A model that refuses the synthetic row still serves real ones.
        }
        const onBatch = this.options.onBatch;
        batcher = new MicroBatcher<ModelCall, BatchPrediction>({
          maxBatchSize: this.options.maxBatchSize,
          maxWaitMs: this.options.maxWaitMs,
          size: (c) => c.batch.rows,
          run: async (calls) => runCalls(p, calls),
          schedule: setImmediate,
          ...(onBatch ? { onBatch: (rows, q, c) => onBatch(key, rows, q, c) } : {}),
        });
        const b = batcher;
        return {
          key,
          name: version.name,
          version: version.version,
          registered: version,
          predictor: p,
          predict: async (call) => {
            const r = (await b.submit(call)) as BatchPrediction | Error;
            if (r instanceof Error) throw r;
            return r;
          },
        };
      })();
      entry = {
        model,
        users: 0,
        close: async () => {
          await batcher?.drain();
          await batcher?.close();
          await predictor?.close?.();
        },
      };
      this.#entries.set(key, entry);
      model.catch(() => {
        if (this.#entries.get(key) === entry) this.#entries.delete(key);
      });
    }
    entry.users++;
    try {
      return await entry.model;
    } catch (err) {
      entry.users--;
      throw err;
    }
  }

  /** Takes one more reference to a version already held (an endpoint sharing another's). */
  retain(key: string): void {
    const entry = this.#entries.get(key);
    if (!entry) throw new LatheError('INTERNAL', `model ${key} is not loaded`);
    entry.users++;
  }

  /** Gives back a reference; the last one closes the version (after its queued calls ran). */
  async release(key: string): Promise<void> {
    const entry = this.#entries.get(key);
    if (!entry) return;
    entry.users--;
    if (entry.users > 0) return;
    this.#entries.delete(key);
    await entry.close().catch(() => {});
  }

  /** The versions loaded now. */
  keys(): string[] {
    return [...this.#entries.keys()];
  }

  /** Closes every version. */
  async close(): Promise<void> {
    const all = [...this.#entries.values()];
    this.#entries.clear();
    for (const e of all) await e.close().catch(() => {});
  }
}

/** The error a predictor throws when its model cannot take the rows (the fallback may). */
export function refusesInput(err: unknown): boolean {
  return err instanceof LatheError && err.code === 'MODEL_INPUT_INVALID';
}
