/**
 * Evaluating a monitor: measure its metric over its window (through a `MonitorSource`), judge the
 * value against the thresholds, store the evaluation, open, escalate or resolve its alert (one
 * alert per episode), and on every transition emit a webhook event and mark the deployment
 * degraded or healthy again.
 */
import type { WebhookEvent } from '../../registry/index.js';
import type { Alert, MonitorEvaluation, MonitorState, MonitorStore } from './monitor-store.js';
import { parseDuration } from '../windows.js';
import type { MonitorSpec } from './monitor-spec.js';

/** A metric measured over a monitor's window. `value` is null when it cannot be computed. */
export interface Measurement {
  value: number | null;
  /** The rows behind the value (labelled rows for performance, rows in the window otherwise). */
  samples: number;
  /** Anything the source wants to keep (a `reason` string is shown in the message when there is no value). */
  details?: Record<string, unknown>;
}

/** Measures a monitor's metric: the window `[now - window, now)` of `spec.environment`, against its baseline. */
export interface MonitorSource {
  measure(spec: MonitorSpec, now: number): Promise<Measurement>;
}

/** Marks a deployment degraded (`on`) or clears it, with a reason for the audit log. */
export type DegradeFn = (deployment: string, on: boolean, reason: string) => Promise<void>;

/** What the thresholds make of a measurement. */
export interface Judgement {
  state: MonitorState;
  /** The threshold crossed (critical when firing, warning when warning), or the nearest one when ok. */
  threshold: number | null;
  message: string;
}

const fmtValue = (v: number) => String(Number(v.toPrecision(4)));
const fmtCount = (n: number) => n.toLocaleString('en-US');

function scope(spec: MonitorSpec, samples: number): string {
  const rows =
    spec.kind === 'performance'
      ? `${fmtCount(samples)} labelled rows`
      : spec.kind === 'volume'
        ? 'rows'
        : `${fmtCount(samples)} rows`;
  const against =
    spec.kind !== 'drift' || !spec.baseline
      ? ''
      : 'environment' in spec.baseline
        ? ` against ${spec.baseline.environment}`
        : ` against the ${spec.baseline.window} before`;
  const where = Object.entries(spec.where)
    .map(([k, v]) => `${k}=${v}`)
    .join(', ');
  return `${spec.kind === 'volume' ? rows : `over ${rows}`} in the last ${spec.window}${where ? ` where ${where}` : ''}${against}`;
}

/**
 * Judges a measurement against a spec's thresholds (pure). Fewer samples than `minSamples`, or no
 * value, give `no_data`; with direction `below` a value under `critical` fires and under `warning`
 * warns (strictly), and mirrored for `above`.
 */
export function judge(spec: MonitorSpec, m: Measurement): Judgement {
  const what = spec.feature ? `${spec.metric} of ${spec.feature}` : spec.metric;
  if (m.samples < spec.minSamples)
    return {
      state: 'no_data',
      threshold: null,
      message: `only ${fmtCount(m.samples)} ${spec.kind === 'performance' ? 'labelled ' : ''}rows in the last ${spec.window}; ${fmtCount(spec.minSamples)} needed (minSamples)`,
    };
  if (m.value === null || !Number.isFinite(m.value)) {
    const reason = typeof m.details?.reason === 'string' ? `: ${m.details.reason}` : '';
    return {
      state: 'no_data',
      threshold: null,
      message: `${what} has no value ${scope(spec, m.samples)}${reason}`,
    };
  }
  const below = spec.direction === 'below';
  const crosses = (t: number) => (below ? m.value! < t : m.value! > t);
  const v = `${what} ${fmtValue(m.value)}`;
  const tail = scope(spec, m.samples);
  if (crosses(spec.critical))
    return {
      state: 'firing',
      threshold: spec.critical,
      message: `${v} ${below ? '<' : '>'} critical ${spec.critical} ${tail}`,
    };
  if (spec.warning !== null && crosses(spec.warning))
    return {
      state: 'warning',
      threshold: spec.warning,
      message: `${v} ${below ? '<' : '>'} warning ${spec.warning} ${tail}`,
    };
  const t = spec.warning ?? spec.critical;
  return {
    state: 'ok',
    threshold: t,
    message: `${v} ${below ? '>=' : '<='} ${spec.warning !== null ? 'warning' : 'critical'} ${t} ${tail}`,
  };
}

/** The outcome of one evaluation. */
export interface EvaluationResult {
  monitor: string;
  model: string;
  state: MonitorState;
  previous: MonitorState;
  evaluation: MonitorEvaluation;
  /** The alert opened, continued, escalated or resolved by this evaluation; null when none. */
  alert: Alert | null;
  /** The webhook event emitted, or null when the state did not move. */
  event: WebhookEvent | null;
  /** Set when marking the deployment degraded (or healthy) failed. */
  degradeError?: string;
}

export interface MonitorEvaluatorDeps {
  store: MonitorStore;
  webhooks: { emit(event: WebhookEvent, data: Record<string, unknown>): void };
  source: MonitorSource;
  degrade?: DegradeFn;
  logger?: { warn(obj: object, msg?: string): void };
}

/** Evaluates monitors and acts on transitions (see the module comment). Callers serialise per monitor. */
export class MonitorEvaluator {
  constructor(private readonly deps: MonitorEvaluatorDeps) {}

  /**
   * Evaluates the monitor named `name` at `now` (epoch ms). A source that throws gives `no_data`
   * with the error in the message; this never throws for a measurement failure.
   */
  async evaluate(name: string, now: number): Promise<EvaluationResult> {
    const { store } = this.deps;
    const monitor = await store.get(name);
    const spec = monitor.spec;
    let judgement: Judgement;
    let m: Measurement = { value: null, samples: 0 };
    try {
      parseDuration(spec.window, 'window');
      m = await this.deps.source.measure(spec, now);
      judgement = judge(spec, m);
    } catch (err) {
      judgement = {
        state: 'no_data',
        threshold: null,
        message: `could not measure ${spec.metric}: ${(err as Error).message}`,
      };
    }
    const { state, message } = judgement;
    const value = m.value !== null && Number.isFinite(m.value) ? m.value : null;
    const previous = monitor.state;
    const outcome = await store.transaction(async (db) => {
      const evaluation = await store.recordEvaluation(
        { monitor: name, at: now, state, value, samples: m.samples, message },
        db,
      );
      const open = await store.openAlert(name, db);
      let alert: Alert | null = null;
      let event: WebhookEvent | null = null;
      if (state === 'firing' || state === 'warning') {
        if (!open) {
          alert = await store.openNewAlert(
            { monitor: name, model: spec.model, severity: state, message, value },
            now,
            db,
          );
          event = `monitor.${state}`;
        } else {
          alert = await store.continueAlert(open.id, { severity: state, message, value }, now, db);
          if (open.severity !== state) event = `monitor.${state}`;
        }
      } else if (state === 'ok' && open) {
        alert = await store.resolveAlert(open.id, now, db);
        event = 'monitor.resolved';
      } else alert = open;
      return { evaluation, alert, event, wasFiring: open?.severity === 'firing' };
    });
    const result: EvaluationResult = {
      monitor: name,
      model: spec.model,
      state,
      previous,
      evaluation: outcome.evaluation,
      alert: outcome.alert,
      event: outcome.event,
    };
    if (outcome.event) {
      this.deps.webhooks.emit(outcome.event, {
        monitor: name,
        model: spec.model,
        state: outcome.event === 'monitor.resolved' ? 'ok' : state,
        previous,
        value,
        threshold: judgement.threshold,
        message,
        alertId: outcome.alert?.id ?? null,
        at: new Date(now).toISOString(),
      });
    }
    const firingNow = state === 'firing';
    const firingStarts = firingNow && !outcome.wasFiring;
    const firingEnds = outcome.wasFiring && (state === 'ok' || state === 'warning');
    if (spec.degrade && this.deps.degrade && (firingStarts || firingEnds)) {
      try {
        await this.deps.degrade(
          spec.degrade,
          firingStarts,
          firingStarts ? `monitor ${name} firing: ${message}` : `monitor ${name} ${state}: ${message}`,
        );
      } catch (err) {
        result.degradeError = (err as Error).message;
        this.deps.logger?.warn(
          { err, monitor: name, deployment: spec.degrade },
          `monitor could not ${firingStarts ? 'mark' : 'clear'} the deployment degraded`,
        );
      }
    }
    return result;
  }
}
