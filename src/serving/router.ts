/**
 * Traffic routing of a deployment: which model reference answers a request. Weights are
 * percentages over routes in spec order; each route owns the half-open range
 * `[cumulative before it, cumulative through it)` of `[0, 100)`. A request draws a point in that
 * interval (at random, or from a stable hash of its sticky value) and goes to the route whose
 * range holds the point. Pure: no I/O, no wall clock; randomness comes from an injected or seeded
 * generator.
 */
import { describeValue, LatheError } from '../core/index.js';
import { SeededRandom } from '../ml/index.js';

/** One route of a traffic split: a key the caller resolves (a model reference) and its share. */
export interface TrafficRoute {
  key: string;
  /** Percentage of traffic, `>= 0`; the weights of a router sum to 100. */
  weight: number;
}

/** How a router is built. */
export interface TrafficRouterOptions {
  /** Routes in spec order (the order fixes the hash ranges, so keep it stable across updates). */
  routes: readonly TrafficRoute[];
  /** Route by a stable hash of this request field, so one user always sees one model. */
  sticky?: { field: string };
  /** Seed of the default generator (tests); without it a random seed. */
  seed?: number;
  /** A generator of uniform numbers in `[0, 1)`; takes precedence over `seed`. */
  random?: () => number;
}

/** What `pick` reads of a request: the sticky field's value, when the router is sticky. */
export interface RouteRequest {
  stickyValue?: string | number | null;
}

/** Tolerance on the weight sum (percentages such as 33.3 + 33.3 + 33.4 sum to 100 in floats). */
const SUM_TOLERANCE = 1e-6;

function invalid(message: string, details: Record<string, unknown>): LatheError {
  return new LatheError('INVALID_ARGUMENT', message, details);
}

/** A seeded generator of uniform numbers in `[0, 1)` (the library's SeededRandom). */
export function seededRandom(seed: number): () => number {
  const rng = new SeededRandom(seed);
  return () => rng.uniform();
}

/**
 * A 32-bit hash of a string: FNV-1a over its UTF-8 bytes, then murmur3's `fmix32` finaliser (so
 * values that differ in one trailing character, such as sequential user IDs, spread evenly).
 * Stable across processes, machines and versions of Lathe.
 */
export function stableHash32(text: string): number {
  let h = 0x811c9dc5;
  const byte = (b: number) => {
    h = Math.imul(h ^ b, 0x01000193);
  };
  for (let i = 0; i < text.length; i++) {
    let c = text.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length) {
      const d = text.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        c = 0x10000 + ((c - 0xd800) << 10) + (d - 0xdc00);
        i++;
      }
    }
    if (c >= 0xd800 && c <= 0xdfff) c = 0xfffd; // a lone surrogate encodes as U+FFFD, as in Buffer
    if (c < 0x80) byte(c);
    else if (c < 0x800) {
      byte(0xc0 | (c >> 6));
      byte(0x80 | (c & 0x3f));
    } else if (c < 0x10000) {
      byte(0xe0 | (c >> 12));
      byte(0x80 | ((c >> 6) & 0x3f));
      byte(0x80 | (c & 0x3f));
    } else {
      byte(0xf0 | (c >> 18));
      byte(0x80 | ((c >> 12) & 0x3f));
      byte(0x80 | ((c >> 6) & 0x3f));
      byte(0x80 | (c & 0x3f));
    }
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/**
 * The hash bucket of a sticky value, a number in `[0, 100)`. Numbers hash as their decimal
 * rendering (`String(v)`), so `42` and `"42"` share a bucket.
 */
export function stickyBucket(value: string | number): number {
  return (stableHash32(String(value)) / 4294967296) * 100;
}

/**
 * Checks a traffic split: at least one route, unique non-empty keys, finite weights `>= 0` that
 * sum to 100.
 * @throws LatheError INVALID_ARGUMENT naming the routes and their weights.
 */
export function checkRoutes(routes: readonly TrafficRoute[]): void {
  if (!Array.isArray(routes) || routes.length === 0)
    throw invalid(`a traffic split needs at least one route; got ${describeValue(routes)}`, {});
  const seen = new Set<string>();
  let sum = 0;
  for (let i = 0; i < routes.length; i++) {
    const r = routes[i] as Partial<TrafficRoute> | undefined;
    if (typeof r !== 'object' || r === null || typeof r.key !== 'string' || r.key === '')
      throw invalid(`route ${i} needs a non-empty string key; got ${describeValue(r?.key ?? r)}`, {
        route: i,
      });
    if (seen.has(r.key)) throw invalid(`route ${JSON.stringify(r.key)} is listed twice`, { route: r.key });
    seen.add(r.key);
    if (typeof r.weight !== 'number' || !Number.isFinite(r.weight) || r.weight < 0 || r.weight > 100)
      throw invalid(
        `route ${JSON.stringify(r.key)} needs a traffic weight between 0 and 100 (a percentage); got ${describeValue(r.weight)}`,
        { route: r.key, weight: r.weight },
      );
    sum += r.weight;
  }
  if (Math.abs(sum - 100) > SUM_TOLERANCE) {
    const listed = routes.map((r) => `${r.key}=${r.weight}`).join(', ');
    throw invalid(`traffic weights are percentages and must sum to 100; got ${listed} (sum ${sum})`, {
      weights: Object.fromEntries(routes.map((r) => [r.key, r.weight])),
      sum,
    });
  }
}

/**
 * Routes requests across weighted keys.
 *
 * - Not sticky, or sticky without a value (`stickyValue` missing, `null` or `undefined`): a
 *   weighted random pick.
 * - Sticky with a value: the route whose range holds `stickyBucket(value)`. The same value keeps
 *   its route while the weights do not change; when one route grows at the expense of its
 *   neighbour in spec order (a canary listed last growing from 10 to 20 while the champion before
 *   it shrinks from 90 to 80), every value already on the growing route stays there.
 *
 * Zero-weight routes are never picked.
 */
export class TrafficRouter {
  readonly routes: readonly TrafficRoute[];
  readonly sticky: { field: string } | undefined;
  private readonly keys: string[];
  /** Upper bound of each route's range; the last positive-weight route's bound is forced to 100. */
  private readonly bounds: Float64Array;
  private readonly random: () => number;
  private readonly lastPositive: number;

  /** @throws LatheError INVALID_ARGUMENT on a bad split or sticky field. */
  constructor(options: TrafficRouterOptions) {
    checkRoutes(options?.routes);
    const sticky = options.sticky;
    if (sticky !== undefined && (typeof sticky?.field !== 'string' || sticky.field === ''))
      throw invalid(`sticky routing needs a request field name; got ${describeValue(sticky?.field)}`, {});
    if (options.random !== undefined && typeof options.random !== 'function')
      throw invalid(`random must be a function answering numbers in [0, 1)`, {});
    if (options.seed !== undefined && !Number.isFinite(options.seed))
      throw invalid(`seed must be a finite number; got ${describeValue(options.seed)}`, {});
    this.routes = options.routes.map((r) => ({ key: r.key, weight: r.weight }));
    this.sticky = sticky ? { field: sticky.field } : undefined;
    this.keys = this.routes.map((r) => r.key);
    this.bounds = new Float64Array(this.routes.length);
    let cum = 0;
    let lastPositive = 0;
    for (let i = 0; i < this.routes.length; i++) {
      const w = this.routes[i]!.weight;
      cum += w;
      this.bounds[i] = cum;
      if (w > 0) lastPositive = i;
    }
    // Absorb float rounding so every point of [0, 100) falls in a positive-weight route.
    for (let i = lastPositive; i < this.bounds.length; i++) this.bounds[i] = 100;
    this.lastPositive = lastPositive;
    this.random = options.random ?? seededRandom(options.seed ?? Math.floor(Math.random() * 4294967296));
  }

  /** The route key for a point in `[0, 100)`. */
  routeAt(point: number): string {
    const b = this.bounds;
    for (let i = 0; i < b.length; i++) if (point < b[i]!) return this.keys[i]!;
    return this.keys[this.lastPositive]!;
  }

  /**
   * The route key for a request: by the sticky value's hash when the router is sticky and the
   * value is present, otherwise at random by weight.
   */
  pick(request?: RouteRequest): string {
    const v = request?.stickyValue;
    if (this.sticky !== undefined && v !== undefined && v !== null) return this.routeAt(stickyBucket(v));
    return this.routeAt(this.random() * 100);
  }

  /**
   * The sticky value of a request's fields (a row, headers): the sticky field's value when it is a
   * string or a finite number, else `null` (which `pick` routes at random). Always `null` when the
   * router is not sticky.
   */
  stickyValueOf(fields: Readonly<Record<string, unknown>> | null | undefined): string | number | null {
    if (this.sticky === undefined || typeof fields !== 'object' || fields === null) return null;
    const v = fields[this.sticky.field];
    if (typeof v === 'string') return v;
    if (typeof v === 'number' && Number.isFinite(v)) return v;
    return null;
  }
}
