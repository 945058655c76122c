/**
 * Validation of search spaces (before any trial runs) and the small numeric helpers the samplers
 * share: per-trial seeds and uniform draws from one domain.
 */
import { describeValue } from '../../core/index.js';
import type { ModelFamily } from '../family.js';
import { invalid } from '../input-checks.js';
import { SeededRandom } from '../seeded-random.js';
import type { ParamDomain, ParamSet, ParamValue, SearchSpace } from './space.js';

/** Whether an optimizer wants the objective low or high. */
export type Direction = 'minimize' | 'maximize';

/** Options of {@link checkSpace}. */
export interface CheckSpaceOptions {
  /** When given, every parameter of the space must be one of `family.params`. */
  family?: Pick<ModelFamily, 'name' | 'params'>;
}

function checkValue(value: unknown, where: string): void {
  const ok =
    value === null ||
    typeof value === 'string' ||
    typeof value === 'boolean' ||
    (typeof value === 'number' && Number.isFinite(value));
  if (!ok)
    throw invalid(`${where} must be a string, finite number, boolean or null; got ${describeValue(value)}`, {
      field: where,
    });
}

function checkDomain(name: string, domain: ParamDomain): void {
  const where = `space.${name}`;
  if (typeof domain !== 'object' || domain === null)
    throw invalid(
      `${where} must be a domain object ({ type: 'int' | 'float' | 'categorical', … }); got ${describeValue(domain)}`,
      {
        field: name,
      },
    );
  if (domain.type === 'categorical') {
    if (!Array.isArray(domain.choices) || domain.choices.length === 0)
      throw invalid(`${where}.choices must be a non-empty array; got ${describeValue(domain.choices)}`, {
        field: name,
      });
    for (const [i, c] of domain.choices.entries()) checkValue(c, `${where}.choices[${i}]`);
    return;
  }
  if (domain.type !== 'int' && domain.type !== 'float')
    throw invalid(
      `${where}.type must be one of int, float, categorical; got ${describeValue((domain as { type: unknown }).type)}`,
      { field: name },
    );
  const { low, high } = domain;
  for (const [key, v] of [
    ['low', low],
    ['high', high],
  ] as const) {
    if (typeof v !== 'number' || !Number.isFinite(v) || (domain.type === 'int' && !Number.isSafeInteger(v)))
      throw invalid(
        `${where}.${key} must be a finite ${domain.type === 'int' ? 'integer' : 'number'}; got ${describeValue(v)}`,
        { field: name },
      );
  }
  if (low > high) throw invalid(`${where}: low (${low}) must be <= high (${high})`, { field: name });
  if (domain.log !== undefined && typeof domain.log !== 'boolean')
    throw invalid(`${where}.log must be a boolean; got ${describeValue(domain.log)}`, { field: name });
  if (domain.log && domain.type === 'float' && low <= 0)
    throw invalid(`${where}: a log-scaled float domain needs low > 0; got low = ${low}`, { field: name });
  if (domain.log && domain.type === 'int' && low < 1)
    throw invalid(`${where}: a log-scaled int domain needs low >= 1; got low = ${low}`, { field: name });
}

/**
 * Checks a search space: at least one parameter; int/float domains with finite `low <= high`
 * (integers for `int`), `log` only with `low > 0` (float) or `low >= 1` (int); categorical domains
 * with a non-empty list of strings, finite numbers, booleans or null. With `family`, each parameter
 * must be one the family accepts.
 * @returns the parameter names in the space's key order (the order samplers draw them in).
 * @throws LatheError INVALID_ARGUMENT naming the parameter and the valid range or options.
 */
export function checkSpace(space: SearchSpace, options: CheckSpaceOptions = {}): string[] {
  if (typeof space !== 'object' || space === null || Array.isArray(space))
    throw invalid(
      `the search space must be an object of parameter name → domain; got ${describeValue(space)}`,
      {
        field: 'space',
      },
    );
  const names = Object.keys(space);
  if (names.length === 0)
    throw invalid(
      options.family
        ? `the search space is empty; give at least one parameter of model ${options.family.name}: ${Object.keys(options.family.params).join(', ')}`
        : 'the search space is empty; give at least one parameter',
      { field: 'space' },
    );
  for (const name of names) {
    if (options.family && !Object.hasOwn(options.family.params, name))
      throw invalid(
        `model ${options.family.name} has no parameter ${JSON.stringify(name)}; valid parameters are ${Object.keys(options.family.params).join(', ')}`,
        { field: name },
      );
    checkDomain(name, space[name]!);
  }
  return names;
}

/** Checks a direction string. */
export function checkDirection(direction: unknown): Direction {
  if (direction !== 'minimize' && direction !== 'maximize')
    throw invalid(`direction must be minimize or maximize; got ${describeValue(direction)}`, {
      field: 'direction',
    });
  return direction;
}

/** Checks a seed (a safe integer; default 0). */
export function checkSeed(seed: unknown): number {
  if (seed === undefined) return 0;
  if (typeof seed !== 'number' || !Number.isSafeInteger(seed))
    throw invalid(`seed must be a safe integer; got ${describeValue(seed)}`, { field: 'seed' });
  return seed;
}

/**
 * The generator of trial `index` under `seed` (a 32-bit mix of both): a trial's random draws depend
 * only on the seed and its index, never on which trials finished first.
 */
export function trialRandom(seed: number, index: number, salt = 0): SeededRandom {
  let h = Math.imul((seed >>> 0) ^ 0x9e3779b9, 0x85ebca6b);
  h ^= Math.floor(seed / 4294967296) | 0;
  h = Math.imul(h ^ (h >>> 15), 0xc2b2ae35);
  h ^= Math.imul(index + 1, 0x27d4eb2d);
  h = Math.imul(h ^ (h >>> 13), 0x165667b1);
  h ^= Math.imul(salt + 1, 0x9e3779b1);
  return new SeededRandom((h ^ (h >>> 16)) >>> 0);
}

/**
 * The interval a numeric domain is modelled on: `[low, high]`, widened by ½ for integers (so each
 * integer owns a unit cell), log-transformed when `log`.
 */
export function numericBounds(domain: ParamDomain & { type: 'int' | 'float' }): [number, number] {
  const pad = domain.type === 'int' ? 0.5 : 0;
  const a = domain.low - pad;
  const b = domain.high + pad;
  return domain.log ? [Math.log(a), Math.log(b)] : [a, b];
}

/** Maps a point of the modelled interval (see {@link numericBounds}) back to a value of the domain. */
export function fromModelled(domain: ParamDomain & { type: 'int' | 'float' }, v: number): number {
  let x = domain.log ? Math.exp(v) : v;
  if (domain.type === 'int') x = Math.round(x);
  return Math.min(domain.high, Math.max(domain.low, x));
}

/** Maps a value of a numeric domain onto its modelled interval. */
export function toModelled(domain: ParamDomain & { type: 'int' | 'float' }, x: number): number {
  return domain.log ? Math.log(x) : x;
}

/** One uniform (log-uniform when `log`) draw from `domain`. */
export function sampleUniform(domain: ParamDomain, rng: SeededRandom): ParamValue {
  if (domain.type === 'categorical') return domain.choices[rng.int(domain.choices.length)]!;
  const [a, b] = numericBounds(domain);
  return fromModelled(domain, a + rng.uniform() * (b - a));
}

/** One uniform draw of every parameter, in `names` order. */
export function sampleSpace(space: SearchSpace, names: readonly string[], rng: SeededRandom): ParamSet {
  const out: ParamSet = {};
  for (const name of names) out[name] = sampleUniform(space[name]!, rng);
  return out;
}
