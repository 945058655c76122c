/**
 * One deployment revision, running: its models resolved to versions, its traffic router, shadow
 * models, fallback and latency budget. `predict` routes a request, answers from the fallback when
 * the primary errors, refuses the rows, is too slow or is marked degraded, mirrors the request to
 * shadow models after answering, gives each row a prediction ID and hands the records to the
 * inference log. An endpoint is immutable: a new revision or a moved alias builds a new one, which
 * the service swaps in atomically while requests in flight finish on the old one.
 */
import { randomUUID } from 'node:crypto';
import { LatheError } from '../core/index.js';
import type { BatchPrediction, InputBatch } from '../models/index.js';
import { type DeploymentSpec, graphModelRefs } from './deployment-spec.js';
import { runGraph } from './graph.js';
import { type PooledModel, refusesInput } from './model-pool.js';
import { TrafficRouter } from './router.js';
import type { ServingMetrics } from './serving-metrics.js';
import type { LiveStats } from './live-stats.js';
import { type ShadowStats, shadowCompare } from './shadow.js';

/** Why the fallback answered. */
export type FallbackReason = 'error' | 'refused' | 'timeout' | 'degraded';

/** A request as the endpoint sees it: rows by column. */
export interface EndpointRequest {
  batch: InputBatch;
  /** The request's ID (from `X-Request-Id`, or made up), kept with every logged row. */
  requestId: string;
  /** The rows as the caller sent them (objects), when it sent objects: logged as they are. */
  rows?: readonly Record<string, unknown>[];
  /**
   * A version of the model to answer with (OIP's `/versions/{v}/infer`): the route serving that
   * version, instead of the traffic split.
   */
  version?: number;
}

/** Who answered: a model version (`name@version`), or a graph (`graph:KIND`, the revision). */
export interface AnswerModel {
  key: string;
  version: number;
}

/** What an endpoint answers. */
export interface EndpointAnswer {
  prediction: BatchPrediction;
  /** The version that answered and the spec reference it was reached by (`graph` for a graph). */
  model: AnswerModel;
  ref: string;
  /** Graphs: the versions that took part, and (switch) the one that answered each row. */
  graph?: { models: string[]; rowModels?: string[] };
  /** Set when the fallback answered: why, and which reference it stood in for. */
  fallback: { reason: FallbackReason; primary: string; message: string } | null;
  /** One ID per row, in row order. */
  predictionIds: string[];
}

/** A row of the inference log. */
export interface InferenceRecord {
  id: string;
  /** Epoch milliseconds (UTC). */
  timestamp: number;
  endpoint: string;
  /** `name@version` that predicted, and the spec reference that led to it. */
  model: string;
  ref: string;
  requestId: string;
  inputs: Record<string, unknown>;
  prediction: unknown;
  probabilities?: number[];
  /** The class labels of `probabilities`, in order. */
  classes?: string[];
  /** Fallback reason, when the fallback answered. */
  fallback?: FallbackReason;
  /** True for a shadow model's prediction (never returned to the caller). */
  shadow?: boolean;
  latencyMs: number;
}

/** What an endpoint reports to. */
export interface EndpointHooks {
  metrics: ServingMetrics;
  /** Offers records to the inference log: never waits under the drop policy; a promise while the
   * block policy waits for room. */
  log: ((records: InferenceRecord[]) => undefined | Promise<void>) | null;
  /** Shadow comparison counters by shadow reference (kept by the service across revisions). */
  shadowStats: (ref: string) => ShadowStats;
  /** Per-second traffic for charts (kept by the service across revisions). */
  live: LiveStats;
  random?: () => number;
}

const TIMEOUT = Symbol('timeout');

/** What the primary (a model or a graph) answered. */
type Primary = Pick<EndpointAnswer, 'prediction' | 'model' | 'graph'>;

function reasonOf(err: unknown): FallbackReason {
  return refusesInput(err) ? 'refused' : 'error';
}

/** A running deployment revision. */
export class Endpoint {
  readonly name: string;
  readonly router: TrafficRouter | null;
  #inFlight = 0;
  readonly #series = new Map<
    string,
    {
      ok: { inc(n?: number): void };
      fallback: { inc(n?: number): void };
      rows: { inc(n?: number): void };
      duration: { observe(v: number): void };
    }
  >();
  #idle: (() => void)[] = [];
  readonly #random: () => number;
  /** The references that answer requests: the routes, then the fallback. */
  readonly #served: string[];
  readonly #inFlightGauge: { inc(): void; dec(): void };
  /** The model whose signature describes the endpoint's inputs, and its column names. */
  readonly inputModel: PooledModel;
  readonly inputColumns: string[];

  /**
   * @param models every reference of the spec (routes, shadows, fallback) resolved and loaded.
   */
  constructor(
    readonly spec: DeploymentSpec,
    readonly revision: number,
    readonly models: ReadonlyMap<string, PooledModel>,
    readonly degraded: ReadonlySet<string>,
    private readonly hooks: EndpointHooks,
  ) {
    this.name = spec.name;
    this.#random = hooks.random ?? Math.random;
    this.router = spec.models.length
      ? new TrafficRouter({
          routes: spec.models.map((m) => ({ key: m.model, weight: m.traffic })),
          ...(spec.sticky ? { sticky: { field: spec.sticky } } : {}),
          random: this.#random,
        })
      : null;
    this.#served = [...spec.models.map((m) => m.model), ...(spec.fallback ? [spec.fallback] : [])];
    this.#inFlightGauge = hooks.metrics.inFlight.labels({ endpoint: this.name });
    const g = spec.graph;
    this.inputModel = models.get(g ? graphModelRefs(g)[0]!.ref : spec.models[0]!.model)!;
    this.inputColumns = this.inputModel.predictor.signature.inputs.map((c) => c.name);
  }

  /** The labelled metric series of one answering model (label lookups cost a hash per call). */
  #metricsOf(key: string) {
    let m = this.#series.get(key);
    if (!m) {
      const { metrics } = this.hooks;
      const labels = { endpoint: this.name, model_version: key };
      m = {
        ok: metrics.requests.labels({ ...labels, outcome: 'ok' }),
        fallback: metrics.requests.labels({ ...labels, outcome: 'fallback' }),
        rows: metrics.rows.labels(labels),
        duration: metrics.duration.labels(labels),
      };
      this.#series.set(key, m);
    }
    return m;
  }

  /** Counts a refused or failed request (also one refused before it reached a model: a malformed body). */
  refused(err: unknown): void {
    this.hooks.live.failed();
    this.hooks.metrics.errors.inc({
      endpoint: this.name,
      code: err instanceof LatheError ? err.code : 'INTERNAL',
    });
  }

  /** Requests being answered now. */
  get inFlight(): number {
    return this.#inFlight;
  }

  /** Resolves once no request is in flight. */
  idle(): Promise<void> {
    if (this.#inFlight === 0) return Promise.resolve();
    return new Promise((resolve) => this.#idle.push(resolve));
  }

  /** The versions this endpoint routes to, as `name@version`, by spec reference. */
  versions(): Record<string, string> {
    return Object.fromEntries([...this.models].map(([ref, m]) => [ref, m.key]));
  }

  /**
   * Answers a request.
   * @throws LatheError MODEL_INPUT_INVALID when the rows do not fit the model (and no fallback
   *   takes them); the primary's error when it fails without a fallback.
   */
  async predict(req: EndpointRequest): Promise<EndpointAnswer> {
    this.#inFlight++;
    this.#inFlightGauge.inc();
    const started = performance.now();
    try {
      const answer = await this.#answer(req);
      const seconds = (performance.now() - started) / 1000;
      const m = this.#metricsOf(answer.model.key);
      (answer.fallback ? m.fallback : m.ok).inc();
      m.rows.inc(answer.prediction.rows);
      m.duration.observe(seconds);
      if (answer.fallback)
        this.hooks.metrics.fallbacks.inc({ endpoint: this.name, reason: answer.fallback.reason });
      this.hooks.live.answered(answer.model.key, seconds, answer.fallback !== null);
      const logged = this.hooks.log?.(
        this.#records(req, answer, answer.model, answer.prediction, seconds * 1000, null),
      );
      if (logged) await logged;
      if (this.spec.shadow.length) this.#mirror(req, answer);
      return answer;
    } catch (err) {
      this.refused(err);
      throw err;
    } finally {
      this.#inFlightGauge.dec();
      if (--this.#inFlight === 0 && this.#idle.length) for (const f of this.#idle.splice(0)) f();
    }
  }

  /** The primary answer of a request: the graph, or the routed model. */
  #primary(req: EndpointRequest): { ref: string; degraded: boolean; run: () => Promise<Primary> } {
    const call = { batch: req.batch, numericStrings: this.spec.numericStrings };
    const graph = this.spec.graph;
    if (graph && req.version === undefined) {
      const model = { key: `graph:${graph.kind}`, version: this.revision };
      return {
        ref: 'graph',
        degraded: graphModelRefs(graph).some(({ ref }) => this.degraded.has(ref)),
        run: async () => {
          const r = await runGraph(graph, this.models, call);
          return {
            prediction: r.prediction,
            model,
            graph: { models: r.models, ...(r.rowModels ? { rowModels: r.rowModels } : {}) },
          };
        },
      };
    }
    const ref = req.version === undefined ? this.#pick(req.batch) : this.#routeOfVersion(req.version);
    const primary = this.models.get(ref)!;
    return {
      ref,
      degraded: this.degraded.has(ref),
      run: async () => ({ prediction: await primary.predict(call), model: primary }),
    };
  }

  async #answer(req: EndpointRequest): Promise<EndpointAnswer> {
    const { ref, degraded, run } = this.#primary(req);
    const fallback = this.spec.fallback;
    if (fallback === null || fallback === ref) {
      const p = await run();
      return { ...p, ref, fallback: null, predictionIds: ids(p.prediction.rows) };
    }
    if (degraded) return this.#fallback(req, ref, 'degraded', `${ref} is marked degraded`);
    const running = run();
    let result: Primary | typeof TIMEOUT;
    try {
      if (this.spec.latencyBudgetMs === null) result = await running;
      else {
        let timer: NodeJS.Timeout | undefined;
        const timeout = new Promise<typeof TIMEOUT>((resolve) => {
          timer = setTimeout(() => resolve(TIMEOUT), this.spec.latencyBudgetMs!);
        });
        try {
          result = await Promise.race([running, timeout]);
        } finally {
          clearTimeout(timer);
        }
      }
    } catch (err) {
      try {
        return await this.#fallback(req, ref, reasonOf(err), (err as Error).message);
      } catch (fallbackError) {
        // The caller's rows fit neither: the primary's refusal says what was wrong.
        throw refusesInput(fallbackError) ? err : fallbackError;
      }
    }
    if (result === TIMEOUT) {
      running.catch(() => {});
      return this.#fallback(
        req,
        ref,
        'timeout',
        `${ref} did not answer within ${this.spec.latencyBudgetMs} ms`,
      );
    }
    return { ...result, ref, fallback: null, predictionIds: ids(result.prediction.rows) };
  }

  async #fallback(
    req: EndpointRequest,
    primary: string,
    reason: FallbackReason,
    message: string,
  ): Promise<EndpointAnswer> {
    const ref = this.spec.fallback!;
    const model = this.models.get(ref)!;
    const prediction = await model.predict({ batch: req.batch, numericStrings: this.spec.numericStrings });
    return {
      prediction,
      model,
      ref,
      fallback: { reason, primary, message },
      predictionIds: ids(prediction.rows),
    };
  }

  /** The route of a request: by the sticky field of its first row, or at random by traffic share. */
  #pick(batch: InputBatch): string {
    const router = this.router;
    if (!router) throw new LatheError('NOT_IMPLEMENTED', `deployment ${this.name} has no traffic split`);
    if (!router.sticky) return router.pick();
    const field = router.sticky.field;
    return router.pick({ stickyValue: router.stickyValueOf({ [field]: batch.columns[field]?.[0] }) });
  }

  /** The route (or fallback) serving `version`. */
  #routeOfVersion(version: number): string {
    const refs = this.#served;
    const ref = refs.find((r) => this.models.get(r)!.version === version);
    if (ref === undefined)
      throw new LatheError(
        'NOT_FOUND',
        `endpoint ${this.name} does not serve version ${version}; it serves ${refs.map((r) => this.models.get(r)!.key).join(', ')}`,
        { version },
      );
    return ref;
  }

  /** The versions answering requests (routes and fallback), as numbers. */
  servedVersions(): number[] {
    return [...new Set(this.#served.map((r) => this.models.get(r)!.version))];
  }

  /** Mirrors the request to the shadow models once the answer is on its way. */
  #mirror(req: EndpointRequest, answer: EndpointAnswer): void {
    for (const s of this.spec.shadow) {
      if (s.traffic < 100 && this.#random() * 100 >= s.traffic) continue;
      const model = this.models.get(s.model)!;
      setImmediate(() => {
        const started = performance.now();
        model
          .predict({ batch: req.batch, numericStrings: this.spec.numericStrings })
          .then((p) => {
            const { metrics } = this.hooks;
            const disagreed = shadowCompare(this.hooks.shadowStats(s.model), answer.prediction, p, model.key);
            metrics.shadow.inc({ endpoint: this.name, model_version: model.key }, p.rows);
            if (disagreed)
              metrics.shadowDisagreements.inc({ endpoint: this.name, model_version: model.key }, disagreed);
            void this.hooks
              .log?.(this.#records(req, answer, model, p, performance.now() - started, s.model))
              ?.catch(() => {});
          })
          .catch((err: unknown) => {
            this.hooks.shadowStats(s.model).errors++;
            this.hooks.metrics.errors.inc({
              endpoint: this.name,
              code: `SHADOW_${err instanceof LatheError ? err.code : 'INTERNAL'}`,
            });
          });
      });
    }
  }

  /** Inference log rows of one prediction. */
  #records(
    req: EndpointRequest,
    answer: EndpointAnswer,
    model: AnswerModel,
    p: BatchPrediction,
    latencyMs: number,
    /** The shadow reference, for a shadow model's rows. */
    shadowRef: string | null,
  ): InferenceRecord[] {
    const shadow = shadowRef !== null;
    const now = Date.now();
    const names = Object.keys(req.batch.columns);
    const k = p.classes?.length ?? 0;
    const classes = p.classes?.map(String);
    const out: InferenceRecord[] = new Array(p.rows);
    for (let i = 0; i < p.rows; i++) {
      let inputs = req.rows?.[i];
      if (!inputs) {
        inputs = {};
        for (const n of names) inputs[n] = req.batch.columns[n]![i] ?? null;
      }
      const value = p.predictions[i];
      out[i] = {
        id: shadow ? `${answer.predictionIds[i]}-shadow` : answer.predictionIds[i]!,
        timestamp: now,
        endpoint: this.name,
        model: model.key,
        ref: shadowRef ?? answer.ref,
        requestId: req.requestId,
        inputs,
        prediction: typeof value === 'number' && Number.isNaN(value) ? null : value,
        ...(p.probabilities && k
          ? { probabilities: Array.from(p.probabilities.subarray(i * k, (i + 1) * k)), classes: classes! }
          : {}),
        ...(answer.fallback && !shadow ? { fallback: answer.fallback.reason } : {}),
        ...(shadow ? { shadow: true } : {}),
        latencyMs,
      };
    }
    return out;
  }
}

function ids(n: number): string[] {
  const out: string[] = new Array(n);
  for (let i = 0; i < n; i++) out[i] = randomUUID();
  return out;
}
