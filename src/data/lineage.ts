import type { Kysely } from 'kysely';
import { isoTime, LatheError } from '../core/index.js';
import type { MetaSchema } from '../storage/meta/index.js';
import type { DatasetVersion } from './types.js';

/** The lineage type of dataset versions; their id is `name@version`. */
const datasetVersionLineageType = 'dataset_version';

/** One end of a lineage edge: a dataset version (`dataset_version`, `name@3`), a run, a model version… */
export interface LineageEnd {
  type: string;
  id: string;
}

/** A node of a version's lineage. */
export interface DataLineageNode extends LineageEnd {
  /** Generations from the version: -1 its parents, -2 theirs…, 0 the version itself, 1 its children… */
  distance: number;
  /** The version, for a dataset version that exists (without its profile). */
  version?: DatasetVersion;
}

/** An edge: `dst` was made from (or used) `src`. */
export interface DataLineageEdge {
  src: LineageEnd;
  dst: LineageEnd;
  /**
   * How: between dataset versions `recipe` (a recipe was fitted on `src`), `join` (a recipe joined
   * `src` in), `append` (rows were appended to `src`), or `derived`; between other objects the pair
   * of types, e.g. `dataset_version→run`.
   */
  kind: string;
  /** ISO 8601 UTC. */
  createdAt: string;
}

/** A direct parent or child, with the edge that links it. */
export interface DataLineageLink extends DataLineageNode {
  kind: string;
  createdAt: string;
}

/** The lineage of one dataset version, across datasets and object types. */
export interface DatasetVersionLineage {
  /** `name@version` (a `latest` reference resolved). */
  ref: string;
  /** Generations followed each way. */
  depth: number;
  /** What the version was made from (edges into it). */
  parents: DataLineageLink[];
  /** What was made from it, in any dataset, and anything else recorded as using it (edges out of it). */
  children: DataLineageLink[];
  /** Every node reached within `depth`, the version first, then by distance (upstream first). */
  nodes: DataLineageNode[];
  /** Every edge between the nodes, oldest first. */
  edges: DataLineageEdge[];
  /** True when the walk stopped at `maxLineageNodes` nodes. */
  truncated: boolean;
}

/** The most generations a lineage walk follows each way. */
export const maxLineageDepth = 10;
/** The most nodes a lineage answers. */
const maxLineageNodes = 500;

interface EdgeRow {
  src_type: string;
  src_id: string;
  dst_type: string;
  dst_id: string;
  created_at: number;
}

const key = (e: LineageEnd) => `${e.type}\u0000${e.id}`;

/** Checks a lineage depth: an integer from 1 to `maxLineageDepth` (default 1). */
export function checkLineageDepth(depth: unknown): number {
  if (depth === undefined) return 1;
  if (typeof depth !== 'number' || !Number.isInteger(depth) || depth < 1 || depth > maxLineageDepth)
    throw new LatheError(
      'INVALID_ARGUMENT',
      `lineage depth must be an integer from 1 to ${maxLineageDepth}; got ${JSON.stringify(depth)}`,
    );
  return depth;
}

/**
 * Walks the lineage edges around dataset version `ref` (which must exist): `depth` generations up
 * (edges into the frontier) and down (edges out of it), whatever the type at the other end.
 * `lookup` answers the dataset versions among the nodes.
 */
export async function readVersionLineage(
  db: Kysely<MetaSchema>,
  ref: string,
  depth: number,
  lookup: (refs: string[]) => Promise<DatasetVersion[]>,
): Promise<DatasetVersionLineage> {
  const self: LineageEnd = { type: datasetVersionLineageType, id: ref };
  const distance = new Map<string, number>([[key(self), 0]]);
  const ends = new Map<string, LineageEnd>([[key(self), self]]);
  const edges = new Map<string, EdgeRow>();
  let truncated = false;
  for (const dir of ['up', 'down'] as const) {
    let frontier = [self];
    for (let level = 1; level <= depth && frontier.length && !truncated; level++) {
      const next: LineageEnd[] = [];
      for (const row of await edgesAt(db, frontier, dir)) {
        const other: LineageEnd =
          dir === 'up' ? { type: row.src_type, id: row.src_id } : { type: row.dst_type, id: row.dst_id };
        const k = key(other);
        if (!distance.has(k)) {
          if (distance.size >= maxLineageNodes) {
            truncated = true;
            break;
          }
          distance.set(k, dir === 'up' ? -level : level);
          ends.set(k, other);
          next.push(other);
        }
        edges.set(`${row.src_type}\u0000${row.src_id}\u0001${row.dst_type}\u0000${row.dst_id}`, row);
      }
      frontier = next;
    }
  }
  const versions = new Map(
    (
      await lookup([...ends.values()].filter((e) => e.type === datasetVersionLineageType).map((e) => e.id))
    ).map((v) => [v.ref, v]),
  );
  const nodes: DataLineageNode[] = [...ends.entries()]
    .map(([k, e]) => {
      const v = e.type === datasetVersionLineageType ? versions.get(e.id) : undefined;
      return { ...e, distance: distance.get(k) ?? 0, ...(v ? { version: v } : {}) };
    })
    .sort(
      (a, b) =>
        Number(a.distance !== 0) - Number(b.distance !== 0) ||
        Number(a.distance > 0) - Number(b.distance > 0) ||
        Math.abs(a.distance) - Math.abs(b.distance) ||
        a.type.localeCompare(b.type) ||
        a.id.localeCompare(b.id, 'en', { numeric: true }),
    );
  const edgeList: DataLineageEdge[] = [...edges.values()]
    .filter((r) => distance.has(key({ type: r.src_type, id: r.src_id })))
    .filter((r) => distance.has(key({ type: r.dst_type, id: r.dst_id })))
    .sort((a, b) => Number(a.created_at) - Number(b.created_at))
    .map((r) => ({
      src: { type: r.src_type, id: r.src_id },
      dst: { type: r.dst_type, id: r.dst_id },
      kind: edgeKind(r, versions),
      createdAt: isoTime(Number(r.created_at)),
    }));
  const byKey = new Map(nodes.map((n) => [key(n), n]));
  const link = (e: DataLineageEdge, other: LineageEnd): DataLineageLink => ({
    ...byKey.get(key(other))!,
    kind: e.kind,
    createdAt: e.createdAt,
  });
  return {
    ref,
    depth,
    parents: edgeList.filter((e) => key(e.dst) === key(self)).map((e) => link(e, e.src)),
    children: edgeList.filter((e) => key(e.src) === key(self)).map((e) => link(e, e.dst)),
    nodes,
    edges: edgeList,
    truncated,
  };
}

/** The edges into (`up`) or out of (`down`) any of `ends`. */
async function edgesAt(db: Kysely<MetaSchema>, ends: LineageEnd[], dir: 'up' | 'down'): Promise<EdgeRow[]> {
  const byType = new Map<string, string[]>();
  for (const e of ends) byType.set(e.type, [...(byType.get(e.type) ?? []), e.id]);
  const [typeCol, idCol] =
    dir === 'up' ? (['dst_type', 'dst_id'] as const) : (['src_type', 'src_id'] as const);
  const out: EdgeRow[] = [];
  for (const [type, ids] of byType) {
    // In chunks, to stay under the databases' bound-parameter limits.
    for (let i = 0; i < ids.length; i += 500) {
      const rows = await db
        .selectFrom('lineage_edges')
        .select(['src_type', 'src_id', 'dst_type', 'dst_id', 'created_at'])
        .where(typeCol, '=', type)
        .where(idCol, 'in', ids.slice(i, i + 500))
        .orderBy('created_at')
        .orderBy('src_id')
        .orderBy('dst_id')
        .execute();
      out.push(...rows);
    }
  }
  return out;
}

function edgeKind(r: EdgeRow, versions: Map<string, DatasetVersion>): string {
  if (r.src_type !== datasetVersionLineageType || r.dst_type !== datasetVersionLineageType)
    return `${r.src_type}→${r.dst_type}`;
  const source = versions.get(r.dst_id)?.source;
  if (source?.kind === 'append') return 'append';
  if (source?.kind === 'recipe') return source.inputs[0] === r.src_id ? 'recipe' : 'join';
  if (source?.kind === 'predictions') return 'predictions';
  return 'derived';
}
