import type { Kysely } from 'kysely';
import { LatheError } from '../core/index.js';
import type { MetaSchema, ModelVersionsTable, RegisteredModelsTable } from '../storage/meta/index.js';
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

function chunks<T>(list: T[], size = 500): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < list.length; i += size) out.push(list.slice(i, i + size));
  return out;
}

async function tagsAndAliases(db: Db, names: string[]) {
  const vtags: { name: string; version: number; key: string; value: string }[] = [];
  const mtags: { name: string; key: string; value: string }[] = [];
  const aliases: { name: string; alias: string; version: number }[] = [];
  for (const part of chunks(names)) {
    const [vt, mt, al] = await Promise.all([
      db.selectFrom('model_version_tags').selectAll().where('name', 'in', part).orderBy('key').execute(),
      db.selectFrom('registered_model_tags').selectAll().where('name', 'in', part).orderBy('key').execute(),
      db
        .selectFrom('registered_model_aliases')
        .selectAll()
        .where('name', 'in', part)
        .orderBy('alias')
        .execute(),
    ]);
    vtags.push(...vt);
    mtags.push(...mt);
    aliases.push(...al);
  }
  return { vtags, mtags, aliases };
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
    tags: d.vtags
      .filter((t) => t.name === r.name && t.version === r.version)
      .map((t) => ({ key: t.key, value: t.value })),
    aliases: d.aliases.filter((a) => a.name === r.name && a.version === r.version).map((a) => a.alias),
  };
}

/** Versions with their tags and aliases, in the order of `rows`. */
export async function loadVersions(db: Db, rows: ModelVersionsTable[]): Promise<ModelVersion[]> {
  if (!rows.length) return [];
  const d = await tagsAndAliases(db, [...new Set(rows.map((r) => r.name))]);
  return rows.map((r) => toVersion(r, d));
}

/** The highest live version of each stage, ordered by version. */
export function latestPerStage(rows: ModelVersionsTable[]): ModelVersionsTable[] {
  const best = new Map<string, ModelVersionsTable>();
  for (const r of rows) {
    if (r.deleted) continue;
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
  const versions: ModelVersionsTable[] = [];
  for (const part of chunks(names)) {
    versions.push(
      ...(await db
        .selectFrom('model_versions')
        .selectAll()
        .where('name', 'in', part)
        .where('deleted', '=', 0)
        .execute()),
    );
  }
  return rows.map((r) => ({
    name: r.name,
    creationTimestamp: Number(r.creation_time),
    lastUpdatedTimestamp: Number(r.last_updated_time),
    description: r.description,
    userId: r.user_id,
    latestVersions: latestPerStage(versions.filter((v) => v.name === r.name)).map((v) => toVersion(v, d)),
    tags: d.mtags.filter((t) => t.name === r.name).map((t) => ({ key: t.key, value: t.value })),
    aliases: d.aliases.filter((a) => a.name === r.name).map((a) => ({ alias: a.alias, version: a.version })),
  }));
}
