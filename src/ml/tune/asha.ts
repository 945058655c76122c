/**
 * Asynchronous successive halving (ASHA, Li et al. 2018), in its stopping form: every trial starts
 * at the smallest budget; after each rung it continues to the next budget only while its value is
 * among the best 1/η of the values recorded at that rung so far, so no trial ever waits for others.
 */
import { describeValue } from '../../core/index.js';
import type { ModelFamily } from '../family.js';
import { invalid } from '../input-checks.js';
import { checkDirection, type Direction } from './check-space.js';
import type { ParamSet, SearchSpace } from './space.js';

/** What a scheduler decides after a report: run the trial at `budget` next, or stop it. */
export type Decision =
  | { action: 'continue'; budget: number }
  | { action: 'stop'; state: 'complete' | 'pruned' };

/** Early stopping of trials over increasing budgets, driven by {@link runSearch}. */
export interface Scheduler {
  /** Budgets of the rungs, ascending; the last is the full budget. */
  readonly rungs: readonly number[];
  /** Records `value` of `trial` at `budget` (a rung) and decides what the trial does next. */
  report(trial: number, budget: number, value: number): Decision;
}

/** Options of {@link AshaScheduler}. */
export interface AshaOptions {
  /** Budget of the first rung (> 0). */
  minBudget: number;
  /** Full budget (>= minBudget); the last rung. */
  maxBudget: number;
  /** Reduction factor η > 1 (default 3): about 1/η of a rung's trials go on to the next. */
  eta?: number;
  /** Round rung budgets to integers (tree counts, boosting rounds, iterations). */
  integer?: boolean;
  /** Defaults to minimize; {@link runSearch} passes its own direction. */
  direction?: Direction;
}

/**
 * Rungs at minBudget·η^k below maxBudget, then maxBudget (e.g. 1/9, 1/3, 1 for η = 3). A trial is
 * promoted from a rung when its value is at least as good as the ⌊n/η⌋-th best (1-based, at least
 * the best) of the n values recorded there, its own included, as Optuna's successive-halving pruner
 * does; so the first trial to reach a rung always continues. NaN values are pruned.
 */
export class AshaScheduler implements Scheduler {
  readonly rungs: readonly number[];
  readonly eta: number;
  readonly direction: Direction;
  private readonly recorded: Map<number, number>[];

  /** @throws LatheError INVALID_ARGUMENT for budgets that are not positive and ordered, or η <= 1. */
  constructor(options: AshaOptions) {
    const { minBudget, maxBudget } = options;
    const eta = options.eta ?? 3;
    if (typeof minBudget !== 'number' || !Number.isFinite(minBudget) || minBudget <= 0)
      throw invalid(`minBudget must be a finite number > 0; got ${describeValue(minBudget)}`, {
        field: 'minBudget',
      });
    if (typeof maxBudget !== 'number' || !Number.isFinite(maxBudget) || maxBudget < minBudget)
      throw invalid(
        `maxBudget must be a finite number >= minBudget (${minBudget}); got ${describeValue(maxBudget)}`,
        {
          field: 'maxBudget',
        },
      );
    if (typeof eta !== 'number' || !Number.isFinite(eta) || eta <= 1)
      throw invalid(`eta must be a finite number > 1; got ${describeValue(eta)}`, { field: 'eta' });
    this.eta = eta;
    this.direction = checkDirection(options.direction ?? 'minimize');
    const rungs: number[] = [];
    for (let b = minBudget; b < maxBudget * (1 - 1e-9); b *= eta)
      rungs.push(options.integer ? Math.round(b) : b);
    rungs.push(maxBudget);
    this.rungs = [...new Set(rungs)];
    this.recorded = this.rungs.map(() => new Map());
  }

  /** The rung index of `budget`; throws when it is not a rung. */
  rungOf(budget: number): number {
    const k = this.rungs.findIndex((r) => Math.abs(r - budget) <= 1e-9 * Math.max(1, Math.abs(r)));
    if (k < 0)
      throw invalid(`budget ${budget} is not a rung; rungs are ${this.rungs.join(', ')}`, {
        field: 'budget',
      });
    return k;
  }

  /** Whether `value` is good enough, among the values recorded at rung `rung`, to go on. */
  shouldPromote(value: number, rung: number): boolean {
    if (Number.isNaN(value)) return false;
    const sign = this.direction === 'minimize' ? 1 : -1;
    const values = [...this.recorded[rung]!.values()]
      .filter((v) => !Number.isNaN(v))
      .sort((a, b) => sign * (a - b));
    if (values.length === 0) return true;
    const k = Math.max(0, Math.floor(values.length / this.eta) - 1);
    return sign * (value - values[k]!) <= 0;
  }

  report(trial: number, budget: number, value: number): Decision {
    const rung = this.rungOf(budget);
    this.recorded[rung]!.set(trial, value);
    if (rung === this.rungs.length - 1) return { action: 'stop', state: 'complete' };
    if (!this.shouldPromote(value, rung)) return { action: 'stop', state: 'pruned' };
    return { action: 'continue', budget: this.rungs[rung + 1]! };
  }
}

/** How a family's trials are budgeted under successive halving. */
export type BudgetPlan =
  /** The family's budget parameter (trees, rounds, iterations) takes the rung budgets. */
  | {
      kind: 'param';
      param: string;
      minBudget: number;
      maxBudget: number;
      eta: number;
      integer: true;
      space: SearchSpace;
    }
  /** A share of the training rows takes the rung budgets (pass it as `trainFraction`). */
  | { kind: 'rows'; minBudget: number; maxBudget: 1; eta: number; integer: false; space: SearchSpace };

/**
 * The budget of successive halving for `family`: its `budgetParam` when the search space gives it
 * an int range (or `minBudget`/`maxBudget` are given), which is then taken out of the space; else
 * a share of the training rows from 1/η² to 1. The plan's fields are {@link AshaOptions}, so
 * `new AshaScheduler(plan)` schedules it.
 */
export function budgetPlan(
  family: Pick<ModelFamily, 'budgetParam' | 'space'>,
  options: { space?: SearchSpace; eta?: number; minBudget?: number; maxBudget?: number } = {},
): BudgetPlan {
  const space = options.space ?? family.space;
  const eta = options.eta ?? 3;
  const param = family.budgetParam;
  const domain = param === undefined ? undefined : space[param];
  const range =
    options.minBudget !== undefined && options.maxBudget !== undefined
      ? [options.minBudget, options.maxBudget]
      : domain && domain.type !== 'categorical'
        ? [options.minBudget ?? domain.low, options.maxBudget ?? domain.high]
        : undefined;
  if (param !== undefined && range) {
    const rest = Object.fromEntries(Object.entries(space).filter(([k]) => k !== param));
    return {
      kind: 'param',
      param,
      minBudget: range[0]!,
      maxBudget: range[1]!,
      eta,
      integer: true,
      space: rest,
    };
  }
  return {
    kind: 'rows',
    minBudget: options.minBudget ?? 1 / eta ** 2,
    maxBudget: 1,
    eta,
    integer: false,
    space,
  };
}

/** `params` with the budget parameter set to `budget` (rounded) for a `param` plan; else unchanged. */
export function withBudget(params: ParamSet, plan: BudgetPlan, budget: number): ParamSet {
  return plan.kind === 'param' ? { ...params, [plan.param]: Math.round(budget) } : params;
}
