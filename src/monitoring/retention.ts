/**
 * Retention and downsampling of a model's records: dropping those past the horizon and thinning
 * old ones to a hashed share (see InferenceStore.dropBefore and downsample).
 */
import { describeValue, LatheError } from '../core/index.js';
import type { InferenceStore } from './inference-store.js';
import type { ModelCatalog } from './model-catalog.js';
import type { Downsample } from './types.js';

/** The answer of setting a model's retention: what it keeps now, and the rows removed at once. */
export interface RetentionResult {
  model: string;
  retentionDays: number | null;
  downsample: Downsample | null;
  dropped: number;
  thinned: number;
}

/**
 * Keeps a model's records `days` days (null: forever) and thins those older than
 * `downsample.afterDays` to a `downsample.keep` share; applied at once and then hourly.
 * @throws LatheError INVALID_ARGUMENT for days that are not whole and >= 1, a share outside
 *   (0, 1), or thinning that starts after records are dropped.
 */
export async function setRetention(
  catalog: ModelCatalog,
  store: InferenceStore,
  now: () => number,
  name: string,
  days: number | null,
  downsample: Downsample | null,
): Promise<RetentionResult> {
  if (days !== null && !(Number.isInteger(days) && days >= 1))
    throw new LatheError(
      'INVALID_ARGUMENT',
      `days must be a whole number >= 1, or null to keep everything; got ${describeValue(days)}`,
    );
  if (downsample) {
    const { afterDays, keep } = downsample;
    if (!(Number.isInteger(afterDays) && afterDays >= 1))
      throw new LatheError(
        'INVALID_ARGUMENT',
        `downsample.afterDays must be a whole number >= 1; got ${describeValue(afterDays)}`,
      );
    if (!(typeof keep === 'number' && keep > 0 && keep < 1))
      throw new LatheError(
        'INVALID_ARGUMENT',
        `downsample.keep must be a share in (0, 1), e.g. 0.1; got ${describeValue(keep)}`,
      );
    if (days !== null && afterDays >= days)
      throw new LatheError(
        'INVALID_ARGUMENT',
        `downsample.afterDays (${afterDays}) must be less than days (${days}): records are dropped after ${days} days`,
      );
  }
  const model = await catalog.setRetention(name, days, downsample);
  const applied = await applyRetention(catalog, store, now());
  return {
    model: model.name,
    retentionDays: model.retentionDays,
    downsample: model.downsample,
    dropped: applied[name]?.dropped ?? 0,
    thinned: applied[name]?.thinned ?? 0,
  };
}

/**
 * Per model with a retention: drops the segments wholly before its horizon and thins those
 * before its downsampling age; answers the rows dropped and thinned away per model. (Records
 * still in the write-ahead buffer wait for compaction.)
 */
export async function applyRetention(
  catalog: ModelCatalog,
  store: InferenceStore,
  at: number,
): Promise<Record<string, { dropped: number; thinned: number }>> {
  const out: Record<string, { dropped: number; thinned: number }> = {};
  for (const m of await catalog.list()) {
    if (m.retentionDays === null && !m.downsample) continue;
    const dropped =
      m.retentionDays === null ? 0 : await store.dropBefore(m, at - m.retentionDays * 86_400_000);
    const thinned = m.downsample
      ? await store.downsample(m, at - m.downsample.afterDays * 86_400_000, m.downsample.keep)
      : 0;
    out[m.name] = { dropped, thinned };
  }
  return out;
}
