/**
 * The metrics a search can optimize: the names `evaluate` reports, with the task they belong to,
 * whether they need class probabilities and whether higher or lower is better.
 */
import { describeValue } from '../../core/index.js';
import type { Task } from '../family.js';
import { invalid } from '../input-checks.js';
import type { Direction } from './check-space.js';

/** What the search needs to know about one metric. */
export interface MetricInfo {
  /** `maximize` when higher is better. */
  direction: Direction;
  /** The tasks `evaluate` reports it for. */
  tasks: readonly Task[];
  /** Computed from predicted probabilities (the model needs `predictProba`). */
  proba: boolean;
}

const B: readonly Task[] = ['binary'];
const M: readonly Task[] = ['multiclass'];
const C: readonly Task[] = ['binary', 'multiclass'];
const R: readonly Task[] = ['regression'];
const up = (tasks: readonly Task[], proba = false): MetricInfo => ({ direction: 'maximize', tasks, proba });
const down = (tasks: readonly Task[], proba = false): MetricInfo => ({ direction: 'minimize', tasks, proba });

/** Metric name (as `evaluate` names it) → direction, tasks and whether it reads probabilities. */
export const METRICS: Readonly<Record<string, MetricInfo>> = {
  accuracy: up(C),
  balanced_accuracy: up(C),
  precision: up(B),
  recall: up(B),
  f1: up(B),
  roc_auc: up(B, true),
  average_precision: up(B, true),
  log_loss: down(C, true),
  brier_score: down(B, true),
  precision_macro: up(M),
  recall_macro: up(M),
  f1_macro: up(M),
  precision_weighted: up(M),
  recall_weighted: up(M),
  f1_weighted: up(M),
  roc_auc_ovr: up(M, true),
  roc_auc_ovr_weighted: up(M, true),
  mae: down(R),
  mse: down(R),
  rmse: down(R),
  mape: down(R),
  r2: up(R),
  explained_variance: up(R),
};

/**
 * The metric's entry in {@link METRICS}; with `task`, it must be one `evaluate` reports for it.
 * @throws LatheError INVALID_ARGUMENT naming the valid metrics (of the task, when given).
 */
export function metricInfo(name: string, task?: Task): MetricInfo {
  const info = Object.hasOwn(METRICS, name) ? METRICS[name] : undefined;
  if (!info || (task !== undefined && !info.tasks.includes(task))) {
    const valid = Object.keys(METRICS).filter((m) => task === undefined || METRICS[m]!.tasks.includes(task));
    throw invalid(
      `unknown metric ${describeValue(name)}${task === undefined ? '' : ` for a ${task} task`}; valid metrics are ${valid.join(', ')}`,
      { field: 'metric' },
    );
  }
  return info;
}

/**
 * Whether higher (`maximize`) or lower (`minimize`) values of metric `name` are better.
 * @throws LatheError INVALID_ARGUMENT for an unknown metric, naming the valid ones.
 */
export function metricDirection(name: string): Direction {
  return metricInfo(name).direction;
}
