/** Random search: independent uniform (log-uniform where `log`) draws per trial. */
import { checkSeed, checkSpace, sampleSpace, trialRandom } from './check-space.js';
import type { Sampler, TrialResult } from './sampler.js';
import type { ParamSet, SearchSpace } from './space.js';

/**
 * Draws every parameter uniformly: floats on [low, high] (log-uniformly when `log`), integers
 * uniformly over low..high (on the log scale when `log`), categorical choices with equal chance.
 * Trial `index`'s draw depends only on the seed and `index`, so the same seed proposes the same
 * trials whatever the order they finish in.
 */
export class RandomSampler implements Sampler {
  readonly name = 'random';
  private readonly names: string[];
  private readonly seed: number;

  /** @throws LatheError INVALID_ARGUMENT for an invalid space or seed. */
  constructor(
    private readonly space: SearchSpace,
    options: { seed?: number } = {},
  ) {
    this.names = checkSpace(space);
    this.seed = checkSeed(options.seed);
  }

  ask(index: number): ParamSet {
    return sampleSpace(this.space, this.names, trialRandom(this.seed, index));
  }

  tell(_result: TrialResult): void {}
}
