// The SDK imports only the error class from core (no Node built-ins), so it also runs in browsers.
import { ModelsClient } from './models-client.js';
import { MonitoringClient } from './monitoring-client.js';
import { ServingClient } from './serving-client.js';
import { isErrorCode } from '../core/error-codes.js';
import { LatheError } from '../core/errors.js';
import { DataClient } from './data-client.js';
import { RegistryClient } from './registry-client.js';
import { TrackingClient } from './tracking-client.js';
import { JobsClient, TrainingClient } from './training-client.js';
import type { Query, Transport } from './transport.js';
import type {
  ApiToken,
  AuditEvent,
  ErrorBody,
  Health,
  Me,
  TokenScope,
  Role,
  SystemInfo,
  User,
} from './types.js';

export interface LatheClientOptions {
  /** Server URL, e.g. http://127.0.0.1:7007. Empty string means same origin (browsers). */
  url: string;
  /** API token (`lathe_…`), sent as `Authorization: Bearer`. */
  token?: string | null;
  /** A fetch implementation (defaults to the global one). */
  fetch?: typeof fetch;
}

/**
 * Typed client for the Lathe HTTP API. Every method throws `LatheError` with the server's code
 * (`NOT_FOUND`, `PERMISSION_DENIED`, …), or `UNAVAILABLE` when the server cannot be reached.
 */
export class LatheClient {
  readonly url: string;
  readonly #token: string | null;
  readonly #fetch: typeof fetch;

  constructor(options: LatheClientOptions) {
    this.url = options.url.replace(/\/+$/, '');
    this.#token = options.token || null;
    this.#fetch = options.fetch ?? ((...args) => globalThis.fetch(...args));
  }

  readonly #transport: Transport = {
    request: (method, path, body, query) => this.request(method, path, body, query),
    blob: async (path, query, signal) => (await this.#send('GET', path, { query, signal })).blob(),
    upload: async <T>(
      path: string,
      body: Blob | Uint8Array | ReadableStream<Uint8Array>,
      query?: Query,
      contentType?: string,
    ) => {
      const res = await this.#send('POST', path, {
        raw: body,
        query,
        accept: 'application/json',
        ...(contentType ? { contentType } : {}),
      });
      return parseJson(await res.text()) as T;
    },
  };

  /** Experiment tracking: experiments, runs, metrics, params, tags, artifacts. */
  readonly tracking = new TrackingClient(this.#transport);

  /** The model registry: models, versions, aliases, references, lineage, audit, webhooks. */
  readonly registry = new RegistryClient(this.#transport);

  /** Models from any framework: import, package details, predictions by version. */
  readonly models = new ModelsClient(this.#transport);

  /** Deployments (apply, traffic, promote, rollback) and predictions through their endpoints. */
  readonly serving = new ServingClient(this.#transport);
  readonly monitoring = new MonitoringClient(this.#transport);

  /** Datasets: versions (ingest by upload), profiles, rows and exports. */
  readonly data = new DataClient(this.#transport);

  /** Background jobs: start, read, list, cancel, wait for the end (polling). */
  readonly jobs = new JobsClient(this.#transport);

  /** Training, tuning, AutoML and explanation jobs, and the model families. */
  readonly training = new TrainingClient(this.#transport, this.jobs);

  /** Liveness: resolves when the process answers. */
  health(): Promise<Health> {
    return this.request('GET', '/healthz');
  }

  /** Readiness: throws UNAVAILABLE when a store does not answer. */
  ready(): Promise<Health> {
    return this.request('GET', '/readyz');
  }

  systemInfo(): Promise<SystemInfo> {
    return this.request('GET', '/api/v1/system/info');
  }

  /** Who the token belongs to and what it may do. */
  me(): Promise<Me> {
    return this.request('GET', '/api/v1/me');
  }

  readonly tokens = {
    /** Tokens of the caller; `all: true` lists every user's tokens (admin). Newest first. */
    list: (options: { all?: boolean } = {}): Promise<ApiToken[]> =>
      this.request<{ tokens: ApiToken[] }>('GET', '/api/v1/tokens', undefined, { all: options.all }).then(
        (r) => r.tokens,
      ),
    /** Creates a token. The secret is in the answer once and never again. */
    create: (input: {
      name: string;
      scopes?: TokenScope[];
      expiresInDays?: number;
      user?: string;
    }): Promise<{ token: ApiToken; secret: string }> => this.request('POST', '/api/v1/tokens', input),
    revoke: (id: string): Promise<ApiToken> =>
      this.request<{ token: ApiToken }>('DELETE', `/api/v1/tokens/${encodeURIComponent(id)}`).then(
        (r) => r.token,
      ),
  };

  readonly users = {
    list: (): Promise<User[]> => this.request<{ users: User[] }>('GET', '/api/v1/users').then((r) => r.users),
    create: (input: { name: string; role: Role }): Promise<User> =>
      this.request<{ user: User }>('POST', '/api/v1/users', input).then((r) => r.user),
  };

  readonly audit = {
    /** Audit events, newest first; pass `nextPageToken` back as `pageToken` for the next page. */
    list: (
      query: {
        limit?: number;
        pageToken?: string;
        objectType?: string;
        objectId?: string;
        action?: string;
      } = {},
    ): Promise<{ events: AuditEvent[]; nextPageToken: string | null }> =>
      this.request('GET', '/api/v1/audit', undefined, query),
  };

  /** Sends one request and decodes the JSON answer; non-2xx answers become LatheError. */
  async request<T>(method: string, path: string, body?: unknown, query?: Query): Promise<T> {
    const res = await this.#send(method, path, { body, query, accept: 'application/json' });
    return parseJson(await res.text()) as T;
  }

  /** Sends one request with the token; a non-2xx answer becomes LatheError with the server's code. */
  async #send(
    method: string,
    path: string,
    options: {
      body?: unknown;
      /** Bytes sent as they are (an upload), as `contentType` (default application/octet-stream). */
      raw?: Blob | Uint8Array | ReadableStream<Uint8Array>;
      contentType?: string;
      query?: Query | undefined;
      signal?: AbortSignal | undefined;
      accept?: string;
    },
  ): Promise<Response> {
    const qs = new URLSearchParams();
    for (const [k, v] of Object.entries(options.query ?? {}))
      if (Array.isArray(v)) for (const item of v) qs.append(k, String(item));
      else if (v !== undefined && v !== null) qs.set(k, String(v));
    const target = `${this.url}${path}${qs.size ? `?${qs}` : ''}`;
    const headers: Record<string, string> = options.accept ? { accept: options.accept } : {};
    if (this.#token) headers.authorization = `Bearer ${this.#token}`;
    if (options.body !== undefined) headers['content-type'] = 'application/json';
    if (options.raw !== undefined)
      headers['content-type'] = options.contentType ?? 'application/octet-stream';
    let res: Response;
    try {
      res = await this.#fetch(target, {
        method,
        headers,
        body: options.raw ?? (options.body === undefined ? undefined : JSON.stringify(options.body)),
        signal: options.signal,
        // A stream body is sent as it is read (Node's fetch needs this said).
        ...(options.raw instanceof ReadableStream ? { duplex: 'half' } : {}),
      } as RequestInit);
    } catch (err) {
      if ((err as Error | null)?.name === 'AbortError') throw err;
      throw new LatheError(
        'UNAVAILABLE',
        `cannot reach the Lathe server at ${this.url || 'this origin'}: ${describeFetchError(err)}`,
        {
          url: this.url,
        },
      );
    }
    if (res.ok) return res;
    const text = await res.text();
    throw toError(res.status, parseJson(text), text);
  }
}

/** The JSON in `text`, or undefined when there is none (an empty or non-JSON answer). */
function parseJson(text: string): unknown {
  try {
    return text ? JSON.parse(text) : undefined;
  } catch {
    return undefined;
  }
}

function toError(status: number, parsed: unknown, text: string): LatheError {
  const err = (parsed as ErrorBody | undefined)?.error;
  if (err && typeof err.message === 'string') {
    const code = isErrorCode(err.code) ? err.code : status >= 500 ? 'INTERNAL' : 'INVALID_ARGUMENT';
    return new LatheError(code, err.message, {
      ...err.details,
      status,
      ...(err.requestId ? { requestId: err.requestId } : {}),
    });
  }
  const code =
    status === 401
      ? 'UNAUTHENTICATED'
      : status === 403
        ? 'PERMISSION_DENIED'
        : status === 404
          ? 'NOT_FOUND'
          : status === 503
            ? 'UNAVAILABLE'
            : status >= 500
              ? 'INTERNAL'
              : 'INVALID_ARGUMENT';
  return new LatheError(code, `server answered HTTP ${status}: ${text.slice(0, 200)}`, { status });
}

/** "fetch failed (ECONNREFUSED)": Node hides the reason in `cause`. */
function describeFetchError(err: unknown): string {
  const cause = (err as { cause?: { code?: string; message?: string } }).cause;
  const reason = cause?.code ?? cause?.message;
  return reason ? `${(err as Error).message} (${reason})` : (err as Error).message;
}
