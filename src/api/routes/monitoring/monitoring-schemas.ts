import { Type } from '@sinclair/typebox';
import { parseDuration } from '../../../monitoring/index.js';

export const tags = ['monitoring'];
/** Ingest bodies may hold 100,000 records: up to 256 MiB. */
export const INGEST_LIMIT = 256 * 1024 * 1024;

export const Model = Type.String({ minLength: 1, description: 'the monitored model name' });
export const Where = Type.Union([Type.String(), Type.Array(Type.String())], {
  description: 'slice filters KEY=VALUE on a tag or feature (repeatable), e.g. region=eu',
});
export const WindowQuery = {
  model: Model,
  window: Type.Optional(
    Type.String({ description: 'the current window, ending now (or at `to`): 30m, 1h, 7d, 2w' }),
  ),
  from: Type.Optional(Type.String({ description: 'start: ISO 8601, epoch ms, or -7d' })),
  to: Type.Optional(Type.String({ description: 'end (exclusive): ISO 8601, epoch ms, now, or -1d' })),
  version: Type.Optional(Type.String({ description: 'only this model version' })),
  where: Type.Optional(Where),
};
/** A bucket size from the query, or the default. */
export const bucketOf = (value: string | undefined, fallback: string) =>
  parseDuration(value ?? fallback, 'bucket');
