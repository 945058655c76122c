/**
 * Tree-structured Parzen Estimator (Bergstra et al. 2011) with Optuna 3's defaults: 10 random
 * startup trials, the best γ(n) = min(⌈0.1·n⌉, 25) trials are "good", one univariate Parzen
 * estimator per parameter for the good (l) and the other (g) trials, 24 candidates drawn from l and
 * the one with the largest l(x)/g(x) proposed.
 */
import { describeValue } from '../../core/index.js';
import { invalid } from '../input-checks.js';
import type { SeededRandom } from '../seeded-random.js';
import {
  checkDirection,
  checkSeed,
  checkSpace,
  type Direction,
  fromModelled,
  sampleSpace,
  toModelled,
  trialRandom,
} from './check-space.js';
import { categoricalParzen, defaultWeights, numericParzen, type ParzenEstimator } from './parzen.js';
import type { Sampler, SamplerOptions, TrialResult } from './sampler.js';
import type { ParamDomain, ParamSet, ParamValue, SearchSpace } from './space.js';

/** Optuna's default γ: min(⌈0.1·n⌉, 25). */
export function defaultGamma(n: number): number {
  return Math.min(Math.ceil(0.1 * n), 25);
}

function positiveInt(value: unknown, name: string, fallback: number, min: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min)
    throw invalid(`${name} must be an integer >= ${min}; got ${describeValue(value)}`, { field: name });
  return value;
}

function choiceIndex(domain: ParamDomain & { type: 'categorical' }, value: ParamValue): number {
  return domain.choices.findIndex((c) => Object.is(c, value) || c === value);
}

/**
 * TPE over `space`. Trials before `startupTrials` (counting complete and pruned trials told so far)
 * are uniform draws; then each parameter is drawn independently from the estimators fitted on the
 * trials told so far. Good trials: complete trials ranked by value (in `direction`), then pruned
 * trials ranked by the budget they reached (higher first) and their value; failed trials are
 * ignored. Draws of trial `index` come from a generator seeded by (seed, index), so a run is
 * deterministic given the seed and the order of asks and tells.
 */
export class TpeSampler implements Sampler {
  readonly name = 'tpe';
  private readonly names: string[];
  private readonly seed: number;
  private readonly direction: Direction;
  private readonly startupTrials: number;
  private readonly candidates: number;
  private readonly priorWeight: number;
  private readonly gamma: (n: number) => number;
  private readonly told: TrialResult[] = [];

  /** @throws LatheError INVALID_ARGUMENT for an invalid space or option. */
  constructor(
    private readonly space: SearchSpace,
    options: SamplerOptions = {},
  ) {
    this.names = checkSpace(space);
    this.seed = checkSeed(options.seed);
    this.direction = checkDirection(options.direction ?? 'minimize');
    this.startupTrials = positiveInt(options.startupTrials, 'startupTrials', 10, 0);
    this.candidates = positiveInt(options.eiCandidates, 'eiCandidates', 24, 1);
    const pw = options.priorWeight ?? 1;
    if (typeof pw !== 'number' || !Number.isFinite(pw) || pw <= 0)
      throw invalid(`priorWeight must be a finite number > 0; got ${describeValue(pw)}`, {
        field: 'priorWeight',
      });
    this.priorWeight = pw;
    this.gamma = options.gamma ?? defaultGamma;
  }

  tell(result: TrialResult): void {
    if (result.state === 'failed' || result.value === undefined || !Number.isFinite(result.value)) return;
    this.told.push(result);
  }

  ask(index: number): ParamSet {
    const rng = trialRandom(this.seed, index);
    const n = this.told.length;
    if (n < Math.max(1, this.startupTrials)) return sampleSpace(this.space, this.names, rng);
    const [below, above] = this.split(Math.max(1, Math.min(n, Math.floor(this.gamma(n)))));
    const out: ParamSet = {};
    for (const name of this.names) out[name] = this.sampleParam(name, below, above, rng);
    return out;
  }

  /** The good and the other trials, each in trial order. */
  private split(nBelow: number): [TrialResult[], TrialResult[]] {
    const sign = this.direction === 'minimize' ? 1 : -1;
    const complete = this.told
      .filter((t) => t.state === 'complete')
      .sort((p, q) => sign * (p.value! - q.value!) || p.index - q.index);
    const pruned = this.told
      .filter((t) => t.state === 'pruned')
      .sort((p, q) => (q.budget ?? 0) - (p.budget ?? 0) || sign * (p.value! - q.value!) || p.index - q.index);
    const ranked = [...complete, ...pruned];
    const byIndex = (p: TrialResult, q: TrialResult) => p.index - q.index;
    return [ranked.slice(0, nBelow).sort(byIndex), ranked.slice(nBelow).sort(byIndex)];
  }

  private estimator(domain: ParamDomain, trials: readonly TrialResult[], name: string): ParzenEstimator {
    const weights = defaultWeights(trials.length);
    if (domain.type === 'categorical') {
      const obs = trials.map((t) => Math.max(0, choiceIndex(domain, t.params[name] ?? null)));
      return categoricalParzen(domain.choices.length, obs, weights, this.priorWeight);
    }
    const obs = trials.map((t) => toModelled(domain, Number(t.params[name])));
    return numericParzen(domain, obs, weights, this.priorWeight);
  }

  private sampleParam(
    name: string,
    below: readonly TrialResult[],
    above: readonly TrialResult[],
    rng: SeededRandom,
  ): ParamValue {
    const domain = this.space[name]!;
    const l = this.estimator(domain, below, name);
    const g = this.estimator(domain, above, name);
    let best = 0;
    let bestScore = Number.NEGATIVE_INFINITY;
    for (let c = 0; c < this.candidates; c++) {
      let x = l.sample(rng);
      if (domain.type === 'int') x = toModelled(domain, fromModelled(domain, x));
      const score = l.logPdf(x) - g.logPdf(x);
      if (score > bestScore || c === 0) {
        best = x;
        bestScore = score;
      }
    }
    return domain.type === 'categorical' ? domain.choices[best]! : fromModelled(domain, best);
  }
}
