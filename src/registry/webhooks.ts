import { createHmac } from 'node:crypto';
import { LatheError, newId, randomSecret } from '../core/index.js';
import type { AuditLog, Principal } from '../auth/index.js';
import type { MetaStore, WebhooksTable } from '../storage/meta/index.js';
import { type WebhookEvent, webhookEvents } from './types.js';

/** A webhook subscription as listed: never its secret. */
export interface WebhookSubscription {
  id: string;
  name: string;
  url: string;
  events: WebhookEvent[];
  active: boolean;
  /** Epoch milliseconds (UTC). */
  createdAt: number;
}

export interface CreateWebhookInput {
  name?: string;
  url: string;
  events: readonly string[];
  /** The HMAC secret; a random one is made when omitted. */
  secret?: string;
}

/** One delivery attempt's outcome, for observers (tests, metrics). */
export interface DeliveryReport {
  webhookId: string;
  deliveryId: string;
  event: WebhookEvent;
  attempts: number;
  ok: boolean;
  status: number | null;
  error?: string;
}

export interface WebhooksOptions {
  /** Attempts per delivery (default 3). */
  attempts?: number;
  /** The wait before the second attempt; doubled each further attempt (default 500 ms). */
  backoffMs?: number;
  /** Per-attempt timeout (default 10 s). */
  timeoutMs?: number;
  fetch?: typeof fetch;
  /** Called once per delivery when it succeeds or gives up. */
  onDelivery?: (report: DeliveryReport) => void;
  logger?: { warn(obj: object, msg?: string): void };
}

/** `sha256=<hex HMAC-SHA256 of body with secret>`, the value of `X-Lathe-Signature`. */
export function signPayload(secret: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

function checkUrl(url: unknown): string {
  let parsed: URL | null = null;
  try {
    parsed = typeof url === 'string' ? new URL(url) : null;
  } catch {
    parsed = null;
  }
  if (!parsed || (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')) {
    throw new LatheError(
      'INVALID_ARGUMENT',
      `webhook url must be an http:// or https:// URL, got ${JSON.stringify(url)}`,
    );
  }
  return parsed.toString();
}

function checkEvents(events: unknown): WebhookEvent[] {
  if (!Array.isArray(events) || events.length === 0) {
    throw new LatheError(
      'INVALID_ARGUMENT',
      `webhook events must be a non-empty list of: ${webhookEvents.join(', ')}`,
    );
  }
  for (const e of events) {
    if (!(webhookEvents as readonly unknown[]).includes(e)) {
      throw new LatheError(
        'INVALID_ARGUMENT',
        `unknown webhook event ${JSON.stringify(e)}; valid events: ${webhookEvents.join(', ')}`,
      );
    }
  }
  return [...new Set(events as WebhookEvent[])];
}

const toSubscription = (r: WebhooksTable): WebhookSubscription => ({
  id: r.id,
  name: r.name,
  url: r.url,
  events: JSON.parse(r.events) as WebhookEvent[],
  active: r.active === 1,
  createdAt: r.created_at,
});

/**
 * Webhook subscriptions for registry events, and their delivery: a JSON POST signed with
 * `X-Lathe-Signature`, retried with exponential backoff on network errors and non-2xx answers.
 * `emit` never blocks and never throws; `idle()` waits for deliveries under way.
 */
export class Webhooks {
  readonly #pending = new Set<Promise<void>>();
  readonly #listeners = new Set<(event: WebhookEvent, data: Record<string, unknown>) => void>();
  readonly #abort = new AbortController();
  readonly #attempts: number;
  readonly #backoffMs: number;
  readonly #timeoutMs: number;
  readonly #fetch: typeof fetch;

  constructor(
    private readonly store: MetaStore,
    private readonly audit: AuditLog,
    private readonly options: WebhooksOptions = {},
  ) {
    this.#attempts = Math.max(1, options.attempts ?? 3);
    this.#backoffMs = options.backoffMs ?? 500;
    this.#timeoutMs = options.timeoutMs ?? 10_000;
    this.#fetch = options.fetch ?? fetch;
  }

  /** Stores a subscription; the secret is returned here and never again. */
  async create(
    input: CreateWebhookInput,
    actor: Principal | null,
  ): Promise<{ webhook: WebhookSubscription; secret: string }> {
    const url = checkUrl(input.url);
    const events = checkEvents(input.events);
    const secret = input.secret ?? randomSecret();
    if (typeof secret !== 'string' || secret.length < 8) {
      throw new LatheError('INVALID_ARGUMENT', 'webhook secret must be a string of at least 8 characters');
    }
    const row: WebhooksTable = {
      id: newId('wh_'),
      name: input.name ?? url,
      url,
      events: JSON.stringify(events),
      secret,
      active: 1,
      created_at: Date.now(),
    };
    await this.store.transaction(async (trx) => {
      await trx.insertInto('webhooks').values(row).execute();
      // The secret never reaches the audit log.
      await this.audit.record(
        {
          actor,
          action: 'webhook.create',
          objectType: 'webhook',
          objectId: row.id,
          details: { name: row.name, url, events },
        },
        trx,
      );
    });
    return { webhook: toSubscription(row), secret };
  }

  /** All subscriptions, oldest first. */
  async list(): Promise<WebhookSubscription[]> {
    const rows = await this.store.db
      .selectFrom('webhooks')
      .selectAll()
      .orderBy('created_at')
      .orderBy('id')
      .execute();
    return rows.map(toSubscription);
  }

  /**
   * Pauses or resumes a subscription (audited as `webhook.pause` / `webhook.resume`) and returns
   * it as it now is; NOT_FOUND when there is none with that id.
   */
  async setActive(id: string, active: boolean, actor: Principal | null): Promise<WebhookSubscription> {
    return this.store.transaction(async (trx) => {
      const r = await trx
        .updateTable('webhooks')
        .set({ active: active ? 1 : 0 })
        .where('id', '=', id)
        .executeTakeFirst();
      if (!r.numUpdatedRows) throw new LatheError('NOT_FOUND', `no webhook with id ${JSON.stringify(id)}`);
      await this.audit.record(
        { actor, action: active ? 'webhook.resume' : 'webhook.pause', objectType: 'webhook', objectId: id },
        trx,
      );
      return toSubscription(
        await trx.selectFrom('webhooks').selectAll().where('id', '=', id).executeTakeFirstOrThrow(),
      );
    });
  }

  async delete(id: string, actor: Principal | null): Promise<void> {
    await this.store.transaction(async (trx) => {
      const r = await trx.deleteFrom('webhooks').where('id', '=', id).executeTakeFirst();
      if (!r.numDeletedRows) throw new LatheError('NOT_FOUND', `no webhook with id ${JSON.stringify(id)}`);
      await this.audit.record({ actor, action: 'webhook.delete', objectType: 'webhook', objectId: id }, trx);
    });
  }

  /**
   * Calls `listener` with every event this process emits (serving follows aliases this way), after
   * the write that caused it. Answers a function that removes the listener.
   */
  listen(listener: (event: WebhookEvent, data: Record<string, unknown>) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Delivers `event` to every active subscriber in the background. Never throws. */
  emit(event: WebhookEvent, data: Record<string, unknown>): void {
    for (const listener of this.#listeners)
      try {
        listener(event, data);
      } catch (err) {
        this.options.logger?.warn({ err, event }, 'registry event listener failed');
      }
    const job = this.#deliverAll(event, data).catch((err: unknown) => {
      this.options.logger?.warn({ err, event }, 'webhook delivery failed');
    });
    this.#pending.add(job);
    void job.finally(() => this.#pending.delete(job));
  }

  /** Resolves when every delivery started so far has succeeded or given up. */
  async idle(): Promise<void> {
    while (this.#pending.size) await Promise.allSettled([...this.#pending]);
  }

  /** Cancels retries still waiting. */
  close(): void {
    this.#abort.abort();
  }

  async #deliverAll(event: WebhookEvent, data: Record<string, unknown>): Promise<void> {
    if (this.#abort.signal.aborted) return;
    const rows = await this.store.db.selectFrom('webhooks').selectAll().where('active', '=', 1).execute();
    const targets = rows.filter((r) => (JSON.parse(r.events) as string[]).includes(event));
    await Promise.all(targets.map((r) => this.#deliver(r, event, data)));
  }

  async #deliver(hook: WebhooksTable, event: WebhookEvent, data: Record<string, unknown>): Promise<void> {
    const deliveryId = newId('dlv_');
    const report = (attempts: number, ok: boolean, status: number | null, error?: string) =>
      this.options.onDelivery?.({ webhookId: hook.id, deliveryId, event, attempts, ok, status, error });
    if (!/^https?:\/\//i.test(hook.url)) return report(0, false, null, 'not an http(s) URL');
    const body = JSON.stringify({
      delivery_id: deliveryId,
      event,
      timestamp: new Date().toISOString(),
      data,
    });
    const headers = {
      'content-type': 'application/json',
      'user-agent': 'Lathe-Webhooks',
      'x-lathe-event': event,
      'x-lathe-delivery': deliveryId,
      'x-lathe-signature': signPayload(hook.secret, body),
    };
    let status: number | null = null;
    let error: string | undefined;
    for (let attempt = 1; attempt <= this.#attempts; attempt++) {
      if (attempt > 1 && !(await this.#sleep(this.#backoffMs * 2 ** (attempt - 2)))) break;
      try {
        const res = await this.#fetch(hook.url, {
          method: 'POST',
          headers,
          body,
          redirect: 'manual',
          signal: AbortSignal.any([this.#abort.signal, AbortSignal.timeout(this.#timeoutMs)]),
        });
        status = res.status;
        await res.body?.cancel();
        if (res.ok) return report(attempt, true, status);
        error = `HTTP ${status}`;
      } catch (err) {
        status = null;
        error = (err as Error).message;
      }
    }
    this.options.logger?.warn({ webhookId: hook.id, event, deliveryId, error }, 'webhook delivery gave up');
    report(this.#attempts, false, status, error);
  }

  /** Waits `ms`; false when closed meanwhile. */
  #sleep(ms: number): Promise<boolean> {
    const signal = this.#abort.signal;
    if (signal.aborted) return Promise.resolve(false);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        signal.removeEventListener('abort', onAbort);
        resolve(true);
      }, ms);
      const onAbort = () => {
        clearTimeout(timer);
        resolve(false);
      };
      signal.addEventListener('abort', onAbort, { once: true });
    });
  }
}
