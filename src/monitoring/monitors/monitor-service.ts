/**
 * The monitor service: apply specs, list and read monitors with their state, evaluate them on
 * demand and on a schedule (each at its `every`), read their history and the alerts inbox.
 */
import type { AuditLog, Principal } from '../../auth/index.js';
import { type Clock, LatheError, systemClock } from '../../core/index.js';
import type { WebhookEvent } from '../../registry/index.js';
import type { MetaStore } from '../../storage/meta/index.js';
import {
  type DegradeFn,
  type EvaluationResult,
  MonitorEvaluator,
  type MonitorSource,
} from './monitor-evaluator.js';
import { parseDuration } from '../windows.js';
import { parseMonitorList } from './monitor-spec.js';
import {
  type Alert,
  type AppliedMonitor,
  type Monitor,
  type MonitorEvaluation,
  MonitorStore,
} from './monitor-store.js';

export interface MonitorServiceDeps {
  meta: MetaStore;
  audit: AuditLog;
  /** The registry's webhooks (`Webhooks`): events `monitor.warning`, `monitor.firing`, `monitor.resolved`. */
  webhooks: { emit(event: WebhookEvent, data: Record<string, unknown>): void };
  source: MonitorSource;
  /** Marks a deployment degraded while a monitor with `degrade` fires (ServingService.setDegraded). */
  degrade?: DegradeFn;
  clock?: Clock;
  /** How often the scheduler looks for due monitors (default 30 s). */
  tickMs?: number;
  logger?: { warn(obj: object, msg?: string): void };
}

/** A monitor with its open alert, if any. */
export type MonitorStatus = Monitor & { alert: Alert | null };

const MAX_LIMIT = 1000;

function limitOf(limit: number | undefined, fallback: number): number {
  if (limit === undefined) return fallback;
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT)
    throw new LatheError(
      'INVALID_ARGUMENT',
      `limit must be a whole number from 1 to ${MAX_LIMIT}; got ${limit}`,
      {
        field: 'limit',
      },
    );
  return limit;
}

/** Monitors and alerts: the logic behind the API, the CLI and the scheduler. */
export class MonitorService {
  readonly store: MonitorStore;
  readonly #evaluator: MonitorEvaluator;
  readonly #clock: Clock;
  readonly #locks = new Map<string, Promise<unknown>>();
  #timer: NodeJS.Timeout | null = null;
  #sweep: Promise<unknown> | null = null;

  constructor(private readonly deps: MonitorServiceDeps) {
    this.store = new MonitorStore(deps.meta, deps.audit);
    this.#clock = deps.clock ?? systemClock;
    this.#evaluator = new MonitorEvaluator({
      store: this.store,
      webhooks: deps.webhooks,
      source: deps.source,
      degrade: deps.degrade,
      logger: deps.logger,
    });
  }

  /**
   * Applies specs: one spec, a list, `{ monitors: [...] }`, or YAML/JSON text of these. All are
   * checked first; when one is bad nothing is stored.
   * @throws LatheError INVALID_ARGUMENT naming the entry and field.
   */
  async apply(value: unknown, actor: Principal | null): Promise<{ monitors: AppliedMonitor[] }> {
    const specs = parseMonitorList(value);
    const before = new Map((await this.list()).map((m) => [m.name, m]));
    const monitors = await this.store.put(specs, actor, this.#clock.now());
    // A firing monitor whose `degrade` changed hands the degraded mark to its new deployment.
    for (const spec of specs) {
      const prev = before.get(spec.name);
      if (prev?.alert?.severity !== 'firing' || prev.spec.degrade === spec.degrade) continue;
      if (prev.spec.degrade)
        await this.#degrade(prev.spec.degrade, false, `monitor ${spec.name} no longer degrades it`);
      if (spec.degrade)
        await this.#degrade(spec.degrade, true, `monitor ${spec.name} firing: ${prev.message}`);
    }
    return { monitors };
  }

  /** Calls the injected `degrade`, logging (not throwing) its failure. */
  async #degrade(deployment: string, on: boolean, reason: string): Promise<void> {
    try {
      await this.deps.degrade?.(deployment, on, reason);
    } catch (err) {
      this.deps.logger?.warn({ err, deployment, on }, 'monitor could not change the degraded mark');
    }
  }

  /** Every monitor with its state and open alert, by name. */
  async list(): Promise<MonitorStatus[]> {
    const [monitors, open] = await Promise.all([
      this.store.list(),
      this.store.alerts({ state: 'open', limit: MAX_LIMIT }),
    ]);
    const byMonitor = new Map(open.map((a) => [a.monitor, a]));
    return monitors.map((m) => ({ ...m, alert: byMonitor.get(m.name) ?? null }));
  }

  /** @throws LatheError NOT_FOUND naming the monitors that exist. */
  async get(name: string): Promise<MonitorStatus> {
    const m = await this.store.get(name);
    return { ...m, alert: await this.store.openAlert(name) };
  }

  /**
   * Deletes a monitor and its history; its open alert is resolved, and a deployment it had
   * marked degraded is cleared.
   */
  async delete(name: string, actor: Principal | null): Promise<void> {
    await this.#locked(name, async () => {
      const m = await this.get(name);
      await this.store.delete(name, actor, this.#clock.now());
      if (m.spec.degrade && m.alert?.severity === 'firing')
        await this.#degrade(m.spec.degrade, false, `monitor ${name} deleted`);
    });
  }

  /** Evaluates one monitor now. */
  evaluate(name: string): Promise<EvaluationResult> {
    return this.#locked(name, () => this.#evaluator.evaluate(name, this.#clock.now()));
  }

  /** Evaluates every monitor now, by name; one failing does not stop the others. */
  async evaluateAll(): Promise<EvaluationResult[]> {
    return this.#evaluateMany((await this.store.list()).map((m) => m.name));
  }

  /** Evaluates the monitors never evaluated or whose `every` has elapsed since their last evaluation. */
  async evaluateDue(): Promise<EvaluationResult[]> {
    const now = this.#clock.now();
    const due = (await this.store.list()).filter(
      (m) =>
        m.evaluatedAt === null || Date.parse(m.evaluatedAt) + parseDuration(m.spec.every, 'every') <= now,
    );
    return this.#evaluateMany(due.map((m) => m.name));
  }

  async #evaluateMany(names: string[]): Promise<EvaluationResult[]> {
    const out: EvaluationResult[] = [];
    for (const name of names)
      try {
        out.push(await this.evaluate(name));
      } catch (err) {
        // Deleted meanwhile, or the store failed: the others still run.
        this.deps.logger?.warn({ err, monitor: name }, 'monitor evaluation failed');
      }
    return out;
  }

  /** Starts the scheduler: every `tickMs` (30 s) it evaluates the due monitors. The timer is unref'd. */
  start(): void {
    if (this.#timer) return;
    this.#timer = setInterval(() => {
      if (this.#sweep) return;
      this.#sweep = this.evaluateDue()
        .catch((err: unknown) => this.deps.logger?.warn({ err }, 'monitor sweep failed'))
        .finally(() => {
          this.#sweep = null;
        });
    }, this.deps.tickMs ?? 30_000);
    this.#timer.unref();
  }

  /** Stops the scheduler and waits for a sweep under way. */
  async close(): Promise<void> {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = null;
    await this.#sweep;
  }

  /** Evaluations of a monitor, newest first (default 50, at most 1,000). */
  async history(name: string, limit?: number): Promise<MonitorEvaluation[]> {
    const n = limitOf(limit, 50);
    await this.store.get(name);
    return this.store.history(name, n);
  }

  /** Alerts, newest first (default 100, at most 1,000): `open`, `resolved`, or both. */
  async alerts(options: { state?: string; monitor?: string; limit?: number } = {}): Promise<Alert[]> {
    const { state } = options;
    if (state !== undefined && state !== 'open' && state !== 'resolved')
      throw new LatheError(
        'INVALID_ARGUMENT',
        `state must be open or resolved; got ${JSON.stringify(state)}`,
        {
          field: 'state',
        },
      );
    return this.store.alerts({ state, monitor: options.monitor, limit: limitOf(options.limit, 100) });
  }

  /** @throws LatheError NOT_FOUND for an unknown alert ID. */
  alert(id: string): Promise<Alert> {
    return this.store.alert(id);
  }

  /** Marks an alert seen by `actor` (kept when acknowledged already). */
  acknowledge(id: string, actor: Principal | null): Promise<Alert> {
    return this.store.acknowledge(id, actor, this.#clock.now());
  }

  /** Runs `fn` after every earlier call for the same monitor has settled. */
  #locked<T>(name: string, fn: () => Promise<T>): Promise<T> {
    const prev = this.#locks.get(name) ?? Promise.resolve();
    const next = prev.then(fn, fn);
    const tail = next.catch(() => undefined);
    this.#locks.set(name, tail);
    void tail.then(() => {
      if (this.#locks.get(name) === tail) this.#locks.delete(name);
    });
    return next;
  }
}
