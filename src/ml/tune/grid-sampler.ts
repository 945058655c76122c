/** Grid search: the full cartesian product of the domains, in a fixed order. */
import { describeValue } from '../../core/index.js';
import { invalid } from '../input-checks.js';
import { checkSeed, checkSpace, trialRandom } from './check-space.js';
import type { Sampler, TrialResult } from './sampler.js';
import type { ParamDomain, ParamSet, ParamValue, SearchSpace } from './space.js';

/** Default number of grid points per numeric domain. */
export const DEFAULT_GRID_POINTS = 5;

function pointsOf(name: string, gridPoints: number | Readonly<Record<string, number>> | undefined): number {
  const n =
    gridPoints === undefined
      ? DEFAULT_GRID_POINTS
      : typeof gridPoints === 'number'
        ? gridPoints
        : (gridPoints[name] ?? DEFAULT_GRID_POINTS);
  if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < 1)
    throw invalid(`gridPoints for ${name} must be an integer >= 1; got ${describeValue(n)}`, {
      field: 'gridPoints',
    });
  return n;
}

/**
 * The grid values of one domain: every categorical choice; for numeric domains `points` values
 * evenly spaced from low to high (geometrically when `log`; the midpoint when `points` is 1),
 * integers rounded and deduplicated.
 */
export function gridValues(domain: ParamDomain, points: number): ParamValue[] {
  if (domain.type === 'categorical') return [...domain.choices];
  const { low, high } = domain;
  const at = (t: number) =>
    domain.log ? Math.exp(Math.log(low) + t * (Math.log(high) - Math.log(low))) : low + t * (high - low);
  const raw = points === 1 ? [at(0.5)] : Array.from({ length: points }, (_, i) => at(i / (points - 1)));
  if (points > 1) {
    raw[0] = low;
    raw[points - 1] = high;
  }
  const values = raw.map((v) => Math.min(high, Math.max(low, domain.type === 'int' ? Math.round(v) : v)));
  return [...new Set(values)];
}

/**
 * Enumerates the cartesian product of {@link gridValues} of each parameter, the last parameter of
 * the space varying fastest (trial 0 takes every parameter's first value). `size` is the number of
 * points; asks beyond it return undefined. With `partial`, trials take the points in a seeded
 * random order instead (so a budget smaller than the grid still spreads over all of it).
 */
export class GridSampler implements Sampler {
  readonly name = 'grid';
  readonly size: number;
  readonly partial: boolean;
  private readonly names: string[];
  private readonly values: ParamValue[][];
  private readonly seed: number;
  private readonly order: number[] = [];
  private readonly used = new Set<number>();

  /** @throws LatheError INVALID_ARGUMENT for an invalid space, seed or grid point count. */
  constructor(
    space: SearchSpace,
    options: {
      gridPoints?: number | Readonly<Record<string, number>>;
      partialGrid?: boolean;
      seed?: number;
    } = {},
  ) {
    this.names = checkSpace(space);
    this.seed = checkSeed(options.seed);
    this.partial = options.partialGrid === true;
    this.values = this.names.map((name) => gridValues(space[name]!, pointsOf(name, options.gridPoints)));
    this.size = this.values.reduce((p, v) => p * v.length, 1);
  }

  /** The grid point with number `n` (0 ≤ n < size), last parameter fastest. */
  point(n: number): ParamSet {
    const out: ParamSet = {};
    let rest = n;
    for (let j = this.names.length - 1; j >= 0; j--) {
      const vals = this.values[j]!;
      out[this.names[j]!] = vals[rest % vals.length]!;
      rest = Math.floor(rest / vals.length);
    }
    return Object.fromEntries(this.names.map((name) => [name, out[name]!]));
  }

  ask(index: number): ParamSet | undefined {
    if (index >= this.size) return undefined;
    if (!this.partial) return this.point(index);
    // Seeded draws without replacement, made lazily in ask order (asks come in index order).
    while (this.order.length <= index) {
      const rng = trialRandom(this.seed, this.order.length, 1);
      let n = Math.floor(rng.uniform() * this.size);
      while (this.used.has(n)) n = Math.floor(rng.uniform() * this.size);
      this.used.add(n);
      this.order.push(n);
    }
    return this.point(this.order[index]!);
  }

  tell(_result: TrialResult): void {}
}
