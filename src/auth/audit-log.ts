import { sql } from 'kysely';
import { type ErrorDetails, isoTime, LatheError } from '../core/index.js';
import type { MetaStore } from '../storage/meta/index.js';
import type { Principal } from './roles.js';

/** One audit entry: who did what to which object, when. */
export interface AuditEvent {
  seq: number;
  /** ISO-8601 UTC. */
  at: string;
  actorId: string | null;
  actorName: string;
  tokenId: string | null;
  action: string;
  objectType: string;
  objectId: string;
  details: ErrorDetails;
  requestId: string | null;
}

export interface AuditRecord {
  actor: Principal | null;
  /** Dotted verb, e.g. `token.create`, `model_version.alias_set`. */
  action: string;
  objectType: string;
  objectId: string;
  /** What changed; never secrets. */
  details?: ErrorDetails;
  requestId?: string | null;
}

/**
 * One object whose entries to list: `id` exactly, or (with `under`) every id one level below it,
 * `under/<segment>` (as model versions `NAME/3` sit under model `NAME`).
 */
export type AuditObject = { type: string; id: string } | { type: string; under: string };

export interface AuditQuery {
  objectType?: string;
  objectId?: string;
  /** Entries of any of these objects (OR), e.g. a model and its versions. */
  objects?: readonly AuditObject[];
  action?: string;
  actorName?: string;
  /** Page size, 1..1000 (default 100). */
  limit?: number;
  pageToken?: string;
}

/**
 * The append-only audit log. Entries are listed newest first; `nextPageToken` is set while
 * more entries remain.
 */
export class AuditLog {
  constructor(private readonly store: MetaStore) {}

  async record(r: AuditRecord, db = this.store.db): Promise<void> {
    await db
      .insertInto('audit_log')
      .values({
        at: Date.now(),
        actor_id: r.actor?.userId ?? null,
        actor_name: r.actor?.userName ?? 'system',
        token_id: r.actor?.tokenId ?? null,
        action: r.action,
        object_type: r.objectType,
        object_id: r.objectId,
        details: JSON.stringify(r.details ?? {}),
        request_id: r.requestId ?? null,
      })
      .execute();
  }

  async list(q: AuditQuery = {}): Promise<{ events: AuditEvent[]; nextPageToken: string | null }> {
    const limit = q.limit ?? 100;
    if (!Number.isInteger(limit) || limit < 1 || limit > 1000) {
      throw new LatheError('INVALID_ARGUMENT', `limit must be an integer from 1 to 1000, got ${limit}`);
    }
    let query = this.store.db
      .selectFrom('audit_log')
      .selectAll()
      .orderBy('seq', 'desc')
      .limit(limit + 1);
    if (q.pageToken) query = query.where('seq', '<', decodePageToken(q.pageToken));
    if (q.objectType) query = query.where('object_type', '=', q.objectType);
    if (q.objectId) query = query.where('object_id', '=', q.objectId);
    if (q.objects?.length) {
      const objects = q.objects;
      query = query.where((eb) =>
        eb.or(
          objects.map((o) => {
            if ('id' in o) return eb.and([eb('object_type', '=', o.type), eb('object_id', '=', o.id)]);
            const prefix = `${o.under}/`;
            // substr, not LIKE: ids may hold % and _; and only one level down.
            return eb.and([
              eb('object_type', '=', o.type),
              eb(sql<string>`substr(object_id, 1, ${prefix.length})`, '=', prefix),
              eb(sql<string>`substr(object_id, ${prefix.length + 1})`, 'not like', '%/%'),
            ]);
          }),
        ),
      );
    }
    if (q.action) query = query.where('action', '=', q.action);
    if (q.actorName) query = query.where('actor_name', '=', q.actorName);
    const rows = await query.execute();
    const page = rows.slice(0, limit);
    return {
      events: page.map((r) => ({
        seq: r.seq,
        at: isoTime(r.at),
        actorId: r.actor_id,
        actorName: r.actor_name,
        tokenId: r.token_id,
        action: r.action,
        objectType: r.object_type,
        objectId: r.object_id,
        details: JSON.parse(r.details) as ErrorDetails,
        requestId: r.request_id,
      })),
      nextPageToken: rows.length > limit ? Buffer.from(String(page.at(-1)!.seq)).toString('base64url') : null,
    };
  }
}

function decodePageToken(token: string): number {
  const seq = Number(Buffer.from(token, 'base64url').toString());
  if (!Number.isSafeInteger(seq) || seq < 1) {
    throw new LatheError(
      'INVALID_ARGUMENT',
      `pageToken is not one this server issued: ${JSON.stringify(token)}`,
    );
  }
  return seq;
}
