// URLs and display helpers shared by the Data pages.
import type { DatasetVersion } from '../../../../src/sdk/index.js';

/** `/data/NAME` (dataset names are letters, digits, `.`, `_` and `-`; encoded all the same). */
export const datasetUrl = (name: string) => `/data/${encodeURIComponent(name)}`;

/** `/data/NAME/VERSION`; `version` is a number or `latest`. */
export const datasetVersionUrl = (name: string, version: number | string) =>
  `${datasetUrl(name)}/${encodeURIComponent(String(version))}`;

/** `/data/NAME/diff?a=1&b=2`: `b` may be another dataset's reference (`other@3`). */
export const diffUrl = (name: string, a: number | string, b: number | string) =>
  `${datasetUrl(name)}/diff?a=${encodeURIComponent(String(a))}&b=${encodeURIComponent(String(b))}`;

/** Splits `name@3` into its name and version (`latest` when absent); null when it is not a reference. */
function splitRef(ref: string): { name: string; version: string } | null {
  const at = ref.lastIndexOf('@');
  const name = at < 0 ? ref : ref.slice(0, at);
  const version = at < 0 ? 'latest' : ref.slice(at + 1);
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/.test(name) || !/^([1-9][0-9]*|latest)$/.test(version))
    return null;
  return { name, version };
}

/** The page of the version a reference names (`name@3`), or null when it is not a reference. */
export function refUrl(ref: string): string | null {
  const r = splitRef(ref);
  return r ? datasetVersionUrl(r.name, r.version) : null;
}

/** A count with thousands separators: `1,234,567`. */
export const formatCount = (n: number | null | undefined) =>
  n === null || n === undefined ? '—' : n.toLocaleString('en-US');

/** A share (0..1) as a percentage: `7.0%`, `<0.1%` for tiny non-zero shares, `0%`. */
export function formatShare(share: number | null | undefined): string {
  if (share === null || share === undefined || !Number.isFinite(share)) return '—';
  if (share === 0) return '0%';
  if (share < 0.001) return '<0.1%';
  if (share === 1) return '100%';
  return `${(share * 100).toFixed(1)}%`;
}

/** A statistic: integers with separators, others to 4 significant digits (exponent past 1e9). */
export function formatStat(value: number | string | null | undefined): string {
  if (value === null || value === undefined) return '—';
  if (typeof value === 'string') return value;
  if (Number.isNaN(value)) return 'NaN';
  if (!Number.isFinite(value)) return value > 0 ? '∞' : '−∞';
  const abs = Math.abs(value);
  if (abs !== 0 && (abs < 1e-4 || abs >= 1e12)) return value.toExponential(3);
  if (Number.isInteger(value)) return value.toLocaleString('en-US');
  if (abs >= 1000) return value.toLocaleString('en-US', { maximumFractionDigits: 2 });
  return String(Number(value.toPrecision(4)));
}

/** A short axis label for a number (`12k`, `1.5M`, `0.25`). */
export function axisNumber(value: number): string {
  const abs = Math.abs(value);
  if (abs >= 1e9) return `${Number((value / 1e9).toPrecision(3))}G`;
  if (abs >= 1e6) return `${Number((value / 1e6).toPrecision(3))}M`;
  if (abs >= 1e4) return `${Number((value / 1e3).toPrecision(3))}k`;
  return String(Number(value.toPrecision(4)));
}

/** The first 12 hex digits of a SHA-256 digest. */
export const shortDigest = (digest: string) => digest.slice(0, 12);

/** Where a version's rows came from, in words. Never holds credentials (the server strips them). */
export function sourceLabel(source: DatasetVersion['source']): string {
  const s = source as { kind?: string } & Record<string, unknown>;
  switch (s.kind) {
    case 'file':
      return `file ${String(s.filename)} (${String(s.format)})`;
    case 'upload':
      return `upload ${String(s.filename)} (${String(s.format)})`;
    case 'append':
      return `${String(s.filename)} appended to ${String(s.base)}`;
    case 'postgres':
      return `PostgreSQL ${String(s.uri)}`;
    case 'recipe':
      return `recipe over ${Array.isArray(s.inputs) ? s.inputs.join(', ') : '?'}`;
    case 'predictions':
      return `predictions of ${String(s.model)} on ${String(s.data)}`;
    default:
      return s.kind ? String(s.kind) : 'unknown';
  }
}
