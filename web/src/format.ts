// Display helpers. The API speaks ISO-8601 UTC; the UI shows UTC too, so what people see matches logs and the CLI.

/** `2025-01-31 14:05 UTC` style, or the fallback for null. */
export function formatTime(iso: string | null, fallback = '—'): string {
  if (!iso) return fallback;
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return d.toISOString().slice(0, 16).replace('T', ' ');
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

/** The UTC calendar day (`YYYY-MM-DD`) of an ISO time. */
export function utcDay(iso: string): string {
  return new Date(iso).toISOString().slice(0, 10);
}
