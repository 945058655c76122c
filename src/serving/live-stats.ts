/**
 * Live traffic of an endpoint for charts: one bucket per second over the last minutes, each with
 * requests by model version, errors, fallbacks and a latency histogram (log-spaced bins from
 * 50 µs to 10 s) that gives p50/p99 per second. Fixed memory; no I/O; the clock is injectable.
 */

/** Upper bounds (seconds) of the latency bins; the last bin holds everything slower. */
const BOUNDS = Array.from({ length: 24 }, (_, i) => 5e-5 * 10 ** (i / 4.3));

interface Bucket {
  second: number;
  byModel: Map<string, number>;
  errors: number;
  fallbacks: number;
  latency: Uint32Array;
  count: number;
}

/** One second of traffic as charts read it. */
export interface LivePoint {
  /** Epoch seconds (UTC). */
  t: number;
  requests: number;
  byModel: Record<string, number>;
  errors: number;
  fallbacks: number;
  /** Latency percentiles in milliseconds (bin upper bounds), null without requests. */
  p50Ms: number | null;
  p99Ms: number | null;
}

function binOf(seconds: number): number {
  let lo = 0;
  let hi = BOUNDS.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (seconds <= BOUNDS[mid]!) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

function percentile(h: Uint32Array, count: number, q: number): number | null {
  if (!count) return null;
  const target = Math.ceil(q * count);
  let seen = 0;
  for (let i = 0; i < h.length; i++) {
    seen += h[i]!;
    if (seen >= target) return Math.round((BOUNDS[i] ?? BOUNDS[BOUNDS.length - 1]! * 2) * 1e6) / 1e3;
  }
  return null;
}

/** Per-second traffic of one endpoint over the last `seconds`. */
export class LiveStats {
  readonly #buckets: Bucket[];

  constructor(
    readonly seconds = 300,
    private readonly now: () => number = Date.now,
  ) {
    this.#buckets = Array.from({ length: seconds }, () => ({
      second: -1,
      byModel: new Map(),
      errors: 0,
      fallbacks: 0,
      latency: new Uint32Array(BOUNDS.length + 1),
      count: 0,
    }));
  }

  #bucket(): Bucket {
    const second = Math.floor(this.now() / 1000);
    const b = this.#buckets[second % this.seconds]!;
    if (b.second !== second) {
      b.second = second;
      b.byModel.clear();
      b.errors = 0;
      b.fallbacks = 0;
      b.latency.fill(0);
      b.count = 0;
    }
    return b;
  }

  /** Counts an answered request: the version that answered, its latency in seconds, fallback or not. */
  answered(model: string, seconds: number, fallback: boolean): void {
    const b = this.#bucket();
    b.byModel.set(model, (b.byModel.get(model) ?? 0) + 1);
    b.latency[binOf(seconds)]!++;
    b.count++;
    if (fallback) b.fallbacks++;
  }

  /** Counts a refused or failed request. */
  failed(): void {
    this.#bucket().errors++;
  }

  /** The last `seconds` seconds, oldest first (seconds without traffic included, as zeros). */
  points(seconds = this.seconds): LivePoint[] {
    const end = Math.floor(this.now() / 1000);
    const out: LivePoint[] = [];
    for (let s = end - Math.min(seconds, this.seconds) + 1; s <= end; s++) {
      const b = this.#buckets[((s % this.seconds) + this.seconds) % this.seconds]!;
      const live = b.second === s;
      out.push({
        t: s,
        requests: live ? b.count : 0,
        byModel: live ? Object.fromEntries(b.byModel) : {},
        errors: live ? b.errors : 0,
        fallbacks: live ? b.fallbacks : 0,
        p50Ms: live ? percentile(b.latency, b.count, 0.5) : null,
        p99Ms: live ? percentile(b.latency, b.count, 0.99) : null,
      });
    }
    return out;
  }
}
