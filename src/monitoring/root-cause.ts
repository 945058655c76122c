/**
 * Root cause of a metric change between two windows: which slices the change comes from, and
 * which features moved where the model is sensitive. For a metric that is a mean over rows
 * (accuracy, MAE, MSE), the slice contributions add up to the change exactly:
 * M' − M = Σₛ w'ₛ(m'ₛ − mₛ) + Σₛ (w'ₛ − wₛ)(mₛ − M), a change of performance inside each slice plus
 * a change of the mix of slices (w the share of labeled rows, m the slice's metric).
 */
import { LatheError } from '../core/index.js';
import type { MonitoringService } from './monitoring-service.js';
import type { PerformanceGroup } from './performance-query.js';
import type { RecordWindow } from './types.js';

/** One slice's part in the change. */
export interface SliceContribution {
  /** The tag or feature sliced on, and the slice (a value or a range). */
  by: string;
  key: string;
  baseline: { rows: number; share: number; value: number | null };
  current: { rows: number; share: number; value: number | null };
  /** w'(m' − m): the change of the metric inside the slice, weighted by its current share. */
  performanceEffect: number;
  /** (w' − w)(m − M): the change of the slice's share of rows. */
  mixEffect: number;
  contribution: number;
}

/** One feature: how far it drifted, how much performance varies across it, and both together. */
export interface FeatureSuspect {
  feature: string;
  psi: number | null;
  drifted: boolean;
  /** Largest minus smallest metric across the feature's slices in the current window. */
  spread: number | null;
  /** psi × spread: drift where the model's quality depends on the feature. */
  score: number;
}

/** The answer of a root-cause query. */
export interface RootCause {
  model: string;
  metric: string;
  higherIsBetter: boolean;
  baseline: { window: RecordWindow; value: number | null; labeled: number };
  current: { window: RecordWindow; value: number | null; labeled: number };
  change: number | null;
  /** Slices ranked by contribution to the change, worst first. */
  slices: SliceContribution[];
  features: FeatureSuspect[];
  /** One sentence: what changed and where. */
  summary: string;
}

const LOWER_IS_BETTER = new Set(['mae', 'mse', 'rmse', 'mape', 'log_loss', 'brier_score']);
const MAX_SLICE_VALUES = 30;
const fmt = (x: number) => String(Number(x.toPrecision(3)));

/**
 * Ranks slices and features behind the change of `metric` (default accuracy, or MAE for
 * regression) from `baseline` to `current`.
 * @throws LatheError NOT_FOUND for an unknown model; INVALID_ARGUMENT for an unknown metric.
 */
export async function rootCause(
  monitoring: MonitoringService,
  name: string,
  windows: { baseline: RecordWindow; current: RecordWindow },
  metricName?: string,
): Promise<RootCause> {
  const model = await monitoring.catalog.get(name);
  const metric = metricName ?? (model.task === 'regression' ? 'mae' : 'accuracy');
  const higherIsBetter = !LOWER_IS_BETTER.has(metric);
  const [base, cur] = await Promise.all([
    monitoring.performance(name, windows.baseline),
    monitoring.performance(name, windows.current),
  ]);
  const metricOf = (g: PerformanceGroup | undefined) => {
    const v = g?.metrics[metric];
    return typeof v === 'number' && Number.isFinite(v) ? v : null;
  };
  if (
    base.overall.labeled &&
    cur.overall.labeled &&
    metricOf(base.overall) === null &&
    metricOf(cur.overall) === null
  )
    throw new LatheError(
      'INVALID_ARGUMENT',
      `metric ${JSON.stringify(metric)} is not computed for ${name}; its metrics: ${Object.keys(cur.overall.metrics).join(', ')}`,
    );
  const M = metricOf(base.overall);
  const slices: SliceContribution[] = [];
  const spreads = new Map<string, number>();
  const keys = [
    ...model.tags,
    ...model.features.filter((f) => !model.tags.includes(f.name)).map((f) => f.name),
  ];
  for (const by of keys) {
    const b = await monitoring.performance(name, windows.baseline, { by });
    const c = await monitoring.performance(name, windows.current, {
      by,
      ...(b.cuts ? { cuts: b.cuts } : {}),
    });
    if (b.groups.length > MAX_SLICE_VALUES || c.groups.length > MAX_SLICE_VALUES) continue;
    const nb = b.overall.labeled;
    const nc = c.overall.labeled;
    const values = c.groups.map(metricOf).filter((v): v is number => v !== null);
    if (values.length > 1) spreads.set(by, Math.max(...values) - Math.min(...values));
    for (const key of new Set([...b.groups.map((g) => g.key), ...c.groups.map((g) => g.key)])) {
      const gb = b.groups.find((g) => g.key === key);
      const gc = c.groups.find((g) => g.key === key);
      const w = nb ? (gb?.labeled ?? 0) / nb : 0;
      const w2 = nc ? (gc?.labeled ?? 0) / nc : 0;
      const m = metricOf(gb);
      const m2 = metricOf(gc);
      const performanceEffect = m !== null && m2 !== null ? w2 * (m2 - m) : 0;
      const mixEffect = m !== null && M !== null ? (w2 - w) * (m - M) : 0;
      slices.push({
        by,
        key,
        baseline: { rows: gb?.labeled ?? 0, share: w, value: m },
        current: { rows: gc?.labeled ?? 0, share: w2, value: m2 },
        performanceEffect,
        mixEffect,
        contribution: performanceEffect + mixEffect,
      });
    }
  }
  // Worst first: the most negative contribution when higher is better, the most positive otherwise.
  const sign = higherIsBetter ? 1 : -1;
  slices.sort((a, b) => sign * (a.contribution - b.contribution));
  const drift = await monitoring.drift(name, windows);
  const features = drift.features
    .map((f): FeatureSuspect => {
      const psi = f.statistics?.psi ?? null;
      const spread = spreads.get(f.feature) ?? null;
      return { feature: f.feature, psi, drifted: f.drifted, spread, score: (psi ?? 0) * (spread ?? 0) };
    })
    .sort((a, b) => b.score - a.score || (b.psi ?? 0) - (a.psi ?? 0));
  const value = metricOf(cur.overall);
  const change = value !== null && M !== null ? value - M : null;
  const worst = slices[0];
  const suspect = features.find((f) => f.drifted) ?? features[0];
  const summary =
    change === null
      ? `${metric} cannot be compared: ${!base.overall.labeled ? 'the baseline' : 'the current window'} has no labeled predictions.`
      : `${metric} went from ${fmt(M!)} to ${fmt(value!)} (${change >= 0 ? '+' : ''}${fmt(change)})` +
        (worst && sign * worst.contribution < 0
          ? `; most of it in ${worst.by}=${worst.key} (${fmt(worst.contribution)}${worst.current.value !== null ? `, ${metric} ${fmt(worst.current.value)} there` : ''})`
          : '') +
        (suspect?.drifted ? `; ${suspect.feature} drifted (PSI ${fmt(suspect.psi ?? 0)})` : '') +
        '.';
  return {
    model: name,
    metric,
    higherIsBetter,
    baseline: { window: windows.baseline, value: M, labeled: base.overall.labeled },
    current: { window: windows.current, value, labeled: cur.overall.labeled },
    change,
    slices: slices.slice(0, 50),
    features,
    summary,
  };
}
