import { isLatheError } from '../core/index.js';

/** Prints rows as an aligned text table; `columns` maps a header to a cell getter. */
export function printTable<T>(
  rows: T[],
  columns: Record<string, (row: T) => unknown>,
  out = process.stdout,
): void {
  const headers = Object.keys(columns);
  const cells = rows.map((r) => headers.map((h) => cellText(columns[h]!(r))));
  const widths = headers.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
  const line = (parts: string[]) =>
    parts
      .map((p, i) => p.padEnd(widths[i]!))
      .join('  ')
      .trimEnd();
  out.write(`${line(headers.map((h) => h.toUpperCase()))}\n`);
  for (const c of cells) out.write(`${line(c)}\n`);
  if (rows.length === 0) out.write('(none)\n');
}

/** Prints `value` as indented JSON. */
export function printJson(value: unknown, out = process.stdout): void {
  out.write(`${JSON.stringify(value, null, 2)}\n`);
}

/** A short UTC rendering of an ISO time, or `-`. */
export function shortTime(iso: string | null | undefined): string {
  return iso ? `${iso.slice(0, 16).replace('T', ' ')}Z` : '-';
}

function cellText(v: unknown): string {
  if (v === null || v === undefined || v === '') return '-';
  if (Array.isArray(v)) return v.length ? v.join(',') : '-';
  return String(v);
}

/** Exit codes: 0 success, 1 the operation failed, 2 the command line was wrong. */
export const exitCodes = { ok: 0, failed: 1, usage: 2 } as const;

/** Prints an error the way every command does (`error CODE: message`, or JSON with --json); returns the exit code. */
export function reportError(err: unknown, json: boolean, err_ = process.stderr): number {
  if (isLatheError(err)) {
    if (json) err_.write(`${JSON.stringify({ error: err.toJSON() })}\n`);
    else {
      err_.write(`error ${err.code}: ${err.message}\n`);
      const hint = hints[err.code];
      if (hint) err_.write(`hint: ${hint}\n`);
    }
    return exitCodes.failed;
  }
  const message = err instanceof Error ? err.message : String(err);
  if (json) err_.write(`${JSON.stringify({ error: { code: 'INTERNAL', message } })}\n`);
  else
    err_.write(
      `error INTERNAL: ${message}\n${err instanceof Error && process.env.LATHE_DEBUG ? `${err.stack}\n` : ''}`,
    );
  return exitCodes.failed;
}

const hints: Partial<Record<string, string>> = {
  UNAUTHENTICATED: 'pass --token or set LATHE_TOKEN to an API token (the server prints one at first start)',
  TOKEN_EXPIRED: 'create a new token with `lathe tokens create NAME`',
  TOKEN_REVOKED: 'create a new token with `lathe tokens create NAME`',
  UNAVAILABLE: 'is the server running? start it with `lathe server`, or point --url / LATHE_URL at it',
};
