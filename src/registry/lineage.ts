import type { Kysely } from 'kysely';
import type { MetaSchema } from '../storage/meta/index.js';
import { versionLineageId, versionRow } from './registry-rows.js';
import { validateModelName, validateVersion } from './registry-validation.js';

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
  db: Kysely<MetaSchema>,
  name: string,
  version: number,
): Promise<VersionLineage> {
  const mv = await versionRow(db, validateModelName(name), validateVersion(version));
  const id = versionLineageId(mv.name, mv.version);
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
    runId: mv.run_id,
    upstream: up.map(node),
    downstream: down.map(node),
  };
}
