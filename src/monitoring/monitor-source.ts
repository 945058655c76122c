/**
 * Monitors measure through the inference store: the current window is `[now − window, now)` of the
 * monitor's environment and filters; the baseline is another environment, or the window of the
 * same length just before.
 */
import type { MonitoringService } from './monitoring-service.js';
import type { Measurement, MonitorSource } from './monitors/monitor-evaluator.js';
import type { MonitorSpec } from './monitors/monitor-spec.js';
import type { RecordWindow } from './types.js';
import { parseDuration } from './windows.js';

/** Metric names of a monitor → the names the task's metric set uses (binary first, then multiclass). */
const METRIC_KEYS: Record<string, string[]> = {
  precision: ['precision', 'precision_macro'],
  recall: ['recall', 'recall_macro'],
  f1: ['f1', 'f1_macro'],
  roc_auc: ['roc_auc', 'roc_auc_ovr'],
};

const noValue = (samples: number, reason: string): Measurement => ({
  value: null,
  samples,
  details: { reason },
});

/** A MonitorSource over a MonitoringService. */
export class StoreMonitorSource implements MonitorSource {
  constructor(private readonly monitoring: MonitoringService) {}

  /** The current window and baseline of a monitor evaluated at `now`. */
  static windows(spec: MonitorSpec, now: number): { current: RecordWindow; baseline: RecordWindow } {
    const span = parseDuration(spec.window, 'window');
    const where = Object.keys(spec.where).length ? { where: spec.where } : {};
    const current: RecordWindow = { environment: spec.environment, from: now - span, to: now, ...where };
    const base = spec.baseline ?? { environment: 'training' };
    const baseline: RecordWindow =
      'environment' in base
        ? { environment: base.environment, ...where }
        : { ...current, from: now - span - parseDuration(base.window, 'baseline.window'), to: now - span };
    return { current, baseline };
  }

  async measure(spec: MonitorSpec, now: number): Promise<Measurement> {
    const m = this.monitoring;
    if (!(await m.catalog.find(spec.model)))
      return noValue(0, `no predictions of model ${spec.model} were logged`);
    const { current, baseline } = StoreMonitorSource.windows(spec, now);
    switch (spec.kind) {
      case 'volume': {
        // A count from the traffic series (buckets the window's length), without joining actuals.
        const from = current.from!;
        const to = current.to!;
        const buckets = await m.traffic(spec.model, { ...current, from, to }, to - from);
        const rows = buckets.reduce((n, b) => n + b.rows, 0);
        return { value: rows, samples: rows };
      }
      case 'performance': {
        const perf = await m.performance(spec.model, current);
        const keys = METRIC_KEYS[spec.metric] ?? [spec.metric];
        const key = keys.find((k) => typeof perf.overall.metrics[k] === 'number');
        if (!perf.overall.labeled) return noValue(0, 'no prediction in the window has an actual yet');
        if (!key) return noValue(perf.overall.labeled, `${spec.metric} is not computed for this model`);
        return {
          value: perf.overall.metrics[key]!,
          samples: perf.overall.labeled,
          details: { coverage: perf.overall.coverage },
        };
      }
      case 'drift': {
        const r = await m.drift(
          spec.model,
          { baseline, current },
          spec.feature ? { features: [spec.feature] } : {},
        );
        if (!r.baseline.rows) return noValue(r.current.rows, 'the baseline has no rows');
        if (spec.metric === 'drift_share')
          return { value: r.driftShare, samples: r.current.rows, details: { drifted: r.drifted } };
        const target =
          spec.metric === 'prediction_psi'
            ? r.prediction
            : r.features.find((f) => f.feature === spec.feature);
        const s = target?.statistics;
        if (!s) return noValue(r.current.rows, `no drift statistics for ${spec.feature ?? 'the prediction'}`);
        const value =
          spec.metric === 'psi' || spec.metric === 'prediction_psi'
            ? s.psi
            : spec.metric === 'ks'
              ? (s.ks?.statistic ?? null)
              : spec.metric === 'jensen_shannon'
                ? s.jensenShannon
                : spec.metric === 'wasserstein'
                  ? s.wasserstein
                  : (s.chiSquare?.statistic ?? null);
        return value === null
          ? noValue(r.current.rows, `${spec.metric} does not apply to a ${target!.kind} feature`)
          : { value, samples: r.current.rows };
      }
      case 'quality': {
        const q = await m.quality(spec.model, baseline, current);
        if (spec.metric === 'type_violation_rate')
          return { value: q.typeViolationRate, samples: q.current.rows + q.rejected };
        const features = q.features.filter((f) => !spec.feature || f.feature === spec.feature);
        const pick = (f: (typeof features)[number]) =>
          spec.metric === 'missing_rate'
            ? f.missingRate
            : spec.metric === 'out_of_range_rate'
              ? f.outOfRangeRate
              : f.newCategoryRate;
        const values = features.map(pick).filter((v): v is number => v !== null);
        if (!values.length)
          return noValue(
            q.current.rows,
            `${spec.metric} does not apply to ${spec.feature ?? 'these features'}`,
          );
        // Across features: the worst one.
        return { value: Math.max(...values), samples: q.current.rows };
      }
    }
  }
}
