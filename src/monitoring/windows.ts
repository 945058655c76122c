/**
 * Reading the windows queries compare from text (query strings, CLI flags): durations like `7d`,
 * times as ISO 8601 or relative (`-7d`, `now`), slice filters `key=value`.
 */
import { describeValue, LatheError } from '../core/index.js';
import type { CatalogModel } from './model-catalog.js';
import type { RecordWindow } from './types.js';

const UNITS: Record<string, number> = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };
const MAX_DURATION = 366 * 86_400_000;

/**
 * Milliseconds of a duration such as `30m`, `1h`, `7d` or `1h30m` (units s, m, h, d, w).
 * @throws LatheError INVALID_ARGUMENT naming `field` for anything else, or for more than 366 days.
 */
export function parseDuration(value: unknown, field = 'window'): number {
  const text = typeof value === 'string' ? value.trim() : '';
  let ms = 0;
  let rest = text;
  while (rest.length) {
    const m = /^(\d{1,6})([smhdw])/.exec(rest);
    if (!m) {
      ms = Number.NaN;
      break;
    }
    ms += Number(m[1]) * UNITS[m[2]!]!;
    rest = rest.slice(m[0].length);
  }
  if (!text || !(ms > 0) || ms > MAX_DURATION)
    throw new LatheError(
      'INVALID_ARGUMENT',
      `${field} must be a duration such as 30m, 1h, 7d or 1h30m (units s, m, h, d, w; at most 366d); got ${describeValue(value)}`,
      { field },
    );
  return ms;
}

/**
 * Epoch ms of a time: ISO 8601, epoch milliseconds, `now`, or a duration before now (`-7d`).
 * @throws LatheError INVALID_ARGUMENT naming `field`.
 */
export function parseTime(value: unknown, now: number, field: string): number {
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (typeof value === 'string') {
    const v = value.trim();
    if (v === 'now') return now;
    if (v.startsWith('-')) return now - parseDuration(v.slice(1), field);
    if (/^\d+$/.test(v)) return Number(v);
    const ms = Date.parse(v);
    if (Number.isFinite(ms)) return ms;
  }
  throw new LatheError(
    'INVALID_ARGUMENT',
    `${field} must be an ISO 8601 time, epoch milliseconds, 'now' or a duration before now such as -7d; got ${describeValue(value)}`,
    { field },
  );
}

/**
 * Slice filters from `key=value` strings (repeatable), or an object.
 * @throws LatheError INVALID_ARGUMENT for a string without `=`.
 */
export function parseWhere(value: unknown): Record<string, string> | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value === 'object' && !Array.isArray(value)) {
    return Object.fromEntries(
      Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, String(v)]),
    );
  }
  const items = Array.isArray(value) ? value : [value];
  const out: Record<string, string> = {};
  for (const item of items) {
    const m = typeof item === 'string' ? /^([^=]+)=(.*)$/.exec(item) : null;
    if (!m)
      throw new LatheError(
        'INVALID_ARGUMENT',
        `a slice filter must be KEY=VALUE (a tag or feature, e.g. region=eu); got ${describeValue(item)}`,
      );
    out[m[1]!.trim()] = m[2]!;
  }
  return out;
}

/** The text form of a comparison: environments, the current window's length, and filters. */
export interface WindowQuery {
  /** An environment name, or `previous`: the window of the same length just before the current one. */
  baseline?: string;
  /** The current side's environment (default production). */
  current?: string;
  /** The current window's length, ending at `to` (default now); without it, all time. */
  window?: string;
  from?: string | number;
  to?: string | number;
  version?: string;
  where?: unknown;
}

/**
 * The two windows a query compares: the current one (environment, time range, version, filters)
 * and the baseline (an environment over all time, with the same version and filters, or the
 * previous window of the same environment).
 * @throws LatheError INVALID_ARGUMENT for a bad duration, time or filter, or `previous` without a window.
 */
export function resolveWindows(
  q: WindowQuery,
  now: number,
): { baseline: RecordWindow; current: RecordWindow } {
  const where = parseWhere(q.where);
  const to = q.to !== undefined ? parseTime(q.to, now, 'to') : q.window ? now : undefined;
  const from =
    q.from !== undefined
      ? parseTime(q.from, now, 'from')
      : q.window
        ? (to ?? now) - parseDuration(q.window)
        : undefined;
  const shared = {
    ...(q.version ? { version: q.version } : {}),
    ...(where ? { where } : {}),
  };
  const current: RecordWindow = {
    environment: q.current || 'production',
    ...(from !== undefined ? { from } : {}),
    ...(to !== undefined ? { to } : {}),
    ...shared,
  };
  const baselineName = q.baseline || 'training';
  if (baselineName === 'previous') {
    if (from === undefined || to === undefined)
      throw new LatheError(
        'INVALID_ARGUMENT',
        "baseline 'previous' compares with the window just before the current one: give the current window (window=7d, or from and to)",
      );
    return { current, baseline: { ...current, from: from - (to - from), to: from } };
  }
  return { current, baseline: { environment: baselineName, ...shared } };
}

/**
 * Checks a window's filters against the model's tags and features.
 * @throws LatheError INVALID_ARGUMENT naming the tags and features, or a numeric feature's non-number.
 */
export function checkWindow(model: CatalogModel, w: RecordWindow): void {
  for (const [key, value] of Object.entries(w.where ?? {})) {
    const f = model.features.find((x) => x.name === key);
    if (!model.tags.includes(key) && !f)
      throw new LatheError(
        'INVALID_ARGUMENT',
        `cannot filter on ${JSON.stringify(key)}: model ${model.name} has no such tag or feature; tags: ${model.tags.join(', ') || 'none'}; features: ${model.features.map((x) => x.name).join(', ')}`,
      );
    if (f?.kind === 'numeric' && !model.tags.includes(key) && !Number.isFinite(Number(value)))
      throw new LatheError(
        'INVALID_ARGUMENT',
        `feature ${key} is numeric; the filter ${key}=${String(value)} needs a number`,
      );
  }
}
