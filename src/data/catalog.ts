import type { AuditLog, Principal } from '../auth/index.js';
import { isoTime, LatheError } from '../core/index.js';
import type { DataVersionsTable, MetaStore } from '../storage/meta/index.js';
import { type DatasetVersionLineage, readVersionLineage } from './lineage.js';
import { checkDatasetName, formatRef, parseDatasetRef } from './refs.js';
import type {
  ColumnSchema,
  Dataset,
  DatasetProfile,
  DatasetRef,
  DatasetVersion,
  DatasetVersionDetails,
  IngestReport,
  VersionSource,
} from './types.js';

const lineageType = 'dataset_version';

/** A version about to be recorded: everything but its number. */
export interface NewVersion {
  digest: string;
  size: number;
  rows: number;
  columns: ColumnSchema[];
  profile: DatasetProfile;
  report: IngestReport;
  source: VersionSource;
  recipe?: unknown;
  message?: string;
  /** Sets the dataset's description when given. */
  description?: string;
  /** Versions this one was made from (`name@version`). */
  parents: string[];
  /** Other objects it was made with, recorded as lineage edges into it (a model version…). */
  links?: { type: string; id: string }[];
}

/** The columns a dataset is listed with, beside its version count (selected and grouped by). */
const listedColumns = [
  'd.name',
  'd.description',
  'd.created_at',
  'd.updated_at',
  'd.created_by',
  'lv.rows',
  'lv.size',
] as const;

/**
 * The metadata of datasets and versions in the metadata store: reading them, and recording a new
 * version (with its lineage and audit entry) in one transaction.
 */
export class DataCatalog {
  constructor(
    private readonly store: MetaStore,
    private readonly audit: AuditLog,
  ) {}

  /** Every dataset, by name (or only the one named `name`). */
  async list(name?: string): Promise<Dataset[]> {
    let q = this.store.db
      .selectFrom('data_sets as d')
      .leftJoin('data_versions as v', 'v.name', 'd.name')
      // The latest version's row, for its rows and size.
      .leftJoin('data_versions as lv', (join) =>
        join.onRef('lv.name', '=', 'd.name').on('lv.version', '=', (eb) =>
          eb
            .selectFrom('data_versions as m')
            .select((sub) => sub.fn.max('m.version').as('mv'))
            .whereRef('m.name', '=', 'd.name'),
        ),
      )
      .select(listedColumns)
      .select((eb) => [eb.fn.max('v.version').as('latest'), eb.fn.count('v.version').as('n')])
      .groupBy(listedColumns)
      .orderBy('d.name');
    if (name !== undefined) q = q.where('d.name', '=', name);
    const rows = await q.execute();
    return rows.map((r) => ({
      name: r.name,
      description: r.description,
      createdAt: isoTime(Number(r.created_at)),
      updatedAt: isoTime(Number(r.updated_at)),
      createdBy: r.created_by,
      latestVersion: r.latest === null ? null : Number(r.latest),
      versionCount: Number(r.n),
      latestRows: r.rows === null ? null : Number(r.rows),
      latestSize: r.size === null ? null : Number(r.size),
    }));
  }

  /** One dataset; NOT_FOUND when there is none by that name. */
  async get(name: unknown): Promise<Dataset> {
    const n = checkDatasetName(name);
    const [found] = await this.list(n);
    if (!found) throw new LatheError('NOT_FOUND', `no dataset named ${JSON.stringify(n)}`, { name: n });
    return found;
  }

  /** The versions of a dataset, newest first. */
  async versions(name: unknown): Promise<DatasetVersion[]> {
    const n = checkDatasetName(name);
    const rows = await this.store.db
      .selectFrom('data_versions')
      .selectAll()
      .where('name', '=', n)
      .orderBy('version', 'desc')
      .execute();
    if (!rows.length) {
      await this.get(n);
      return [];
    }
    const parents = await this.#parents(rows.map((r) => formatRef(r.name, r.version)));
    return rows.map((r) => toVersion(r, parents.get(formatRef(r.name, r.version)) ?? []));
  }

  /** The version a reference names, with its profile and ingest report. */
  async version(ref: unknown): Promise<DatasetVersionDetails> {
    const r = typeof ref === 'object' && ref !== null ? (ref as DatasetRef) : parseDatasetRef(ref);
    let q = this.store.db.selectFrom('data_versions').selectAll().where('name', '=', r.name);
    q = r.version === 'latest' ? q.orderBy('version', 'desc').limit(1) : q.where('version', '=', r.version);
    const row = await q.executeTakeFirst();
    if (!row) {
      await this.get(r.name);
      throw r.version === 'latest'
        ? new LatheError('NOT_FOUND', `dataset ${r.name} has no versions yet`)
        : new LatheError('NOT_FOUND', `dataset ${r.name} has no version ${r.version}`, {
            name: r.name,
            version: r.version,
          });
    }
    const key = formatRef(row.name, row.version);
    return toDetails(row, (await this.#parents([key])).get(key) ?? []);
  }

  /** The versions `refs` name (`name@3`) that exist, without profiles; other references are left out. */
  async versionsByRef(refs: string[]): Promise<DatasetVersion[]> {
    const byName = new Map<string, number[]>();
    for (const ref of refs) {
      const at = ref.lastIndexOf('@');
      const version = Number(ref.slice(at + 1));
      if (at > 0 && Number.isInteger(version))
        byName.set(ref.slice(0, at), [...(byName.get(ref.slice(0, at)) ?? []), version]);
    }
    const rows: DataVersionsTable[] = [];
    for (const [name, versions] of byName)
      rows.push(
        ...(await this.store.db
          .selectFrom('data_versions')
          .selectAll()
          .where('name', '=', name)
          .where('version', 'in', versions)
          .execute()),
      );
    if (!rows.length) return [];
    const parents = await this.#parents(rows.map((r) => formatRef(r.name, r.version)));
    return rows.map((r) => toVersion(r, parents.get(formatRef(r.name, r.version)) ?? []));
  }

  /** Its lineage: the edges into and out of version `ref` (which must exist), `depth` generations each way. */
  async lineage(ref: unknown, depth: number): Promise<DatasetVersionLineage> {
    const v = await this.version(ref);
    return readVersionLineage(this.store.db, v.ref, depth, (refs) => this.versionsByRef(refs));
  }

  /** The version of `name` whose content has `digest`, if there is one. */
  async versionByDigest(name: string, digest: string): Promise<DatasetVersionDetails | null> {
    const row = await this.store.db
      .selectFrom('data_versions')
      .select('version')
      .where('name', '=', name)
      .where('digest', '=', digest)
      .executeTakeFirst();
    return row ? this.version({ name, version: row.version }) : null;
  }

  /**
   * Records the next version of `name` (creating the dataset when new), its parent edges and its
   * audit entry in one transaction; two at once into one dataset take consecutive numbers.
   */
  async record(name: string, v: NewVersion, actor: Principal | null): Promise<DatasetVersionDetails> {
    const by = actor?.userName ?? 'local';
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.store.transaction(async (trx) => {
          const now = Date.now();
          const ds = await trx
            .selectFrom('data_sets')
            .select('name')
            .where('name', '=', name)
            .executeTakeFirst();
          if (!ds) {
            await trx
              .insertInto('data_sets')
              .values({
                name,
                description: v.description ?? '',
                created_at: now,
                updated_at: now,
                created_by: by,
              })
              .execute();
          } else {
            await trx
              .updateTable('data_sets')
              .set({
                updated_at: now,
                ...(v.description !== undefined ? { description: v.description } : {}),
              })
              .where('name', '=', name)
              .execute();
          }
          const last = await trx
            .selectFrom('data_versions')
            .select((eb) => eb.fn.max('version').as('v'))
            .where('name', '=', name)
            .executeTakeFirst();
          const row: DataVersionsTable = {
            name,
            version: Number(last?.v ?? 0) + 1,
            digest: v.digest,
            rows: v.rows,
            size: v.size,
            schema: JSON.stringify(v.columns),
            profile: JSON.stringify(v.profile),
            report: JSON.stringify(v.report),
            source: JSON.stringify(v.source),
            recipe: v.recipe === undefined ? null : JSON.stringify(v.recipe),
            message: v.message ?? '',
            created_at: now,
            created_by: by,
          };
          await trx.insertInto('data_versions').values(row).execute();
          const ref = formatRef(name, row.version);
          for (const src of [...v.parents.map((id) => ({ type: lineageType, id })), ...(v.links ?? [])]) {
            await trx
              .insertInto('lineage_edges')
              .values({
                src_type: src.type,
                src_id: src.id,
                dst_type: lineageType,
                dst_id: ref,
                created_at: now,
              })
              .execute();
          }
          await this.audit.record(
            {
              actor,
              action: 'dataset_version.create',
              objectType: 'dataset_version',
              objectId: `${name}/${row.version}`,
              details: { rows: v.rows, digest: v.digest, source: v.source.kind, parents: v.parents },
            },
            trx,
          );
          // Parsed back from the stored text, so the answer equals what a later read gives.
          return toDetails(row, v.parents);
        });
      } catch (err) {
        // Two ingests into one dataset at once: the second takes the next number.
        if (attempt < 3 && this.store.isUniqueViolation(err)) continue;
        throw err;
      }
    }
  }

  async #parents(refs: string[]): Promise<Map<string, string[]>> {
    const edges = await this.store.db
      .selectFrom('lineage_edges')
      .select(['src_id', 'dst_id'])
      .where('dst_type', '=', lineageType)
      .where('src_type', '=', lineageType)
      .where('dst_id', 'in', refs)
      .execute();
    const out = new Map<string, string[]>();
    for (const e of edges) out.set(e.dst_id, [...(out.get(e.dst_id) ?? []), e.src_id]);
    return out;
  }
}

function toVersion(r: DataVersionsTable, parents: string[]): DatasetVersion {
  return {
    name: r.name,
    version: Number(r.version),
    ref: formatRef(r.name, Number(r.version)),
    digest: r.digest,
    rows: Number(r.rows),
    size: Number(r.size),
    columns: JSON.parse(r.schema),
    message: r.message,
    source: JSON.parse(r.source),
    parents,
    createdAt: isoTime(Number(r.created_at)),
    createdBy: r.created_by,
  };
}

function toDetails(r: DataVersionsTable, parents: string[]): DatasetVersionDetails {
  return {
    ...toVersion(r, parents),
    profile: JSON.parse(r.profile),
    report: JSON.parse(r.report),
    recipe: r.recipe === null ? null : JSON.parse(r.recipe),
  };
}
