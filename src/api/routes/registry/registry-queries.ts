import { sql } from 'kysely';
import type { AuditEvent } from '../../../auth/index.js';
import { type ErrorDetails, LatheError } from '../../../core/index.js';
import type { RegistryService } from '../../../registry/index.js';

// Read-only queries the registry service does not offer yet (lineage of one version, the audit
// trail of a model and its versions). They belong in `src/registry` / `src/auth`; they live here
// until those modules grow them.

/** A node at the other end of a lineage edge. */
export interface LineageNode {
  type: string;
  id: string;
  createdAt: number;
  name?: string;
  digest?: string;
  source?: string;
}

export interface VersionLineage {
  name: string;
  version: number;
  runId: string | null;
  /** What the version came from (its run, the run's datasets), oldest edge first. */
  upstream: LineageNode[];
  /** What was made from the version (deployments, later), oldest edge first. */
  downstream: LineageNode[];
}

/** The lineage edges into and out of one live model version; NOT_FOUND when it does not exist. */
export async function versionLineage(
  registry: RegistryService,
  name: string,
  version: number,
): Promise<VersionLineage> {
  const mv = await registry.versions.get(name, version);
  const id = `${mv.name}/${mv.version}`;
  const db = registry.store.db;
  const [up, down] = await Promise.all([
    db
      .selectFrom('lineage_edges')
      .select(['src_type as type', 'src_id as id', 'created_at'])
      .where('dst_type', '=', 'model_version')
      .where('dst_id', '=', id)
      .orderBy('created_at')
      .orderBy('src_type')
      .orderBy('src_id')
      .execute(),
    db
      .selectFrom('lineage_edges')
      .select(['dst_type as type', 'dst_id as id', 'created_at'])
      .where('src_type', '=', 'model_version')
      .where('src_id', '=', id)
      .orderBy('created_at')
      .orderBy('dst_type')
      .orderBy('dst_id')
      .execute(),
  ]);
  const datasetIds = [...up, ...down].filter((e) => e.type === 'dataset').map((e) => e.id);
  const datasets = datasetIds.length
    ? await db
        .selectFrom('datasets')
        .select(['dataset_uuid', 'name', 'digest', 'source'])
        .where('dataset_uuid', 'in', datasetIds)
        .execute()
    : [];
  const node = (e: { type: string; id: string; created_at: number }): LineageNode => {
    const d = e.type === 'dataset' ? datasets.find((x) => x.dataset_uuid === e.id) : undefined;
    return {
      type: e.type,
      id: e.id,
      createdAt: Number(e.created_at),
      ...(d ? { name: d.name, digest: d.digest, source: d.source } : {}),
    };
  };
  return {
    name: mv.name,
    version: mv.version,
    runId: mv.runId,
    upstream: up.map(node),
    downstream: down.map(node),
  };
}

/**
 * The audit entries of a model and its versions (`registered_model` NAME and `model_version`
 * NAME/N), newest first; `limit` 1..1000; `nextPageToken` while more remain. Entries stay after
 * the model is deleted.
 */
export async function modelAudit(
  registry: RegistryService,
  name: string,
  options: { limit?: number; pageToken?: string } = {},
): Promise<{ events: AuditEvent[]; nextPageToken: string | null }> {
  const limit = options.limit ?? 100;
  const prefix = `${name}/`;
  let q = registry.store.db
    .selectFrom('audit_log')
    .selectAll()
    .where((eb) =>
      eb.or([
        eb.and([eb('object_type', '=', 'registered_model'), eb('object_id', '=', name)]),
        eb.and([
          eb('object_type', '=', 'model_version'),
          // substr, not LIKE: names may hold % and _.
          eb(sql<string>`substr(object_id, 1, ${prefix.length})`, '=', prefix),
          eb(sql<string>`substr(object_id, ${prefix.length + 1})`, 'not like', '%/%'),
        ]),
      ]),
    )
    .orderBy('seq', 'desc')
    .limit(limit + 1);
  if (options.pageToken) q = q.where('seq', '<', decodeToken(options.pageToken));
  const rows = await q.execute();
  const page = rows.slice(0, limit);
  return {
    events: page.map((r) => ({
      seq: r.seq,
      at: new Date(Number(r.at)).toISOString(),
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

function decodeToken(token: string): number {
  const seq = Number(Buffer.from(token, 'base64url').toString());
  if (!Number.isSafeInteger(seq) || seq < 1) {
    throw new LatheError(
      'INVALID_ARGUMENT',
      `pageToken is not one this server issued: ${JSON.stringify(token)}`,
    );
  }
  return seq;
}
