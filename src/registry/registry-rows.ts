import type { Kysely } from 'kysely';
import { LatheError } from '../core/index.js';
import {
  type MetaSchema,
  type ModelVersionsTable,
  type RegisteredModelsTable,
  selectInChunks,
} from '../storage/meta/index.js';
import type { ModelVersion, RegisteredModel, Stage } from './types.js';

/** The store handle or an open transaction. */
export type Db = Kysely<MetaSchema>;

/** The lineage ID of a model version: `NAME/VERSION`. */
export const versionLineageId = (name: string, version: number) => `${name}/${version}`;

export async function modelRow(db: Db, name: string): Promise<RegisteredModelsTable> {
  const row = await db
    .selectFrom('registered_models')
    .selectAll()
    .where('name', '=', name)
    .executeTakeFirst();
  if (!row) throw new LatheError('NOT_FOUND', `Registered Model with name=${name} not found`);
  return row;
}

/** A live (not deleted) version's row; NOT_FOUND otherwise. */
export async function versionRow(db: Db, name: string, version: number): Promise<ModelVersionsTable> {
  const row = await db
    .selectFrom('model_versions')
    .selectAll()
    .where('name', '=', name)
    .where('version', '=', version)
    .where('deleted', '=', 0)
    .executeTakeFirst();
  if (!row) throw new LatheError('NOT_FOUND', `Model Version (name=${name}, version=${version}) not found`);
  return row;
}

/** The version `alias` of model `name` points at; null when there is no such alias. */
export async function aliasVersion(db: Db, name: string, alias: string): Promise<number | null> {
  const row = await db
    .selectFrom('registered_model_aliases')
    .select('version')
    .where('name', '=', name)
    .where('alias', '=', alias)
    .executeTakeFirst();
  return row?.version ?? null;
}

/** `rows` grouped by `key`, each group in the order of `rows`. */
function groupBy<T>(rows: readonly T[], key: (r: T) => string): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const r of rows) {
    const k = key(r);
    const group = out.get(k);
    if (group) group.push(r);
    else out.set(k, [r]);
  }
  return out;
}

const versionKey = (name: string, version: number) => `${name}\u0000${version}`;

/** The tags of the versions and models named, and their aliases, grouped for lookup. */
async function tagsAndAliases(db: Db, names: string[]) {
  const [vtags, mtags, aliases] = await Promise.all([
    selectInChunks(names, (part) =>
      db.selectFrom('model_version_tags').selectAll().where('name', 'in', part).orderBy('key').execute(),
    ),
    selectInChunks(names, (part) =>
      db.selectFrom('registered_model_tags').selectAll().where('name', 'in', part).orderBy('key').execute(),
    ),
    selectInChunks(names, (part) =>
      db
        .selectFrom('registered_model_aliases')
        .selectAll()
        .where('name', 'in', part)
        .orderBy('alias')
        .execute(),
    ),
  ]);
  return {
    vtags: groupBy(vtags, (t) => versionKey(t.name, t.version)),
    mtags: groupBy(mtags, (t) => t.name),
    valiases: groupBy(aliases, (a) => versionKey(a.name, a.version)),
    maliases: groupBy(aliases, (a) => a.name),
  };
}

function toVersion(r: ModelVersionsTable, d: Awaited<ReturnType<typeof tagsAndAliases>>): ModelVersion {
  return {
    name: r.name,
    version: r.version,
    creationTimestamp: Number(r.creation_time),
    lastUpdatedTimestamp: Number(r.last_updated_time),
    userId: r.user_id,
    currentStage: r.current_stage as Stage,
    description: r.description,
    source: r.source,
    runId: r.run_id,
    runLink: r.run_link,
    status: r.status,
    statusMessage: r.status_message,
    tags: (d.vtags.get(versionKey(r.name, r.version)) ?? []).map((t) => ({ key: t.key, value: t.value })),
    aliases: (d.valiases.get(versionKey(r.name, r.version)) ?? []).map((a) => a.alias),
  };
}

/** Versions with their tags and aliases, in the order of `rows`. */
export async function loadVersions(db: Db, rows: ModelVersionsTable[]): Promise<ModelVersion[]> {
  if (!rows.length) return [];
  const d = await tagsAndAliases(db, [...new Set(rows.map((r) => r.name))]);
  return rows.map((r) => toVersion(r, d));
}

/** The highest version of each stage among `rows` (live versions), ordered by version. */
export function latestPerStage(rows: ModelVersionsTable[]): ModelVersionsTable[] {
  const best = new Map<string, ModelVersionsTable>();
  for (const r of rows) {
    const cur = best.get(r.current_stage);
    if (!cur || cur.version < r.version) best.set(r.current_stage, r);
  }
  return [...best.values()].sort((a, b) => a.version - b.version);
}

/** Registered models with tags, aliases and latest versions, in the order of `rows`. */
export async function loadModels(db: Db, rows: RegisteredModelsTable[]): Promise<RegisteredModel[]> {
  if (!rows.length) return [];
  const names = rows.map((r) => r.name);
  const d = await tagsAndAliases(db, names);
  const versions = groupBy(
    await selectInChunks(names, (part) =>
      db
        .selectFrom('model_versions')
        .selectAll()
        .where('name', 'in', part)
        .where('deleted', '=', 0)
        .execute(),
    ),
    (v) => v.name,
  );
  return rows.map((r) => ({
    name: r.name,
    creationTimestamp: Number(r.creation_time),
    lastUpdatedTimestamp: Number(r.last_updated_time),
    description: r.description,
    userId: r.user_id,
    latestVersions: latestPerStage(versions.get(r.name) ?? []).map((v) => toVersion(v, d)),
    tags: (d.mtags.get(r.name) ?? []).map((t) => ({ key: t.key, value: t.value })),
    aliases: (d.maliases.get(r.name) ?? []).map((a) => ({ alias: a.alias, version: a.version })),
  }));
}
