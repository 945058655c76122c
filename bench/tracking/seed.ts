import { randomUUID } from 'node:crypto';
import Database from 'better-sqlite3';
import { sql } from 'kysely';
import { openMetaStore } from '../../src/storage/meta/index.js';
import { insertLatestPoints } from '../../src/tracking/search/search-fixtures.js';

export interface SeedSpec {
  runs: number;
  params: number;
  metrics: number;
  tags: number;
}

/**
 * Seeds one experiment of `spec.runs` runs straight into the store (the HTTP path is measured
 * separately). Returns the experiment ID. SQLite goes through better-sqlite3 in one transaction;
 * PostgreSQL through multi-row inserts.
 */
export async function seedExperiment(metaUri: string, spec: SeedSpec): Promise<string> {
  const store = await openMetaStore(metaUri);
  const now = Date.now();
  const { experiment_id } = await store.db
    .insertInto('experiments')
    .values({
      name: `bench-${now}`,
      artifact_location: 'mlflow-artifacts:/bench',
      lifecycle_stage: 'active',
      creation_time: now,
      last_update_time: now,
    })
    .returning('experiment_id')
    .executeTakeFirstOrThrow();
  const exp = Number(experiment_id);
  const rows = Array.from({ length: spec.runs }, (_, i) => {
    const id = randomUUID().replaceAll('-', '');
    return {
      run: {
        run_uuid: id,
        experiment_id: exp,
        name: `run-${i}`,
        user_id: 'bench',
        status: i % 10 === 0 ? 'FAILED' : 'FINISHED',
        start_time: now - i * 1000,
        end_time: now - i * 1000 + 500,
        lifecycle_stage: 'active',
        artifact_uri: `mlflow-artifacts:/${exp}/${id}/artifacts`,
        deleted_time: null,
      },
      params: Array.from({ length: spec.params }, (_, p) => ({
        run_uuid: id,
        key: `p${p}`,
        value: String((i * (p + 1)) % 97),
      })),
      tags: Array.from({ length: spec.tags }, (_, t) => ({
        run_uuid: id,
        key: `t${t}`,
        value: `tag-${(i + t) % 13}`,
      })),
      metrics: Array.from({ length: spec.metrics }, (_, m) => ({
        run_uuid: id,
        key: `m${m}`,
        step: 0,
        timestamp: now,
        value: ((i * 7919 + m * 104729) % 100000) / 100000,
        is_nan: 0,
      })),
    };
  });
  if (store.dialect === 'sqlite') {
    await store.close();
    const db = new Database(metaUri.slice('sqlite:'.length));
    const insRun = db.prepare(
      'insert into runs values (@run_uuid, @experiment_id, @name, @user_id, @status, @start_time, @end_time, @lifecycle_stage, @artifact_uri, @deleted_time)',
    );
    const insParam = db.prepare('insert into params (run_uuid, key, value) values (@run_uuid, @key, @value)');
    const insTag = db.prepare('insert into tags (run_uuid, key, value) values (@run_uuid, @key, @value)');
    const insSeries = db.prepare('insert into metric_series (run_uuid, key) values (@run_uuid, @key)');
    const insMetric = db.prepare(
      'insert into metrics (series_id, step, timestamp, value, is_nan) values (@series_id, @step, @timestamp, @value, @is_nan)',
    );
    const insLatest = db.prepare(
      'insert into latest_metrics (run_uuid, key, step, timestamp, value, is_nan) values (@run_uuid, @key, @step, @timestamp, @value, @is_nan)',
    );
    db.transaction(() => {
      for (const r of rows) {
        insRun.run(r.run);
        for (const p of r.params) insParam.run(p);
        for (const t of r.tags) insTag.run(t);
        for (const m of r.metrics) {
          const seriesId = insSeries.run({ run_uuid: m.run_uuid, key: m.key }).lastInsertRowid;
          insMetric.run({ ...m, series_id: seriesId });
          insLatest.run(m);
        }
      }
    })();
    db.pragma('optimize');
    db.exec('analyze');
    db.close();
  } else {
    const chunk = <T>(list: T[], n: number) =>
      Array.from({ length: Math.ceil(list.length / n) }, (_, i) => list.slice(i * n, i * n + n));
    for (const part of chunk(rows, 500)) {
      await store.transaction(async (trx) => {
        await trx
          .insertInto('runs')
          .values(part.map((r) => r.run))
          .execute();
        for (const kv of chunk(
          part.flatMap((r) => r.params),
          2000,
        ))
          await trx.insertInto('params').values(kv).execute();
        for (const kv of chunk(
          part.flatMap((r) => r.tags),
          2000,
        ))
          await trx.insertInto('tags').values(kv).execute();
        for (const m of chunk(
          part.flatMap((r) => r.metrics),
          1500,
        )) {
          await insertLatestPoints(trx, m);
        }
      });
    }
    await sql`analyze`.execute(store.db);
    await store.close();
  }
  return String(exp);
}

/** Seeds `points` history points of metric `key` for a new run; returns the run ID. */
export async function seedHistory(
  metaUri: string,
  experimentId: string,
  key: string,
  points: number,
): Promise<string> {
  const store = await openMetaStore(metaUri);
  const id = randomUUID().replaceAll('-', '');
  const now = Date.now();
  await store.db
    .insertInto('runs')
    .values({
      run_uuid: id,
      experiment_id: Number(experimentId),
      name: 'history',
      user_id: 'bench',
      status: 'FINISHED',
      start_time: now,
      end_time: now,
      lifecycle_stage: 'active',
      artifact_uri: 'mlflow-artifacts:/x',
      deleted_time: null,
    })
    .execute();
  const { series_id } = await store.db
    .insertInto('metric_series')
    .values({ run_uuid: id, key })
    .returning('series_id')
    .executeTakeFirstOrThrow();
  const all = Array.from({ length: points }, (_, s) => ({
    series_id,
    step: s,
    timestamp: now + s,
    value: Math.sin(s / 100),
    is_nan: 0,
  }));
  await store.transaction(async (trx) => {
    for (let i = 0; i < all.length; i += 1000)
      await trx
        .insertInto('metrics')
        .values(all.slice(i, i + 1000))
        .execute();
  });
  await store.close();
  return id;
}
