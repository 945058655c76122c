import { LatheError } from '../../../core/index.js';

/** The URI parameters a SQL source accepts; others (file paths for certificates…) are refused. */
const sourceUriParams = ['sslmode', 'application_name'] as const;
const sslModes = ['disable', 'allow', 'prefer', 'require', 'no-verify', 'verify-ca', 'verify-full'];
const maxUriLength = 4096;

/** A PostgreSQL connection URI taken apart. `display` is the URI without its password. */
export interface SourceUri {
  host: string;
  port: number;
  user: string;
  /** Empty when the URI has none. Never log, store or show it. */
  password: string;
  database: string;
  /** `false` for no TLS; otherwise whether the server's certificate must be trusted. */
  ssl: false | { rejectUnauthorized: boolean };
  applicationName: string;
  /** `postgres://user@host:port/database[?sslmode=…]`: safe to store and show. */
  display: string;
}

/**
 * Parses `postgres://user[:password]@host[:port][/database][?sslmode=…]` (also `postgresql://`).
 * The host and user are required; the database defaults to the user's name (as in libpq).
 * `sslmode`: `disable`, `allow` and `prefer` (the default) connect without TLS; `require` and
 * `no-verify` use TLS without checking the certificate; `verify-ca` and `verify-full` check it
 * (both also check the host name). Error messages never include the URI or its password.
 * @throws LatheError `INVALID_ARGUMENT`.
 */
export function parseSourceUri(uri: unknown): SourceUri {
  const bad = (why: string): never => {
    throw new LatheError(
      'INVALID_ARGUMENT',
      `uri must be a PostgreSQL URI such as postgres://user:password@host:5432/database; ${why}`,
    );
  };
  if (typeof uri !== 'string' || uri.trim() === '') return bad('got none');
  if (uri.length > maxUriLength) return bad(`it is longer than ${maxUriLength} characters`);
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(uri)?.[1]?.toLowerCase();
  if (scheme !== 'postgres' && scheme !== 'postgresql')
    return bad(
      scheme
        ? `the scheme is ${JSON.stringify(`${scheme.slice(0, 20)}:`)}, expected postgres: or postgresql:`
        : 'it does not start with postgres://',
    );
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    return bad('this one cannot be parsed (are special characters in the password percent-encoded?)');
  }
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  if (!host) return bad('it names no host (Unix sockets are not supported)');
  const decode = (s: string, what: string) => {
    try {
      return decodeURIComponent(s);
    } catch {
      return bad(`its ${what} is not valid percent-encoding`);
    }
  };
  const user = decode(url.username, 'user name');
  if (!user) return bad('it names no user (postgres://USER@host/database)');
  const password = decode(url.password, 'password');
  const path = decode(url.pathname.replace(/^\//, ''), 'database name');
  if (path.includes('/')) return bad('the database name holds a "/"');
  const database = path || user;
  const port = url.port ? Number(url.port) : 5432;
  let sslmode = 'prefer';
  let applicationName = 'lathe';
  for (const [key, value] of url.searchParams) {
    if (key === 'sslmode') {
      if (!sslModes.includes(value))
        return bad(
          `sslmode must be one of ${sslModes.join(', ')}; got ${JSON.stringify(value.slice(0, 40))}`,
        );
      sslmode = value;
    } else if (key === 'application_name') applicationName = value.slice(0, 63);
    else
      return bad(
        `the parameter ${JSON.stringify(key.slice(0, 40))} is not supported; supported: ${sourceUriParams.join(', ')}`,
      );
  }
  const ssl =
    sslmode === 'disable' || sslmode === 'allow' || sslmode === 'prefer'
      ? false
      : { rejectUnauthorized: sslmode === 'verify-ca' || sslmode === 'verify-full' };
  const hostPart = host.includes(':') ? `[${host}]` : host;
  const display =
    `postgres://${encodeURIComponent(user)}@${hostPart}:${port}/${encodeURIComponent(database)}` +
    (url.searchParams.has('sslmode') ? `?sslmode=${sslmode}` : '');
  return { host, port, user, password, database, ssl, applicationName, display };
}

/**
 * Refuses a source whose host is not allowed. Each entry of `allowed` is `host`, `host:port`,
 * `*.domain` (any subdomain) or `*` (any host); host names compare case-insensitively.
 * @throws LatheError `DATA_SOURCE_FORBIDDEN`.
 */
export function checkAllowedHost(source: Pick<SourceUri, 'host' | 'port'>, allowed: readonly string[]): void {
  const host = source.host.toLowerCase();
  const ok = allowed.some((raw) => {
    const entry = raw.trim().toLowerCase();
    if (entry === '*') return true;
    const m = /^(\[[^\]]+\]|[^:]+)(?::(\d+))?$/.exec(entry);
    if (!m) return false;
    const name = m[1]!.replace(/^\[(.*)\]$/, '$1');
    if (m[2] !== undefined && Number(m[2]) !== source.port) return false;
    return name.startsWith('*.') ? host.endsWith(name.slice(1)) : host === name;
  });
  if (ok) return;
  const where = `${host.includes(':') ? `[${host}]` : host}:${source.port}`;
  throw new LatheError(
    'DATA_SOURCE_FORBIDDEN',
    allowed.length === 0
      ? 'SQL sources are turned off on this server: an administrator can list the database hosts it ' +
          'may connect to in data.sqlSourceHosts (LATHE_SQL_SOURCE_HOSTS), e.g. db.internal:5432'
      : `this server may not connect to ${where}: it is not in data.sqlSourceHosts; allowed: ${allowed.join(', ')}`,
    { host: where },
  );
}

/** Replaces the password (as given and percent-encoded) in a message with `****`. */
export function scrubPassword(text: string, password: string): string {
  if (!password) return text;
  let out = text;
  for (const form of new Set([password, encodeURIComponent(password)])) out = out.split(form).join('****');
  return out;
}
