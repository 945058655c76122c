import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Kysely } from 'kysely';
import pg from 'pg';
import { newId } from '../../core/index.js';
import {
  type MetaSchema,
  type MetaStore,
  type MetricsTable,
  openMetaStore,
} from '../../storage/meta/index.js';

/** A database the search suites run against: how to open a fresh store and clean up after. */
export interface SearchTarget {
  name: string;
  /** Why the target cannot run here, if it cannot. */
  skip?: string;
  open(): Promise<MetaStore>;
  cleanup(): Promise<void>;
}

/**
 * SQLite in a temp directory, and PostgreSQL in a throwaway schema when LATHE_TEST_POSTGRES_URI
 * is set (required in CI, so the PostgreSQL suites never skip there unnoticed).
 */
export function searchTargets(): SearchTarget[] {
  const dirs: string[] = [];
  const schemas: string[] = [];
  const pgUri = process.env.LATHE_TEST_POSTGRES_URI;
  if (!pgUri && process.env.CI) throw new Error('LATHE_TEST_POSTGRES_URI must be set in CI (see .ci/run)');
  return [
    {
      name: 'sqlite',
      async open() {
        const dir = mkdtempSync(path.join(tmpdir(), 'lathe-search-'));
        dirs.push(dir);
        return openMetaStore(`sqlite:${path.join(dir, 'lathe.db')}`);
      },
      async cleanup() {
        for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
      },
    },
    {
      name: 'postgres',
      skip: pgUri
        ? undefined
        : 'LATHE_TEST_POSTGRES_URI is not set: run `eval "$(bash .ci/postgres.sh)"` first',
      async open() {
        const schema = `lathe_test_${newId()}`;
        schemas.push(schema);
        const u = new URL(pgUri!);
        u.searchParams.set('schema', schema);
        return openMetaStore(u.toString());
      },
      async cleanup() {
        if (!schemas.length) return;
        const client = new pg.Client({ connectionString: pgUri });
        await client.connect();
        for (const s of schemas.splice(0)) await client.query(`drop schema if exists ${s} cascade`);
        await client.end();
      },
    },
  ];
}

/** A run to seed: everything but the ids has a default. */
export interface RunSeed {
  id: string;
  experimentId: number;
  name?: string;
  userId?: string;
  status?: string;
  startTime?: number | null;
  endTime?: number | null;
  lifecycleStage?: string;
  artifactUri?: string;
  metrics?: Record<string, number>;
  params?: Record<string, string>;
  tags?: Record<string, string>;
  /** Dataset inputs: name, digest and the `mlflow.data.context` input tag. */
  datasets?: { name: string; digest: string; context?: string }[];
}

/** Inserts an experiment row and returns its id. */
export async function seedExperiment(
  db: Kysely<MetaSchema>,
  e: { name: string; stage?: string; created?: number; updated?: number; tags?: Record<string, string> },
): Promise<number> {
  const row = await db
    .insertInto('experiments')
    .values({
      name: e.name,
      artifact_location: `mem:/${e.name}`,
      lifecycle_stage: e.stage ?? 'active',
      creation_time: e.created ?? 0,
      last_update_time: e.updated ?? 0,
    })
    .returning('experiment_id')
    .executeTakeFirstOrThrow();
  const id = Number(row.experiment_id);
  for (const [key, value] of Object.entries(e.tags ?? {})) {
    await db.insertInto('experiment_tags').values({ experiment_id: id, key, value }).execute();
  }
  return id;
}

/** Inserts a run with its latest metrics (NaN as 0 with is_nan = 1), params, tags and dataset inputs. */
export async function seedRun(db: Kysely<MetaSchema>, r: RunSeed): Promise<void> {
  await db
    .insertInto('runs')
    .values({
      run_uuid: r.id,
      experiment_id: r.experimentId,
      name: r.name ?? r.id,
      user_id: r.userId ?? 'user',
      status: r.status ?? 'FINISHED',
      start_time: r.startTime === undefined ? 0 : r.startTime,
      end_time: r.endTime ?? null,
      lifecycle_stage: r.lifecycleStage ?? 'active',
      artifact_uri: r.artifactUri ?? `mem:/${r.id}`,
      deleted_time: null,
    })
    .execute();
  const metrics = Object.entries(r.metrics ?? {}).map(([key, v]) => ({
    run_uuid: r.id,
    key,
    step: 0,
    timestamp: 0,
    value: Number.isNaN(v) ? 0 : v,
    is_nan: Number.isNaN(v) ? 1 : 0,
  }));
  if (metrics.length) await insertLatestPoints(db, metrics);
  for (const table of ['params', 'tags'] as const) {
    const rows = Object.entries((table === 'params' ? r.params : r.tags) ?? {}).map(([key, value]) => ({
      run_uuid: r.id,
      key,
      value,
    }));
    if (rows.length) await db.insertInto(table).values(rows).execute();
  }
  for (const [i, d] of (r.datasets ?? []).entries()) {
    // One dataset row per (experiment, name, digest), shared by the runs that use it, as Lathe stores them.
    const datasetUuid = `ds-${r.experimentId}-${d.name}-${d.digest}`;
    const inputUuid = `in-${i}-${r.id}`;
    await db
      .insertInto('datasets')
      .values({
        dataset_uuid: datasetUuid,
        experiment_id: r.experimentId,
        name: d.name,
        digest: d.digest,
        source_type: 'local',
        source: 'mem:/',
        schema: null,
        profile: null,
      })
      .onConflict((oc) => oc.column('dataset_uuid').doNothing())
      .execute();
    await db
      .insertInto('inputs')
      .values({
        input_uuid: inputUuid,
        source_type: 'DATASET',
        source_id: datasetUuid,
        destination_type: 'RUN',
        destination_id: r.id,
      })
      .execute();
    if (d.context !== undefined) {
      await db
        .insertInto('input_tags')
        .values({ input_uuid: inputUuid, name: 'mlflow.data.context', value: d.context })
        .execute();
    }
  }
}

/** A 32-hex run id whose order follows `n`. */
export function runId(n: number): string {
  return n.toString(16).padStart(32, '0');
}

/**
 * Stores one point per (run, key), each the metric's latest value and its whole history, writing
 * the store's tables directly (fixtures; logging goes through `Runs`).
 * Each (run, key) must be new.
 */
export async function insertLatestPoints(db: Kysely<MetaSchema>, points: MetricsTable[]): Promise<void> {
  await db.insertInto('latest_metrics').values(points).execute();
  // RETURNING rows come in no promised order: match them to the points by (run, key).
  const series = await db
    .insertInto('metric_series')
    .values(points.map(({ run_uuid, key }) => ({ run_uuid, key })))
    .returning(['series_id', 'run_uuid', 'key'])
    .execute();
  const idOf = new Map(series.map((r) => [`${r.run_uuid}\u0000${r.key}`, r.series_id]));
  await db
    .insertInto('metrics')
    .values(
      points.map(({ run_uuid, key, ...point }) => ({
        ...point,
        series_id: idOf.get(`${run_uuid}\u0000${key}`)!,
      })),
    )
    .execute();
}
