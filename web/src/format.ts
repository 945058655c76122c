// Display helpers. The API speaks ISO-8601 UTC; the UI shows UTC too, so what people see matches logs and the CLI.

/** `2025-01-31 14:05 UTC` style, or the fallback for null. */
export function formatTime(iso: string | null, fallback = '—'): string {
  if (!iso) return fallback;
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return d.toISOString().slice(0, 16).replace('T', ' ');
}

/**
 * Epoch milliseconds as `2025-01-31 14:05` (UTC), or with `seconds` as `2025-01-31 14:05:09`, like
 * `formatTime` does for ISO strings; the fallback for null, undefined and non-finite values.
 */
export function formatMs(
  ms: number | null | undefined,
  { seconds = false, fallback = '—' }: { seconds?: boolean; fallback?: string } = {},
): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return fallback;
  return new Date(ms)
    .toISOString()
    .slice(0, seconds ? 19 : 16)
    .replace('T', ' ');
}

/** Epoch milliseconds as a full ISO string, for `title` attributes; undefined for null and non-finite values. */
export function isoMs(ms: number | null | undefined): string | undefined {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return undefined;
  return new Date(ms).toISOString();
}

/** Escapes text for HTML (chart tooltips are HTML, and names come from users). */
export function escapeHtml(s: string): string {
  return s.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!,
  );
}

/** A duration in seconds as `3d 4h`, `2h 13m`, `5m 2s` or `42s`. */
export function formatDuration(totalSeconds: number): string {
  const s = Math.max(0, Math.floor(totalSeconds));
  const days = Math.floor(s / 86_400);
  const hours = Math.floor((s % 86_400) / 3_600);
  const minutes = Math.floor((s % 3_600) / 60);
  const seconds = s % 60;
  if (days > 0) return `${days}d ${hours}h`;
  if (hours > 0) return `${hours}h ${minutes}m`;
  if (minutes > 0) return `${minutes}m ${seconds}s`;
  return `${seconds}s`;
}

/** How long ago `iso` was, relative to `now`: `just now`, `5 min ago`, `3 h ago`, `2 days ago`. */
export function formatAgo(iso: string | null, now = Date.now(), fallback = 'never'): string {
  if (!iso) return fallback;
  const t = new Date(iso).getTime();
  if (Number.isNaN(t)) return iso;
  const s = Math.round((now - t) / 1000);
  if (s < 0) return formatTime(iso);
  if (s < 45) return 'just now';
  if (s < 3_600) return `${Math.round(s / 60)} min ago`;
  if (s < 86_400) return `${Math.round(s / 3_600)} h ago`;
  const days = Math.round(s / 86_400);
  return days === 1 ? '1 day ago' : `${days} days ago`;
}

/** The UTC calendar day (`YYYY-MM-DD`) of an ISO time, epoch milliseconds or a Date. */
export function utcDay(time: string | number | Date): string {
  return new Date(time).toISOString().slice(0, 10);
}
