/**
 * The sampler contract (ask/tell, as Optuna's samplers): `ask(index)` proposes the parameters of
 * trial `index`, `tell(result)` reports how a trial ended. Samplers are deterministic given their
 * seed and the sequence of asks and tells.
 */
import type { Direction } from './check-space.js';
import type { ParamSet } from './space.js';

/** How a trial ended: run to its full budget, stopped early by a scheduler, or failed. */
export type TrialState = 'complete' | 'pruned' | 'failed';

/** What a sampler is told about a finished trial. */
export interface TrialResult {
  /** The index the trial was asked with (0-based, in ask order). */
  index: number;
  params: ParamSet;
  state: TrialState;
  /** The objective value (complete), or the last value reported before pruning (pruned). */
  value?: number;
  /** The budget `value` was measured at (with a scheduler). */
  budget?: number;
}

/** A proposal strategy for hyperparameters. */
export interface Sampler {
  /** `grid`, `random`, `tpe` or a custom name. */
  readonly name: string;
  /** How many distinct points the sampler proposes, when finite (the grid). */
  readonly size?: number;
  /** True when the grid was asked to run on fewer trials than it has points (a seeded subset). */
  readonly partial?: boolean;
  /**
   * The parameters of trial `index` (asked in increasing order), or undefined when the sampler has
   * nothing left to propose (a grid run to its end).
   */
  ask(index: number): ParamSet | undefined;
  /** Records how a trial ended; later asks may condition on it (TPE). */
  tell(result: TrialResult): void;
}

/** The built-in samplers. */
export type SamplerName = 'grid' | 'random' | 'tpe';

/** The names {@link createSampler} accepts. */
export const SAMPLER_NAMES: readonly SamplerName[] = ['grid', 'random', 'tpe'];

/** Options of the built-in samplers (each reads its own; the others are ignored). */
export interface SamplerOptions {
  /** Seed of every random draw (default 0). */
  seed?: number;
  /** Whether lower or higher objective values are better (TPE; default minimize). */
  direction?: Direction;
  /**
   * Grid: points per numeric domain, one count for all or per parameter name (default 5; evenly
   * spaced from low to high, geometrically when `log`; integers rounded and deduplicated).
   */
  gridPoints?: number | Readonly<Record<string, number>>;
  /**
   * Grid: allow a search with fewer trials than grid points; the trials then take a seeded random
   * subset of the grid (default false: {@link runSearch} refuses such a search).
   */
  partialGrid?: boolean;
  /** TPE: trials drawn at random before the model is used (default 10, as Optuna). */
  startupTrials?: number;
  /** TPE: candidates drawn from l(x) per parameter, the best l(x)/g(x) wins (default 24). */
  eiCandidates?: number;
  /** TPE: weight of the prior kernel in each Parzen estimator (default 1). */
  priorWeight?: number;
  /** TPE: how many of n trials count as good (default Optuna's min(⌈0.1·n⌉, 25)). */
  gamma?: (n: number) => number;
}
