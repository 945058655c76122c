import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { describeValue, LatheError } from './errors.js';
import { apiTokenPrefix, tokenDisplayPrefix } from './ids.js';

/** Log levels, most to least severe. */
export const logLevels = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof logLevels)[number];

/** The effective configuration of a Lathe process. */
export interface LatheConfig {
  /** Where embedded stores keep their files. Relative paths resolve against the working directory. */
  dataDir: string;
  server: {
    /** Address to listen on. Loopback by default; anything else requires auth. */
    host: string;
    port: number;
    /** Largest accepted request body, in bytes. */
    bodyLimitBytes: number;
    /** Largest artifact file an upload may store, in bytes (uploads stream; this caps disk use). */
    artifactLimitBytes: number;
    /** Largest dataset file an upload may store, in bytes (uploads stream to disk). */
    uploadLimitBytes: number;
    /** Largest model file or directory archive an import may upload, in bytes (held in memory). */
    modelUploadLimitBytes: number;
    /** The URL users reach the server at (used in printed links); derived from host and port when empty. */
    publicUrl: string;
    /** How long SIGTERM waits for in-flight requests before closing, in milliseconds. */
    shutdownTimeoutMs: number;
  };
  auth: { enabled: boolean };
  data: {
    /**
     * Hosts the server may run SQL source queries against, comma-separated: `host`, `host:port`,
     * `*.domain` or `*` (any). Empty (the default) turns SQL sources off.
     */
    sqlSourceHosts: string;
    /** The longest a SQL source query may run, in milliseconds. */
    sqlTimeoutMs: number;
    /**
     * The salt of PII hashes in transform recipes. Empty: a random salt kept in `<dataDir>/pii-salt`
     * (servers sharing data must set the same value).
     */
    piiSalt: string;
  };
  stores: {
    /** Metadata store URI: `sqlite:PATH` or `postgres://…`. Empty means `sqlite:<dataDir>/lathe.db`. */
    meta: string;
    /** Blob store URI: `file:PATH`. Empty means `file:<dataDir>/blobs`. */
    blobs: string;
  };
  log: { level: LogLevel };
  /** How CLI commands reach a running server. */
  client: { url: string; token: string };
}

type Kind = 'string' | 'int' | 'boolean' | 'level';
interface Setting {
  path: string;
  env: string;
  kind: Kind;
  default: string | number | boolean;
  secret?: 'whole' | 'uri';
  min?: number;
  max?: number;
  doc: string;
}

/** Every setting, its environment variable, type and default. The single source for parsing and docs. */
export const settings: readonly Setting[] = [
  { path: 'dataDir', env: 'LATHE_DATA_DIR', kind: 'string', default: './lathe-data', doc: 'data directory' },
  { path: 'server.host', env: 'LATHE_HOST', kind: 'string', default: '127.0.0.1', doc: 'listen address' },
  {
    path: 'server.port',
    env: 'LATHE_PORT',
    kind: 'int',
    default: 7007,
    min: 0,
    max: 65535,
    doc: 'listen port',
  },
  {
    path: 'server.bodyLimitBytes',
    env: 'LATHE_BODY_LIMIT_BYTES',
    kind: 'int',
    default: 16 * 1024 * 1024,
    min: 1024,
    max: 2 ** 31,
    doc: 'largest request body',
  },
  {
    path: 'server.artifactLimitBytes',
    env: 'LATHE_ARTIFACT_LIMIT_BYTES',
    kind: 'int',
    default: 5 * 1024 ** 3,
    min: 1,
    max: Number.MAX_SAFE_INTEGER,
    doc: 'largest artifact file an upload may store',
  },
  {
    path: 'server.uploadLimitBytes',
    env: 'LATHE_UPLOAD_LIMIT_BYTES',
    kind: 'int',
    default: 50 * 1024 ** 3,
    min: 1,
    max: Number.MAX_SAFE_INTEGER,
    doc: 'largest dataset file an upload may store',
  },
  {
    path: 'server.modelUploadLimitBytes',
    env: 'LATHE_MODEL_UPLOAD_LIMIT_BYTES',
    kind: 'int',
    default: 1024 ** 3,
    min: 1,
    max: 2 ** 31 - 1,
    doc: 'largest model file or directory archive an import may upload',
  },
  {
    path: 'server.publicUrl',
    env: 'LATHE_PUBLIC_URL',
    kind: 'string',
    default: '',
    doc: 'URL shown in links',
  },
  {
    path: 'server.shutdownTimeoutMs',
    env: 'LATHE_SHUTDOWN_TIMEOUT_MS',
    kind: 'int',
    default: 10_000,
    min: 0,
    max: 600_000,
    doc: 'drain time on SIGTERM',
  },
  { path: 'auth.enabled', env: 'LATHE_AUTH', kind: 'boolean', default: true, doc: 'require API tokens' },
  {
    path: 'data.sqlSourceHosts',
    env: 'LATHE_SQL_SOURCE_HOSTS',
    kind: 'string',
    default: '',
    doc: 'database hosts SQL sources may query (empty: none)',
  },
  {
    path: 'data.sqlTimeoutMs',
    env: 'LATHE_SQL_TIMEOUT_MS',
    kind: 'int',
    default: 600_000,
    min: 1000,
    max: 86_400_000,
    doc: 'longest a SQL source query may run',
  },
  {
    path: 'data.piiSalt',
    env: 'LATHE_PII_SALT',
    kind: 'string',
    default: '',
    secret: 'whole',
    doc: 'salt of PII hashes in transforms',
  },
  {
    path: 'stores.meta',
    env: 'LATHE_META_URI',
    kind: 'string',
    default: '',
    secret: 'uri',
    doc: 'metadata store URI',
  },
  {
    path: 'stores.blobs',
    env: 'LATHE_BLOB_URI',
    kind: 'string',
    default: '',
    secret: 'uri',
    doc: 'blob store URI',
  },
  { path: 'log.level', env: 'LATHE_LOG_LEVEL', kind: 'level', default: 'info', doc: 'log level' },
  {
    path: 'client.url',
    env: 'LATHE_URL',
    kind: 'string',
    default: 'http://127.0.0.1:7007',
    doc: 'server URL for CLI commands',
  },
  {
    path: 'client.token',
    env: 'LATHE_TOKEN',
    kind: 'string',
    default: '',
    secret: 'whole',
    doc: 'API token for CLI commands',
  },
];

/** Where a setting's effective value came from. */
export type ConfigSource = 'default' | 'file' | 'env' | 'flag';

export interface ResolvedConfig {
  config: LatheConfig;
  /** Source of each setting, by dotted path. */
  sources: Record<string, ConfigSource>;
  /** The config file read, if any. */
  file: string | null;
}

export interface LoadConfigOptions {
  /** Explicit config file path (`--config`); otherwise `LATHE_CONFIG`, then lathe.config.{json,yaml,yml} in cwd. */
  file?: string;
  /** Values from CLI flags, as a partial nested object. */
  flags?: DeepPartial<LatheConfig>;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
}

export type DeepPartial<T> = { [K in keyof T]?: T[K] extends object ? DeepPartial<T[K]> : T[K] };

const fileNames = ['lathe.config.json', 'lathe.config.yaml', 'lathe.config.yml'];

/** Builds the effective config: defaults < config file < environment (`LATHE_*`) < CLI flags. */
export function loadConfig(options: LoadConfigOptions = {}): ResolvedConfig {
  const env = options.env ?? process.env;
  const cwd = options.cwd ?? process.cwd();
  const values: Record<string, unknown> = {};
  const sources: Record<string, ConfigSource> = {};
  for (const s of settings) {
    values[s.path] = s.default;
    sources[s.path] = 'default';
  }

  const file = findConfigFile(options.file ?? env.LATHE_CONFIG, cwd);
  if (file) {
    const flat = flatten(readConfigFile(file), '', file);
    for (const [key, raw] of Object.entries(flat)) {
      values[key] = coerce(settingAt(key, `config file ${file}`), raw, `${key} in ${file}`);
      sources[key] = 'file';
    }
  }
  for (const s of settings) {
    const raw = env[s.env];
    if (raw === undefined || raw === '') continue;
    values[s.path] = coerce(s, raw, `environment variable ${s.env}`);
    sources[s.path] = 'env';
  }
  if (options.flags) {
    for (const [key, raw] of Object.entries(flatten(options.flags, '', 'flags'))) {
      if (raw === undefined) continue;
      values[key] = coerce(settingAt(key, 'flags'), raw, `flag for ${key}`);
      sources[key] = 'flag';
    }
  }
  return { config: unflatten(values) as unknown as LatheConfig, sources, file };
}

/** The metadata store URI, derived from the data directory when not set. */
export function metaStoreUri(config: LatheConfig): string {
  return config.stores.meta || `sqlite:${path.join(config.dataDir, 'lathe.db')}`;
}

/** The blob store URI, derived from the data directory when not set. */
export function blobStoreUri(config: LatheConfig): string {
  return config.stores.blobs || `file:${path.join(config.dataDir, 'blobs')}`;
}

/** The URL a person uses to reach the server. */
export function publicUrl(config: LatheConfig, port = config.server.port): string {
  if (config.server.publicUrl) return config.server.publicUrl.replace(/\/+$/, '');
  const h = config.server.host;
  const host = h === '0.0.0.0' || h === '::' ? '127.0.0.1' : h.includes(':') ? `[${h}]` : h;
  return `http://${host}:${port}`;
}

const apiTokenPattern = new RegExp(`^${apiTokenPrefix}[A-Za-z0-9_-]{30,}$`);

/** A copy of the config safe to print: tokens hidden, passwords in URIs masked. */
export function maskSecrets(config: LatheConfig): LatheConfig {
  const flat = flatten(config as unknown as Record<string, unknown>, '', 'config');
  for (const s of settings) {
    const v = flat[s.path];
    if (typeof v !== 'string' || v === '') continue;
    // A Lathe token keeps its public prefix (as `tokens list` shows it); anything else is hidden whole.
    if (s.secret === 'whole')
      flat[s.path] = apiTokenPattern.test(v) ? `${tokenDisplayPrefix(v)}****` : '****';
    if (s.secret === 'uri') flat[s.path] = maskUri(v);
  }
  return unflatten(flat) as unknown as LatheConfig;
}

/** Replaces the password in `scheme://user:password@host` (and `password=` parameters) with `****`. */
export function maskUri(uri: string): string {
  return uri
    .replace(/^([a-z][a-z0-9+.-]*:\/\/[^:/@]*:)[^@]*@/i, '$1****@')
    .replace(/(password=)[^&]*/gi, '$1****');
}

function findConfigFile(explicit: string | undefined, cwd: string): string | null {
  if (explicit) {
    const p = path.resolve(cwd, explicit);
    if (!existsSync(p))
      throw new LatheError('CONFIG_INVALID', `config file ${p} does not exist`, { file: p });
    return p;
  }
  for (const name of fileNames) {
    const p = path.join(cwd, name);
    if (existsSync(p)) return p;
  }
  return null;
}

function readConfigFile(file: string): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = parseYaml(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new LatheError(
      'CONFIG_INVALID',
      `config file ${file} is not valid JSON or YAML: ${(err as Error).message}`,
      {
        file,
      },
    );
  }
  if (parsed === null || parsed === undefined) return {};
  if (typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new LatheError(
      'CONFIG_INVALID',
      `config file ${file} must hold an object, got ${describeValue(parsed)}`,
    );
  }
  return parsed as Record<string, unknown>;
}

function settingAt(key: string, where: string): Setting {
  const s = settings.find((x) => x.path === key);
  if (!s) {
    throw new LatheError(
      'CONFIG_INVALID',
      `unknown setting "${key}" in ${where}; valid settings: ${settings.map((x) => x.path).join(', ')}`,
      { key },
    );
  }
  return s;
}

function coerce(s: Setting, raw: unknown, where: string): string | number | boolean {
  const fail = (expected: string): never => {
    const arrived = s.secret ? `a value of type ${typeof raw}` : describeValue(raw);
    throw new LatheError('CONFIG_INVALID', `${where}: expected ${expected}, got ${arrived}`, {
      setting: s.path,
    });
  };
  switch (s.kind) {
    case 'string':
      if (typeof raw !== 'string') fail('a string');
      return raw as string;
    case 'int': {
      // Plain decimal digits only: no hex, binary or exponents sneaking in as a port.
      const n = typeof raw === 'string' ? (/^\s*[+-]?\d+\s*$/.test(raw) ? Number(raw) : Number.NaN) : raw;
      const range = `an integer from ${s.min} to ${s.max}`;
      if (typeof n !== 'number' || !Number.isInteger(n)) return fail(range);
      if ((s.min !== undefined && n < s.min) || (s.max !== undefined && n > s.max)) fail(range);
      return n as number;
    }
    case 'boolean': {
      if (typeof raw === 'boolean') return raw;
      const t = typeof raw === 'string' ? raw.trim().toLowerCase() : '';
      if (['on', 'true', '1', 'yes'].includes(t)) return true;
      if (['off', 'false', '0', 'no'].includes(t)) return false;
      return fail('on or off (also true/false, 1/0, yes/no)');
    }
    case 'level':
      if (typeof raw !== 'string' || !(logLevels as readonly string[]).includes(raw))
        fail(`one of ${logLevels.join(', ')}`);
      return raw as string;
  }
}

function flatten(obj: Record<string, unknown>, prefix: string, where: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(obj)) {
    const key = prefix ? `${prefix}.${k}` : k;
    const isGroup = settings.some((s) => s.path.startsWith(`${key}.`));
    if (isGroup) {
      if (v === undefined || v === null) continue; // an empty section (`server:` with its keys commented out)
      if (typeof v !== 'object' || Array.isArray(v)) {
        throw new LatheError(
          'CONFIG_INVALID',
          `${key} in ${where}: expected an object, got ${describeValue(v)}`,
        );
      }
      Object.assign(out, flatten(v as Record<string, unknown>, key, where));
    } else {
      out[key] = v;
    }
  }
  return out;
}

function unflatten(flat: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(flat)) {
    const parts = key.split('.');
    let node = out;
    for (const p of parts.slice(0, -1)) {
      node[p] ??= {};
      node = node[p] as Record<string, unknown>;
    }
    node[parts.at(-1)!] = value;
  }
  return out;
}
