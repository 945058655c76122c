// URLs and small formatters shared by the Models pages.

/** The model page of `name` (names may hold `/`, `%` or `@`: they are URL-encoded). */
export function modelUrl(name: string): string {
  return `/models/${encodeURIComponent(name)}`;
}

/** The page of one version of a model. */
export function versionUrl(name: string, version: number): string {
  return `${modelUrl(name)}/versions/${version}`;
}

/** A run's page in the Experiments area. */
export function runUrl(experimentId: string, runId: string): string {
  return `/experiments/${encodeURIComponent(experimentId)}/runs/${encodeURIComponent(runId)}`;
}

/** Epoch milliseconds as `2025-01-31 14:05` (UTC), like `formatTime` does for ISO strings. */
export function formatMs(ms: number | null | undefined, fallback = '—'): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return fallback;
  return new Date(ms).toISOString().slice(0, 16).replace('T', ' ');
}

/** Epoch milliseconds as a full ISO string, for `title` attributes. */
export function isoMs(ms: number | null | undefined): string | undefined {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return undefined;
  return new Date(ms).toISOString();
}

/** The aliases that serve traffic: moving or deleting them asks for a confirmation. */
export const guardedAliases = new Set(['champion']);

/** The server's rule for alias names (letters, digits, `_` and `-`; `latest` and `v<digits>` are reserved). */
export function aliasProblem(alias: string): string | null {
  if (!alias) return 'Enter an alias name.';
  if (alias.length > 255) return 'An alias is at most 255 characters.';
  if (!/^[A-Za-z0-9_-]+$/.test(alias)) return 'An alias holds only letters, digits, _ and -.';
  if (alias.toLowerCase() === 'latest' || /^v\d+$/i.test(alias))
    return `"${alias}" is reserved: model references use it.`;
  return null;
}
