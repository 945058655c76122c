/**
 * Online serving: deployments applied, changed and deleted (stored with every revision and audited),
 * their endpoints kept running in this process, and predictions routed through them. An endpoint
 * follows the aliases it names: when `champion` moves (an event of this process, or the periodic
 * sync that sees other servers' changes) the new version is loaded and warmed, then swapped in
 * atomically; requests in flight finish on the old one. Only versions whose registry gate passed
 * get traffic, unless the spec sets `allowUngated` (audited).
 */
import type { Registry } from 'prom-client';
import type { AuditLog, Principal } from '../auth/index.js';
import { LatheError } from '../core/index.js';
import type { ModelService } from '../models/index.js';
import { type ModelVersion, parseModelRef, type RegistryService } from '../registry/index.js';
import type { MetaStore } from '../storage/meta/index.js';
import { type DeploymentSpec, parseDeploymentSpec, specModelRefs } from './deployment-spec.js';
import { type Deployment, type DeploymentRevision, DeploymentStore } from './deployments.js';
import { checkGraph } from './graph.js';
import { Endpoint, type InferenceRecord } from './endpoint.js';
import { InferenceQueue } from './inference-queue.js';
import { ModelPool, type PooledModel } from './model-pool.js';
import { LiveStats } from './live-stats.js';
import { ServingMetrics } from './serving-metrics.js';
import { newShadowStats, type ShadowReport, type ShadowStats, shadowReport } from './shadow.js';
import { promoteSpec, rollbackTarget, trafficSpec } from './traffic.js';

/** What serving reads and writes. */
export interface ServingDeps {
  meta: MetaStore;
  audit: AuditLog;
  models: ModelService;
  registry: RegistryService;
}

export interface ServingOptions {
  /** Where metrics are registered (the server's `/metrics` registry). */
  metrics: Registry;
  /** Where prediction records go (the inference store); without it, none are kept. */
  log?: (records: InferenceRecord[]) => Promise<void>;
  /** Milliseconds between syncs with the store (other servers' changes, moved aliases); 0 for none. */
  syncMs?: number;
  logger?: { warn(obj: unknown, msg: string): void; info?(obj: unknown, msg: string): void };
  /** Random source of traffic splits and shadow sampling (tests). */
  random?: () => number;
}

/** A deployment and how its endpoint runs now. */
export interface DeploymentStatus extends Deployment {
  /** `ready`: serving; `failed`: its models could not be loaded (see `error`). */
  state: 'ready' | 'failed';
  error: string | null;
  /** The version each model reference resolves to now (`name@version`). */
  versions: Record<string, string>;
  /** A newer version an alias points to that was not swapped in, and why. */
  pending: string | null;
  inFlight: number;
}

interface Running {
  endpoint: Endpoint | null;
  error: string | null;
  pending: string | null;
}

/** Deployments and their running endpoints. */
export class ServingService {
  readonly store: DeploymentStore;
  readonly metrics: ServingMetrics;
  readonly #pool: ModelPool;
  readonly #running = new Map<string, Running>();
  readonly #locks = new Map<string, Promise<unknown>>();
  readonly #shadow = new Map<string, ShadowStats>();
  readonly #live = new Map<string, LiveStats>();
  /** Each endpoint's inference log queue, with the logging settings it was made for. */
  readonly #queues = new Map<string, { queue: InferenceQueue<InferenceRecord>; settings: string }>();
  readonly #flush: ((records: InferenceRecord[]) => Promise<void>) | null;
  #timer: NodeJS.Timeout | undefined;
  #unlisten: (() => void) | undefined;
  #closed = false;

  constructor(
    private readonly deps: ServingDeps,
    private readonly options: ServingOptions,
  ) {
    this.store = new DeploymentStore(deps.meta, deps.audit);
    this.metrics = new ServingMetrics(options.metrics);
    const series = new Map<string, { rows: Observer; compute: Observer; queue: Observer }>();
    this.#pool = new ModelPool(deps.models, {
      onBatch: (key, rows, queue, compute) => {
        let m = series.get(key);
        if (!m) {
          const labels = { model_version: key };
          m = {
            rows: this.metrics.batchSize.labels(labels),
            compute: this.metrics.compute.labels(labels),
            queue: this.metrics.queue.labels(labels),
          };
          series.set(key, m);
        }
        m.rows.observe(rows);
        m.compute.observe(compute);
        for (const q of queue) m.queue.observe(q);
      },
    });
    this.#flush = options.log ?? null;
  }

  /** Starts every stored deployment's endpoint and follows registry events and the store. */
  async start(): Promise<void> {
    await this.sync();
    this.#unlisten = this.deps.registry.webhooks.listen((event, data) => {
      if (!event.startsWith('model_version.')) return;
      const model = String(data.name ?? '');
      for (const [name, r] of this.#running) {
        const refs = r.endpoint ? specModelRefs(r.endpoint.spec) : [];
        if (refs.some((ref) => parseModelRef(ref).name === model))
          void this.#locked(name, () => this.#refresh(name)).catch(() => {});
      }
    });
    const every = this.options.syncMs ?? 10_000;
    if (every > 0) {
      this.#timer = setInterval(() => void this.sync().catch(() => {}), every);
      this.#timer.unref();
    }
  }

  /** Brings running endpoints in line with the store: new, changed and deleted deployments, moved aliases. */
  async sync(): Promise<void> {
    const stored = await this.store.list();
    const names = new Set(stored.map((d) => d.name));
    for (const d of stored) await this.#locked(d.name, () => this.#refresh(d.name, d));
    for (const name of [...this.#running.keys()])
      if (!names.has(name)) await this.#locked(name, () => this.#stop(name));
  }

  /** Every deployment with its running state. */
  async list(): Promise<DeploymentStatus[]> {
    return (await this.store.list()).map((d) => this.#status(d));
  }

  /** @throws LatheError NOT_FOUND naming the deployments that exist. */
  async get(name: string): Promise<DeploymentStatus> {
    return this.#status(await this.store.get(name));
  }

  /**
   * Applies a spec (YAML/JSON text or an object): checked, its models resolved, gated and loaded,
   * then stored as a new revision and swapped in. A spec equal to the current one changes nothing.
   * @throws LatheError INVALID_ARGUMENT for a bad spec; NOT_FOUND for unknown models; GATE_REFUSED
   *   for a version whose gate has not passed (without `allowUngated`).
   */
  async apply(
    raw: unknown,
    actor: Principal | null,
    reason = 'apply',
  ): Promise<DeploymentStatus & { changed: boolean }> {
    const spec = parseDeploymentSpec(raw);
    return this.#locked(spec.name, async () => {
      const current = await this.store.get(spec.name).catch(() => null);
      const models = await this.#load(spec, actor);
      let stored: Awaited<ReturnType<DeploymentStore['put']>>;
      try {
        stored = await this.store.put(spec, reason, actor);
      } catch (err) {
        await this.#release(models);
        throw err;
      }
      if (!stored.changed) {
        await this.#release(models);
        return { ...this.#status(stored.deployment), changed: false };
      }
      this.#start(stored.deployment.revision, spec, new Set(current?.degraded ?? []), models);
      return { ...this.#status(stored.deployment), changed: true };
    });
  }

  /** Sets traffic shares (`{"churn@7": 90, "v8": 10}`; see `trafficSpec`) as a new revision. */
  async traffic(name: string, shares: Record<string, number>, actor: Principal | null) {
    const d = await this.store.get(name);
    const running = this.#running.get(name)?.endpoint;
    return this.apply(trafficSpec(d.spec, shares, running?.versions() ?? {}), actor, 'traffic');
  }

  /** Sends all traffic to the canary (the route with the smallest share), as a new revision. */
  async promote(name: string, actor: Principal | null) {
    return this.apply(promoteSpec((await this.store.get(name)).spec), actor, 'promote');
  }

  /** Re-applies the revision before the current one (or `revision`), as a new revision. */
  async rollback(name: string, actor: Principal | null, revision?: number) {
    const spec = rollbackTarget(await this.store.revisions(name), revision);
    return this.apply(spec, actor, 'rollback');
  }

  /** The stored revisions of a deployment, newest first. */
  revisions(name: string): Promise<DeploymentRevision[]> {
    return this.store.revisions(name);
  }

  /** Marks model references of a deployment degraded (its fallback answers for them), or clears them. */
  async setDegraded(name: string, refs: string[], actor: Principal | null): Promise<DeploymentStatus> {
    const d = await this.store.get(name);
    const known = specModelRefs(d.spec);
    const unknown = refs.find((r) => !known.includes(r));
    if (unknown !== undefined)
      throw new LatheError(
        'INVALID_ARGUMENT',
        `${unknown} is not a model of deployment ${name}; its models are ${known.join(', ')}`,
        {
          field: 'degraded',
        },
      );
    if (refs.length && !d.spec.fallback)
      throw new LatheError(
        'INVALID_ARGUMENT',
        `deployment ${name} has no fallback to answer for degraded models`,
        {
          field: 'degraded',
        },
      );
    const updated = await this.store.setDegraded(name, refs, actor);
    await this.#locked(name, () => this.#refresh(name, updated));
    return this.#status(updated);
  }

  /** Deletes a deployment; its endpoint stops once its requests in flight are answered. */
  async delete(name: string, actor: Principal | null): Promise<void> {
    await this.#locked(name, async () => {
      await this.store.delete(name, actor);
      await this.#stop(name);
    });
  }

  /**
   * The running endpoint of a deployment.
   * @throws LatheError NOT_FOUND for an unknown endpoint; UNAVAILABLE when its models failed to load.
   */
  endpoint(name: string): Endpoint {
    const r = this.#running.get(name);
    if (!r)
      throw new LatheError(
        'NOT_FOUND',
        `no endpoint named ${JSON.stringify(name)}; endpoints: ${[...this.#running.keys()].join(', ') || 'none (lathe deploy apply spec.yaml)'}`,
        { name },
      );
    if (!r.endpoint)
      throw new LatheError(
        'UNAVAILABLE',
        `endpoint ${name} is not serving: ${r.error ?? 'its models are loading'}`,
        { name },
      );
    return r.endpoint;
  }

  /** True when every stored deployment's endpoint is serving (from memory: no store query). */
  ready(): boolean {
    for (const r of this.#running.values()) if (!r.endpoint) return false;
    return true;
  }

  /** How each shadow model of a deployment compares with the answers returned (since this server started). */
  async shadowReport(name: string): Promise<ShadowReport[]> {
    const d = await this.store.get(name);
    return d.spec.shadow.map((s) => shadowReport(s.model, this.#shadowStats(name, s.model)));
  }

  /**
   * The last `seconds` (at most 300) of an endpoint's traffic, one point per second: requests by
   * version, errors, fallbacks, p50/p99 latency; and its inference log counters.
   */
  async live(name: string, seconds = 300) {
    await this.store.get(name);
    return { points: this.#liveOf(name).points(seconds), log: this.logStats(name) };
  }

  /** Counters of each endpoint's inference log queue. */
  logStats(name: string) {
    return this.#queues.get(name)?.queue.stats() ?? null;
  }

  /** Stops every endpoint and writes out the inference log. */
  async close(): Promise<void> {
    this.#closed = true;
    clearInterval(this.#timer);
    this.#unlisten?.();
    for (const name of [...this.#running.keys()]) await this.#stop(name);
    for (const q of this.#queues.values()) await q.queue.close();
    await this.#pool.close();
  }

  // ── internals ──────────────────────────────────────────────────────────────────────────────────

  #status(d: Deployment): DeploymentStatus {
    const r = this.#running.get(d.name);
    return {
      ...d,
      state: r?.endpoint ? 'ready' : 'failed',
      error: r?.endpoint ? null : (r?.error ?? 'not started'),
      versions: r?.endpoint?.versions() ?? {},
      pending: r?.pending ?? null,
      inFlight: r?.endpoint?.inFlight ?? 0,
    };
  }

  #liveOf(name: string): LiveStats {
    let s = this.#live.get(name);
    if (!s) {
      s = new LiveStats();
      this.#live.set(name, s);
    }
    return s;
  }

  #shadowStats(endpoint: string, ref: string): ShadowStats {
    const key = `${endpoint}\u0000${ref}`;
    let s = this.#shadow.get(key);
    if (!s) {
      s = newShadowStats(ref);
      this.#shadow.set(key, s);
    }
    return s;
  }

  #hooks(spec: DeploymentSpec) {
    const name = spec.name;
    const queue = this.#flush && spec.logging.enabled ? this.#queueFor(name, spec.logging) : null;
    const queued = this.metrics.logged.labels({ endpoint: name, outcome: 'queued' });
    const dropped = this.metrics.logged.labels({ endpoint: name, outcome: 'dropped' });
    return {
      metrics: this.metrics,
      log: queue ? (records: InferenceRecord[]) => offerAll(queue, records, queued, dropped) : null,
      shadowStats: (ref: string) => this.#shadowStats(name, ref),
      live: this.#liveOf(name),
      ...(this.options.random ? { random: this.options.random } : {}),
    };
  }

  /** The endpoint's log queue for these settings: the current one, or a new one replacing it. */
  #queueFor(name: string, logging: DeploymentSpec['logging']): InferenceQueue<InferenceRecord> {
    const settings = `${logging.capacity}/${logging.policy}`;
    const current = this.#queues.get(name);
    if (current?.settings === settings) return current.queue;
    const queue = new InferenceQueue<InferenceRecord>({
      capacity: logging.capacity,
      policy: logging.policy,
      // Small flushes: serialising a batch blocks the event loop, and requests wait behind it.
      batchSize: 128,
      flush: this.#flush!,
      onFailure: (err, n) =>
        this.options.logger?.warn({ err, endpoint: name, records: n }, 'inference log write failed'),
    });
    this.#queues.set(name, { queue, settings });
    // The old queue writes out what it holds once the endpoint using it has been replaced.
    if (current) setTimeout(() => void current.queue.close(), 1000).unref();
    return queue;
  }

  /** Runs `fn` after every earlier operation on the same deployment. */
  #locked<T>(name: string, fn: () => Promise<T>): Promise<T> {
    const before = this.#locks.get(name) ?? Promise.resolve();
    const run = before.catch(() => {}).then(fn);
    this.#locks.set(name, run);
    void run
      .finally(() => {
        if (this.#locks.get(name) === run) this.#locks.delete(name);
      })
      .catch(() => {});
    return run;
  }

  /**
   * Resolves, gates and loads every model of `spec`: one pool reference per model, which the
   * caller hands to an endpoint (`#start`) or gives back (`#release`).
   */
  async #load(spec: DeploymentSpec, actor: Principal | null): Promise<Map<string, PooledModel>> {
    // Everything that may answer is gated (routes, graph, fallback); shadows never answer.
    const served = new Set(specModelRefs({ ...spec, shadow: [] }));
    const versions = new Map<string, ModelVersion>();
    const ungated: string[] = [];
    for (const ref of specModelRefs(spec)) {
      const v = await this.deps.registry.resolveModelRef(ref);
      versions.set(ref, v);
      if (!served.has(ref)) continue;
      const gate = await this.deps.registry.gates.status(v.name, v.version);
      if (!gate.passed) {
        if (!spec.allowUngated)
          throw new LatheError(
            'GATE_REFUSED',
            `deployment ${spec.name}: ${ref} is ${v.name}@${v.version}, whose registry gate has not passed: ${gate.reasons.join('; ')}. Pass the gate, or set allowUngated: true in the spec to serve it anyway (audited).`,
            { model: `${v.name}@${v.version}`, reasons: gate.reasons },
          );
        ungated.push(`${v.name}@${v.version}`);
      }
    }
    const models = new Map<string, PooledModel>();
    try {
      for (const [ref, v] of versions) models.set(ref, await this.#pool.acquire(v, spec.batching));
      if (spec.graph) checkGraph(spec.graph, models);
    } catch (err) {
      await this.#release(models);
      throw err;
    }
    if (ungated.length)
      await this.deps.audit.record({
        actor,
        action: 'deployment.ungated',
        objectType: 'deployment',
        objectId: spec.name,
        details: { versions: ungated },
      });
    return models;
  }

  async #release(models: ReadonlyMap<string, PooledModel>): Promise<void> {
    for (const m of models.values()) await this.#pool.release(m.key);
  }

  /**
   * Puts an endpoint over `models` (whose references it takes) in service atomically; the old
   * endpoint lets go of its versions once its requests in flight are answered.
   */
  #start(
    revision: number,
    spec: DeploymentSpec,
    degraded: Set<string>,
    models: Map<string, PooledModel>,
  ): void {
    const next = new Endpoint(spec, revision, models, degraded, this.#hooks(spec));
    const old = this.#running.get(spec.name)?.endpoint ?? null;
    this.#running.set(spec.name, { endpoint: next, error: null, pending: null });
    if (old) void old.idle().then(() => this.#release(old.models));
  }

  /** Rebuilds an endpoint when its deployment changed or an alias it follows moved. */
  async #refresh(name: string, stored?: Deployment): Promise<void> {
    if (this.#closed) return;
    const d = stored ?? (await this.store.get(name).catch(() => null));
    if (!d) return this.#stop(name);
    const r = this.#running.get(name);
    const cur = r?.endpoint ?? null;
    const sameDegraded = cur && [...cur.degraded].sort().join() === [...d.degraded].sort().join();
    if (cur && cur.revision === d.revision && sameDegraded) {
      // Same spec: only moved aliases (and @latest) matter; a pinned version cannot move.
      const before = cur.versions();
      let moved = false;
      for (const ref of specModelRefs(d.spec)) {
        if (parseModelRef(ref).kind === 'version') continue;
        const v = await this.deps.registry.resolveModelRef(ref).catch(() => null);
        if (v && before[ref] !== `${v.name}@${v.version}`) moved = true;
      }
      if (!moved) return;
    }
    let models: Map<string, PooledModel>;
    try {
      models = await this.#load(d.spec, null);
    } catch (err) {
      const message = (err as Error).message;
      if (cur) {
        this.#running.set(name, { endpoint: cur, error: null, pending: message });
        this.options.logger?.warn({ endpoint: name, err: message }, 'endpoint kept its versions');
      } else this.#running.set(name, { endpoint: null, error: message, pending: null });
      return;
    }
    this.#start(d.revision, d.spec, new Set(d.degraded), models);
  }

  async #stop(name: string): Promise<void> {
    const r = this.#running.get(name);
    this.#running.delete(name);
    if (r?.endpoint) {
      await r.endpoint.idle();
      await this.#release(r.endpoint.models);
    }
    const q = this.#queues.get(name);
    this.#queues.delete(name);
    await q?.queue.close();
  }
}

type Observer = { observe(v: number): void };
type Counter = { inc(n?: number): void };

/**
 * Offers records to a log queue, counting them queued or dropped. Never waits under the drop
 * policy; answers a promise while the block policy waits for room.
 */
function offerAll(
  queue: InferenceQueue<InferenceRecord>,
  records: InferenceRecord[],
  queued: Counter,
  dropped: Counter,
): undefined | Promise<void> {
  let n = 0;
  const waits: Promise<void>[] = [];
  for (const r of records) {
    const offered = queue.offer(r);
    if (offered === true) n++;
    else if (offered !== false) {
      n++;
      waits.push(offered);
    }
  }
  if (n) queued.inc(n);
  if (n < records.length) dropped.inc(records.length - n);
  return waits.length ? Promise.all(waits).then(() => undefined) : undefined;
}
