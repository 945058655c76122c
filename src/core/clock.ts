/** A source of time; tests may pass a fixed clock. Times are epoch milliseconds, UTC. */
export interface Clock {
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

/** ISO-8601 UTC rendering of epoch milliseconds. */
export function isoTime(ms: number): string {
  return new Date(ms).toISOString();
}
