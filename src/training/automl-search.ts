/**
 * AutoML's cost-frugal proposals, in the spirit of FLAML's CFO: families ordered by expected cost,
 * each started at its cheapStart; then TPE proposals per family (conditioned on that family's
 * results) with the family's budget parameter (trees, rounds, iterations) capped at a value that
 * doubles with each trial of the family, so cheap configurations come first and cost grows only
 * where it pays.
 */
import {
  type Direction,
  type ModelFamily,
  modelFamily,
  type ParamSet,
  type SearchSpace,
  SeededRandom,
  TpeSampler,
} from '../ml/index.js';

/** Expected cost rank of a family (lower is cheaper); unknown families go last. */
const COST_RANK: Record<string, number> = {
  'naive-bayes': 0,
  linear: 1,
  ridge: 1,
  lasso: 2,
  'elastic-net': 2,
  logistic: 2,
  'decision-tree': 3,
  knn: 4,
  'extra-trees': 5,
  rf: 6,
  gbdt: 7,
};

/** `names` from the cheapest to the most expensive family (stable for equal ranks). */
export function orderByCost(names: readonly string[]): string[] {
  return names
    .map((n, i) => ({ n, i, r: COST_RANK[n] ?? 8 }))
    .sort((a, b) => a.r - b.r || a.i - b.i)
    .map((x) => x.n);
}

/** Whether TPE can learn from `params`: every numeric parameter of `space` is a usable number. */
function fitsSpace(params: ParamSet, space: SearchSpace): boolean {
  for (const [name, d] of Object.entries(space)) {
    if (d.type === 'categorical') continue;
    const v = params[name];
    if (typeof v !== 'number' || !Number.isFinite(v) || (d.log && v <= 0)) return false;
  }
  return true;
}

/** One result as the proposer learns from it. */
export interface Observed {
  model: string;
  params: ParamSet;
  value: number;
}

/** Proposes the next candidates of each family. */
export class Proposer {
  readonly #samplers = new Map<string, TpeSampler>();
  readonly #counts = new Map<string, number>();
  readonly #best = new Map<string, number>();
  readonly #random: SeededRandom;
  #asked = 0;

  constructor(
    private readonly direction: Direction,
    private readonly seed: number,
  ) {
    this.#random = new SeededRandom(seed + 7919);
  }

  #sampler(family: ModelFamily): TpeSampler | undefined {
    if (Object.keys(family.space).length === 0) return undefined;
    let s = this.#samplers.get(family.name);
    if (!s) {
      s = new TpeSampler(family.space, { seed: this.seed, direction: this.direction, startupTrials: 3 });
      this.#samplers.set(family.name, s);
    }
    return s;
  }

  /** Learns a finished candidate's value. */
  tell(o: Observed): void {
    const family = modelFamily(o.model);
    this.#counts.set(o.model, (this.#counts.get(o.model) ?? 0) + 1);
    const sign = this.direction === 'maximize' ? -1 : 1;
    const b = this.#best.get(o.model);
    if (b === undefined || sign * (o.value - b) < 0) this.#best.set(o.model, o.value);
    const s = this.#sampler(family);
    if (s && fitsSpace(o.params, family.space))
      s.tell({
        index: 1_000_000 + this.#counts.get(o.model)!,
        params: o.params,
        state: 'complete',
        value: o.value,
      });
  }

  /** Families with results, best first. */
  ranked(): string[] {
    const sign = this.direction === 'maximize' ? -1 : 1;
    return [...this.#best.entries()].sort((a, b) => sign * (a[1] - b[1])).map(([n]) => n);
  }

  /**
   * A family among the best three (chances 0.6, 0.25, 0.15), skipping those `affordable` refuses;
   * undefined when none is affordable.
   */
  pickFamily(affordable: (name: string) => boolean): string | undefined {
    const top = this.ranked()
      .filter((n) => Object.keys(modelFamily(n).space).length > 0 && affordable(n))
      .slice(0, 3);
    if (top.length === 0) return undefined;
    const weights = [0.6, 0.25, 0.15].slice(0, top.length);
    let u = this.#random.uniform() * weights.reduce((a, b) => a + b, 0);
    for (let i = 0; i < top.length; i++) {
      u -= weights[i]!;
      if (u <= 0) return top[i];
    }
    return top[top.length - 1];
  }

  /** The budget parameter's cap for the family's next trial: cheapStart · 2^trials, within the space. */
  budgetCap(family: ModelFamily): number | undefined {
    const bp = family.budgetParam;
    const d = bp === undefined ? undefined : family.space[bp];
    if (!d || d.type === 'categorical') return undefined;
    const start = typeof family.cheapStart[bp!] === 'number' ? (family.cheapStart[bp!] as number) : d.low;
    return Math.min(d.high, Math.max(d.low, Math.round(start * 2 ** (this.#counts.get(family.name) ?? 0))));
  }

  /** A TPE proposal for `family` with its budget parameter capped (see {@link budgetCap}). */
  propose(family: ModelFamily): ParamSet | undefined {
    const s = this.#sampler(family);
    if (!s) return undefined;
    const params = s.ask(this.#asked++);
    const cap = this.budgetCap(family);
    const bp = family.budgetParam!;
    if (cap !== undefined && typeof params[bp] === 'number' && (params[bp] as number) > cap) params[bp] = cap;
    return params;
  }
}

/**
 * The members of AutoML's averaged ensemble from candidates ranked best first (single models
 * only): up to `max` sharing the best one's encoding plan, the best of each family first (for
 * diversity), then the next best. Fewer than two means no ensemble.
 */
export function ensembleMembers<C extends { model: string; plan: string }>(
  ranked: readonly C[],
  max = 3,
): C[] {
  if (!ranked.length) return [];
  const sharing = ranked.filter((c) => c.plan === ranked[0]!.plan);
  const members: C[] = [];
  for (const c of sharing) if (!members.some((x) => x.model === c.model)) members.push(c);
  for (const c of sharing) if (!members.includes(c)) members.push(c);
  return members.slice(0, max);
}
